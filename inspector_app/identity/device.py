"""This device's identity: creation, public information, unlocking, passphrase change, trust.

Layout under the home folder (``Home.identity_dir``, mode 0700)::

    identity/identity.json         the encrypted identity file (keyfile.py), mode 0600
    identity/card.json             this device's public, self-signed card (card.py)
    identity/trusted/<fp>.json     cards this device trusts (an expert: the agency's;
                                   the agency: each expert device's)

The two types every layer uses: :class:`UnlockedIdentity` (this device after the passphrase:
it signs and decrypts) and :class:`~inspector_app.identity.card.Card` (a trusted device: it
verifies and is encrypted to). :class:`IdentityInfo` is this device's public information,
read without the passphrase. ``cryptography`` and ``pyrage`` are imported only inside the
functions that create, unlock, sign or decrypt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.errors import InputRefused, UsageError
from inspector_app.home import Home
from inspector_app.i18n import bi
from inspector_app.identity import keyfile
from inspector_app.identity.card import (
    ROLES,
    Card,
    b64,
    fingerprint,
    parse_card,
    read_card,
    signing_input,
    unb64,
)
from inspector_app.identity.files import atomic_write
from inspector_app.identity.header import IDENTITY_FILE, damaged, identity_dir, read_header
from inspector_app.values import isoformat, now

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from pyrage import x25519

CARD_FILE = "card.json"
TRUSTED_DIR = "trusted"


_identity_dir = identity_dir


@dataclass(frozen=True)
class IdentityInfo:
    """The public side of this device's identity (no passphrase needed)."""

    name: str
    role: str
    device: str
    created_at: str
    ed25519_public: bytes
    age_recipient: str
    fingerprint: str
    path: Path
    kdf: keyfile.ScryptParams

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "device": self.device,
            "created_at": self.created_at,
            "fingerprint": self.fingerprint,
            "ed25519": b64(self.ed25519_public),
            "age_recipient": self.age_recipient,
            "path": str(self.path),
            "kdf": {"alg": "scrypt", "log_n": self.kdf.log_n, "r": self.kdf.r, "p": self.kdf.p},
        }


@dataclass(frozen=True)
class UnlockedIdentity:
    """This device's identity after the passphrase: it can sign and decrypt.

    Keep it in memory only as long as needed; it is never written anywhere. Its public side
    is :meth:`card` (what another device trusts and verifies with).
    """

    info: IdentityInfo
    _signing_key: Ed25519PrivateKey = field(repr=False)
    _age_secret: str = field(repr=False)

    @property
    def fingerprint(self) -> str:
        return self.info.fingerprint

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def role(self) -> str:
        return self.info.role

    @property
    def device(self) -> str:
        return self.info.device

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""
        return self.info.ed25519_public

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature (64 bytes) of ``message``."""
        return self._signing_key.sign(message)

    def age_identity(self) -> x25519.Identity:
        """The age X25519 identity, to decrypt: ``pyrage.decrypt(data, [identity])``."""
        from pyrage import x25519

        return x25519.Identity.from_str(self._age_secret)

    @property
    def recipient(self) -> x25519.Recipient:
        """This device's age recipient, to encrypt to itself (``info.age_recipient`` as text)."""
        from pyrage import x25519

        return x25519.Recipient.from_str(self.info.age_recipient)

    def age_secret_text(self) -> str:
        """``AGE-SECRET-KEY-1…``: only for ``identity export-age-identity``."""
        return self._age_secret

    def card(self) -> Card:
        """This device's card, self-signed now (Ed25519 is deterministic: the same bytes as
        ``card.json``); what another device trusts, and how this device verifies itself."""
        return make_card(self)


def make_card(unlocked: UnlockedIdentity) -> Card:
    info = unlocked.info
    unsigned = {
        "format": "inspector-card/1",
        "name": info.name,
        "role": info.role,
        "device": info.device,
        "ed25519": b64(info.ed25519_public),
        "age": info.age_recipient,
        "fingerprint": info.fingerprint,
        "created_at": info.created_at,
    }
    signature = unlocked.sign(signing_input(unsigned))
    return parse_card({**unsigned, "signature": b64(signature)}, "self")


def _public_header(
    name: str, role: str, device: str, created_at: str, *, public: bytes, age: str
) -> dict[str, Any]:
    return {
        "name": name,
        "role": role,
        "device": device,
        "created_at": created_at,
        "ed25519": b64(public),
        "age": age,
        "fingerprint": fingerprint(public),
    }


