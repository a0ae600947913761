"""Helpers shared by the sub-commands that read case packages."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from inspector_app.errors import InputRefused, InspectorError, Issue, UsageError
from inspector_app.i18n import N_, Message, bi


def add_identity_option(parser: argparse.ArgumentParser) -> None:
    """``--identity FILE`` (repeatable): a standard age identity file."""
    parser.add_argument(
        "--identity",
        action="append",
        metavar="FILE",
        help=N_("age identity file for an encrypted *.case.zip.age package (repeatable)"),
    )


def _identity_files(args: argparse.Namespace) -> list[str]:
    value = getattr(args, "identity", None)
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def age_identities(args: argparse.Namespace, ctx: Any) -> Sequence[Any]:
    """The age identities to open ``args.package`` with
    (:func:`inspector_app.services.package_identities`): the ``--identity`` files, else —
    for an encrypted package only — this device's key after the passphrase."""
    from inspector_app import identity
    from inspector_app.services import package_identities

    return package_identities(
        ctx.home,
        getattr(args, "package", None),
        identity_files=_identity_files(args),
        unlock=lambda: identity.unlock(ctx.home, ctx.passphrase()),
    )


def cannot_write(exc: OSError, path: Any) -> InspectorError:
    """The error to raise when an output the user named cannot be written (exit 1, never 3):
    disk full, read-only or permission denied says so; anything else (a folder where a file
    should go, a missing or non-folder parent) refuses the path."""
    from inspector_app.services.files import cannot_write as refuse

    return refuse(exc, path)


def existing_file(path: str) -> Path:
    """``path`` as a readable file, else the input is refused (exit 1)."""
    p = Path(path)
    if not p.is_file():
        raise InputRefused(not_a_file(p))
    return p


def not_a_file(p: Path) -> Message:
    """Why ``p`` cannot be read as an input file: missing, a folder, or a device/pipe."""
    if p.is_dir():
        return bi("{path} is a folder, not a file.", path=str(p))
    if p.exists():
        return bi("{path} is not a regular file (a device or a pipe?).", path=str(p))
    return bi("No such file: {path}", path=str(p))


def check_optional_file(path: str | None) -> None:
    """An optional input file the user named (``--rules FILE``): when given, it must exist and
    not be a folder, else the input is refused (exit 1)."""
    if path and (not Path(path).exists() or Path(path).is_dir()):
        raise InputRefused(not_a_file(Path(path)))


def issue_where(issue: Issue) -> str:
    """Where ``issue`` is: its path, then ``:line`` and `` pointer`` when known."""
    where = issue.path or ""
    if issue.line is not None:
        where += f":{issue.line}"
    if issue.pointer:
        where += f" {issue.pointer}"
    return where


def refused_json(issues: Iterable[Issue]) -> dict[str, Any]:
    """The ``validate --json`` object of a package refused before its id was read."""
    return {
        "valid": False,
        "package_id": None,
        "errors": [i.to_json() for i in issues],
        "warnings": [],
    }


def report_issues(ctx: Any, issues: Iterable[Issue]) -> None:
    """One ``CODE where: message`` line on stderr for each issue of a refused package."""
    for issue in issues:
        ctx.err(f"{issue.code} {issue_where(issue)}: {issue.message}")


#: the largest passphrase file read (a passphrase is a line; /dev/zero is not)
MAX_PASSPHRASE_FILE = 64 * 1024


def read_passphrase(
    path: str | None, env_var: str, *, no_terminal: Message, prompt: Message, confirm: bool = False
) -> str:
    """A passphrase: from the file ``path``, else the variable ``env_var``, else the terminal
    (asked twice with ``confirm``). Never accepted as a plain argument.

    An unreadable file is refused (exit 1); with none of the three, ``no_terminal`` is the
    usage error (exit 2).
    """
    if path:
        try:
            with Path(path).open("rb") as f:  # bounded: /dev/zero must not exhaust memory
                data = f.read(MAX_PASSPHRASE_FILE + 1)
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            # an input file that cannot be read: refused (exit 1), like any other
            raise InputRefused(bi("Cannot read the passphrase file: {error}", error=exc)) from exc
        if len(data) > MAX_PASSPHRASE_FILE:
            raise InputRefused(
                bi(
                    "The passphrase file is larger than {limit} bytes: is it the right file?",
                    limit=MAX_PASSPHRASE_FILE,
                )
            )
        return text.rstrip("\r\n")
    env = os.environ.get(env_var)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise UsageError(no_terminal)
    import getpass

    first = getpass.getpass(f"{prompt}: ")
    if confirm:
        second = getpass.getpass(f"{bi('Repeat the passphrase')}: ")
        if first != second:
            raise UsageError(bi("The two passphrases differ."))
    return first
