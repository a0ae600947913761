"""``inspector-app gui --screenshot`` in a subprocess: imports the case given on the command line,
renders the page offscreen to a PNG and exits; no dialog, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")


def _gui(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "INSPECTOR_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "inspector_app", "gui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_gui_renders_a_page_of_a_package_given_on_the_command_line(
    tmp_path: Path, examples: Path
) -> None:
    out = tmp_path / "overview.png"
    done = _gui(
        tmp_path / "home",
        str(examples / "payment-reflux.case.zip"),
        "--page",
        "overview",
        "--lang",
        "en",
        "--screenshot",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    width, height = _png_size(out)
    assert width >= 800 and height >= 600
    # the case stays imported: the next start opens it by id
    listed = subprocess.run(
        [sys.executable, "-m", "inspector_app", "case", "list", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "INSPECTOR_HOME": str(tmp_path / "home")},
        check=True,
    )
    assert "payment" not in listed.stderr
    assert listed.stdout.count("case_id") == 1


def test_gui_rejects_an_unknown_page(tmp_path: Path) -> None:
    done = _gui(tmp_path / "home", "--page", "nowhere", "--screenshot", str(tmp_path / "x.png"))
    assert done.returncode == 2
    assert not (tmp_path / "x.png").exists()


def test_gui_renders_an_agency_console_page_and_an_expert_window_takes_its_name(
    tmp_path: Path,
) -> None:
    """``--page`` takes the console's pages; with an expert identity such a name shows the case
    list (as an expert page name on the console shows the roster), never an internal error."""
    from inspector_app import identity
    from inspector_app.home import Home

    for role in ("agency", "expert"):
        home = Home(tmp_path / role).ensure()
        identity.init_identity(
            home, name="测试", role=role, passphrase="pw-12345678", _kdf=identity.TEST_KDF
        )
        out = tmp_path / f"{role}-dashboard.png"
        done = _gui(home.root, "--page", "dashboard", "--screenshot", str(out))
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert _png_size(out)[0] >= 800
