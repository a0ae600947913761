"""The workspace database: connection settings, named migrations, environment errors.

One SQLite file, ``<home>/workspace/findings.sqlite3``, opened through sqlite-utils
(:func:`connect`; read-only through the standard library, :func:`connect_reader`) with:

* ``journal_mode=WAL`` and ``synchronous=FULL``: a transaction that returned is on the disk,
  even after a power cut (signed records must never be lost once ``add`` returned);
* ``busy_timeout``: a second writer waits instead of failing at once;
* explicit ``BEGIN IMMEDIATE`` transactions for every multi-step write.

Migrations are **named** and grouped in namespaces; each applied one is recorded in
``schema_migrations``. The core's namespace is ``findings``; another area (the sync layer) may
bring its own namespace of migrations through ``open_database(..., extra=...)``. A database
holding a migration of a known namespace that this build does not know was written by a newer
app: it is refused rather than misread.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from inspector_app.errors import EnvironmentProblem, InputRefused
from inspector_app.findings.reading import (
    BUSY_TIMEOUT_MS,
    connect_query_only,
)
from inspector_app.i18n import bi
from inspector_app.values import isoformat, now

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger("inspector.findings")


# SQLite primary result codes that mean "the environment", not a bug.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED = 3, 5, 6
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT = 8, 10, 11
_SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 13, 14, 26


@dataclass(frozen=True)
class Migration:
    """One named schema step: SQL statements run in one transaction, in order."""

    name: str
    statements: tuple[str, ...]


@dataclass(frozen=True)
class MigrationSet:
    """An ordered list of migrations of one namespace (e.g. ``findings``, ``sync``)."""

    namespace: str
    migrations: tuple[Migration, ...]


def translate_sqlite_error(exc: sqlite3.Error, path: Path) -> EnvironmentProblem | None:
    """An :class:`EnvironmentProblem` for locked/full/read-only/damaged databases, else None."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text:
        return EnvironmentProblem(
            bi(
                "The workspace database {path} is locked by another program; close it and try again.",
                path=str(path),
            )
        )
    if primary == _SQLITE_FULL or "disk is full" in text:
        return EnvironmentProblem(
            bi("The disk holding {path} is full; free some space and try again.", path=str(path))
        )
    if primary in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN) or "readonly" in text:
        return EnvironmentProblem(
            bi(
                "The workspace database {path} cannot be written (read-only folder or no permission).",
                path=str(path),
            )
        )
    if primary == _SQLITE_IOERR or "disk i/o error" in text:
        return EnvironmentProblem(
            bi("The disk reported an I/O error on {path}; check the disk.", path=str(path))
        )
    if (
        primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
        or "malformed" in text
        or "not a database" in text
    ):
        return EnvironmentProblem(
            bi(
                "The workspace database {path} is damaged; restore it from a backup.",
                path=str(path),
            )
        )
    return None


@contextlib.contextmanager
def environment_errors(path: Path) -> Iterator[None]:
    """Re-raise environment-caused SQLite/OS errors as :class:`EnvironmentProblem`."""
    try:
        yield
    except sqlite3.Error as exc:
        problem = translate_sqlite_error(exc, path)
        if problem is None:
            raise
        log.warning("database problem on %s: %s", path, exc)
        raise problem from exc
    except OSError as exc:
        from inspector_app.identity.files import environment_problem

        os_problem = environment_problem(exc, path)
        if os_problem is None:
            raise
        raise os_problem from exc


class Database(Protocol):
    """What the store and the sync layer use of a database: ``sqlite_utils.Database``
    (:func:`connect`) or a :class:`Reader` (:func:`connect_reader`)."""

    @property
    def conn(self) -> sqlite3.Connection: ...

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor: ...

    def table_names(self) -> list[str]: ...


