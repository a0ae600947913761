"""``--version`` and ``--help`` answer without importing the command modules (issue 16 item 18:
0.55 s before, the goal is under 0.2 s)."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from inspector_app import __version__
from inspector_app.cli import COMMAND_HELP, build_parser
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


def _command_parser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found: argparse.ArgumentParser = sub.choices[command]
    return found


@pytest.mark.parametrize("command", [c for c, _o, _t in COMMAND_HELP])
def test_the_parser_of_the_command_run_is_the_full_one(command: str) -> None:
    """Running a command builds the parser with that command's module only: its help and the
    top level's are the full parser's."""
    one, full = build_parser(command=command), build_parser()
    assert one.format_help() == full.format_help()
    assert _command_parser(one, command).format_help() == (
        _command_parser(full, command).format_help()
    )


def test_running_gui_imports_no_other_command_module() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "inspector_app", "gui", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    others = {"sync", "reports", "inspector_app.commands.validate", "inspector_app.commands.case"}
    assert not imported & others, imported & others
    assert "--screenshot" in done.stdout
