"""Control and bidi characters are shown visibly in text output (issue 16 item 8)."""

from __future__ import annotations

import pytest

from inspector_app.textsafe import is_clean, visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # OSC: rewrites the terminal title
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clears the screen
        ("ok\rFAKE", "ok\\x0dFAKE"),  # carriage return overwrites the line
        ("abc\b\b\bxyz", "abc\\x08\\x08\\x08xyz"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),  # right-to-left override
        ("a\u2066b\u2069c\u200fd", "a\\u2066b\\u2069c\\u200fd"),
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("\x9b31m", "\\x9b31m"),  # C1 CSI
        ("\x00\x7f", "\\x00\\x7f"),
        ("lone \ud800", "lone \\ud800"),
    ],
)
def test_unsafe_characters_are_escaped(raw: str, shown: str) -> None:
    assert visible(raw) == shown
    assert not is_clean(raw)


@pytest.mark.parametrize(
    "text", ["", "plain ASCII", "昆明测试机械制造有限公司 — 合同 HT-2024-001", "a\tb\nc", "ع"]
)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert visible(text) == text


def test_one_line_fields_escape_newlines_and_tabs() -> None:
    assert visible("a\nb\tc", keep_newlines=False) == "a\\x0ab\\x09c"


def test_the_desktop_app_shows_texts_visibly_too() -> None:
    """``ui.text.shown`` — the one place the pages turn values into text — uses ``visible``."""
    from ui.text import shown

    assert shown("evil\u202etxt\x1b[2J") == "evil\\u202etxt\\x1b[2J"
    assert shown("第一行\n第二行") == "第一行\n第二行"
    assert shown(None) == ""
