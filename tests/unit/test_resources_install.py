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
    ".venv", ".git", ".cache", "__pycache__", "*.pyc", "build", "dist", "dist-*", "*.egg-info",
    "tests", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", ".demo-home",
)  # fmt: skip


def _copy_checkout(src: Path) -> None:
    """What a clean checkout holds (the files git tracks, as they are in the work tree), plus
    the compiled catalogs (``*.mo``, build output of ``tools/setup.sh`` that a build packages);
    never local build output (``build/``, ``dist*/``, the venv), so the test behaves the same
    on a developer's tree and in CI. Without git (an unpacked sdist): the tree minus _SKIP."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        shutil.copytree(ROOT, src, ignore=_SKIP)
        return
    names = [n for n in listed.decode("utf-8").split("\0") if n and not n.startswith("tests/")]
    names += [str(p.relative_to(ROOT)) for p in ROOT.glob("resources/locale/*/*/*.mo")]
    for name in names:
        path = ROOT / name
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, src / name)


@pytest.mark.slow
def test_wheel_install_finds_resources(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _copy_checkout(src)
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
