"""A plain-data picture of the agency store, for before/after comparisons (tests, audits)."""

from __future__ import annotations

from typing import Any

from inspector_app.home import Home
from sync.schema import open_db, sync_dir

_SNAPSHOT_TABLES = {
    "findings": "finding_id",
    "checkpoints": "signer",
    "cases": "case_id",
    "sync_devices": "fingerprint",
    "sync_bundles": "bundle_id",
    "sync_pending": "bundle_id",
    "sync_cases": "case_id",
    "sync_attachments": "sha256",
    "sync_finding_attachments": "finding_id, sha256",
}
_TIME_COLUMNS = {"merged_at", "received_at", "imported_at", "receipt", "id"}


def snapshot(home: Home, *, ignore_times: bool = False) -> dict[str, Any]:
    """Everything the agency store holds, as plain data (for before/after comparisons).

    Rows of every table that holds merged state, ordered by key, and the files of the
    attachment store and of ``sync/pending`` and ``sync/receipts`` (name → SHA-256). With
    ``ignore_times`` the moment of merging (and so the receipts, which carry it) is left out:
    two stores that merged the same bundles in different orders are then equal.
    """
    import hashlib

    db = open_db(home)
    out: dict[str, Any] = {}
    try:
        for table, key in _SNAPSHOT_TABLES.items():
            cur = db.conn.execute(f"SELECT * FROM {table} ORDER BY {key}")
            cols = [d[0] for d in cur.description]
            rows = []
            for row in cur.fetchall():
                rec = dict(zip(cols, row, strict=True))
                if ignore_times:
                    rec = {k: v for k, v in rec.items() if k not in _TIME_COLUMNS}
                rows.append(rec)
            out[table] = rows
    finally:
        db.conn.close()
    files: dict[str, str] = {}
    roots = [home.workspace / "attachments", sync_dir(home) / "pending"]
    if not ignore_times:
        roots.append(sync_dir(home) / "receipts")
    for folder in roots:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "tmp" not in path.relative_to(folder).parts:
                    rel = path.relative_to(home.root).as_posix()
                    files[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    out["files"] = files
    return out
