"""Package files: ``validate`` one (with the home's limits) and ``pack`` a folder into one
(optionally age-encrypted to recipients)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inspector_app.casepkg.api import ValidationResult
from inspector_app.errors import InputRefused
from inspector_app.home import Home
from inspector_app.i18n import bi
from inspector_app.progress import CancelToken, ProgressFn
from inspector_app.services.files import cannot_write
from inspector_app.services.identities import resolve_recipient


def validate_package(
    home: Home,
    path: str | Path,
    *,
    identities: Sequence[Any] = (),
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ValidationResult:
    """Check a package file against the format without importing it, with the limits of the
    home's settings (the result lists every error and warning; an invalid package is not an
    exception). An encrypted package is decrypted in the home's ``tmp/``."""
    from inspector_app.casepkg import validate_package as validate
    from inspector_app.services.settings import package_limits

    return validate(
        Path(path),
        identities=list(identities),
        tmp_dir=home.tmp_dir,
        limits=package_limits(home),
        progress=progress,
        cancel=cancel,
    )


def _about_output(exc: OSError, out: Path, folder: Path) -> bool:
    """Whether ``exc`` is about writing ``out`` (its folder, a temporary file beside it)."""
    if exc.filename is None:
        return False
    failed = Path(exc.filename).absolute()
    if failed.is_relative_to(folder.absolute()):
        return False
    return failed == out.absolute() or failed.is_relative_to(out.absolute().parent)


def pack_package(
    folder: str | Path,
    out: str | Path,
    *,
    recipients: Sequence[str] = (),
    home: Home | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ValidationResult:
    """Add every file of ``folder`` to its manifest, validate and write the package ``out``,
    age-encrypted to ``recipients`` (``age1…`` keys or identity card files) when given.

    Raises:
        InputRefused: ``folder`` is not a folder, a recipient is neither a key nor a card, or
            ``out`` cannot be written (disk full, read-only: ``EnvironmentProblem``).
        PackageRefused: the folder does not make a valid package (nothing is written).
    """
    src = Path(folder)
    if not src.is_dir():
        raise InputRefused(bi("{path} is not a folder.", path=str(src)))
    keys = [resolve_recipient(home, r) for r in recipients]
    dest = Path(out)
    from inspector_app.casepkg import pack_folder

    try:
        return pack_folder(src, dest, recipients=keys, progress=progress, cancel=cancel)
    except OSError as exc:
        if not _about_output(exc, dest, src):
            raise
        raise cannot_write(exc, dest) from exc


__all__ = ["pack_package", "validate_package"]
