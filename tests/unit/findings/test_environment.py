"""Environment problems (disk full, read-only, locked, damaged) are told apart from bugs."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from inspector_app.errors import EnvironmentProblem
from inspector_app.findings.attachments import AttachmentStore
from inspector_app.findings.db import translate_sqlite_error
from inspector_app.identity.files import atomic_write


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        (5, "database is locked", "locked"),
        (6, "database table is locked", "locked"),
        (13, "database or disk is full", "full"),
        (8, "attempt to write a readonly database", "cannot be written"),
        (14, "unable to open database file", "cannot be written"),
        (10, "disk I/O error", "I/O error"),
        (11, "database disk image is malformed", "damaged"),
        (26, "file is not a database", "damaged"),
    ],
)
def test_sqlite_environment_errors(code: int, text: str, expected: str) -> None:
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    problem = translate_sqlite_error(exc, Path("/x/findings.sqlite3"))
    assert problem is not None and expected in problem.message
    assert "/x/findings.sqlite3" in problem.message


def test_sqlite_bugs_are_not_translated() -> None:
    exc = sqlite3.OperationalError("no such column: x")
    exc.sqlite_errorcode = 1  # type: ignore[attr-defined]
    assert translate_sqlite_error(exc, Path("db")) is None
    assert (
        translate_sqlite_error(sqlite3.IntegrityError("UNIQUE constraint failed"), Path("db"))
        is None
    )


def _full(*_args: object, **_kw: object) -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_atomic_write_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "identity.json"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "write", _full)
    with pytest.raises(EnvironmentProblem, match="full"):
        atomic_write(target, b"new content")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["identity.json"]


def test_attachment_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"x" * 10_000)
    store = AttachmentStore(tmp_path / "attachments")

    def no_fsync(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_fsync)
    with pytest.raises(EnvironmentProblem, match="full"):
        store.put_file(source)
    monkeypatch.undo()
    assert list((tmp_path / "attachments" / "tmp").iterdir()) == []
    ref = store.put_file(source)
    assert store.check(ref.sha256, ref.size) is None
