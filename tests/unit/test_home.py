"""The home folder's resolution: --home, INSPECTOR_HOME, the portable folder, the user's data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from inspector_app import home as home_mod
from inspector_app.home import (
    PORTABLE_DATA,
    PORTABLE_MARKER,
    app_folder,
    portable_root,
    resolve_home,
)


def test_app_folder_is_the_executables_folder_on_windows_and_linux(tmp_path: Path) -> None:
    exe = tmp_path / "Inspector" / "Inspector.exe"
    assert app_folder(exe, "win32") == exe.parent
    assert app_folder(exe, "linux") == exe.parent


def test_app_folder_on_macos_is_beside_the_app_bundle_never_inside(tmp_path: Path) -> None:
    exe = tmp_path / "USB" / "Inspector.app" / "Contents" / "MacOS" / "Inspector"
    assert app_folder(exe, "darwin") == tmp_path / "USB"
    # a macOS executable that is not inside a bundle (the console inspector-app of a folder)
    plain = tmp_path / "USB" / "inspector" / "inspector-app"
    assert app_folder(plain, "darwin") == plain.parent
    # a folder merely named *.app without Contents/MacOS is not a bundle
    odd = tmp_path / "x.app" / "inspector-app"
    assert app_folder(odd, "darwin") == odd.parent


def test_not_portable_without_the_marker_or_when_not_frozen(tmp_path: Path) -> None:
    exe = tmp_path / "Inspector.exe"
    exe.write_bytes(b"")
    assert portable_root(exe, frozen=True, platform="win32") is None
    (tmp_path / PORTABLE_MARKER).write_text("")
    assert portable_root(exe, frozen=False, platform="win32") is None
    assert portable_root(exe, frozen=True, platform="win32") == (tmp_path / PORTABLE_DATA)


def test_marker_must_be_a_file(tmp_path: Path) -> None:
    (tmp_path / PORTABLE_MARKER).mkdir()
    assert portable_root(tmp_path / "Inspector.exe", frozen=True, platform="linux") is None


def test_portable_on_macos_keeps_data_beside_the_app(tmp_path: Path) -> None:
    usb = tmp_path / "USB"
    exe = usb / "Inspector.app" / "Contents" / "MacOS" / "Inspector"
    exe.parent.mkdir(parents=True)
    # a marker inside the bundle does not count
    (exe.parent / PORTABLE_MARKER).write_text("")
    assert portable_root(exe, frozen=True, platform="darwin") is None
    (usb / PORTABLE_MARKER).write_text("")
    root = portable_root(exe, frozen=True, platform="darwin")
    assert root == usb / PORTABLE_DATA
    assert root is not None and "Inspector.app" not in root.parts


def _frozen(monkeypatch: pytest.MonkeyPatch, exe: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))


def test_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / PORTABLE_MARKER).write_text("")
    _frozen(monkeypatch, app / "inspector-app")
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "env"))
    assert resolve_home(tmp_path / "opt").root == tmp_path / "opt"
    assert resolve_home().root == tmp_path / "env"
    monkeypatch.delenv("INSPECTOR_HOME")
    assert resolve_home().root == app / PORTABLE_DATA
    (app / PORTABLE_MARKER).unlink()
    user = resolve_home().root
    assert user != app / PORTABLE_DATA
    assert "Inspector" in user.parts or "inspector" in str(user).lower()


def test_cli_uses_the_portable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's context resolves the same folder (the GUI gets its home from there too)."""
    from inspector_app.cli import run

    app = tmp_path / "app"
    app.mkdir()
    (app / PORTABLE_MARKER).write_text("")
    _frozen(monkeypatch, app / "inspector-app")
    monkeypatch.delenv("INSPECTOR_HOME", raising=False)
    assert run(["case", "list", "--json"]) == 0
    assert (app / PORTABLE_DATA / "logs" / "inspector.log").is_file()
    assert home_mod.resolve_home().root == app / PORTABLE_DATA
