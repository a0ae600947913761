"""Bundle attachments into the workspace's content-addressed attachment store.

The layout is the core's (:class:`inspector_app.findings.attachments.AttachmentStore`:
``<workspace>/attachments/ab/cdef…``), so that ``findings verify`` checks imported attachments
like local ones. :func:`put_many` writes every new file of a bundle, then flushes them all
(``fsync``) and their folders — before the transaction that references them commits.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from inspector_app.findings.attachments import AttachmentStore
from inspector_app.home import Home
from inspector_app.identity.files import environment_problem, fsync_dir


def store_of(home: Home) -> AttachmentStore:
    return AttachmentStore(home.workspace / "attachments")


def put_many(home: Home, files: Mapping[str, bytes | memoryview]) -> int:
    """Store the files (keyed by their verified SHA-256) that are not there yet; durably.

    Returns the number of files written.
    """
    store = store_of(home)
    tmp_dir = store.root / "tmp"
    written: list[tuple[int, Path, Path]] = []
    open_fds: set[int] = set()
    try:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        for digest, data in files.items():
            final = store.path_of(digest)
            if final.is_file() and final.stat().st_size == len(data):
                continue
            tmp = tmp_dir / f"{secrets.token_hex(8)}.part"
            fd = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600
            )
            open_fds.add(fd)
            written.append((fd, tmp, final))
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
        for fd, _tmp, _final in written:  # flush them all, then rename them all
            os.fsync(fd)
            if hasattr(os, "posix_fadvise"):  # clean now: do not crowd the page cache
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        folders = set()
        for fd, tmp, final in written:
            os.close(fd)
            open_fds.discard(fd)
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp.replace(final)
            folders.add(final.parent)
        for folder in folders:
            fsync_dir(folder)
    except OSError as exc:
        for fd in open_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        for _fd, tmp, _final in written:
            with contextlib.suppress(OSError):
                tmp.unlink()
        problem = environment_problem(exc, store.root)
        if problem is not None:
            raise problem from exc
        raise
    return len(written)
