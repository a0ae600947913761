"""Device identities: creation, unlocking, passphrase change, cards, trust."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pyrage
import pytest

from inspector_app import identity
from inspector_app.errors import InputRefused, UsageError
from inspector_app.identity import keyfile

PASS = "correct horse battery"


def make(
    home: Path, role: str = "expert", name: str = "张三", device: str = "lap-1"
) -> identity.IdentityInfo:
    return identity.init_identity(
        home, name=name, role=role, passphrase=PASS, device=device, _kdf=identity.TEST_KDF
    )


def test_init_load_unlock_roundtrip(tmp_path: Path) -> None:
    info = make(tmp_path)
    assert info == identity.load(tmp_path)
    assert info.fingerprint == identity.fingerprint(info.ed25519_public)
    assert len(info.fingerprint) == 40
    unlocked = identity.unlock(tmp_path, PASS)
    signature = unlocked.sign(b"message")
    assert identity.verify_signature(info.ed25519_public, signature, b"message")
    assert not identity.verify_signature(info.ed25519_public, signature, b"messagE")
    # the age identity decrypts what is encrypted to the recipient
    data = pyrage.encrypt(b"secret package", [unlocked.recipient])
    assert pyrage.decrypt(data, [unlocked.age_identity()]) == b"secret package"
    assert str(unlocked.age_identity().to_public()) == info.age_recipient
    assert "AGE-SECRET" not in repr(unlocked)


def test_identity_file_is_private_and_holds_no_secret(tmp_path: Path) -> None:
    make(tmp_path)
    unlocked = identity.unlock(tmp_path, PASS)
    path = tmp_path / "identity" / "identity.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert unlocked.age_secret_text().encode() not in raw
    assert unlocked._signing_key.private_bytes_raw() not in raw
    assert identity.b64(unlocked._signing_key.private_bytes_raw()).encode() not in raw
    obj = json.loads(raw)
    assert obj["kdf"]["alg"] == "scrypt" and obj["aead"]["alg"] == "chacha20-poly1305"


def test_wrong_passphrase_is_a_clear_refusal(tmp_path: Path) -> None:
    make(tmp_path)
    with pytest.raises(InputRefused, match="Wrong passphrase"):
        identity.unlock(tmp_path, PASS + "x")


def test_altered_public_header_is_detected(tmp_path: Path) -> None:
    make(tmp_path)
    path = tmp_path / "identity" / "identity.json"
    obj = json.loads(path.read_bytes())
    obj["name"] = "李四"
    path.write_text(json.dumps(obj), encoding="utf-8")
    with pytest.raises(InputRefused):
        identity.unlock(tmp_path, PASS)


def test_crafted_kdf_parameters_are_refused_before_deriving(tmp_path: Path) -> None:
    make(tmp_path)
    path = tmp_path / "identity" / "identity.json"
    obj = json.loads(path.read_bytes())
    obj["kdf"]["log_n"] = 40  # would need terabytes
    path.write_text(json.dumps(obj), encoding="utf-8")
    with pytest.raises(InputRefused, match="out of range"):
        identity.unlock(tmp_path, PASS)


def test_change_passphrase_reencrypts(tmp_path: Path) -> None:
    info = make(tmp_path)
    before = (tmp_path / "identity" / "identity.json").read_bytes()
    identity.change_passphrase(tmp_path, PASS, "another passphrase", _kdf=identity.TEST_KDF)
    after = (tmp_path / "identity" / "identity.json").read_bytes()
    assert before != after
    with pytest.raises(InputRefused):
        identity.unlock(tmp_path, PASS)
    again = identity.unlock(tmp_path, "another passphrase")
    assert again.info.fingerprint == info.fingerprint
    assert again.info.age_recipient == info.age_recipient
    with pytest.raises(InputRefused):
        identity.change_passphrase(tmp_path, "wrong passphrase", "x" * 12)
    leftovers = [p.name for p in (tmp_path / "identity").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_short_passphrase_and_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputRefused):
        identity.init_identity(
            tmp_path, name="a", role="expert", passphrase="short", _kdf=identity.TEST_KDF
        )
    with pytest.raises(UsageError):
        identity.init_identity(
            tmp_path, name="a", role="boss", passphrase=PASS, _kdf=identity.TEST_KDF
        )
    with pytest.raises(UsageError):
        identity.init_identity(
            tmp_path, name="  ", role="expert", passphrase=PASS, _kdf=identity.TEST_KDF
        )
    make(tmp_path)
    with pytest.raises(UsageError, match="already exists"):
        make(tmp_path)


def test_no_identity_is_a_clear_refusal(tmp_path: Path) -> None:
    with pytest.raises(InputRefused, match="identity init"):
        identity.load(tmp_path)


def test_production_kdf_costs_at_least_a_quarter_second() -> None:
    assert identity.DEFAULT_KDF.log_n >= 17
    start = time.perf_counter()
    keyfile.derive_key("some passphrase", os.urandom(16), identity.DEFAULT_KDF)
    assert time.perf_counter() - start >= 0.25


def test_passphrase_is_normalised_nfc() -> None:
    salt = b"s" * 16
    composed = keyfile.derive_key("caf\u00e9 passphrase", salt, identity.TEST_KDF)
    decomposed = keyfile.derive_key("cafe\u0301 passphrase", salt, identity.TEST_KDF)
    assert composed == decomposed


def test_card_self_signature_and_fingerprint(tmp_path: Path) -> None:
    info = make(tmp_path)
    card = identity.own_card(tmp_path)
    assert card.fingerprint == info.fingerprint
    assert card.age_recipient == info.age_recipient
    obj = card.to_json()
    assert identity.parse_card(obj) == card
    for key, value in (
        ("name", "李四"),
        ("role", "agency"),
        ("device", "x"),
        ("created_at", "2020"),
    ):
        with pytest.raises(InputRefused):
            identity.parse_card({**obj, key: value})
    other = make(tmp_path / "other")
    with pytest.raises(InputRefused, match="fingerprint"):
        identity.parse_card({**obj, "ed25519": identity.b64(other.ed25519_public)})
    with pytest.raises(InputRefused, match="age recipient"):
        identity.parse_card({**obj, "age": "age1nope"})


def test_trust_roles(tmp_path: Path) -> None:
    expert_home, agency_home, other_home = tmp_path / "e", tmp_path / "a", tmp_path / "o"
    make(expert_home)
    make(agency_home, role="agency", name="验收机构")
    make(other_home, name="王五")
    cards = tmp_path / "cards"
    cards.mkdir()
    for home, name in ((expert_home, "e"), (agency_home, "a"), (other_home, "o")):
        (cards / f"{name}.json").write_text(
            identity.card_json_text(identity.own_card(home)), encoding="utf-8"
        )
    card = identity.trust_card(expert_home, cards / "a.json")
    assert card.role == "agency"
    assert [c.fingerprint for c in identity.trusted_cards(expert_home)] == [card.fingerprint]
    assert identity.trusted_card(expert_home, card.fingerprint) == card
    with pytest.raises(InputRefused, match="trusts agency cards only"):
        identity.trust_card(expert_home, cards / "o.json")
    with pytest.raises(InputRefused, match="own card"):
        identity.trust_card(expert_home, cards / "e.json")
    identity.trust_card(agency_home, cards / "e.json")
    identity.trust_card(agency_home, cards / "o.json")
    assert len(identity.trusted_cards(agency_home)) == 2
    # a tampered card file is refused
    obj = json.loads((cards / "o.json").read_text(encoding="utf-8"))
    obj["name"] = "冒名"
    (cards / "bad.json").write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputRefused, match="self-signature"):
        identity.trust_card(agency_home, cards / "bad.json")


def test_one_model_an_unlocked_identity_signs_what_its_card_verifies(tmp_path: Path) -> None:
    """The unlocked identity and the card are the only two shapes: the card another device
    trusts verifies this device's signatures and is what it encrypts to."""
    make(tmp_path, device="lap-9")
    me = identity.unlock(tmp_path, PASS)
    card = me.card()
    assert card == identity.own_card(tmp_path)  # deterministic: the same as card.json
    assert (me.name, me.role, me.device) == ("张三", "expert", "lap-9")
    assert (card.fingerprint, card.name, card.role, card.device) == (
        me.fingerprint,
        me.name,
        me.role,
        me.device,
    )
    signature = me.sign(b"manifest")
    assert card.verify(signature, b"manifest")
    assert not card.verify(signature, b"manifesT")
    assert not card.verify(b"", b"manifest")
    assert str(card.recipient) == card.age_recipient == str(me.recipient)
    data = pyrage.encrypt(b"bundle", [card.recipient])
    assert pyrage.decrypt(data, [me.age_identity()]) == b"bundle"