def init_identity(
    home: Home | Path,
    *,
    name: str,
    role: str,
    passphrase: str,
    device: str | None = None,
    _kdf: keyfile.ScryptParams = keyfile.DEFAULT_KDF,
) -> IdentityInfo:
    """Create this device's identity (Ed25519 + age X25519), encrypted under ``passphrase``.

    ``_kdf`` lowers the scrypt cost for tests only; the CLI never passes it.

    Raises:
        UsageError: an identity already exists, or name/role/device are invalid.
        InputRefused: the passphrase is too short.
    """
    folder = _identity_dir(home)
    if (folder / IDENTITY_FILE).exists():
        raise UsageError(
            bi("An identity already exists in {path}; use another --home.", path=str(folder))
        )
    name = name.strip()
    if not name:
        raise UsageError(bi("The name must not be empty."))
    if role not in ROLES:
        raise UsageError(bi("The role must be expert or agency."))
    import platform

    device = (device or platform.node() or "device").strip()
    keyfile.check_new_passphrase(passphrase)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from pyrage import x25519

    signing = Ed25519PrivateKey.generate()
    public = signing.public_key().public_bytes_raw()
    age_identity = x25519.Identity.generate()
    age_secret = str(age_identity)
    age_public = str(age_identity.to_public())
    created_at = isoformat(now())
    header = _public_header(name, role, device, created_at, public=public, age=age_public)
    secrets_obj = {"ed25519_seed": b64(signing.private_bytes_raw()), "age_secret": age_secret}
    data = keyfile.seal(header, secrets_obj, passphrase, _kdf)
    folder.mkdir(parents=True, exist_ok=True)
    info = IdentityInfo(
        name=name,
        role=role,
        device=device,
        created_at=created_at,
        ed25519_public=public,
        age_recipient=age_public,
        fingerprint=fingerprint(public),
        path=folder / IDENTITY_FILE,
        kdf=_kdf,
    )
    # the card first: an identity file never exists without its card (a crash in between
    # leaves only a card, which the next `init` replaces)
    card = make_card(UnlockedIdentity(info, signing, age_secret))
    atomic_write(folder / CARD_FILE, card.to_bytes(), mode=0o644)
    atomic_write(folder / IDENTITY_FILE, data)
    loaded = load(home)
    assert loaded == info
    return loaded


def load(home: Home | Path) -> IdentityInfo:
    """The public information of this device's identity, without the passphrase.

    Raises:
        InputRefused: there is no identity in ``home`` or its file is damaged.
    """
    path = _identity_dir(home) / IDENTITY_FILE
    if not path.is_file():
        raise InputRefused(
            bi(
                "No identity in {path}: run `inspector-app identity init` first.",
                path=str(path.parent),
            )
        )
    obj = read_header(path)
    params, _salt = keyfile.kdf_params(obj, path)
    try:
        public = unb64(str(obj["ed25519"]), 32)
        info = IdentityInfo(
            name=str(obj["name"]),
            role=str(obj["role"]),
            device=str(obj["device"]),
            created_at=str(obj["created_at"]),
            ed25519_public=public,
            age_recipient=str(obj["age"]),
            fingerprint=str(obj["fingerprint"]),
            path=path,
            kdf=params,
        )
    except (KeyError, ValueError) as exc:
        raise damaged(path, exc) from exc
    if fingerprint(public) != info.fingerprint or info.role not in ROLES:
        raise damaged(path, "fingerprint")
    return info


def unlock(home: Home | Path, passphrase: str) -> UnlockedIdentity:
    """Decrypt this device's keys with ``passphrase``.

    Raises:
        InputRefused: no identity, wrong passphrase (after the full KDF cost), or damage.
    """
    info = load(home)  # no identity: refused before anything is decrypted
    import pyrage
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _header, secrets_obj = keyfile.open_sealed(info.path, passphrase)
    try:
        seed = unb64(secrets_obj["ed25519_seed"], 32)
        signing = Ed25519PrivateKey.from_private_bytes(seed)
        age_secret = secrets_obj["age_secret"]
        age_public = str(pyrage.x25519.Identity.from_str(age_secret).to_public())
    except (KeyError, ValueError, pyrage.IdentityError) as exc:
        raise damaged(info.path, "keys") from exc
    if (
        signing.public_key().public_bytes_raw() != info.ed25519_public
        or age_public != info.age_recipient
    ):
        raise damaged(info.path, "public keys do not match the secret keys")
    return UnlockedIdentity(info, signing, age_secret)


