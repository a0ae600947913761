"""This device's identity, cards and recipients — the services behind ``identity …`` and
``pack --recipient``.

A face unlocks the identity once per session with :func:`unlock_identity` and keeps the
:data:`Signer` it returns (in memory only) to sign findings and bundles, so the passphrase is
asked once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector_app import identity
from inspector_app.errors import InputRefused, UsageError
from inspector_app.home import Home
from inspector_app.i18n import bi
from inspector_app.services.files import write_new_file

#: an unlocked identity held by a face for a session — the core's one model of this device
#: (``sign()``, ``age_identity()``, ``recipient``, ``card()``, ``info``, ``fingerprint``,
#: ``role``), passed as it is to the findings and bundle services
Signer = identity.UnlockedIdentity


def identity_exists(home: Home) -> bool:
    """Whether ``home`` has a device identity."""
    from inspector_app.identity.header import exists

    return exists(home)


def unlock_identity(home: Home, passphrase: str) -> Signer:
    """Unlock this device's identity (slow on purpose: the passphrase's KDF).

    Raises:
        InputRefused: no identity, a wrong passphrase, or a damaged identity file.
    """
    return identity.unlock(home, passphrase)


@dataclass(frozen=True)
class IdentityView:
    """This device's public identity, its fingerprint as shown to people, the trusted cards."""

    info: identity.IdentityInfo
    trusted: tuple[identity.Card, ...] = ()

    @property
    def fingerprint_display(self) -> str:
        return identity.format_fingerprint(self.info.fingerprint)

    def to_json(self, *, with_trusted: bool = True) -> dict[str, Any]:
        """The ``identity show --json`` object (``identity init --json`` without ``trusted``)."""
        out = with_display(self.info)
        if with_trusted:
            out["trusted"] = [c.to_json() for c in self.trusted]
        return out


def with_display(who: identity.IdentityInfo | identity.Card) -> dict[str, Any]:
    """``who.to_json()`` with its fingerprint as shown to people (``fingerprint_display``)."""
    out = who.to_json()
    out["fingerprint_display"] = identity.format_fingerprint(who.fingerprint)
    return out


def require_no_identity(home: Home) -> None:
    """Refuse (:class:`UsageError`) when ``home`` already has an identity."""
    if identity.exists(home):
        raise UsageError(
            bi(
                "An identity already exists in {path}; use another --home.",
                path=str(home.identity_dir),
            )
        )


def create_identity(
    home: Home, name: str, role: str, passphrase: str, device: str | None = None
) -> IdentityView:
    """Create this device's identity (signing and encryption keys under ``passphrase``).

    Raises:
        UsageError: the home already has an identity.
    """
    require_no_identity(home)
    info = identity.init_identity(home, name=name, role=role, passphrase=passphrase, device=device)
    return IdentityView(info)


def show_identity(home: Home) -> IdentityView:
    """This device's public identity and the cards it trusts (no passphrase needed)."""
    return IdentityView(identity.load(home), tuple(identity.trusted_cards(home)))


def trusted_cards(home: Home) -> list[identity.Card]:
    """The trusted cards, verified again, by fingerprint."""
    return identity.trusted_cards(home)


def trust_card(home: Home, card_path: str | Path) -> identity.Card:
    """Verify a card file and trust it (show its fingerprint to the user to compare)."""
    return identity.trust_card(home, Path(card_path))


def change_passphrase(home: Home, old: str, new: str) -> None:
    """Re-encrypt this device's keys under ``new``."""
    identity.load(home)
    identity.change_passphrase(home, old, new)


def export_card(home: Home, out: str | Path) -> identity.Card:
    """Write this device's public card to the new file ``out``; returns the card."""
    card = identity.own_card(home)
    write_new_file(Path(out), identity.card_json_text(card).encode("utf-8"), 0o644)
    return card


def export_age_identity(signer: Signer, out: str | Path) -> Path:
    """Write the age SECRET key (for the standard age tool) to the new file ``out`` (0600)."""
    info = signer.info
    text = (
        f"# created: {info.created_at}\n"
        f"# inspector identity: {info.name} / {info.device} / {info.fingerprint}\n"
        f"# public key: {info.age_recipient}\n"
        f"{signer.age_secret_text()}\n"
    )
    path = Path(out)
    write_new_file(path, text.encode("utf-8"), 0o600)
    return path


def resolve_recipient(home: Home | None, key_or_card: str) -> str:
    """An ``age1…`` public key as given, or the age key of an identity card file.

    ``home`` is unused today (kept so a trusted card could be named by fingerprint).

    Raises:
        InputRefused: neither a key nor a readable card.
    """
    del home
    text = key_or_card.strip()
    if text.startswith("age1"):
        return text
    path = Path(key_or_card)
    if path.is_file():
        return str(identity.read_card(path).age_recipient)
    raise InputRefused(
        bi("Not an age public key or an identity card file: {value}", value=key_or_card)
    )


__all__ = [
    "IdentityView",
    "Signer",
    "change_passphrase",
    "create_identity",
    "export_age_identity",
    "export_card",
    "identity_exists",
    "require_no_identity",
    "resolve_recipient",
    "show_identity",
    "trust_card",
    "trusted_cards",
    "unlock_identity",
    "with_display",
]
