"""``inspector-app pack`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from pyrage import x25519

from tests.e2e.clihelp import make_identity
from tests.e2e.clihelp import run_cli as cli
from tests.unit.casepkg.builders import base_files, json_bytes


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "case"
    for name, data in base_files().items():
        dest = root.joinpath(*name.split("/"))
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    (root / "manifest.json").write_bytes(
        json_bytes({"batch": "2025-2", "issuer": {"id": "agency"}})
    )
    return root


def test_pack_then_validate(tmp_path: Path) -> None:
    out = tmp_path / "x.case.zip"
    code, stdout, err = cli("pack", str(_folder(tmp_path)), "--out", str(out), "--json")
    assert code == 0, err
    info = json.loads(stdout)
    assert info["encrypted"] is False and info["package_id"]
    code, stdout, _ = cli("validate", str(out), "--json")
    assert code == 0 and json.loads(stdout)["package_id"] == info["package_id"]


def test_pack_encrypted_to_a_key(tmp_path: Path) -> None:
    key = x25519.Identity.generate()
    ident = tmp_path / "k.agekey"
    ident.write_text(str(key) + "\n", encoding="utf-8")
    out = tmp_path / "x.case.zip.age"
    code, stdout, err = cli(
        "pack", str(_folder(tmp_path)), "--out", str(out), "--recipient", str(key.to_public())
    )
    assert code == 0, err
    assert "案件包已写入" in stdout
    code, stdout, _ = cli("validate", str(out), "--json", "--identity", str(ident))
    assert code == 0


def test_pack_refuses_bad_folder_and_recipient(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "systems.json").write_text("{}", encoding="utf-8")
    out = tmp_path / "x.case.zip"
    code, _, err = cli("pack", str(folder), "--out", str(out))
    assert code == 1 and "systems.json" in err
    assert not out.exists()
    code, _, err = cli("pack", str(folder), "--out", str(out), "--recipient", "not-a-key")
    assert code == 1 and "not-a-key" in err
    assert cli("pack", str(folder))[0] == 2


def test_pack_to_an_identity_card(tmp_path: Path) -> None:
    from inspector_app import identity
    from inspector_app.home import Home

    home = tmp_path / "expert"
    make_identity(Home(home), name="专家乙", passphrase="a long passphrase")
    card = tmp_path / "expert.card.json"
    card.write_text(identity.card_json_text(identity.own_card(Home(home))), encoding="utf-8")
    out = tmp_path / "x.case.zip.age"
    code, _, err = cli("pack", str(_folder(tmp_path)), "--out", str(out), "--recipient", str(card))
    assert code == 0, err
    secret = tmp_path / "pass"
    secret.write_text("a long passphrase", encoding="utf-8")
    code, stdout, err = cli(
        "validate", str(out), "--json", "--home", str(home), "--passphrase-file", str(secret)
    )
    assert code == 0, err
    assert json.loads(stdout)["valid"] is True
