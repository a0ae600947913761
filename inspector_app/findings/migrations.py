"""The core schema of the workspace database, as named migrations (namespace ``findings``).

Never edit a migration that has shipped: add a new one at the end.

Tables:

``cases``
    Imported case packages (mutable: ``status`` changes). ``case_id`` is the package id.
``findings``
    Signed records, **append-only**: triggers refuse every UPDATE and DELETE. ``body`` holds
    the exact signed bytes (canonical JSON, ``docs/formats/findings-record.md``); the other
    columns are copies of body members for queries, and ``findings verify`` checks that they
    agree. ``origin`` is ``local`` (signed on this device) or ``imported`` (another device's
    record, merged from a bundle at the agency). ``skey`` is the implicit-supersession key
    (``score:Q5``, ``flag_review:USAGE_BURST:mes``, ``conclusion``…; NULL for observation and
    interview). Rows are inserted in ``seq`` order per signer.
``checkpoints``
    One signed checkpoint per signer (``docs/formats/checkpoint.md``): its ``seq`` and
    ``head`` hash. Updated in the same transaction as the record it covers; a trigger refuses
    DELETE, a lower ``seq``, and a change of signer.
``drafts``
    What the expert is typing, unsigned, autosaved; never counted anywhere.
"""

from __future__ import annotations

from inspector_app.findings.db import Migration, MigrationSet

INITIAL = Migration(
    "0001_initial",
    (
        """CREATE TABLE cases (
            case_id TEXT PRIMARY KEY,
            package_id TEXT NOT NULL,
            uscc TEXT,
            enterprise TEXT,
            project_id TEXT,
            checklist TEXT,
            folder TEXT,
            status TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            warnings TEXT NOT NULL DEFAULT '[]'
        )""",
        "CREATE INDEX cases_project ON cases (uscc, project_id)",
        """CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            finding_id TEXT NOT NULL UNIQUE,
            signer TEXT NOT NULL,
            seq INTEGER NOT NULL CHECK (seq >= 1),
            prev TEXT,
            hash TEXT NOT NULL UNIQUE,
            case_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            skey TEXT,
            supersedes TEXT,
            created_at TEXT NOT NULL,
            body TEXT NOT NULL,
            signature TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('local', 'imported')),
            UNIQUE (signer, seq)
        )""",
        "CREATE INDEX findings_case ON findings (case_id, kind, skey)",
        "CREATE INDEX findings_supersedes ON findings (supersedes)",
        """CREATE TRIGGER findings_no_update BEFORE UPDATE ON findings
           BEGIN SELECT RAISE(ABORT, 'signed findings are append-only: UPDATE refused'); END""",
        """CREATE TRIGGER findings_no_delete BEFORE DELETE ON findings
           BEGIN SELECT RAISE(ABORT, 'signed findings are append-only: DELETE refused'); END""",
        """CREATE TABLE checkpoints (
            signer TEXT PRIMARY KEY,
            signer_key TEXT NOT NULL,
            seq INTEGER NOT NULL,
            head TEXT NOT NULL,
            head_finding_id TEXT NOT NULL,
            body TEXT NOT NULL,
            signature TEXT NOT NULL
        )""",
        """CREATE TRIGGER checkpoints_forward_only BEFORE UPDATE ON checkpoints
           WHEN NEW.seq <= OLD.seq OR NEW.signer <> OLD.signer OR NEW.signer_key <> OLD.signer_key
           BEGIN SELECT RAISE(ABORT, 'checkpoints only move forward'); END""",
        """CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
           BEGIN SELECT RAISE(ABORT, 'checkpoints cannot be deleted'); END""",
        """CREATE TABLE drafts (
            case_id TEXT NOT NULL,
            key TEXT NOT NULL,
            payload TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (case_id, key)
        )""",
    ),
)

CORE = MigrationSet("findings", (INITIAL,))