def change_passphrase(
    home: Home | Path,
    old: str,
    new: str,
    *,
    _kdf: keyfile.ScryptParams | None = None,
) -> IdentityInfo:
    """Re-encrypt the keys under ``new`` (fresh salt and nonce), atomically.

    The file is replaced in one rename: after a crash it holds the old or the new encryption.
    The cost is the production cost unless the test-only ``_kdf`` is given.
    """
    keyfile.check_new_passphrase(new)
    unlocked = unlock(home, old)
    info = unlocked.info
    header = _public_header(
        info.name,
        info.role,
        info.device,
        info.created_at,
        public=info.ed25519_public,
        age=info.age_recipient,
    )
    secrets_obj = {
        "ed25519_seed": b64(unlocked._signing_key.private_bytes_raw()),
        "age_secret": unlocked._age_secret,
    }
    data = keyfile.seal(header, secrets_obj, new, _kdf or keyfile.DEFAULT_KDF)
    atomic_write(info.path, data)
    return load(home)


def own_card(home: Home | Path) -> Card:
    """This device's card (verified)."""
    return read_card(_identity_dir(home) / CARD_FILE)


def trust_card(home: Home | Path, path: Path) -> Card:
    """Verify a card and record it as trusted; returns it (show its fingerprint to the user).

    An expert trusts the agency's card; the agency trusts each expert device's card.

    Raises:
        InputRefused: the card does not verify, is this device's own, or has the wrong role.
    """
    card = read_card(path)
    info = load(home)
    if card.fingerprint == info.fingerprint:
        raise InputRefused(bi("This is this device's own card; there is no need to trust it."))
    wanted = "agency" if info.role == "expert" else "expert"
    if card.role != wanted:
        raise InputRefused(
            bi(
                "A {role} identity trusts {wanted} cards only; this card is of role {got}.",
                role=info.role,
                wanted=wanted,
                got=card.role,
            )
        )
    folder = _identity_dir(home) / TRUSTED_DIR
    atomic_write(folder / f"{card.fingerprint}.json", card.to_bytes(), mode=0o644)
    return card


def trusted_cards(home: Home | Path) -> list[Card]:
    """Every trusted card, verified again, sorted by fingerprint."""
    folder = _identity_dir(home) / TRUSTED_DIR
    if not folder.is_dir():
        return []
    return [read_card(p) for p in sorted(folder.glob("*.json"))]


def trusted_card(home: Home | Path, fp: str) -> Card | None:
    """The trusted card with fingerprint ``fp``, or None."""
    path = _identity_dir(home) / TRUSTED_DIR / f"{fp}.json"
    return read_card(path) if path.is_file() else None


def trusted_lookup(home: Home | Path, *, role: str = "expert") -> Callable[[str], Card | None]:
    """A lookup of the trusted cards of ``role`` by fingerprint (the cards are read once):
    how the agency finds the expert who signed a bundle, and an expert the agency that
    signed a receipt."""
    cards = {c.fingerprint: c for c in trusted_cards(home) if c.role == role}
    return cards.get


def trusted_agency(home: Home | Path) -> Card:
    """The one trusted agency card of an expert device (what its bundles are encrypted to).

    Raises:
        InputRefused: no agency card is trusted, or several are.
    """
    cards = [c for c in trusted_cards(home) if c.role == "agency"]
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
    return cards[0]


def check_role(who: IdentityInfo | UnlockedIdentity, role: str) -> None:
    """Refuse when this device's identity ``who`` is not of ``role``.

    Raises:
        InputRefused: the identity is of another role.
    """
    if who.role != role:
        raise InputRefused(
            bi(
                "This command needs an identity of role {role}; this device's identity is {got}.",
                role=role,
                got=who.role,
            )
        )


def require_role(home: Home | Path, role: str) -> IdentityInfo:
    """This device's public identity, refused (before any passphrase is asked) when it is
    not of ``role``.

    Raises:
        InputRefused: no identity, or one of another role.
    """
    info = load(home)
    check_role(info, role)
    return info


def card_json_text(card: Card) -> str:
    """The card as indented, human-readable JSON (the signature covers the canonical form)."""
    import json

    return json.dumps(card.to_json(), ensure_ascii=False, indent=2) + "\n"
