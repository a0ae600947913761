"""The case list's cache of what it derives from the signed findings, and the light reader that
validates it: a start whose store did not change since the last listing imports none of the
findings store's modules and decodes no finding (:mod:`.caselist`).

What the list derives from the ``findings`` table, per case (:class:`Derived`): the stale flag
of its conclusion (``StoreCore.cases``, the outcome rules), whether it has local findings,
whether one of them is a conclusion or a decision, the last ``seq`` of its local findings, and
the flags answered by its current local ``flag_review`` findings. The cache file
(``<workspace>/caselist-cache.json``) holds them under a **fingerprint** of every input:

* the cache's format and the app's version (the outcome rules and the migrations of a build);
* the applied migrations (``schema_migrations``, every namespace, in order). The file is
  written only after a full listing, whose ``open_store`` left the core's migrations exactly
  this build's; so an equal fingerprint of the same app version means they still are;
* the ``findings`` table, append-only (triggers refuse UPDATE and DELETE): its row count, the
  largest ``id`` and that row's ``hash``, and per signer the count, the last ``seq`` and its
  ``hash`` (a hash chain: the signer's whole history) — which tells apart two histories after
  a restored backup;
* every column of every row of ``cases`` (a status changes by UPDATE).

The fingerprint and the rows the list shows are read in one read transaction (one snapshot),
through the standard library's ``sqlite3`` as ``findings.db.connect_reader`` opens it
(``PRAGMA query_only``). What the findings do not decide is never cached: the case rows, the
case folder's JSON files, the cached analysis's flags, ``sync_exports``.

A missing, damaged, foreign or mismatching file is a miss: the full listing, exactly as
without the cache, which then writes the file again (atomically; a failed write is logged at
debug level and changes nothing). The cache holds only what this app wrote into the user's own
workspace.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from inspector_app import __version__
from inspector_app.findings.caserow import CaseRow
from inspector_app.findings.reading import (
    CASE_COLUMNS,
    DB_NAME,
    case_row,
    connect_query_only,
)
from inspector_app.services.analysis_cache import _write_atomic

log = logging.getLogger("inspector_app.services.caselist")

#: the file in the workspace
CACHE_NAME = "caselist-cache.json"
#: bump when :class:`Derived` or the fingerprint changes meaning
CACHE_FORMAT = 1


class Derived(NamedTuple):
    """What the case list derives from one case's findings. (Named tuples, not dataclasses,
    here: this module is read at every start, and a frozen dataclass costs ~1 ms to make.)"""

    #: the store marks the case's conclusion stale (its status then shows ``in_progress``)
    stale: bool
    #: the case has findings signed on this device
    local: bool
    #: one of them is a conclusion or a decision
    concluded: bool
    #: the largest ``seq`` of those findings (None without any)
    last_seq: int | None
    #: the flag ids answered by the case's current local ``flag_review`` findings
    reviewed: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "stale": self.stale,
            "local": self.local,
            "concluded": self.concluded,
            "last_seq": self.last_seq,
            "reviewed": sorted(self.reviewed),
        }

    @classmethod
    def from_json(cls, obj: Any) -> Derived:
        """Raises ValueError unless ``obj`` is exactly what :meth:`to_json` writes."""
        if not isinstance(obj, dict) or set(obj) != {
            "stale",
            "local",
            "concluded",
            "last_seq",
            "reviewed",
        }:
            raise ValueError("not a case entry")
        flags = (obj["stale"], obj["local"], obj["concluded"])
        last, reviewed = obj["last_seq"], obj["reviewed"]
        if not all(isinstance(b, bool) for b in flags):
            raise ValueError("not a case entry")
        if obj["local"] != (isinstance(last, int) and not isinstance(last, bool)):
            raise ValueError("last_seq does not match local")
        if last is not None and not obj["local"]:
            raise ValueError("last_seq without local findings")
        if obj["concluded"] and not obj["local"]:
            raise ValueError("a conclusion without local findings")
        if not isinstance(reviewed, list) or not all(isinstance(f, str) for f in reviewed):
            raise ValueError("reviewed is not a list of flag ids")
        return cls(obj["stale"], obj["local"], obj["concluded"], last, frozenset(reviewed))


class Snapshot(NamedTuple):
    """The store as the case list reads it: the fingerprint, the stored case rows (stale not
    marked) in the store's order, and the last exported finding number."""

    fingerprint: str
    rows: list[CaseRow]
    exported: int | None


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def exported_through(conn: sqlite3.Connection) -> int | None:
    """The last finding number in a bundle this device wrote (the sync layer's table, read
    here without importing it), or None when nothing was exported."""
    if not _has_table(conn, "sync_exports"):
        return None
    row = conn.execute("SELECT MAX(last_seq) FROM sync_exports").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def fingerprint(conn: sqlite3.Connection) -> str | None:
    """The fingerprint (module doc) of the store ``conn`` reads, or None when the store
    cannot be cached (no tables yet, a value JSON does not hold). Call it inside the read
    transaction that reads the values it covers."""
    if not all(_has_table(conn, t) for t in ("schema_migrations", "cases", "findings")):
        return None
    migrations = conn.execute(
        "SELECT namespace, name FROM schema_migrations ORDER BY rowid"
    ).fetchall()
    # per signer (the (signer, seq) index alone, plus one look-up each): the count, the last
    # seq and its hash; their counts add up to the table's
    signers = conn.execute(
        "SELECT signer, count(*), max(seq), (SELECT g.hash FROM findings g"
        " WHERE g.signer = f.signer ORDER BY g.seq DESC LIMIT 1)"
        " FROM findings f GROUP BY signer ORDER BY signer"
    ).fetchall()
    count = sum(int(s[1]) for s in signers)
    last = conn.execute("SELECT id, hash FROM findings ORDER BY id DESC LIMIT 1").fetchone()
    cases = conn.execute("SELECT * FROM cases ORDER BY case_id").fetchall()
    try:
        return json.dumps(
            {
                "format": CACHE_FORMAT,
                "app": __version__,
                "migrations": [list(m) for m in migrations],
                "findings": [count, *(last or (None, None))],
                "signers": [list(s) for s in signers],
                "cases": [list(c) for c in cases],
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
            allow_nan=False,
        )
    except (TypeError, ValueError):  # a blob or NaN somewhere: never cached
        return None


def read_snapshot(workspace: Path) -> Snapshot | None:
    """The store of ``workspace`` read in one snapshot through the standard library, or None
    when the store must be opened by ``open_store`` (missing, no fingerprint).

    Raises:
        sqlite3.Error, OSError, ValueError: the caller falls back to the full listing, which
            reports (or tolerates) the problem exactly as without the cache.
    """
    path = workspace / DB_NAME
    if not path.is_file():
        return None
    conn = connect_query_only(path)
    try:
        conn.execute("BEGIN")
        found = fingerprint(conn)
        if found is None:
            return None
        rows = conn.execute(
            f"SELECT {CASE_COLUMNS} FROM cases ORDER BY imported_at, case_id"
        ).fetchall()
        exported = exported_through(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return Snapshot(found, [case_row(r) for r in rows], exported)


def load(workspace: Path, expected: str) -> dict[str, Derived] | None:
    """The cached values per case id when the file holds them under ``expected``, else None."""
    path = workspace / CACHE_NAME
    try:
        held = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.debug("case list cache %s unreadable (%s): a miss", path, exc)
        return None
    if not isinstance(held, dict) or held.get("format") != CACHE_FORMAT:
        log.debug("case list cache %s of another format: a miss", path)
        return None
    if held.get("fingerprint") != expected:
        log.debug("case list cache %s does not match the store: a miss", path)
        return None
    cases = held.get("cases")
    if not isinstance(cases, dict):
        return None
    try:
        return {case_id: Derived.from_json(entry) for case_id, entry in cases.items()}
    except ValueError as exc:
        log.debug("case list cache %s damaged (%s): a miss", path, exc)
        return None


def save(workspace: Path, found: str, derived: Mapping[str, Derived]) -> None:
    """Write the cache (atomically); a failure (read-only folder, full disk) is only logged."""
    path = workspace / CACHE_NAME
    data = json.dumps(
        {
            "format": CACHE_FORMAT,
            "fingerprint": found,
            "cases": {case_id: d.to_json() for case_id, d in derived.items()},
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    try:
        _write_atomic(workspace, path, lambda fh: fh.write(data))
    except OSError as exc:
        log.debug("case list cache %s not written (%s)", path, exc)


__all__ = [
    "CACHE_NAME",
    "Derived",
    "Snapshot",
    "exported_through",
    "fingerprint",
    "load",
    "read_snapshot",
    "save",
]
