"""A killed import's staging folder is cleaned on the next run (item 11); workspace files are
private whatever the umask (item 13)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from inspector_app.casepkg import import_package
from inspector_app.casepkg.workspace import clean_stale_staging
from tests.e2e.clihelp import run_cli
from tests.unit.casepkg.builders import build_package

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes and pids are POSIX")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@posix_only
def test_stale_staging_of_a_killed_import_is_removed(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    stale = workspace / f".import-{_dead_pid()}-abc123" / "case" / "docs"
    stale.mkdir(parents=True)
    (stale / "half.pdf").write_bytes(b"%PDF half written")
    live = workspace / f".import-{os.getppid()}-def456"  # a running process (our parent)
    live.mkdir()
    unrelated = workspace / "cases"
    unrelated.mkdir()
    case = import_package(build_package(tmp_path / "p.case.zip"), workspace)
    assert not stale.parent.parent.exists()
    assert live.is_dir() and unrelated.is_dir() and case.folder.is_dir()
    assert clean_stale_staging(workspace) == []


def test_old_staging_without_a_pid_is_removed_after_12_hours(tmp_path: Path) -> None:
    old, young = tmp_path / ".import-xyz", tmp_path / ".import-abc"
    old.mkdir()
    young.mkdir()
    day_ago = old.stat().st_mtime - 24 * 3600
    os.utime(old, (day_ago, day_ago))
    assert clean_stale_staging(tmp_path) == [old]
    assert young.is_dir()


def _modes(root: Path) -> set[tuple[str, int]]:
    out = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            mode = stat.S_IMODE(os.lstat(Path(dirpath) / name).st_mode)
            out.add(("d" if name in dirnames else "f", mode))
    return out


@posix_only
def test_imported_files_are_private_under_umask_000(tmp_path: Path) -> None:
    package = build_package(tmp_path / "p.case.zip")
    previous = os.umask(0)
    try:
        case = import_package(package, tmp_path / "workspace")
    finally:
        os.umask(previous)
    modes = _modes(case.folder)
    assert modes <= {("d", 0o700), ("f", 0o600)}, modes


@posix_only
def test_cli_creates_private_files_under_umask_000(tmp_path: Path) -> None:
    package = build_package(tmp_path / "p.case.zip")
    home = tmp_path / "home"
    previous = os.umask(0)
    try:
        code, _out, err = run_cli("case", "import", str(package), "--home", str(home))
        assert os.umask(0) == 0  # restored after the command
    finally:
        os.umask(previous)
    assert code == 0, err
    bad = {
        (str(p.relative_to(home)), oct(stat.S_IMODE(p.lstat().st_mode)))
        for p in home.rglob("*")
        if stat.S_IMODE(p.lstat().st_mode) & 0o077
    }
    assert not bad, bad