def test_trusted_lookup_agency_and_roles(tmp_path: Path) -> None:
    expert_home, agency_home, second = tmp_path / "e", tmp_path / "a", tmp_path / "a2"
    make(expert_home)
    make(agency_home, role="agency", name="验收机构")
    make(second, role="agency", name="另一机构")
    with pytest.raises(InputRefused, match="No trusted agency card"):
        identity.trusted_agency(expert_home)
    agency = identity.trust_card(expert_home, agency_home / "identity" / "card.json")
    assert identity.trusted_agency(expert_home) == agency
    lookup = identity.trusted_lookup(expert_home, role="agency")
    assert lookup(agency.fingerprint) == agency
    assert lookup("0" * 40) is None
    assert identity.trusted_lookup(expert_home)(agency.fingerprint) is None  # not an expert
    identity.trust_card(expert_home, second / "identity" / "card.json")
    with pytest.raises(InputRefused, match="Several agency cards"):
        identity.trusted_agency(expert_home)
    assert identity.require_role(expert_home, "expert") == identity.load(expert_home)
    with pytest.raises(InputRefused, match="needs an identity of role agency"):
        identity.require_role(expert_home, "agency")
    with pytest.raises(InputRefused, match="needs an identity of role expert"):
        identity.check_role(identity.unlock(agency_home, PASS), "expert")


def test_unb64_refuses_what_is_not_text() -> None:
    assert identity.unb64("AAE=") == b"\x00\x01"
    for bad in (None, 3, b"AAE=", "AAE", "AAF="):
        with pytest.raises(ValueError):
            identity.unb64(bad)
