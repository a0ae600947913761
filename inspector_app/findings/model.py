"""Plain data of the workspace store: cases, stored findings, drafts, merge results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from inspector_app import safejson
from inspector_app.findings.caserow import CaseRow  # re-exported (a light module of its own)
from inspector_app.findings.records import SignedRecord

CASE_STATUSES = ("imported", "in_progress", "concluded", "decided")


@dataclass(frozen=True)
class Finding:
    """A stored finding: its signed record, where it came from, and what replaced it."""

    record: SignedRecord
    origin: str
    superseded_by: str | None = None
    #: a conclusion's grounds that were withdrawn since it was signed (``findings.outcome``)
    withdrawn_grounds: tuple[str, ...] = ()

    @property
    def finding_id(self) -> str:
        return self.record.finding_id

    @property
    def kind(self) -> str:
        return self.record.kind

    @property
    def data(self) -> dict[str, Any]:
        return self.record.data

    @property
    def current(self) -> bool:
        return self.superseded_by is None

    @property
    def stale(self) -> bool:
        """A current conclusion one of whose grounds was withdrawn (it stays signed)."""
        return self.current and bool(self.withdrawn_grounds)

    def to_json(self) -> dict[str, Any]:
        """The CLI's shape: the kind's fields at the top level, beside the record's metadata."""
        r = self.record
        return {
            "finding_id": r.finding_id,
            "case_id": r.case_id,
            "kind": r.kind,
            **r.data,
            "supersedes": r.supersedes,
            "superseded_by": self.superseded_by,
            "current": self.current,
            "stale": self.stale,
            "withdrawn_grounds": list(self.withdrawn_grounds),
            "signer": r.signer,
            "seq": r.seq,
            "created_at": r.created_at,
            "hash": r.hash,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class Draft:
    case_id: str
    key: str
    payload: dict[str, Any]
    updated_at: str


@dataclass(frozen=True)
class ImportResult:
    """What :meth:`FindingsStore.import_records` did."""

    signer: str
    added: int
    already_present: int
    checkpoint_seq: int | None


def payload_json(payload: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value, "f")
        raise TypeError(type(value).__name__)

    return json.dumps(payload, ensure_ascii=False, default=default, sort_keys=True)


def package_paths(folder: Path) -> frozenset[str] | None:
    """The entry paths listed in an imported case's ``manifest.json`` (None if unreadable)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8-sig"))
        return frozenset(str(f["path"]) for f in manifest["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_payload(text: str) -> Any:
    """Parse a finding's JSON text with exact decimals (never ``float``)."""
    return safejson.loads(text, parse_float=Decimal)


__all__ = [
    "CASE_STATUSES",
    "CaseRow",
    "Draft",
    "Finding",
    "ImportResult",
    "load_payload",
    "package_paths",
    "payload_json",
]
