"""The keys sync works with, independent of how the identity module stores them.

:class:`LocalIdentity` is this device, unlocked (it can sign and decrypt); :class:`Peer` is a
trusted card (it can verify and be encrypted to). :mod:`sync.identities` builds both from the
core's identity store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyrage import x25519

# re-exported: sync encodes and decodes as the identity area does
from inspector_app.identity.card import b64
from inspector_app.identity.card import unb64 as card_unb64


@dataclass(frozen=True)
class Peer:
    """A trusted device card: who it is and its public keys."""

    fingerprint: str
    name: str
    role: str
    verify_key: Ed25519PublicKey
    recipient: x25519.Recipient
    device: str | None = None
    card: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self.verify_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class LocalIdentity:
    """This device's unlocked identity."""

    fingerprint: str
    name: str
    role: str
    signing_key: Ed25519PrivateKey
    age_identity: x25519.Identity
    device: str | None = None
    card: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def sign(self, message: bytes) -> bytes:
        return self.signing_key.sign(message)

    @property
    def recipient(self) -> x25519.Recipient:
        return self.age_identity.to_public()

    def as_peer(self) -> Peer:
        return Peer(
            fingerprint=self.fingerprint,
            name=self.name,
            role=self.role,
            verify_key=self.signing_key.public_key(),
            recipient=self.recipient,
            device=self.device,
            card=self.card,
        )


def unb64(text: object, length: int | None = None) -> bytes:
    """Strict, canonical standard base64 (the identity area's decoder), refusing non-text."""
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return card_unb64(text, length)


__all__ = ["LocalIdentity", "Peer", "b64", "unb64"]
