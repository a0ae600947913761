"""``--version`` and ``--help`` answer without importing the command modules (issue 16 item 18:
0.55 s before, the goal is under 0.2 s)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from inspector_app import __version__
from inspector_app.cli import build_parser
from tests.e2e.clihelp import run_cli

HEAVY = ("inspector_app.services", "inspector_app.commands.validate", "inspector_app.samples")


def test_light_help_is_the_full_help() -> None:
    """The table of ``cli.COMMAND_HELP`` lists every command with its help, in order."""
    assert build_parser(light=True).format_help() == build_parser().format_help()


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["-h"], ["--lang", "en", "--help"]])
def test_version_and_help_import_no_command_module(argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "inspector_app", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert not imported & set(HEAVY), imported & set(HEAVY)
    if argv == ["--version"]:
        assert done.stdout.strip() == f"inspector-app {__version__}"
    else:
        assert "COMMAND" in done.stdout and "validate" in done.stdout


def test_a_command_still_gets_the_full_parser() -> None:
    code, out, _err = run_cli("validate", "--help")
    assert code == 0 and "--identity" in out
