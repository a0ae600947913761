"""The agency's signed receipt for one merged bundle (``docs/formats/receipt.md``).

A receipt file is the canonical JSON of ``{"receipt": {…}, "signature": "<base64>"}``; the
Ed25519 signature (by the agency's device key) covers ``RECEIPT_DOMAIN`` followed by the
canonical JSON of the ``receipt`` member. The expert's ``bundle ack`` verifies it against the
trusted agency card and records that the agency holds the bundle's findings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector_app import canonjson, safejson
from inspector_app.errors import InputRefused
from inspector_app.i18n import bi
from inspector_app.identity import Card, UnlockedIdentity, b64, unb64

FORMAT = "inspector-receipt"
FORMAT_VERSION = "1.0"
RECEIPT_DOMAIN = b"inspector-bundle-receipt-v1\n"
SUFFIX = ".receipt.json"


@dataclass(frozen=True)
class Receipt:
    body: dict[str, Any]
    signature: bytes

    @property
    def bundle_id(self) -> str:
        return str(self.body["bundle_id"])

    @property
    def bundle_hash(self) -> str:
        return str(self.body["bundle_hash"])

    def to_bytes(self) -> bytes:
        return canonjson.dumpb({"receipt": self.body, "signature": b64(self.signature)}) + b"\n"


def make_receipt(
    agency: UnlockedIdentity, manifest: Mapping[str, Any], bundle_hash: str, merged_at: str
) -> Receipt:
    body = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "bundle_id": manifest["bundle_id"],
        "bundle_hash": bundle_hash,
        "expert": manifest["expert"]["fingerprint"],
        "agency": agency.fingerprint,
        "number": manifest["number"],
        "sequence": dict(manifest["sequence"]),
        "head": manifest["chain"]["head"],
        "status": "merged",
        "merged_at": merged_at,
    }
    return Receipt(body, agency.sign(RECEIPT_DOMAIN + canonjson.dumpb(body)))


def receipt_file_name(bundle_id: str) -> str:
    return f"{bundle_id}{SUFFIX}"


def read_receipt(path: Path, agency_lookup: Callable[[str], Card | None]) -> Receipt:
    """Read and verify a receipt against the trusted agency card it names.

    Raises:
        InputRefused: unreadable, malformed, unknown agency or bad signature.
    """
    try:
        obj = safejson.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise InputRefused(
            bi("Cannot read the receipt {path}: {error}", path=str(path), error=exc)
        ) from exc
    body = obj.get("receipt") if isinstance(obj, dict) else None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise InputRefused(bi("{path} is not a bundle receipt.", path=str(path)))
    for key in ("bundle_id", "bundle_hash", "expert", "agency"):
        if not isinstance(body.get(key), str):
            raise InputRefused(bi("{path} is not a bundle receipt.", path=str(path)))
    agency = agency_lookup(body["agency"])
    if agency is None:
        raise InputRefused(
            bi(
                "The receipt {path} is signed by {fingerprint}, which is not the trusted agency.",
                path=str(path),
                fingerprint=body["agency"],
            )
        )
    try:
        signature = unb64(obj.get("signature"))
    except ValueError:
        signature = b""
    if not agency.verify(signature, RECEIPT_DOMAIN + canonjson.dumpb(body)):
        raise InputRefused(
            bi("The receipt {path} has a bad signature: it was altered.", path=str(path))
        )
    return Receipt(body, signature)
