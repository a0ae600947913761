"""Native crashes leave the Python stacks in ``<home>/logs/faults.log`` (faulthandler)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from inspector_app.crash import enable_fault_log, fault_log_path
from inspector_app.home import Home

CRASH = textwrap.dedent(
    """
    import faulthandler, sys
    from inspector_app.cli import run

    assert run(["case", "list", "--json", "--home", sys.argv[1]]) == 0
    def deep_in_the_app():
        faulthandler._sigsegv()
    deep_in_the_app()
    """
)


@pytest.mark.skipif(os.name != "posix", reason="a segmentation fault is simulated with SIGSEGV")
def test_a_native_crash_of_the_cli_writes_the_stacks_to_the_fault_log(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(home)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode < 0  # killed by the signal
    text = fault_log_path(Home(home)).read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in text
    assert "deep_in_the_app" in text


def test_an_enabled_faulthandler_is_left_alone(tmp_path: Path) -> None:
    """Under pytest (or python -X faulthandler) the report goes where it already goes."""
    import faulthandler

    assert faulthandler.is_enabled()
    assert enable_fault_log(Home(tmp_path)) is None
    assert not fault_log_path(Home(tmp_path)).exists()
