"""What reading the workspace store needs, in a module that imports nothing of the store:
its file name, the busy timeout, a query-only connection through the standard library, and
the ``cases`` rows as :class:`~inspector_app.findings.caserow.CaseRow`.

Shared by the store (:mod:`inspector_app.findings.db`, :mod:`inspector_app.findings.core`) and
the case list's light reader (:mod:`inspector_app.services.caselist_cache`), which runs at the
desktop app's start without the store's modules.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inspector_app.findings.caserow import CaseRow

#: the database file in the workspace
DB_NAME = "findings.sqlite3"
#: how long a reader or writer waits for another's lock
BUSY_TIMEOUT_MS = 10_000
#: the columns of ``cases``, in :func:`case_row`'s order
CASE_COLUMNS = (
    "case_id, package_id, uscc, enterprise, project_id, checklist, folder, status,"
    " imported_at, warnings"
)


def connect_query_only(path: Path) -> sqlite3.Connection:
    """An existing database opened to read only (``mode=rw``: never created here; ``PRAGMA
    query_only``), autocommit, with the busy timeout. Raises ``sqlite3.Error``/``OSError``."""
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=rw",
        uri=True,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only=ON")
    except BaseException:
        conn.close()
        raise
    return conn


def case_row(row: Sequence[Any]) -> CaseRow:
    """A row of ``SELECT {CASE_COLUMNS} FROM cases``."""
    return CaseRow(
        case_id=row[0],
        package_id=row[1],
        uscc=row[2],
        enterprise=row[3],
        project_id=row[4],
        checklist=row[5],
        folder=row[6],
        status=row[7],
        imported_at=row[8],
        warnings=json.loads(row[9] or "[]"),
    )


def case_matches(rows: Sequence[CaseRow], text: str) -> list[CaseRow]:
    """The cases ``text`` names (stripped, any case): the one whose id it is, else every one
    whose id starts with it."""
    text = text.strip().lower()
    matches = [c for c in rows if c.case_id.lower().startswith(text)]
    exact = [c for c in matches if c.case_id.lower() == text]
    return exact[:1] or matches


__all__ = [
    "BUSY_TIMEOUT_MS",
    "CASE_COLUMNS",
    "DB_NAME",
    "case_matches",
    "case_row",
    "connect_query_only",
]
