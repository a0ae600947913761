"""A non-editable ``pip install .`` finds the bundled data through ``inspector_app.resources``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_SKIP = shutil.ignore_patterns(
    ".venv", ".git", ".cache", "__pycache__", "*.pyc", "build", "dist", "*.egg-info", "tests",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", ".demo-home",
)  # fmt: skip


@pytest.mark.slow
def test_wheel_install_finds_resources(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=_SKIP)
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
            "--no-build-isolation", "--target", str(target), str(src),
        ],
        check=True,
        cwd=tmp_path,
        timeout=600,
    )  # fmt: skip
    assert not (target / "inspector_app" / "__editable__").exists()
    code = (
        "import inspector_app, inspector_app.resources as r, inspector_app.i18n as i;"
        "print(inspector_app.__file__); print(r.resources_dir());"
        "print(len(i.catalog('zh_CN')));"
        "print(r.resource_path('locale', 'zh_CN', 'LC_MESSAGES', 'casepkg.po').is_file())"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    # -S: no site-packages, so nothing can come from the editable checkout
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=True,
    )
    module, resources, count, po = proc.stdout.split()
    assert Path(module).is_relative_to(target)
    assert Path(resources) == target / "resources"
    assert int(count) > 100
    assert po == "True"
