"""``--help`` in the language chosen: every help text, description and argparse's own words
through the catalog (``resources/locale/zh_CN/LC_MESSAGES/cli.po``), translated when the help is
formatted (``--lang`` may follow the command); ``docs/cli.md`` stays English."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from inspector_app.cli import ARGPARSE_HELP_WORDS, build_parser
from inspector_app.i18n import language, translate
from tests.e2e.clihelp import run_cli

#: a help sentence in English: three words of letters in a row (not an option, a metavar, an id)
_ENGLISH = re.compile(r"(?<![-\w.])[a-z]{2,}(?: [a-z]{2,}){2,}(?![-\w])")

HELP_PATHS = [
    [],
    ["validate"],
    ["identity"],
    ["identity", "init"],
    ["findings", "add"],
    ["bundle", "import"],
    ["batch", "import"],
    ["report"],
    ["sample"],
    ["gui"],
]


def _parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def _texts(parser: argparse.ArgumentParser) -> Iterator[str]:
    """Every text of a parser that its help shows: help strings, description, epilog,
    section headings, the sub-commands' one-line help."""
    for text in (parser.description, parser.epilog):
        if text:
            yield text
    for group in parser._action_groups:
        if group.title:
            yield group.title
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            yield action.help
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.help:
                    yield choice.help


def _symbols_only(text: str) -> bool:
    """A text with no word to translate (only ids, file patterns, punctuation)."""
    return not re.search(r"[A-Za-z]{2,}", re.sub(r"[\w.*-]*[._*][\w.*-]*|[A-Z_]{2,}", "", text))


@pytest.mark.parametrize("path", HELP_PATHS, ids=lambda p: " ".join(p) or "top")
def test_help_is_chinese_by_default(path: list[str]) -> None:
    code, out, err = run_cli(*path, "--help", env={"INSPECTOR_LANG": None})
    assert code == 0 and err == ""
    assert out.startswith("用法：inspector-app"), out
    assert "选项：" in out and "显示本帮助信息并退出" in out
    for english in ("usage:", "options:", "positional arguments", "show this help message"):
        assert english not in out
    # no English sentence left: strip the synopsis (options, metavars), then look
    body = out.split("\n\n", 1)[1]
    found = [m.group(0) for m in _ENGLISH.finditer(body)]
    assert not found, found


@pytest.mark.parametrize("path", HELP_PATHS, ids=lambda p: " ".join(p) or "top")
def test_help_in_english_with_lang_en(path: list[str]) -> None:
    code, out, _err = run_cli(*path, "--lang", "en", "--help")
    assert code == 0
    assert out.startswith("usage: inspector-app"), out
    assert "options:\n" in out and "show this help message and exit" in out
    flat = re.sub(r"\s+", "", out).replace("一企一档", "").replace("附件", "")
    assert not re.search(r"[\u4e00-\u9fff]", flat)


def test_the_language_is_chosen_at_format_time() -> None:
    """One parser, two languages: what it prints follows the language when it formats."""
    parser = build_parser()
    with language("zh_CN"):
        zh = parser.format_help()
    with language("en"):
        en = parser.format_help()
    assert "检查" in zh and "check a case package" not in zh
    assert "check a case package" in en and "检查" not in en


def test_lang_after_the_command_sets_the_help_language() -> None:
    code, out, _err = run_cli("validate", "--help", "--lang", "en", env={"INSPECTOR_LANG": None})
    assert code == 0 and "print one JSON object" in out
    code, out, _err = run_cli("validate", "--lang", "zh_CN", "--help", env={"INSPECTOR_LANG": "en"})
    assert code == 0 and "输出一个 JSON 对象" in out


def test_every_help_text_has_a_chinese_translation() -> None:
    """Walks every parser of the CLI: each help, description and heading renders differently in
    Chinese than its English message id (except a text of symbols and ids only)."""
    untranslated = []
    seen = 0
    for path, parser in _parsers(build_parser()):
        for text in _texts(parser):
            seen += 1
            if translate(text, "zh_CN") == text and not _symbols_only(text):
                untranslated.append(f"{' '.join(path) or '(top)'}: {text!r}")
    assert seen > 100
    assert not untranslated, "\n".join(untranslated)


def test_argparse_words_are_translated() -> None:
    for word in ARGPARSE_HELP_WORDS:
        assert translate(word, "zh_CN") != word


def test_a_default_substitution_still_works() -> None:
    """``%(default)s`` in a help text is substituted in the translation too."""
    from inspector_app import cli

    parser = cli._Parser(prog="x")
    parser.add_argument("--seed", default=7, help="random seed (default 0)")
    parser.add_argument("--n", default=3, help="%(default)s")
    with language("zh_CN"):
        text = parser.format_help()
    assert "随机种子（默认 0）" in text and "  3\n" in text


def test_chinese_lines_fit_the_width() -> None:
    """Wide characters take two columns: a Chinese help line is wrapped by its width on
    screen, and the synopsis's continuation lines line up under the command."""
    from inspector_app.cli import _display_width

    code, out, _err = run_cli("sample", "--help", env={"INSPECTOR_LANG": None, "COLUMNS": "80"})
    assert code == 0
    assert max(_display_width(line) for line in out.splitlines()) <= 80
    lines = out.splitlines()
    assert lines[1].startswith(" " * _display_width("用法：inspector-app sample ") + "[")
