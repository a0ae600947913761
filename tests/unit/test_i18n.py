"""Messages as values, rendered in one language; gettext catalogs compiled and complete."""

from __future__ import annotations

import ast
import gettext
import io
import string
from pathlib import Path

import pytest

from inspector_app import i18n, mofile
from inspector_app.errors import InputRefused, Issue
from inspector_app.i18n import (
    Message,
    bi,
    bilingual,
    both,
    catalog,
    catalog_folder,
    join,
    labelled,
    language,
    nbi,
    plural_catalog,
    resolve_language,
    verbatim,
)

ROOT = Path(__file__).resolve().parents[2]
#: functions whose first argument is a message id (nbi: its second is the plural id)
FUNCTIONS = {"_", "bi", "message", "nbi", "zh", "en", "tr", "texts", "N_"}


def _message_ids() -> list[tuple[str, str, str | None]]:
    found = []
    for layer in ("inspector_app", "sync", "reports", "ui"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in FUNCTIONS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    plural = None
                    if node.func.id == "nbi" and len(node.args) > 1:
                        second = node.args[1]
                        assert isinstance(second, ast.Constant), f"{path}:{node.lineno}"
                        plural = str(second.value)
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.append((where, node.args[0].value, plural))
    return found


def test_catalogs_are_compiled_and_current() -> None:
    """Every .po has its .mo, compiled after the .po was last changed (tools/compile_catalogs.sh);
    never a silent fall-back to English."""
    folder = catalog_folder("zh_CN")
    sources = sorted(folder.glob("*.po"))
    assert sources
    stale = [
        po.name
        for po in sources
        if not po.with_suffix(".mo").is_file()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    assert not stale, f"run tools/compile_catalogs.sh: not compiled or stale: {stale}"
    # and the merged cache it writes stands for exactly these .mo files (else each is read)
    compiled = mofile.read_catalogs(sorted(folder.glob("*.mo")))
    cached = mofile.from_cache(folder / mofile.CACHE_NAME, compiled)
    assert cached is not None, "run tools/compile_catalogs.sh: the merged cache is missing or stale"


def test_a_missing_mo_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "core.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "resource_path", tmp_path.joinpath)
    i18n.translations.cache_clear()
    try:
        with pytest.raises(i18n.CatalogMissing, match="compile_catalogs"):
            bi("usage error").render("zh_CN")
    finally:
        i18n.translations.cache_clear()


def test_the_cli_says_when_the_catalog_is_not_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inspector_app import cli

    folder = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "core.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "resource_path", tmp_path.joinpath)
    i18n.translations.cache_clear()
    out, err = io.StringIO(), io.StringIO()
    try:
        code = cli.run(["--lang", "zh_CN", "validate", "x.case.zip"], out, err)
    finally:
        i18n.translations.cache_clear()
    assert code == 3 and out.getvalue() == ""
    assert "compile_catalogs" in err.getvalue() and "Traceback" not in err.getvalue()


def test_every_message_is_translated() -> None:
    zh = catalog("zh_CN")
    plurals = plural_catalog("zh_CN")
    ids = _message_ids()
    assert len(ids) > 400
    missing = [
        f"{where}: {msgid!r}"
        for where, msgid, plural in ids
        if (msgid not in plurals if plural is not None else msgid not in zh)
    ]
    assert not missing, "untranslated messages:\n" + "\n".join(missing)


def test_placeholders_match() -> None:
    fmt = string.Formatter()

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in fmt.parse(text) if f}

    bad = [m for m, s in catalog("zh_CN").items() if fields(m) != fields(s)]
    for msgid, forms in plural_catalog("zh_CN").items():
        bad += [msgid for form in forms if fields(form) != fields(msgid)]
    assert not bad, bad


def test_a_message_renders_in_one_language() -> None:
    msg = bi("usage error")
    assert msg.render("zh_CN") == "用法错误"
    assert msg.render("en") == "usage error"
    with language("en"):
        assert str(msg) == "usage error"
        assert f"[{msg}]" == "[usage error]"
    with language("zh_CN"):
        assert str(msg) == "用法错误"
    assert " / " not in msg.render("zh_CN")


def test_parameters_that_are_messages_follow_the_language() -> None:
    inner = bi("usage error")
    outer = labelled("X", inner)
    assert outer.render("zh_CN") == "X：用法错误"
    assert outer.render("en") == "X: usage error"
    joined = join([bi("usage error"), verbatim("a.csv")])
    assert joined.render("zh_CN") == "用法错误；a.csv"
    assert joined.render("en") == "usage error; a.csv"
    assert both("二级", "level 2").render("en") == "level 2"


def test_messages_are_immutable_values() -> None:
    a = bi("Cannot read {path}: {error}", path="x", error="e")
    b = bi("Cannot read {path}: {error}", path="x", error="e")
    assert a == b and hash(a) == hash(b)
    assert a != bi("Cannot read {path}: {error}", path="y", error="e")
    assert a != "Cannot read x: e"
    with pytest.raises(AttributeError):
        a.msgid = "other"  # type: ignore[attr-defined]


def test_plural_forms() -> None:
    """The Chinese catalog has one form (Plural-Forms: nplurals=1); English picks by n."""
    one = nbi(
        "needs {n} more scene at {level_name}",
        "needs {n} more scenes at {level_name}",
        1,
        level_name=both("三级", "level 3"),
    )
    five = nbi(
        "needs {n} more scene at {level_name}",
        "needs {n} more scenes at {level_name}",
        5,
        level_name=both("三级", "level 3"),
    )
    assert one.render("en") == "needs 1 more scene at level 3"
    assert five.render("en") == "needs 5 more scenes at level 3"
    assert one.render("zh_CN") == "还差：场景达到三级 1 个"
    assert five.render("zh_CN") == "还差：场景达到三级 5 个"
    trans = i18n.translations("zh_CN")
    assert isinstance(trans, gettext.GNUTranslations)
    assert "nplurals=1" in trans.info()["plural-forms"]


def test_json_carries_chinese_and_english_whatever_the_language() -> None:
    issue = Issue("HASH_MISMATCH", "a.csv", bi("usage error"))
    for lang in ("en", "zh_CN"):
        with language(lang):
            out = issue.to_json()
        assert out["message"] == "用法错误"
        assert out["message_en"] == "usage error"
    assert bilingual("hint", None) == {"hint": None, "hint_en": None}


def test_exceptions_carry_the_message() -> None:
    exc = InputRefused(bi("usage error"))
    assert isinstance(exc.message, Message)
    with language("en"):
        assert str(exc) == "usage error"
    with language("zh_CN"):
        assert str(exc) == "用法错误"


def test_language_resolution(tmp_path: Path) -> None:
    settings = tmp_path / "settings"
    settings.mkdir()
    assert resolve_language(None, settings, environ={}) == "zh_CN"
    (settings / "settings.toml").write_text('language = "en"\n', encoding="utf-8")
    assert resolve_language(None, settings, environ={}) == "en"
    assert resolve_language(None, settings, environ={"INSPECTOR_LANG": "zh_CN"}) == "zh_CN"
    assert resolve_language("zh_CN", settings, environ={"INSPECTOR_LANG": "en"}) == "zh_CN"
    assert resolve_language(None, None, environ={"INSPECTOR_LANG": "fr"}) == "zh_CN"
    with pytest.raises(ValueError):
        resolve_language("fr")


def test_a_lookup_finds_what_the_fallback_chain_would() -> None:
    """Every area's messages are also merged into the first catalog (one dict lookup): the
    first area (in file order) that has a message still wins, as it did through fallbacks."""
    merged = i18n.translations("zh_CN")
    expected: dict[str, str] = {}
    for mo in sorted(i18n.catalog_folder("zh_CN").glob("*.mo")):
        with mo.open("rb") as fh:
            area = gettext.GNUTranslations(fh)
        for key, value in area._catalog.items():  # type: ignore[attr-defined]
            if isinstance(key, str) and key:
                expected.setdefault(key, value)
    assert len(expected) > 100
    for key, value in expected.items():
        assert merged.gettext(key) == value


def test_a_counted_message_has_plural_forms() -> None:
    """A message that starts with a count ("{count} items …") goes through ``nbi`` with its
    singular and plural (English said "1 items unanswered"); ``_``/``bi`` with such a msgid
    is refused here, in every package that shows text."""
    import re

    root = Path(__file__).resolve().parents[2]
    counted = re.compile(r"^\{(count|n)\} ")
    found = []
    for package in ("inspector_app", "ui", "sync", "reports"):
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "bi")
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and counted.match(node.args[0].value)
                ):
                    found.append(f"{path.relative_to(root)}:{node.lineno}: {node.args[0].value}")
    assert not found, "\n".join(found)
