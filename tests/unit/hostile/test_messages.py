"""Precise messages (issue 16 item 16) and armored age with white space (item 14, part 1)."""

from __future__ import annotations

import os
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519

from inspector_app.casepkg import validate_package
from inspector_app.commands.common import existing_file
from inspector_app.errors import InputRefused
from inspector_app.findings.kinds import MAX_TEXT
from tests.e2e.clihelp import run_cli
from tests.unit.casepkg.builders import build_package


def test_a_finding_text_too_long_says_so() -> None:
    from inspector_app.findings import kinds

    problems = _validate_observation("x" * (MAX_TEXT + 1))
    assert problems and "100000" in problems and "non-empty" not in problems
    assert "non-empty" in _validate_observation("   ")
    assert kinds.MAX_TEXT == 100_000


def _validate_observation(text: str) -> str:
    from inspector_app.findings.kinds import validate_payload

    try:
        validate_payload({"kind": "observation", "text": text}, role="expert")
    except InputRefused as exc:  # one FINDING_INVALID issue per problem
        return " ".join(str(i.message.render("en")) for i in exc.issues)
    return ""


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda tmp: tmp, "folder"),
        (lambda tmp: Path(os.devnull), "not a regular file"),
        (lambda tmp: tmp / "absent.bundle.age", "No such file"),
    ],
)
def test_input_file_refusals_say_what_is_wrong(tmp_path: Path, make, needle: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputRefused) as info:
        existing_file(str(make(tmp_path)))
    assert needle in str(info.value.message.render("en"))


@pytest.mark.parametrize("around", [b"\n\n  ", b"\r\n", b" \t\n"])
def test_armored_package_with_white_space_around_decrypts(tmp_path: Path, around: bytes) -> None:
    key = x25519.Identity.generate()
    plain = build_package(tmp_path / "p.case.zip")
    armored = pyrage.encrypt(plain.read_bytes(), [key.to_public()], armored=True)
    p = tmp_path / "p.case.zip.age"
    p.write_bytes(around + armored + around)
    result = validate_package(p, identities=[key], tmp_dir=tmp_path / "tmp")
    assert result.valid, result.errors


def test_armored_bundle_is_not_called_not_a_bundle(tmp_path: Path) -> None:
    from sync.bundle import BundleRefused, decrypt_file

    key, other = x25519.Identity.generate(), x25519.Identity.generate()
    p = tmp_path / "x.bundle.age"
    p.write_bytes(b"\n " + pyrage.encrypt(b"not a tar", [other.to_public()], armored=True))
    with pytest.raises(BundleRefused) as info:
        decrypt_file(p, [key], tmp_dir=tmp_path / "tmp")
    assert info.value.code == "NOT_FOR_THIS_AGENCY"  # read as age, not NOT_A_BUNDLE
    p.write_bytes(b"\n " + pyrage.encrypt(b"plain", [key.to_public()], armored=True) + b"\n")
    with decrypt_file(p, [key], tmp_dir=tmp_path / "tmp") as f:
        assert f.read() == b"plain"


def test_cli_bundle_import_of_a_folder(tmp_path: Path) -> None:
    code, _out, err = run_cli("bundle", "import", str(tmp_path), "--home", str(tmp_path / "h"))
    assert code == 1 and "No such file" not in err, err
