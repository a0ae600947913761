"""``pack``: build a case package from a folder (optionally age-encrypted to recipients)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from inspector_app.casepkg.api import ValidationResult
from inspector_app.errors import InputRefused
from inspector_app.home import Home
from inspector_app.i18n import bi
from inspector_app.progress import CancelToken, ProgressFn
from inspector_app.services.files import cannot_write
from inspector_app.services.identities import resolve_recipient


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


__all__ = ["pack_package"]
