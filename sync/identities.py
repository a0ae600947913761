"""Adapters from the core's identity store (:mod:`inspector_app.identity`) to sync's keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyrage import x25519

from inspector_app import identity
from inspector_app.errors import InputRefused
from inspector_app.home import Home
from inspector_app.i18n import bi
from sync.keys import LocalIdentity, Peer


def peer_from_card(card: identity.Card) -> Peer:
    return Peer(
        fingerprint=card.fingerprint,
        name=card.name,
        role=card.role,
        verify_key=Ed25519PublicKey.from_public_bytes(card.ed25519_public),
        recipient=x25519.Recipient.from_str(card.age_recipient),
        device=card.device,
        card=card.to_json(),
    )


def local_from_unlocked(unlocked: identity.UnlockedIdentity) -> LocalIdentity:
    """A :class:`LocalIdentity` over an unlocked core identity.

    The signing key object stays the core's (sync never serialises it).
    """
    key: Ed25519PrivateKey = unlocked._signing_key
    info = unlocked.info
    return LocalIdentity(
        fingerprint=info.fingerprint,
        name=info.name,
        role=info.role,
        signing_key=key,
        age_identity=unlocked.age_identity(),
        device=info.device,
        card=unlocked.card().to_json(),
    )


def require_role(home: Home | Path, role: str) -> None:
    """Refuse (before asking for the passphrase) when this device's identity is not ``role``."""
    info = identity.load(home)
    if info.role != role:
        raise InputRefused(
            bi(
                "This command needs an identity of role {role}; this device's identity is {got}.",
                role=role,
                got=info.role,
            )
        )


def unlock_local(home: Home | Path, passphrase: str, *, role: str | None = None) -> LocalIdentity:
    """Unlock this device's identity; refuse when it does not have ``role``."""
    if role is not None:
        require_role(home, role)
    return local_from_unlocked(identity.unlock(home, passphrase))


def trusted_lookup(home: Home | Path, *, role: str = "expert") -> Callable[[str], Peer | None]:
    """A lookup of trusted cards of ``role`` by fingerprint (cards are read once)."""
    cards = {c.fingerprint: c for c in identity.trusted_cards(home) if c.role == role}

    def lookup(fp: str) -> Peer | None:
        card = cards.get(fp)
        return peer_from_card(card) if card is not None else None

    return lookup


def trusted_agency(home: Home | Path) -> Peer:
    """The one trusted agency card of an expert device."""
    cards = [c for c in identity.trusted_cards(home) if c.role == "agency"]
    if not cards:
        raise InputRefused(
            bi("No trusted agency card: run `inspector-app identity trust AGENCY_CARD` first.")
        )
    if len(cards) > 1:
        raise InputRefused(
            bi(
                "Several agency cards are trusted ({count}); keep only the agency this batch belongs to.",
                count=len(cards),
            )
        )
    return peer_from_card(cards[0])
