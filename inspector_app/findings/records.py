"""The signed findings record and the signed checkpoint (``docs/formats/``).

A **record** is the RFC 8785 canonical JSON of::

    {"format": "inspector-finding/2", "finding_id": "<uuid4>", "case_id": "<package_id>",
     "signer": "<fingerprint>", "signer_key": "<base64 Ed25519 public key>",
     "seq": 7, "prev": "<hex SHA-256 of record 6's body>" | null,
     "created_at": "2026-11-28T09:15:00+08:00", "kind": "score",
     "supersedes": "<finding_id>" | null, "data": {…the kind's fields…}}

its **hash** is SHA-256 of those bytes (lower-case hex), its **signature** Ed25519 over the same
bytes by ``signer_key``. ``seq`` counts 1, 2, 3… per signer; ``prev`` is the previous record's
hash (null for seq 1): a hash chain. A **checkpoint** signs the chain's head::

    {"format": "inspector-checkpoint/1", "signer": …, "signer_key": …, "seq": 7,
     "head": "<hash of record 7>", "head_finding_id": "<finding_id of record 7>",
     "created_at": …}

Both are pure data functions here: no database, no files.

Format versions: ``inspector-finding/2`` (written since the outcome rules) adds ``grounds`` to a
``disqualify`` conclusion (and to the agency's ``decision`` on a conclusion); everything else is
as in ``inspector-finding/1``, whose records (signed before) are read, verified and imported
unchanged — a ``/1`` record never carries ``grounds``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from inspector_app import canonjson, safejson
from inspector_app.identity.card import b64, fingerprint, unb64, verify_signature

RECORD_FORMAT = "inspector-finding/2"
#: the format of records signed before the outcome rules: still read, verified and imported
RECORD_FORMAT_V1 = "inspector-finding/1"
RECORD_FORMATS = (RECORD_FORMAT_V1, RECORD_FORMAT)
CHECKPOINT_FORMAT = "inspector-checkpoint/1"
KINDS = ("score", "flag_review", "observation", "interview", "conclusion", "decision")
RECORD_MEMBERS = frozenset(
    {
        "format",
        "finding_id",
        "case_id",
        "signer",
        "signer_key",
        "seq",
        "prev",
        "created_at",
        "kind",
        "supersedes",
        "data",
    }
)
CHECKPOINT_MEMBERS = frozenset(
    {"format", "signer", "signer_key", "seq", "head", "head_finding_id", "created_at"}
)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_FP = re.compile(r"^[0-9a-f]{40}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


#: data members a kind's supersession key is made of (decision: checked where present)
_KEY_MEMBERS = {"score": ("item",), "flag_review": ("flag",)}


class RecordError(ValueError):
    """A record or checkpoint is malformed (the message says which member)."""


def sha256_hex(data: bytes | memoryview) -> str:
    """SHA-256 of ``data`` as lowercase hex (records, bundles, manifests)."""
    import hashlib  # not at import: OpenSSL is loaded when a record is hashed

    return hashlib.sha256(data).hexdigest()


def supersession_key(kind: str, data: dict[str, Any]) -> str | None:
    """The key under which a newer finding implicitly replaces an older one (same signer, case).

    ``score:<item>``, ``flag_review:<flag>``, ``conclusion``; for ``decision``:
    ``decision:item:<item>``, ``decision:flag:<flag>`` or ``decision:conclusion``;
    ``None`` for observation and interview (superseded only by naming them).
    """
    if kind == "score":
        return f"score:{data['item']}"
    if kind == "flag_review":
        return f"flag_review:{data['flag']}"
    if kind == "conclusion":
        return "conclusion"
    if kind == "decision":
        if "item" in data:
            return f"decision:item:{data['item']}"
        if "flag" in data:
            return f"decision:flag:{data['flag']}"
        return "decision:conclusion"
    return None


@dataclass(frozen=True)
class SignedRecord:
    """One signed finding: the exact body bytes, the signature, and the parsed members."""

    body: bytes
    signature: bytes
    finding_id: str
    case_id: str
    signer: str
    signer_key: bytes
    seq: int
    prev: str | None
    created_at: str
    kind: str
    supersedes: str | None
    data: dict[str, Any]

    @property
    def hash(self) -> str:
        return sha256_hex(self.body)

    @property
    def skey(self) -> str | None:
        return supersession_key(self.kind, self.data)

    def signature_ok(self) -> bool:
        return verify_signature(self.signer_key, self.signature, self.body)

    def to_wire(self) -> dict[str, str]:
        """``{"body": <the canonical JSON text>, "signature": <base64>}`` for bundles."""
        return {"body": self.body.decode("utf-8"), "signature": b64(self.signature)}


@dataclass(frozen=True)
class SignedCheckpoint:
    body: bytes
    signature: bytes
    signer: str
    signer_key: bytes
    seq: int
    head: str
    head_finding_id: str
    created_at: str

    def signature_ok(self) -> bool:
        return verify_signature(self.signer_key, self.signature, self.body)

    def to_wire(self) -> dict[str, str]:
        return {"body": self.body.decode("utf-8"), "signature": b64(self.signature)}


def record_body(
    *,
    finding_id: str,
    case_id: str,
    signer_key: bytes,
    seq: int,
    prev: str | None,
    created_at: str,
    kind: str,
    supersedes: str | None,
    data: dict[str, Any],
    record_format: str = RECORD_FORMAT,
) -> bytes:
    """The canonical bytes to sign for a finding (``record_format``: the test vectors of the
    older version are rebuilt with it; the app signs the current one)."""
    return canonjson.dumpb(
        {
            "format": record_format,
            "finding_id": finding_id,
            "case_id": case_id,
            "signer": fingerprint(signer_key),
            "signer_key": b64(signer_key),
            "seq": seq,
            "prev": prev,
            "created_at": created_at,
            "kind": kind,
            "supersedes": supersedes,
            "data": data,
        }
    )


def checkpoint_body(
    *, signer_key: bytes, seq: int, head: str, head_finding_id: str, created_at: str
) -> bytes:
    return canonjson.dumpb(
        {
            "format": CHECKPOINT_FORMAT,
            "signer": fingerprint(signer_key),
            "signer_key": b64(signer_key),
            "seq": seq,
            "head": head,
            "head_finding_id": head_finding_id,
            "created_at": created_at,
        }
    )


def _load_canonical(
    body: bytes,
    members: frozenset[str],
    fmt: str | tuple[str, ...],
    *,
    check_canonical: bool = True,
) -> dict[str, Any]:
    try:
        obj = safejson.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RecordError("body is not UTF-8 JSON") from exc
    if not isinstance(obj, dict):
        raise RecordError("body is not a JSON object")
    if check_canonical and canonjson.dumpb(obj) != body:
        raise RecordError("body is not in canonical form (RFC 8785)")
    formats = (fmt,) if isinstance(fmt, str) else fmt
    if obj.get("format") not in formats:
        raise RecordError(f"format is not {' or '.join(formats)}")
    if set(obj) != members:
        raise RecordError(f"members differ from {sorted(members)}")
    return obj


def _check_common(obj: dict[str, Any]) -> bytes:
    if not isinstance(obj["signer"], str) or not _FP.match(obj["signer"]):
        raise RecordError("signer is not a fingerprint")
    try:
        key = unb64(obj["signer_key"], 32) if isinstance(obj["signer_key"], str) else b""
    except ValueError as exc:
        raise RecordError("signer_key is not a base64 Ed25519 key") from exc
    if fingerprint(key) != obj["signer"]:
        raise RecordError("signer is not the fingerprint of signer_key")
    seq = obj["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise RecordError("seq is not a positive integer")
    if not isinstance(obj["created_at"], str):
        raise RecordError("created_at is not a string")
    return key


def parse_record(body: bytes, signature: bytes, *, check_canonical: bool = True) -> SignedRecord:
    """Parse a record's body (its shape only; call ``signature_ok()`` to verify).

    Raises:
        RecordError: not canonical JSON, wrong members or types.
    """
    obj = _load_canonical(body, RECORD_MEMBERS, RECORD_FORMATS, check_canonical=check_canonical)
    key = _check_common(obj)
    for member in ("finding_id", "case_id"):
        if not isinstance(obj[member], str) or not obj[member]:
            raise RecordError(f"{member} is not a non-empty string")
    if not _UUID.match(obj["finding_id"]):
        raise RecordError("finding_id is not a UUID")
    prev = obj["prev"]
    if obj["seq"] == 1 and prev is not None:
        raise RecordError("prev must be null at seq 1")
    if obj["seq"] > 1 and not (isinstance(prev, str) and _HEX64.match(prev)):
        raise RecordError("prev is not a SHA-256 hash")
    if obj["kind"] not in KINDS:
        raise RecordError("unknown kind")
    if obj["supersedes"] is not None and not (
        isinstance(obj["supersedes"], str) and _UUID.match(obj["supersedes"])
    ):
        raise RecordError("supersedes is not a finding id")
    if not isinstance(obj["data"], dict):
        raise RecordError("data is not an object")
    for member in _KEY_MEMBERS.get(obj["kind"], ()):
        if not isinstance(obj["data"].get(member), str):
            raise RecordError(f"data.{member} is not a string")
    if "grounds" in obj["data"]:
        _check_grounds(obj)
    return SignedRecord(
        body=body,
        signature=signature,
        finding_id=obj["finding_id"],
        case_id=obj["case_id"],
        signer=obj["signer"],
        signer_key=key,
        seq=obj["seq"],
        prev=prev,
        created_at=obj["created_at"],
        kind=obj["kind"],
        supersedes=obj["supersedes"],
        data=obj["data"],
    )


def _check_grounds(obj: dict[str, Any]) -> None:
    """``data.grounds``: only in ``/2``, only on a conclusion (or the agency's decision on one)."""
    data = obj["data"]
    if obj["format"] == RECORD_FORMAT_V1:
        raise RecordError(f"data.grounds is not part of {RECORD_FORMAT_V1}")
    if obj["kind"] not in ("conclusion", "decision") or "recommendation" not in data:
        raise RecordError("data.grounds belongs to a conclusion only")
    grounds = data["grounds"]
    if (
        not isinstance(grounds, dict)
        or set(grounds) != {"flags", "findings"}
        or not all(
            isinstance(v, list) and all(isinstance(i, str) for i in v) for v in grounds.values()
        )
    ):
        raise RecordError("data.grounds is not {flags: [ids], findings: [ids]}")


def parse_checkpoint(body: bytes, signature: bytes) -> SignedCheckpoint:
    """Parse a checkpoint's body (shape only; call ``signature_ok()``).

    Raises:
        RecordError: malformed.
    """
    obj = _load_canonical(body, CHECKPOINT_MEMBERS, CHECKPOINT_FORMAT)
    key = _check_common(obj)
    if not isinstance(obj["head"], str) or not _HEX64.match(obj["head"]):
        raise RecordError("head is not a SHA-256 hash")
    if not isinstance(obj["head_finding_id"], str) or not _UUID.match(obj["head_finding_id"]):
        raise RecordError("head_finding_id is not a finding id")
    return SignedCheckpoint(
        body=body,
        signature=signature,
        signer=obj["signer"],
        signer_key=key,
        seq=obj["seq"],
        head=obj["head"],
        head_finding_id=obj["head_finding_id"],
        created_at=obj["created_at"],
    )


def from_wire(obj: Any) -> tuple[bytes, bytes]:
    """``(body, signature)`` from a ``to_wire()`` object.

    Raises:
        RecordError: not ``{"body": str, "signature": base64}``.
    """
    if not isinstance(obj, dict) or not isinstance(obj.get("body"), str):
        raise RecordError("not a wire record")
    try:
        signature = unb64(str(obj.get("signature")), 64)
    except ValueError as exc:
        raise RecordError("signature is not 64 base64 bytes") from exc
    return obj["body"].encode("utf-8"), signature
