"""Crash-safe file writes shared by the identity and findings areas.

``atomic_write`` writes a temporary file in the destination folder, flushes it to the disk
(``fsync``), renames it over the destination and flushes the folder, so that after a power cut
the destination holds either the old or the new content, never a mixture.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from inspector_app.errors import EnvironmentProblem
from inspector_app.i18n import bi

#: ``errno`` values that mean "the environment", not a bug: disk full, read-only, no permission.
ENVIRONMENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EIO}
)


def environment_problem(exc: OSError, path: Path | str) -> EnvironmentProblem | None:
    """An :class:`EnvironmentProblem` for disk-full/read-only/permission errors, else None."""
    if exc.errno in ENVIRONMENT_ERRNOS:
        return EnvironmentProblem(
            bi(
                "Cannot write {path}: the disk is full, read-only or not writable ({error}).",
                path=str(path),
                error=exc.strerror or exc,
            )
        )
    return None


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename) to the disk; a no-op where unsupported."""
    if os.name != "posix":  # pragma: no cover - Windows has no directory fsync
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` atomically and durably, with permissions ``mode``.

    Raises:
        EnvironmentProblem: the disk is full, read-only or not writable.
    """
    folder = path.parent
    import secrets  # not at import (hashlib, OpenSSL: the desktop app's start)

    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if os.name == "posix":
            tmp.chmod(mode)
        tmp.replace(path)
        fsync_dir(folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        problem = environment_problem(exc, path)
        if problem is not None:
            raise problem from exc
        raise