class Reader:
    """A read-only database through the standard library's ``sqlite3`` alone: the store's
    reading queries, without importing sqlite-utils (~0.1–0.2 s with its plugin manager,
    click and dateutil) — the case list at the desktop app's start (:func:`connect_reader`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @property
    def conn(self) -> sqlite3.Connection:
        return self._conn

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        if parameters is None:
            return self._conn.execute(sql)
        return self._conn.execute(sql, parameters)

    def table_names(self) -> list[str]:
        rows = self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return [str(r[0]) for r in rows]


def connect_reader(path: Path, sets: Sequence[MigrationSet]) -> Reader | None:
    """Open the database to read only (``PRAGMA query_only``), or None when it must be opened
    by :func:`connect` and :func:`migrate` first: missing, or its applied migrations of
    ``sets`` are not exactly this build's (older: pending; newer: refused there)."""
    if not path.is_file():
        return None
    with environment_errors(path):
        conn = connect_query_only(path)
        try:
            reader = Reader(conn)
            done = applied_migrations(reader)
            if any(done.get(m.namespace, []) != [x.name for x in m.migrations] for m in sets):
                conn.close()
                return None
        except BaseException:
            conn.close()
            raise
        return reader


def connect(path: Path) -> sqlite_utils.Database:
    """Open (creating) the database with the durability settings above."""
    from inspector_app.findings._sqlite import import_sqlite_utils

    import_sqlite_utils()  # without numpy
    import sqlite_utils

    path.parent.mkdir(parents=True, exist_ok=True)
    with environment_errors(path):
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # pragma: no cover - WAL unsupported (network share)
            log.warning("journal_mode is %s, not WAL, on %s", mode, path)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        return sqlite_utils.Database(conn)


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any exception)."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " namespace TEXT NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL,"
    " PRIMARY KEY (namespace, name))"
)


def applied_migrations(db: Database) -> dict[str, list[str]]:
    """``{namespace: [names in the order applied]}``."""
    if "schema_migrations" not in db.table_names():
        return {}
    result: dict[str, list[str]] = {}
    for namespace, name in db.execute(
        "SELECT namespace, name FROM schema_migrations ORDER BY rowid"
    ).fetchall():
        result.setdefault(namespace, []).append(name)
    return result


def migrate(db: Database, sets: Sequence[MigrationSet], path: Path) -> list[str]:
    """Apply pending migrations of ``sets``; refuse a database newer than this build.

    Returns the names applied now (``namespace:name``).

    Raises:
        InputRefused: the database holds a migration of a known namespace that this build
            does not know (it was written by a newer app).
    """
    applied_now: list[str] = []
    with environment_errors(path):
        if "schema_migrations" not in db.table_names():
            with transaction(db) as conn:
                conn.execute(_MIGRATIONS_TABLE)
        done = applied_migrations(db)
        for mset in sets:
            known = [m.name for m in mset.migrations]
            unknown = [n for n in done.get(mset.namespace, []) if n not in known]
            if unknown:
                raise InputRefused(
                    bi(
                        "The workspace database {path} was written by a newer version of the app (migration {name}); update the app.",
                        path=str(path),
                        name=f"{mset.namespace}:{unknown[0]}",
                    )
                )
        for mset in sets:
            for migration in mset.migrations:
                if migration.name in done.get(mset.namespace, []):
                    continue
                with transaction(db) as conn:
                    # re-check inside the write lock: another process may have migrated
                    row = conn.execute(
                        "SELECT 1 FROM schema_migrations WHERE namespace = ? AND name = ?",
                        (mset.namespace, migration.name),
                    ).fetchone()
                    if row:
                        continue
                    for statement in migration.statements:
                        conn.execute(statement)
                    conn.execute(
                        "INSERT INTO schema_migrations (namespace, name, applied_at) VALUES (?, ?, ?)",
                        (mset.namespace, migration.name, isoformat(now())),
                    )
                applied_now.append(f"{mset.namespace}:{migration.name}")
                log.info("applied migration %s:%s to %s", mset.namespace, migration.name, path)
    return applied_now
