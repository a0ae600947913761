"""Content-addressed attachment store beside the database.

``<workspace>/attachments/ab/cdef…`` holds the file whose SHA-256 is ``abcdef…`` (lower-case
hex; the first two digits name the sub-folder). A file is written to a temporary name in the
store, flushed (``fsync``), renamed into place and the folder flushed — **before** the record
that references it is committed, so a committed record never points to a missing file. A file
already present is not written again. Files are never modified or deleted by the app.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector_app.errors import InputRefused
from inspector_app.i18n import bi
from inspector_app.identity.files import environment_problem, fsync_dir

_CHUNK = 1 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_ATTACHMENT = 2 << 30  # 2 GiB: a video of a site walk is the largest expected


@dataclass(frozen=True)
class AttachmentRef:
    """What a signed record carries about an attachment."""

    sha256: str
    name: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "name": self.name, "size": self.size}


def file_sha256(path: Path) -> tuple[str, int]:
    """``(hex digest, size)`` of a file, read in chunks."""
    import hashlib  # not at import: the case list (the app's start) loads no OpenSSL

    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class AttachmentStore:
    """The ``attachments`` folder of a workspace."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def put_file(self, source: Path, name: str | None = None) -> AttachmentRef:
        """Copy ``source`` into the store (durably) and return its reference.

        Raises:
            InputRefused: the source cannot be read or is too large.
            EnvironmentProblem: the disk is full or not writable.
        """
        tmp_dir = self.root / "tmp"
        try:
            tmp_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problem = environment_problem(exc, tmp_dir)
            if problem is not None:
                raise problem from exc
            raise
        import hashlib
        import secrets

        tmp = tmp_dir / f"{secrets.token_hex(8)}.part"
        digest = hashlib.sha256()
        size = 0
        try:
            with source.open("rb") as src:
                fd = os.open(
                    tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600
                )
                with os.fdopen(fd, "wb") as dst:
                    while chunk := src.read(_CHUNK):
                        size += len(chunk)
                        if size > MAX_ATTACHMENT:
                            raise InputRefused(
                                bi("The attachment {path} is larger than 2 GiB.", path=str(source))
                            )
                        digest.update(chunk)
                        dst.write(chunk)
                    dst.flush()
                    os.fsync(dst.fileno())
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            problem = environment_problem(exc, self.root)
            if problem is not None and not isinstance(exc, FileNotFoundError):
                raise problem from exc
            raise InputRefused(
                bi("Cannot read the attachment {path}: {error}", path=str(source), error=exc)
            ) from exc
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        sha = digest.hexdigest()
        final = self.path_of(sha)
        try:
            if final.is_file() and file_sha256(final)[0] == sha:
                tmp.unlink()
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                tmp.replace(final)
                fsync_dir(final.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            problem = environment_problem(exc, self.root)
            if problem is not None:
                raise problem from exc
            raise
        return AttachmentRef(sha256=sha, name=name or source.name, size=size)

    def check(self, sha256: str, size: int | None = None) -> str | None:
        """None when the stored file is present and intact; else the problem in English."""
        path = self.path_of(sha256)
        if not path.is_file():
            return "missing"
        actual, actual_size = file_sha256(path)
        if actual != sha256:
            return f"content hash is {actual}"
        if size is not None and actual_size != size:
            return f"size is {actual_size}, not {size}"
        return None
