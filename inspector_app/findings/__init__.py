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

from typing import TYPE_CHECKING

from inspector_app.lazy import lazy_exports

if TYPE_CHECKING:
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

#: where each public name lives, imported on first use (PEP 562): the case list opens the
#: store to read without the verifier or the per-kind validation
_LAZY: dict[str, str] = {
    "Migration": "inspector_app.findings.db",
    "MigrationSet": "inspector_app.findings.db",
    "ValidatedFinding": "inspector_app.findings.kinds",
    "validate_payload": "inspector_app.findings.kinds",
    "CHECKPOINT_FORMAT": "inspector_app.findings.records",
    "KINDS": "inspector_app.findings.records",
    "RECORD_FORMAT": "inspector_app.findings.records",
    "RecordError": "inspector_app.findings.records",
    "SignedCheckpoint": "inspector_app.findings.records",
    "SignedRecord": "inspector_app.findings.records",
    "from_wire": "inspector_app.findings.records",
    "parse_checkpoint": "inspector_app.findings.records",
    "parse_record": "inspector_app.findings.records",
    "supersession_key": "inspector_app.findings.records",
    "CaseRow": "inspector_app.findings.store",
    "Draft": "inspector_app.findings.store",
    "Finding": "inspector_app.findings.store",
    "FindingsStore": "inspector_app.findings.store",
    "ImportResult": "inspector_app.findings.store",
    "load_payload": "inspector_app.findings.store",
    "open_store": "inspector_app.findings.store",
    "Problem": "inspector_app.findings.verify",
    "VerifyReport": "inspector_app.findings.verify",
    "verify_store": "inspector_app.findings.verify",
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)

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
