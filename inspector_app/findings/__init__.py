"""The signed, tamper-evident findings store (``docs/formats/findings-record.md``).

Public API (stable; the sync layer and the UI call only these):

* :func:`open_store` (``home, extra=()``) → :class:`FindingsStore` — cases, findings, drafts,
  the per-signer chain and checkpoint, :meth:`FindingsStore.import_records` for the agency;
* :func:`load_payload` — parse a finding's JSON text with exact decimals;
* :func:`validate_payload` — the strict per-kind validation;
* :func:`verify_store` → :class:`VerifyReport`;
* :class:`SignedRecord`, :class:`SignedCheckpoint`, :func:`parse_record`,
  :func:`parse_checkpoint`, :func:`from_wire` — the signed formats;
* :class:`Migration`, :class:`MigrationSet` — for another area's own named migrations;
* :func:`expert_self_assessment_flag` — ``SELF_ASSESSMENT_INFLATED:<fingerprint>``.
"""

from __future__ import annotations

from inspector_app.findings.db import Migration, MigrationSet
from inspector_app.findings.kinds import ValidatedFinding, validate_payload
from inspector_app.findings.records import (
    CHECKPOINT_FORMAT,
    KINDS,
    RECORD_FORMAT,
    RecordError,
    SignedCheckpoint,
    SignedRecord,
    from_wire,
    parse_checkpoint,
    parse_record,
    supersession_key,
)
from inspector_app.findings.store import (
    CaseRow,
    Draft,
    Finding,
    FindingsStore,
    ImportResult,
    load_payload,
    open_store,
)
from inspector_app.findings.verify import Problem, VerifyReport, verify_store

__all__ = [
    "CHECKPOINT_FORMAT",
    "KINDS",
    "RECORD_FORMAT",
    "CaseRow",
    "Draft",
    "Finding",
    "FindingsStore",
    "ImportResult",
    "Migration",
    "MigrationSet",
    "Problem",
    "RecordError",
    "SignedCheckpoint",
    "SignedRecord",
    "ValidatedFinding",
    "VerifyReport",
    "from_wire",
    "load_payload",
    "open_store",
    "parse_checkpoint",
    "parse_record",
    "supersession_key",
    "validate_payload",
    "verify_store",
]
