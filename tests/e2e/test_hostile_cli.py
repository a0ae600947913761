"""Hostile texts through the command line (issue 16): terminal escapes shown visibly in text
output, kept exactly in JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.clihelp import make_identity, run_cli
from tests.unit.casepkg.builders import (
    RawEntry,
    base_files,
    build_package,
    json_bytes,
    manifest_for,
    write_zip,
)

PASS = "correct horse battery"
HOSTILE = "总结\x1b]0;pwned\x07 \x1b[2J\rFAKE\b\b evil\u202etxt.exe"
RAW = ("\x1b", "\x07", "\r", "\b", "\u202e")


def _cli(home: Path, *argv: str) -> tuple[int, str, str]:
    pfile = home.parent / "pass.txt"
    pfile.write_text(PASS + "\n", encoding="utf-8")
    return run_cli(*argv, "--home", str(home), "--passphrase-file", str(pfile))


def test_findings_list_shows_escapes_visibly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    make_identity(home, name="张三", role="expert", passphrase=PASS, device="lap")
    package = build_package(tmp_path / "p.case.zip")
    code, out, err = _cli(home, "case", "import", str(package), "--json")
    assert code == 0, err
    case_id = json.loads(out)["case_id"]
    payload = tmp_path / "f.json"
    payload.write_text(json.dumps({"kind": "observation", "text": HOSTILE}), encoding="utf-8")
    code, _out, err = _cli(home, "findings", "add", case_id, "--json-file", str(payload))
    assert code == 0, err
    code, out, err = _cli(home, "findings", "list", case_id)
    assert code == 0, err
    assert not any(ch in out for ch in RAW), repr(out)
    assert "\\x1b]0;pwned\\x07" in out and "\\u202e" in out
    code, out, _err = _cli(home, "findings", "list", case_id, "--json")
    assert code == 0
    assert [f["text"] for f in json.loads(out)] == [HOSTILE]  # JSON: exact


def test_validate_shows_entry_names_visibly(tmp_path: Path) -> None:
    files = base_files()
    entries = [RawEntry("manifest.json", json_bytes(manifest_for(files)))]
    entries += [RawEntry(n, d) for n, d in files.items()]
    entries.append(RawEntry("docs/a\x1b[31mred\u202efdp.exe", b"x"))
    p = tmp_path / "p.case.zip"
    write_zip(p, entries)
    code, out, err = run_cli("validate", str(p))
    assert code == 1
    assert not any(ch in out + err for ch in RAW), repr(out + err)
    assert "\\x1b[31mred\\u202efdp.exe" in out
    code, out, _err = run_cli("validate", str(p), "--json")
    names = [e["path"] for e in json.loads(out)["errors"]]
    assert "docs/a\x1b[31mred\u202efdp.exe" in names
