"""``inspector-app validate`` end to end: JSON shape, exit codes, identities, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyrage
from pyrage import x25519

from tests.e2e.clihelp import make_identity
from tests.e2e.clihelp import run_cli as cli
from tests.unit.casepkg.builders import PACKAGE_ID, build_package


def test_valid_package_json(tmp_path: Path) -> None:
    code, out, err = cli("validate", str(build_package(tmp_path / "p.case.zip")), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data == {"valid": True, "package_id": PACKAGE_ID, "errors": [], "warnings": []}


def test_invalid_package_json_and_exit_1(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip", unlisted={"docs/extra.pdf": b"x"})
    code, out, _err = cli("validate", str(p), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["valid"] is False and data["package_id"] == PACKAGE_ID
    assert data["errors"] == [
        {
            "code": "FILE_UNLISTED",
            "path": "docs/extra.pdf",
            "line": None,
            "pointer": None,
            "message": "该条目未列入 manifest.json。",
            "message_en": "The entry is not listed in manifest.json.",
        }
    ]


def test_not_a_zip_has_null_package_id(tmp_path: Path) -> None:
    p = tmp_path / "x.case.zip"
    p.write_text("hello", encoding="utf-8")
    code, out, _ = cli("validate", str(p), "--json")
    assert code == 1
    assert json.loads(out)["package_id"] is None


def test_human_summary_in_one_language(tmp_path: Path) -> None:
    package = str(build_package(tmp_path / "p.case.zip"))
    code, out, _ = cli("validate", package)
    assert code == 0
    assert "案件包有效" in out and "The package is valid" not in out
    assert "昆明测试机械制造有限公司" in out and "mes" in out and "60" in out
    code, out, _ = cli("validate", package, "--lang", "en")
    assert code == 0
    assert "The package is valid" in out and "案件包有效" not in out
    assert "昆明测试机械制造有限公司" in out  # data stays as it is


def test_human_errors(tmp_path: Path) -> None:
    p = build_package(
        tmp_path / "p.case.zip", edit_manifest=lambda m: m.update(format_version="3.0")
    )
    code, out, _ = cli("validate", str(p))
    assert code == 1
    assert "UNSUPPORTED_VERSION" in out and "manifest.json /format_version" in out


def test_encrypted_with_identity_file(tmp_path: Path) -> None:
    key = x25519.Identity.generate()
    ident = tmp_path / "me.agekey"
    ident.write_text(
        f"# created: today\n# public key: {key.to_public()}\n{key}\n", encoding="utf-8"
    )
    enc = tmp_path / "p.case.zip.age"
    enc.write_bytes(
        pyrage.encrypt(build_package(tmp_path / "p.case.zip").read_bytes(), [key.to_public()])
    )
    home = tmp_path / "home"
    code, out, err = cli(
        "validate", str(enc), "--json", "--identity", str(ident), "--home", str(home)
    )
    assert code == 0, err
    assert json.loads(out)["valid"] is True
    assert list((home / "tmp").iterdir()) == []
    other = tmp_path / "other.agekey"
    other.write_text(str(x25519.Identity.generate()) + "\n", encoding="utf-8")
    code, out, _ = cli(
        "validate", str(enc), "--json", "--identity", str(other), "--home", str(home)
    )
    assert code == 1
    assert [e["code"] for e in json.loads(out)["errors"]] == ["NOT_FOR_THIS_IDENTITY"]


def test_examples(examples: Path, tmp_path: Path) -> None:
    for name in ("clean.case.zip", "clean-gbk-names.case.zip"):
        assert cli("validate", str(examples / name), "--json")[0] == 0
    code, out, _ = cli(
        "validate",
        str(examples / "clean.case.zip.age"),
        "--json",
        "--identity",
        str(examples / "example-expert.agekey"),
        "--home",
        str(tmp_path / "h"),
    )
    assert code == 0 and json.loads(out)["valid"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert cli("validate")[0] == 2
    assert cli("validate", "x", "--no-such-option")[0] == 2


def test_missing_file_is_refused_without_traceback(tmp_path: Path) -> None:
    code, out, err = cli("validate", str(tmp_path / "nope.case.zip"))
    assert code == 1 and "Traceback" not in err and out == ""


def test_subprocess_no_traceback_on_garbage(tmp_path: Path) -> None:
    p = tmp_path / "garbage.case.zip"
    p.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    env = {**os.environ, "INSPECTOR_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-m", "inspector_app", "validate", str(p), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["errors"][0]["code"] == "TRUNCATED"


def test_encrypted_with_the_device_identity(tmp_path: Path) -> None:
    from inspector_app.home import Home

    home = tmp_path / "home"
    info = make_identity(Home(home), name="专家甲", passphrase="correct horse battery")
    enc = tmp_path / "p.case.zip.age"
    recipient = x25519.Recipient.from_str(info.age_recipient)
    enc.write_bytes(
        pyrage.encrypt(build_package(tmp_path / "p.case.zip").read_bytes(), [recipient])
    )
    secret = tmp_path / "pass.txt"
    secret.write_text("correct horse battery\n", encoding="utf-8")
    code, out, err = cli(
        "validate", str(enc), "--json", "--home", str(home), "--passphrase-file", str(secret)
    )
    assert code == 0, err
    assert json.loads(out)["valid"] is True
    # a plain package never asks for the passphrase
    code, out, err = cli("validate", str(tmp_path / "p.case.zip"), "--json", "--home", str(home))
    assert code == 0, err
