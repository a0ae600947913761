"""Identity cards: the public, self-signed description of one device identity.

A card (``docs/formats/card.md``) is a JSON object::

    {"format": "inspector-card/1", "name": "张三", "role": "expert", "device": "laptop-1",
     "ed25519": "<base64 of the 32-byte public key>", "age": "age1…",
     "fingerprint": "<40 hex>", "created_at": "2026-11-28T08:00:00+08:00",
     "signature": "<base64 of the Ed25519 signature>"}

The signature is Ed25519 over the RFC 8785 canonical JSON of every other member. The
fingerprint is the first 20 bytes (40 lower-case hex digits) of SHA-256 of the raw Ed25519
public key; it names a device identity everywhere (findings, flags, bundles).

A :class:`Card` is also how every layer holds *another* device (a trusted peer): it verifies
that device's signatures (:meth:`Card.verify`) and is what a bundle is encrypted to
(:attr:`Card.recipient`). ``cryptography`` and ``pyrage`` are imported only inside the
functions that verify or build a recipient, so reading public metadata stays light.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app import canonjson, safejson
from inspector_app.errors import InputRefused
from inspector_app.i18n import bi

if TYPE_CHECKING:
    from pyrage import x25519

CARD_FORMAT = "inspector-card/1"
ROLES = ("expert", "agency")
_FIELDS = ("format", "name", "role", "device", "ed25519", "age", "fingerprint", "created_at")
_AGE_RECIPIENT = re.compile(r"^age1[02-9ac-hj-np-z]{58}$")


def b64(data: bytes) -> str:
    """Standard base64 with padding (RFC 4648 §4)."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, length: int | None = None) -> bytes:
    """Decode strict standard base64; ``length`` checks the decoded size.

    Raises:
        ValueError: not text, not canonical base64, or the wrong length.
    """
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("not base64") from exc
    if b64(data) != text:
        raise ValueError("not canonical base64")
    if length is not None and len(data) != length:
        raise ValueError(f"expected {length} bytes, got {len(data)}")
    return data


def fingerprint(ed25519_public: bytes) -> str:
    """The device fingerprint: 40 hex digits of SHA-256 of the raw Ed25519 public key."""
    import hashlib  # not at import (the case list at start loads no OpenSSL)

    return hashlib.sha256(ed25519_public).hexdigest()[:40]


def format_fingerprint(fp: str) -> str:
    """``"3f2a 9c01 …"``: groups of four for reading aloud."""
    return " ".join(fp[i : i + 4] for i in range(0, len(fp), 4))


def verify_signature(public: bytes, signature: bytes, message: bytes) -> bool:
    """True when ``signature`` is a valid Ed25519 signature of ``message`` by ``public``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Card:
    """A verified identity card: another device as this one trusts it (a *peer*), or this
    device's own public card (:meth:`UnlockedIdentity.card`).

    It verifies the device's signatures and is what data for the device is encrypted to.
    """

    name: str
    role: str
    device: str
    ed25519_public: bytes
    age_recipient: str
    fingerprint: str
    created_at: str
    signature: bytes

    def unsigned_json(self) -> dict[str, Any]:
        return {
            "format": CARD_FORMAT,
            "name": self.name,
            "role": self.role,
            "device": self.device,
            "ed25519": b64(self.ed25519_public),
            "age": self.age_recipient,
            "fingerprint": self.fingerprint,
            "created_at": self.created_at,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.unsigned_json(), "signature": b64(self.signature)}

    def to_bytes(self) -> bytes:
        """The card file's bytes: canonical JSON and a newline."""
        return canonjson.dumpb(self.to_json()) + b"\n"

    def verify(self, signature: bytes, message: bytes) -> bool:
        """True when ``signature`` is this device's Ed25519 signature of ``message``."""
        return verify_signature(self.ed25519_public, signature, message)

    @property
    def recipient(self) -> x25519.Recipient:
        """The device's age X25519 recipient, to encrypt to (``age_recipient`` as text)."""
        from pyrage import x25519

        return x25519.Recipient.from_str(self.age_recipient)


def signing_input(unsigned: dict[str, Any]) -> bytes:
    """The bytes a card's signature covers."""
    return canonjson.dumpb(unsigned)


def _refuse(reason: str, source: str) -> InputRefused:
    return InputRefused(
        bi("Not a valid identity card ({source}): {reason}", source=source, reason=reason)
    )


def parse_card(obj: Any, source: str = "card") -> Card:
    """Check a card's shape, fingerprint and self-signature.

    Raises:
        InputRefused: the card is malformed, its fingerprint does not match its key, or its
            signature does not verify.
    """
    if not isinstance(obj, dict):
        raise _refuse("not a JSON object", source)
    if obj.get("format") != CARD_FORMAT:
        raise _refuse(f"format is not {CARD_FORMAT}", source)
    for key in (*_FIELDS, "signature"):
        if not isinstance(obj.get(key), str) or not obj[key]:
            raise _refuse(f"missing or empty string field {key!r}", source)
    if obj["role"] not in ROLES:
        raise _refuse(f"unknown role {obj['role']!r}", source)
    if not _AGE_RECIPIENT.match(obj["age"]):
        raise _refuse("the age recipient is malformed", source)
    try:
        public = unb64(obj["ed25519"], 32)
        signature = unb64(obj["signature"], 64)
    except ValueError as exc:
        raise _refuse(str(exc), source) from exc
    if fingerprint(public) != obj["fingerprint"]:
        raise _refuse("the fingerprint does not match the key", source)
    unsigned = {key: obj[key] for key in _FIELDS}
    if not verify_signature(public, signature, signing_input(unsigned)):
        raise _refuse("the self-signature does not verify", source)
    return Card(
        name=obj["name"],
        role=obj["role"],
        device=obj["device"],
        ed25519_public=public,
        age_recipient=obj["age"],
        fingerprint=obj["fingerprint"],
        created_at=obj["created_at"],
        signature=signature,
    )


def read_card(path: Path) -> Card:
    """Read and verify a card file.

    Raises:
        InputRefused: unreadable, not JSON, or not a valid card.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse("not UTF-8 text", str(path)) from exc
    except OSError as exc:
        raise InputRefused(bi("Cannot read {path}: {error}", path=str(path), error=exc)) from exc
    try:
        obj = safejson.loads(text)
    except ValueError as exc:
        raise _refuse(f"not JSON ({exc})", str(path)) from exc
    return parse_card(obj, str(path))
