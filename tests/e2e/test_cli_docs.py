"""``docs/cli.md`` documents the real parser, and its walk-through really runs.

The parser is walked by ``tools/gen_cli_reference.py`` (the convention is in its docstring and
at the top of ``docs/cli.md``): every command path needs its heading, and every option,
positional argument and ``choices`` value its mention in that section. The fenced ``sh`` blocks
marked ``<!-- runs -->`` are run in order, as one script, in an empty folder with a fresh
``HOME`` and ``TMPDIR``, then what they produced is checked.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.clihelp import ROOT, cli_reference, run_cli

DOC = ROOT / "docs" / "cli.md"


REF = cli_reference()


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_command_option_and_choice_is_documented(doc: str) -> None:
    problems = REF.check(doc)
    assert problems == [], "docs/cli.md is missing:\n" + "\n".join(problems)


def test_the_check_finds_what_is_missing(doc: str) -> None:
    """The check can fail: an option, a choice, a heading, a command removed or invented."""
    sections = {s.path: s for s in REF.sections(doc) if s.path}
    passwd = sections[("identity", "passwd")].body
    assert "`--new-passphrase-file" in passwd
    text = doc.replace(passwd, passwd.replace("`--new-passphrase-file", "`--new-pass"))
    assert "inspector-app identity passwd: --new-passphrase-file not documented" in REF.check(text)

    sample = sections[("sample",)].body
    text = doc.replace(sample, sample.replace("`gzip-log`", "gzip-log"))
    assert "inspector-app sample: value 'gzip-log' of --variant not documented" in REF.check(text)

    text = doc.replace("### `inspector-app bundle ack`", "### bundle ack")
    assert "no heading for: inspector-app bundle ack" in REF.check(text)

    text = doc + "\n### `inspector-app bundle shred`\n\nGone.\n"
    assert "heading names no command: inspector-app bundle shred" in REF.check(text)

    text = doc.replace("| `--lang {zh_CN,en}` |", "| language |")
    assert "Common options: --lang not documented" in REF.check(text)

    from inspector_app.cli import build_parser

    real = build_parser()
    subs = next(a for a in real._actions if isinstance(a, argparse._SubParsersAction))
    extra = subs.add_parser("archive", help="an undocumented command")
    extra.add_argument("--format", choices=("zip", "tar"))
    problems = REF.check(doc, REF.walk(real))  # the real parser with one more command
    assert "no heading for: inspector-app archive" in problems


def test_every_section_starts_with_its_synopsis(doc: str) -> None:
    """The first code block of each command's section is its usage line, options included."""
    common = REF.common_flags()
    for cmd in REF.walk():
        section = next(s for s in REF.sections(doc) if s.path == cmd.path)
        match = re.search(r"```\n(.*?)```", section.body, re.S)
        assert match, f"no synopsis for {cmd.name}"
        synopsis = " ".join(match.group(1).split())
        assert synopsis.startswith(f"inspector-app {cmd.name}"), synopsis
        for opt in cmd.own_options(common):
            word = opt.name if not opt.positional else (opt.metavar or opt.dest.upper())
            assert word in synopsis, f"{cmd.name}: {word} not in the synopsis {synopsis!r}"


def test_exit_codes_and_common_sections(doc: str) -> None:
    for code in range(4):
        assert re.search(rf"^\| `{code}` \|", doc, re.M), f"exit code {code} not in the table"
    for title in ("## Exit codes", "## Common options", "## Passphrase", "## Walk-through"):
        assert title in doc


# -- the walk-through --------------------------------------------------------------------------


def runnable_blocks(text: str) -> list[str]:
    """The fenced ``sh`` blocks that follow a ``<!-- runs -->`` line, in order."""
    return re.findall(r"<!-- runs -->\s*\n```sh\n(.*?)```", text, re.S)


def _json(argv: list[str]) -> Any:
    code, out, err = run_cli(*argv)
    assert code == 0, (argv, out, err)
    return json.loads(out)


def test_the_walkthrough_has_every_step(doc: str) -> None:
    script = "\n".join(runnable_blocks(doc))
    steps = [
        "inspector-app sample",
        "inspector-app validate",
        "inspector-app analyze",
        "inspector-app score",
        "inspector-app identity init",
        "inspector-app case import",
        "inspector-app findings add",
        "inspector-app findings verify",
        "inspector-app bundle export",
        "inspector-app bundle import",
        "inspector-app merge status",
    ]
    where = [script.find(step) for step in steps]
    assert -1 not in where, dict(zip(steps, where, strict=True))
    assert where == sorted(where), "the steps are not in the order of the walk-through"
    assert "--passphrase " not in script


@pytest.mark.slow
def test_the_walkthrough_runs(doc: str, tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None or shutil.which("age") is None:
        pytest.skip("needs bash and the age command")
    work, user, tmp = tmp_path / "work", tmp_path / "user", tmp_path / "tmp"
    for d in (work, user, tmp):
        d.mkdir()
    bindir = Path(sys.executable).parent
    assert (bindir / "inspector-app").exists(), "the package is not installed in this venv"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("INSPECTOR_", "XDG_")) and k not in ("HOME", "TMPDIR")
    }
    env.update(
        PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(user),
        TMPDIR=str(tmp),
    )
    script = "set -euo pipefail\n" + "\n".join(runnable_blocks(doc))
    proc = subprocess.run(
        [bash, "-c", script],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, (
        f"exit {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    )
    assert "Traceback" not in proc.stdout + proc.stderr

    expert, agency = str(work / "expert"), str(work / "agency")
    analysis = json.loads((work / "analysis.json").read_text(encoding="utf-8"))
    assert [f["id"] for f in analysis["flags"]] == ["USAGE_BURST:mes"]

    status = _json(["merge", "status", "--json", "--home", agency])
    (project,) = status["projects"]
    (zhang,) = project["experts"]
    assert zhang["name"] == "张三" and zhang["findings"] == 2
    assert project["disagreements"] == [] and status["pending_bundles"] == []
    reviews = _json(["findings", "list", project["cases"][0], "--json", "--home", agency])
    assert {f["kind"] for f in reviews} == {"score", "flag_review"}
    assert {f["origin"] for f in reviews} == {"imported"}

    findings = json.loads((work / "findings.json").read_text(encoding="utf-8"))
    assert sorted(f["kind"] for f in findings) == ["flag_review", "observation", "score"]
    assert all(f["current"] for f in findings)
    export2 = json.loads((work / "export2.json").read_text(encoding="utf-8"))
    assert export2["number"] == 2 and export2["findings"] == 1
    bundles = _json(["bundle", "list", "--json", "--home", expert])
    assert [(b["number"], b["acknowledged"]) for b in bundles] == [(1, True), (2, False)]
    assert (work / "sealed.case.zip.age").read_bytes().startswith(b"age-encryption.org/v1\n")
    assert not (work / "expert.agekey").exists()

    assert list(user.iterdir()) == [], "the walk-through wrote into HOME"
    assert list(tmp.iterdir()) == [], "the walk-through left files in TMPDIR"
