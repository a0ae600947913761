"""Device identities: an Ed25519 signing key and an age X25519 key per device.

The one identity model of every layer (sync, reports, the UI and the CLI use these types):

* :class:`UnlockedIdentity` — this device after the passphrase (:func:`unlock`): ``sign()``,
  ``age_identity()`` (to decrypt), ``recipient`` (to encrypt to itself), ``card()``,
  ``fingerprint``, ``name``, ``role``, ``device``;
* :class:`Card` — a device as a card: a trusted peer (:func:`trusted_cards`,
  :func:`trusted_lookup`, :func:`trusted_agency`) or this device's own (:func:`own_card`):
  ``verify()``, ``recipient`` (to encrypt to it), ``to_json()``;
* :class:`IdentityInfo` — this device's public information, without the passphrase
  (:func:`load`).

Public API (stable; other areas call only these):

* :func:`init_identity` (``home, name=, role=, passphrase=, device=``) → :class:`IdentityInfo`
* :func:`load`, :func:`exists`, :func:`require_role`, :func:`check_role`, :func:`unlock`
* :func:`change_passphrase`, :func:`own_card`, :func:`trust_card`, :func:`trusted_cards`,
  :func:`trusted_card`, :func:`trusted_lookup`, :func:`trusted_agency`
* :func:`parse_card`, :func:`read_card`, :func:`fingerprint`, :func:`verify_signature`,
  :func:`b64`, :func:`unb64`

Importing this package imports none of its modules (the names above are resolved on first use);
:mod:`inspector_app.identity.header` (whether an identity exists, its role) imports nothing
heavy. Reading public metadata (:func:`exists`, :func:`load`) imports
neither ``cryptography`` nor ``pyrage``: they are imported inside the functions that sign,
verify, encrypt, decrypt or unlock (``tests/unit/identity/test_lazy_imports.py``).

Formats: ``docs/formats/identity-file.md`` and ``docs/formats/card.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspector_app.lazy import lazy_exports

if TYPE_CHECKING:
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
        check_role,
        init_identity,
        load,
        own_card,
        require_role,
        trust_card,
        trusted_agency,
        trusted_card,
        trusted_cards,
        trusted_lookup,
        unlock,
    )
    from inspector_app.identity.header import exists
    from inspector_app.identity.keyfile import DEFAULT_KDF, TEST_KDF, ScryptParams

#: where each public name lives, imported on first use (PEP 562): the desktop app's start asks
#: only whether an identity exists and its role (``inspector_app.identity.header``), without the
#: cards' and key file's modules (canonical JSON, decimals, hashing: ~20 ms)
_LAZY: dict[str, str] = {
    "CARD_FORMAT": "inspector_app.identity.card",
    "ROLES": "inspector_app.identity.card",
    "Card": "inspector_app.identity.card",
    "b64": "inspector_app.identity.card",
    "fingerprint": "inspector_app.identity.card",
    "format_fingerprint": "inspector_app.identity.card",
    "parse_card": "inspector_app.identity.card",
    "read_card": "inspector_app.identity.card",
    "unb64": "inspector_app.identity.card",
    "verify_signature": "inspector_app.identity.card",
    "IdentityInfo": "inspector_app.identity.device",
    "UnlockedIdentity": "inspector_app.identity.device",
    "card_json_text": "inspector_app.identity.device",
    "change_passphrase": "inspector_app.identity.device",
    "check_role": "inspector_app.identity.device",
    "exists": "inspector_app.identity.header",
    "init_identity": "inspector_app.identity.device",
    "load": "inspector_app.identity.device",
    "own_card": "inspector_app.identity.device",
    "require_role": "inspector_app.identity.device",
    "trust_card": "inspector_app.identity.device",
    "trusted_agency": "inspector_app.identity.device",
    "trusted_card": "inspector_app.identity.device",
    "trusted_cards": "inspector_app.identity.device",
    "trusted_lookup": "inspector_app.identity.device",
    "unlock": "inspector_app.identity.device",
    "DEFAULT_KDF": "inspector_app.identity.keyfile",
    "TEST_KDF": "inspector_app.identity.keyfile",
    "ScryptParams": "inspector_app.identity.keyfile",
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)

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
    "check_role",
    "exists",
    "fingerprint",
    "format_fingerprint",
    "init_identity",
    "load",
    "own_card",
    "parse_card",
    "read_card",
    "require_role",
    "trust_card",
    "trusted_agency",
    "trusted_card",
    "trusted_cards",
    "trusted_lookup",
    "unb64",
    "unlock",
    "verify_signature",
]
