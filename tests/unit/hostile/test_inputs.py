"""Hostile input that used to end in an internal error (exit 3) gets a clear refusal.

Every hostile file is built here, in code (issue 16 items 3–5).
"""

from __future__ import annotations

import json
import struct
from decimal import Decimal
from pathlib import Path

import pytest

from inspector_app import safejson
from inspector_app.analysis.settings import parse_toml
from inspector_app.casepkg import validate_package
from inspector_app.casepkg.issues import ERROR_CODES
from inspector_app.errors import InputRefused
from inspector_app.findings.model import load_payload
from inspector_app.identity.card import read_card
from tests.unit.casepkg.builders import base_files, build_package, manifest_for

DEEP = 100_000


def _codes(path: Path) -> set[str]:
    result = validate_package(path)
    assert not result.valid
    codes = {i.code for i in result.errors}
    assert codes <= set(ERROR_CODES), codes
    return codes


def _replace(name: str, data: bytes):  # type: ignore[no-untyped-def]
    def edit(files: dict[str, bytes]) -> None:
        files[name] = data

    return edit


# ------------------------------------------------------------------ item 3: empty ZIP
def test_empty_zip_end_record_only(tmp_path: Path) -> None:
    p = tmp_path / "empty.case.zip"
    p.write_bytes(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0, 0, 0, 0, 0))
    assert "MANIFEST_MISSING" in _codes(p)


# ------------------------------------------------------------------ item 4: lone surrogates
@pytest.mark.parametrize("name", ["manifest.json", "enterprise.json", "systems.json"])
def test_lone_surrogate_in_package_json(tmp_path: Path, name: str) -> None:
    if name == "manifest.json":
        manifest = manifest_for(base_files(), batch="\ud800")
        # json.dumps escapes it as "\ud800": the manifest carries the lone surrogate
        text = json.dumps(manifest).encode()
        p = build_package(tmp_path / "p.case.zip", manifest_bytes=text)
        assert _codes(p) == {"MANIFEST_INVALID"}
    else:
        raw = b'[{"system_id": "mes", "name": "\\udc00", "deployment": "saas"}]'
        if name == "enterprise.json":
            raw = b'{"name": "\\ud800x"}'
        p = build_package(tmp_path / "p.case.zip", edit_files=_replace(name, raw))
        assert "SCHEMA_INVALID" in _codes(p)


def test_surrogate_pairs_stay_valid() -> None:
    assert safejson.loads('"\\ud83d\\ude00"') == "\U0001f600"


def test_lone_surrogate_in_a_findings_file() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        load_payload('{"kind": "note", "text": "a\\ud800b"}')


def _card_file(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "card.json"
    p.write_text(text, encoding="utf-8")
    return p


def test_lone_surrogate_in_a_card(tmp_path: Path) -> None:
    with pytest.raises(InputRefused):
        read_card(_card_file(tmp_path, '{"format": "inspector-card", "name": "\\udfff"}'))


# ------------------------------------------------------------------ item 5: deep nesting
def test_deep_nesting_in_package_json(tmp_path: Path) -> None:
    p = build_package(
        tmp_path / "p.case.zip",
        edit_files=_replace("enterprise.json", b"[" * DEEP + b"]" * DEEP),
    )
    assert _codes(p) == {"SCHEMA_INVALID"}


@pytest.mark.parametrize("depth", [safejson.MAX_DEPTH + 1, 900, DEEP])
def test_deep_nesting_in_rules_toml(tmp_path: Path, depth: int) -> None:
    toml = b"[thresholds]\nx = " + b"[" * depth + b"]" * depth + b"\n"
    p = build_package(tmp_path / "p.case.zip", edit_files=_replace("settings/rules.toml", toml))
    assert _codes(p) == {"SCHEMA_INVALID"}
    if depth == DEEP:  # the --rules file's reader
        with pytest.raises(ValueError):
            parse_toml(toml.decode())


@pytest.mark.parametrize("depth", [safejson.MAX_DEPTH + 1, 900, DEEP])
def test_deep_nesting_in_a_findings_file(depth: int) -> None:
    text = '{"kind": "note", "text": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(ValueError, match="nested"):
        load_payload(text)


def test_deep_nesting_in_a_card(tmp_path: Path) -> None:
    with pytest.raises(InputRefused):
        read_card(_card_file(tmp_path, "{" + '"a":{' * DEEP + "}" * DEEP + "}"))


def test_nesting_within_the_limit_is_read() -> None:
    depth = safejson.MAX_DEPTH
    assert safejson.loads("[" * depth + "]" * depth) is not None
    assert safejson.loads('{"a": 1.5}', parse_float=Decimal) == {"a": Decimal("1.5")}


def test_duplicate_keys_and_constants_are_refused() -> None:
    with pytest.raises(safejson.JsonRefused) as info:
        safejson.loads('{"a": 1, "a": 2}')
    assert info.value.code == "DUPLICATE_KEY"
    with pytest.raises(safejson.JsonRefused):
        safejson.loads("[NaN]")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = '{"a": "' + "[{" * 200 + '", "b": ["\\"[[[["]}'
    assert safejson.loads(text)["b"] == ['"[[[[']
    deep = "[" * 65 + "]" * 65
    with pytest.raises(safejson.JsonRefused):
        safejson.loads('{"x": "\\\\ud800", "y": ' + deep + "}")  # escaped backslash: no surrogate


# ------------------------------------------------------------------ item 9: bounded reads
@pytest.mark.parametrize("source", ["/dev/zero", "big"])
def test_passphrase_file_is_capped(tmp_path: Path, source: str) -> None:
    from inspector_app.commands.common import MAX_PASSPHRASE_FILE, read_passphrase
    from inspector_app.i18n import bi

    path = source
    if source == "big":
        big = tmp_path / "pass.txt"
        big.write_bytes(b"x" * (MAX_PASSPHRASE_FILE + 1))
        path = str(big)
    with pytest.raises(InputRefused):
        read_passphrase(path, "NO_SUCH_VARIABLE", no_terminal=bi("x"), prompt=bi("x"))
    fine = tmp_path / "ok.txt"
    fine.write_bytes(b"p" * 100 + b"\n")
    assert read_passphrase(str(fine), "X", no_terminal=bi("x"), prompt=bi("x")) == "p" * 100
