"""``tools/run.sh`` (the README's run command) without a display: the same review on the command
line, every line it prints in ONE language — Chinese by default, English with ``--lang en`` or
``INSPECTOR_LANG=en``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "run.sh"

pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or not (ROOT / ".venv" / "bin" / "inspector-app").exists(),
    reason="needs bash and the project's .venv (tools/setup.sh)",
)


def run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    environ.pop("INSPECTOR_LANG", None)
    environ.update(INSPECTOR_HOME=str(home), **env)
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environ,
        timeout=600,
    )


def english_words(text: str) -> list[str]:
    """Plain English words (not ids, paths or file names) of four letters or more."""
    tokens = re.findall(r"[A-Za-z][A-Za-z0-9_./-]*", text)
    return [t for t in tokens if t.isalpha() and len(t) >= 4 and t[1:].islower()]


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def test_run_sh_speaks_one_language(tmp_path: Path) -> None:
    zh_home = tmp_path / "zh"
    done = run(zh_home)
    assert done.returncode == 0, done.stderr
    everything = done.stderr + done.stdout
    assert "== 没有图形显示：改在命令行上做同样的核查 ==" in done.stderr
    assert "案件包编号：" in done.stdout and "[高] USAGE_BURST" in done.stdout
    assert re.search(r"^\S+  未开始  91530", done.stdout, re.M), done.stdout
    assert not english_words(everything), english_words(everything)

    # English: the same package (not generated again), another home
    en_home = tmp_path / "en"
    (en_home / "samples").mkdir(parents=True)
    shutil.copy(zh_home / "samples" / "usage_burst.case.zip", en_home / "samples")
    done = run(en_home, "--cli", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "== the review of the sample case on the command line ==" in done.stderr
    assert "Package id: " in done.stdout and "[high] USAGE_BURST" in done.stdout
    assert re.search(r"^\S+  Not started  91530", done.stdout, re.M), done.stdout
    for line in (done.stderr + done.stdout).splitlines():
        # Chinese only inside the case's own data (names of the enterprise, systems, checklist)
        data_only = line.startswith("  数字化") or re.fullmatch(
            r"\S+ \(\w{18}\) — [0-9a-f-]{36}", line
        )
        assert not has_cjk(line) or english_words(line) or data_only, line


def test_run_sh_refuses_an_unknown_option_in_the_chosen_language(tmp_path: Path) -> None:
    done = run(tmp_path, "--lang", "fr")
    assert done.returncode == 2 and "不支持的语言 fr" in done.stderr and not done.stdout
    done = run(tmp_path, "--bogus", INSPECTOR_LANG="en")
    assert done.returncode == 2 and done.stderr.startswith("tools/run.sh: unknown option --bogus")
    assert not has_cjk(done.stderr)
