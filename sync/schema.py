"""The sync layer's tables in the workspace database (migration namespace ``sync``).

They live beside the core's tables (``findings``, ``checkpoints``, ``cases``) in the one
workspace database, so that a merge — records, checkpoint, bundle, device head — commits in one
transaction. Both sides use the same schema; an expert's store fills ``sync_exports``, an
agency's the others.

``sync_devices``
    Per expert device known to the agency: its card, the expert's name (devices are grouped by
    it), and the head of what was merged: number of the last bundle, its hash, the last
    finding's ``seq`` and hash.
``sync_bundles``
    Every merged bundle (append-only: triggers refuse UPDATE and DELETE), with its manifest
    and the agency's signed receipt.
``sync_pending``
    Verified bundles that arrived before their predecessor (their file is kept in
    ``<workspace>/sync/pending/``).

Refused bundles leave the database untouched: they are moved to
``<workspace>/sync/quarantine/`` with a ``.reason.json`` file beside each.
``sync_cases``
    Case packages named in bundle manifests: ``case_id`` → USCC, ``project_id``, enterprise,
    SHA-256 of the package's ``manifest.json``.
``sync_attachments``, ``sync_finding_attachments``
    Bundle attachments received (content-addressed files) and which finding cites which.
``sync_exports``
    The expert's exported bundles: number, id, hash, sequence range, file, state
    (``writing`` until the file is renamed into place, then ``done``), the signed manifest (so
    that an interrupted export is re-written identically), and the receipt that acknowledged
    it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from inspector_app.findings.db import Migration, MigrationSet, connect, migrate
from inspector_app.findings.migrations import CORE
from inspector_app.home import Home

if TYPE_CHECKING:
    import sqlite_utils

INITIAL = Migration(
    "0001_initial",
    (
        """CREATE TABLE sync_devices (
            fingerprint TEXT PRIMARY KEY,
            expert TEXT NOT NULL,
            device TEXT,
            card TEXT NOT NULL,
            bundles INTEGER NOT NULL DEFAULT 0,
            last_bundle TEXT,
            head_seq INTEGER NOT NULL DEFAULT 0,
            head TEXT
        )""",
        "CREATE INDEX sync_devices_expert ON sync_devices (expert)",
        """CREATE TABLE sync_bundles (
            bundle_id TEXT PRIMARY KEY,
            bundle_hash TEXT NOT NULL UNIQUE,
            device TEXT NOT NULL,
            number INTEGER NOT NULL,
            previous_bundle TEXT,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            head TEXT,
            manifest TEXT NOT NULL,
            receipt TEXT NOT NULL,
            merged_at TEXT NOT NULL,
            UNIQUE (device, number)
        )""",
        """CREATE TRIGGER sync_bundles_no_update BEFORE UPDATE ON sync_bundles
           BEGIN SELECT RAISE(ABORT, 'merged bundles are append-only: UPDATE refused'); END""",
        """CREATE TRIGGER sync_bundles_no_delete BEFORE DELETE ON sync_bundles
           BEGIN SELECT RAISE(ABORT, 'merged bundles are append-only: DELETE refused'); END""",
        """CREATE TABLE sync_pending (
            bundle_id TEXT PRIMARY KEY,
            bundle_hash TEXT NOT NULL UNIQUE,
            device TEXT NOT NULL,
            number INTEGER NOT NULL,
            previous_bundle TEXT,
            file TEXT NOT NULL,
            received_at TEXT NOT NULL,
            UNIQUE (device, number)
        )""",
        """CREATE TABLE sync_cases (
            case_id TEXT PRIMARY KEY,
            uscc TEXT,
            project_id TEXT,
            enterprise TEXT,
            package_sha256 TEXT
        )""",
        """CREATE TABLE sync_attachments (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL
        )""",
        """CREATE TABLE sync_finding_attachments (
            finding_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (finding_id, sha256)
        )""",
        """CREATE TABLE sync_exports (
            number INTEGER PRIMARY KEY,
            bundle_id TEXT NOT NULL UNIQUE,
            bundle_hash TEXT NOT NULL UNIQUE,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            head TEXT,
            file TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('writing', 'done')),
            created_at TEXT NOT NULL,
            manifest TEXT NOT NULL,
            acked_at TEXT,
            receipt TEXT
        )""",
    ),
)

SYNC = MigrationSet("sync", (INITIAL,))


def database_path(home: Home) -> Path:
    from inspector_app.findings.reading import DB_NAME

    return home.workspace / DB_NAME


def open_db(home: Home) -> sqlite_utils.Database:
    """The workspace database with the core's and sync's migrations applied."""
    path = database_path(home)
    db = connect(path)
    migrate(db, [CORE, SYNC], path)
    return db


def sync_dir(home: Home) -> Path:
    return home.workspace / "sync"
