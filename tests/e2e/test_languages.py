"""Text output in one language — Chinese by default, English with ``--lang en``,
``INSPECTOR_LANG`` or the home's ``language`` setting — and JSON that does not depend on it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .clihelp import run_cli

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
CJK = re.compile(r"[\u4e00-\u9fff]")
#: a line that shows two languages side by side ("中文 / English")
MIXED = re.compile(r"[\u4e00-\u9fff].* / [A-Za-z]{3}|[A-Za-z]{3}.* / .*[\u4e00-\u9fff]")


def example(name: str) -> Path:
    path = EXAMPLES / name
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    return path


def cli(*argv: str, home: Path, **env: str | None) -> tuple[int, str, str]:
    return run_cli(*argv, "--home", str(home), env={"INSPECTOR_LANG": None, **env})


def one_language(text: str) -> None:
    mixed = [line for line in text.splitlines() if MIXED.search(line)]
    assert not mixed, mixed


def test_usage_error_in_each_language(tmp_path: Path) -> None:
    code, _out, err = cli("validate", "x", "--no-such-option", home=tmp_path)
    # argparse's own message is translated too; the usage synopsis is code
    assert code == 2 and "用法错误：无法识别的参数：--no-such-option" in err
    assert "usage error" not in err and "unrecognized" not in err
    code, _out, err = cli("validate", "x", "--no-such-option", "--lang", "en", home=tmp_path)
    assert code == 2 and "usage error: unrecognized arguments: --no-such-option" in err
    assert not CJK.search(err)
    # --lang before the command too
    code, _out, err = run_cli("--lang", "en", "validate", "--no-such-option")
    assert code == 2 and "usage error" in err and not CJK.search(err)
    one_language(err)


def test_refusal_and_its_json(tmp_path: Path) -> None:
    broken = tmp_path / "broken.case.zip"
    with zipfile.ZipFile(example("clean.case.zip")) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "finance/invoices.csv":
                data = data.replace(b"2024", b"2023", 1)
            dst.writestr(info, data)
    code, out_zh, err_zh = cli("validate", str(broken), home=tmp_path)
    assert code == 1
    code, out_en, err_en = cli("validate", str(broken), "--lang", "en", home=tmp_path)
    assert code == 1
    text_zh, text_en = out_zh + err_zh, out_en + err_en
    assert "HASH_MISMATCH" in text_zh and "HASH_MISMATCH" in text_en  # codes are stable ids
    assert "文件哈希不符" in text_zh and "SHA-256 mismatch" not in text_zh
    assert "SHA-256 mismatch" in text_en and not CJK.search(text_en)
    one_language(text_zh)
    one_language(text_en)
    # JSON is the same whatever the language: Chinese text, English sibling
    outs = []
    for lang in ("zh_CN", "en"):
        code, out, _ = cli("validate", str(broken), "--json", "--lang", lang, home=tmp_path)
        assert code == 1
        outs.append(out)
    assert outs[0] == outs[1]
    (error,) = json.loads(outs[0])["errors"]
    assert error["message"].startswith("文件哈希不符")
    assert error["message_en"].startswith("SHA-256 mismatch")


def test_analyze_text_and_json(tmp_path: Path) -> None:
    package = str(example("payment-reflux.case.zip"))
    code, zh_text, _ = cli("analyze", package, home=tmp_path)
    assert code == 0
    assert "资金回流" in zh_text and "现场核查" in zh_text
    assert "Money flows back" not in zh_text and "On site" not in zh_text
    code, en_text, _ = cli("analyze", package, "--lang", "en", home=tmp_path)
    assert code == 0
    assert "Money flows back" in en_text and "On site:" in en_text
    assert "资金回流" not in en_text and "现场核查" not in en_text
    one_language(zh_text)
    one_language(en_text)
    code, zh_json, _ = cli("analyze", package, "--json", home=tmp_path)
    code, en_json, _ = cli("analyze", package, "--json", "--lang", "en", home=tmp_path)
    assert zh_json == en_json
    (flag,) = json.loads(zh_json)["flags"]
    for key in ("title", "detail", "hint"):
        assert CJK.search(flag[key]) and " / " not in flag[key], key
        assert flag[f"{key}_en"] and flag[f"{key}_en"] != flag[key], key
    assert flag["hint_en"].startswith("Ask for the bank statement")


def test_score_text_in_each_language(tmp_path: Path) -> None:
    package = str(example("clean.case.zip"))
    code, zh_text, _ = cli("score", package, "--self", home=tmp_path)
    assert code == 0 and "评定等级：二级" in zh_text and "还差：场景达到三级 5 个" in zh_text
    code, en_text, _ = cli("score", package, "--self", home=tmp_path, INSPECTOR_LANG="en")
    assert code == 0 and "Level reached: level 2" in en_text
    assert "needs 5 more scenes at level 3" in en_text and "还差" not in en_text
    one_language(zh_text)
    one_language(en_text)


def test_the_language_comes_from_option_variable_or_settings(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.case.zip")
    home = tmp_path / "home"
    (home / "settings").mkdir(parents=True)
    _, _, err = cli("validate", missing, home=home)
    assert "文件不存在" in err
    (home / "settings" / "settings.toml").write_text('language = "en"\n', encoding="utf-8")
    _, _, err = cli("validate", missing, home=home)
    assert "No such file" in err and not CJK.search(err)
    _, _, err = cli("validate", missing, home=home, INSPECTOR_LANG="zh_CN")
    assert "文件不存在" in err
    _, _, err = cli("validate", missing, "--lang", "zh_CN", home=home, INSPECTOR_LANG="en")
    assert "文件不存在" in err


def test_a_real_process_in_english(tmp_path: Path) -> None:
    app = shutil.which("inspector-app", path=str(Path(sys.executable).parent))
    argv = [app] if app else [sys.executable, "-m", "inspector_app"]
    p = subprocess.run(
        [*argv, "validate", str(tmp_path / "nope.case.zip")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"INSPECTOR_HOME": str(tmp_path / "h"), "INSPECTOR_LANG": "en", "PATH": ""},
        check=False,
        timeout=120,
    )
    assert p.returncode == 1 and "No such file" in p.stderr and not CJK.search(p.stderr)
