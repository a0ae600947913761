"""Files the user names as outputs: written new and durably, or refused with a clear error."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from inspector_app.errors import InputRefused, InspectorError, UsageError
from inspector_app.i18n import bi
from inspector_app.identity.files import environment_problem, fsync_dir


def cannot_write(exc: OSError, path: Any) -> InspectorError:
    """The error for an output the user named that cannot be written (exit 1, never 3): disk
    full, read-only or permission denied says so; anything else refuses the path."""
    problem = environment_problem(exc, path)
    if problem is not None:
        return problem
    return InputRefused(bi("Cannot write {path}: {error}", path=str(path), error=exc))


def write_new_file(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a new file (never over an existing one), durably, with ``mode``.

    Raises:
        UsageError: ``path`` exists.
        InputRefused, EnvironmentProblem: it cannot be written.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    except FileExistsError:
        raise UsageError(
            bi("{path} already exists; choose another file.", path=str(path))
        ) from None
    except OSError as exc:
        raise cannot_write(exc, path) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)
        problem = environment_problem(exc, path)
        if problem is not None:
            raise problem from exc
        raise
    fsync_dir(path.resolve().parent)


__all__ = ["cannot_write", "write_new_file"]
