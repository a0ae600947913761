"""Helpers shared by the sub-commands that read case packages."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inspector_app.errors import InputRefused, InspectorError
from inspector_app.i18n import bi


def add_identity_option(parser: argparse.ArgumentParser) -> None:
    """``--identity FILE`` (repeatable): a standard age identity file."""
    parser.add_argument(
        "--identity",
        action="append",
        metavar="FILE",
        help="age identity file for an encrypted *.case.zip.age package (repeatable)",
    )


def _identity_files(args: argparse.Namespace) -> list[str]:
    value = getattr(args, "identity", None)
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _is_encrypted(path: Any) -> bool:
    from inspector_app.casepkg.crypto import is_age_file

    try:
        return is_age_file(Path(path))
    except OSError:
        return False


def age_identities(args: argparse.Namespace, ctx: Any) -> Sequence[Any]:
    """The age identities to open a package with.

    ``--identity FILE`` when given (each file may hold several identities, ``#`` comments
    allowed). Otherwise, for an encrypted ``args.package``, this device's own key from
    :mod:`inspector_app.identity` after the passphrase (none when the home has no identity).
    A plain package needs none, so no passphrase is asked for it.
    """
    from inspector_app.casepkg.crypto import load_identity_file

    files = _identity_files(args)
    if files:
        found: list[Any] = []
        for name in files:
            found.extend(load_identity_file(name))
        return found
    package = getattr(args, "package", None)
    if package is not None and not _is_encrypted(package):
        return []
    try:
        from inspector_app import identity
    except ImportError:  # pragma: no cover - the identity package is part of the app
        return []
    exists = getattr(identity, "exists", None)
    if exists is None or not exists(ctx.home):
        return []
    return [identity.unlock(ctx.home, ctx.passphrase()).age_identity()]


def cannot_write(exc: OSError, path: Any) -> InspectorError:
    """The error to raise when an output the user named cannot be written (exit 1, never 3):
    disk full, read-only or permission denied says so; anything else (a folder where a file
    should go, a missing or non-folder parent) refuses the path."""
    from inspector_app.identity.files import environment_problem

    problem = environment_problem(exc, path)
    if problem is not None:
        return problem
    return InputRefused(bi("Cannot write {path}: {error}", path=str(path), error=exc))


def existing_file(path: str) -> Path:
    """``path`` as a readable file, else the input is refused (exit 1)."""
    p = Path(path)
    if not p.is_file():
        raise InputRefused(bi("No such file: {path}", path=str(p)))
    return p
