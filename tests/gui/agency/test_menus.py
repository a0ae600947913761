"""The agency console's menu bar (文件 / 批次 / 报告 / 转到 / 帮助): every action is there, has a
shortcut or a mnemonic, is translated in both languages, and does what it says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

from inspector_app import __version__
from inspector_app.i18n import get_language, set_language
from tests.gui.uiahelp import make_homes, on_next_modal, settle

MENU_TITLES = {
    "zh_CN": ["文件(&F)", "批次(&B)", "报告(&R)", "转到(&G)", "帮助(&H)"],
    "en": ["&File", "&Batch", "&Reports", "&Go", "&Help"],
}


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    before = get_language()
    set_language("zh_CN")
    yield
    from ui.app import apply_language

    apply_language(before)


@pytest.fixture
def window(tmp_path: Path, qtbot: Any) -> Any:
    from ui.agency.window import AgencyWindow

    homes = make_homes(tmp_path)
    win = AgencyWindow(homes.agency)
    qtbot.addWidget(win)
    win.show()
    settle()
    yield win
    win.close()
    settle()


def menus(win: Any) -> list[Any]:
    return [a.menu() for a in win.menuBar().actions()]


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def check_language(win: Any, lang: str) -> None:
    assert [m.title() for m in menus(win)] == MENU_TITLES[lang]
    for menu in menus(win):
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text()
            assert "&" in text or not action.shortcut().isEmpty(), text
            # the page titles keep their own words; everything else in the language
            if lang == "en":
                assert not has_cjk(text), text
            else:
                words = re.sub(r"\(&\w\)|&|Inspector", "", text)
                assert has_cjk(words) and not re.search(r"[A-Za-z]{2,}", words), text


def test_every_action_is_in_a_menu_with_a_shortcut_or_mnemonic(window: Any) -> None:
    check_language(window, "zh_CN")
    actions = {a.text() for m in menus(window) for a in m.actions() if not a.isSeparator()}
    for expected in (
        "导入批次名单(&I)…",
        "添加同步包(&A)…",
        "监视文件夹(&W)…",
        "打开回执文件夹(&R)",
        "设置(&S)…",
        "退出(&Q)",
        "重新读取批次状态(&L)",
        "待决定的专家分歧(&D)",
        "运行跨企业规则(&C)",
        "生成报告草稿(&G)",
        "打开报告草稿文件夹(&O)",
        "关于 Inspector(&A)",
        "&1 批次名单",
        "&6 批次看板",
    ):
        assert expected in actions
    shortcuts = [
        a.shortcut().toString() for m in menus(window) for a in m.actions() if not a.isSeparator()
    ]
    shortcuts = [s for s in shortcuts if s]
    assert len(shortcuts) == len(set(shortcuts)), shortcuts  # no ambiguous shortcut
    assert window.nav.item(1).toolTip() == "快捷键：Ctrl+2"


def test_buttons_and_fields_have_mnemonics_that_nothing_else_uses(window: Any) -> None:
    """Every page button and every form label (with its field as buddy) has a mnemonic; none
    is one of the menu bar's letters, none is used twice on a page."""
    bar = {"F", "B", "R", "G", "H"}
    for name, page in window.pages.items():
        seen: dict[str, str] = {}
        texts = [b.text() for b in page.findChildren(QPushButton) if b.text()]
        texts += [label.text() for label in page.findChildren(QLabel) if label.buddy()]
        for text in texts:
            found = re.search(r"&(\w)", text)
            assert found, (name, text)
            letter = found.group(1).upper()
            assert letter not in bar, (name, text)
            # a button that changes its text (监视 / 停止监视) keeps its letter
            assert seen.setdefault(letter, text) == text, (name, text, seen[letter])
    assert window.pages["roster"].form.labelForField(window.pages["roster"].batch_edit).text() == (
        "批次(&M)"
    )


def test_the_menus_speak_english_after_the_settings_switch(window: Any) -> None:
    from ui.settings import SettingsDialog

    def choose_english(dialog: Any) -> None:
        box = dialog.editors["language"]
        box.setCurrentIndex(box.findData("en"))
        dialog.accept()

    seen = on_next_modal(choose_english, SettingsDialog)
    window.act_settings.trigger()
    assert seen == ["settings-dialog"]
    check_language(window, "en")
    assert window.act_generate.text() == "&Generate report drafts"
    assert window.nav.item(0).text() == "Batch roster"
    assert window.pages["roster"].import_button.text() == "&Import roster"
    settle()


def test_the_actions_trigger(window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roster = tmp_path / "附件9.csv"
    roster.write_text("x", encoding="utf-8")
    asked: list[str] = []

    def open_file(*_a: Any, **_k: Any) -> tuple[str, str]:
        asked.append("roster")
        return str(roster), ""

    def open_files(*_a: Any, **_k: Any) -> tuple[list[str], str]:
        asked.append("bundles")
        return [], ""

    def folder(*_a: Any, **_k: Any) -> str:
        asked.append("folder")
        return str(tmp_path)

    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_file)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", open_files)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", folder)

    window.act_import_roster.trigger()  # no batch named yet: the batch field asks for it
    assert window.current_page() == "roster" and asked == ["roster"]
    assert window.pages["roster"].file_edit.text() == str(roster)
    window.act_add_bundles.trigger()
    assert window.current_page() == "inbox" and asked[-1] == "bundles"
    window.act_watch.trigger()
    inbox = window.pages["inbox"]
    assert asked[-1] == "folder" and inbox.watch_button.isChecked()
    assert inbox.watch_edit.text() == str(tmp_path)
    assert inbox.watch_button.text() == "停止监视(&W)"
    window.act_watch.trigger()  # a second time: stops watching
    assert not inbox.watch_button.isChecked() and not inbox.watcher.directories()
    for index, name in enumerate(window.pages):
        window.act_pages[name].trigger()
        assert window.current_page() == name
        assert window.act_pages[name].shortcut().toString() == f"Ctrl+{index + 1}"
    window.act_disagreements.trigger()
    assert window.current_page() == "disagreements"
    window.act_refresh.trigger()
    settle()
    window.act_cross.trigger()
    assert window.current_page() == "cross"
    settle()
    window.act_generate.trigger()
    assert window.current_page() == "reports"
    settle()


def test_about_shows_the_version_and_the_log_file(window: Any) -> None:
    box = window.about_box()
    assert __version__ in box.text() and "第三方机构控制台" in box.text()
    info = box.informativeText()
    assert str(window.home.log_file) in info and "语言：简体中文" in info
    assert window.act_about.shortcut().toString() == "F1"

    seen = on_next_modal(lambda dialog: dialog.close(), type(box))
    window.act_about.trigger()
    assert seen == ["about-dialog"]


def test_a_shortcut_switches_the_page(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "disagreements"
