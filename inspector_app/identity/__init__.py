"""Device identities: an Ed25519 signing key and an age X25519 key per device.

Public API (stable; other areas call only these):

* :func:`init_identity` (``home, name=, role=, passphrase=, device=``) → :class:`IdentityInfo`
* :func:`load` (``home``) → :class:`IdentityInfo` — public information, no passphrase
* :func:`unlock` (``home, passphrase``) → :class:`UnlockedIdentity` — ``sign(bytes)``,
  ``age_identity()`` (a ``pyrage.x25519.Identity``), ``age_recipient()``, ``card()``
* :func:`change_passphrase`, :func:`own_card`, :func:`trust_card`, :func:`trusted_cards`,
  :func:`trusted_card`
* :class:`Card`, :func:`parse_card`, :func:`read_card`, :func:`fingerprint`,
  :func:`verify_signature`

Formats: ``docs/formats/identity-file.md`` and ``docs/formats/card.md``.
"""

from __future__ import annotations

from inspector_app.identity.card import (
    CARD_FORMAT,
    ROLES,
    Card,
    b64,
    fingerprint,
    format_fingerprint,
    parse_card,
    read_card,
    unb64,
    verify_signature,
)
from inspector_app.identity.device import (
    IdentityInfo,
    UnlockedIdentity,
    card_json_text,
    change_passphrase,
    exists,
    init_identity,
    load,
    own_card,
    trust_card,
    trusted_card,
    trusted_cards,
    unlock,
)
from inspector_app.identity.keyfile import DEFAULT_KDF, TEST_KDF, ScryptParams

__all__ = [
    "CARD_FORMAT",
    "DEFAULT_KDF",
    "ROLES",
    "TEST_KDF",
    "Card",
    "IdentityInfo",
    "ScryptParams",
    "UnlockedIdentity",
    "b64",
    "card_json_text",
    "change_passphrase",
    "exists",
    "fingerprint",
    "format_fingerprint",
    "init_identity",
    "load",
    "own_card",
    "parse_card",
    "read_card",
    "trust_card",
    "trusted_card",
    "trusted_cards",
    "unb64",
    "unlock",
    "verify_signature",
]
