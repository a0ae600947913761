"""The app shell: first-run wizard, settings (language switch), About, error dialogs, the page
contract, and drafts of the conclusion kept across a restart of the window."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from inspector_app import identity
from inspector_app.home import Home
from inspector_app.i18n import get_language, set_language
from tests.gui.uiahelp import close_message_box, make_homes, on_next_modal, settle, wait_for
from ui.mainwindow import MainWindow
from ui.pages import PAGE_NAMES, load_pages


@pytest.fixture(autouse=True)
def _chinese() -> object:
    before = get_language()
    set_language("zh_CN")
    yield
    from ui.app import apply_language

    apply_language(before)


def test_wizard_creates_the_identity_and_trusts_the_agency(qtbot: QtBot, tmp_path: Path) -> None:
    from ui.wizard import FirstRunWizard, passphrase_strength

    homes = make_homes(tmp_path / "others")
    home = Home(tmp_path / "new")
    wizard = FirstRunWizard(home)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.folder_page.folder.text() == str(home.root)
    chosen = tmp_path / "chosen"
    wizard.folder_page.folder.setText(str(chosen))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    page = wizard.identity_page
    assert not page.isComplete()
    qtbot.keyClicks(page.name, "Zhang")
    qtbot.keyClicks(page.passphrase, "short")
    assert page.strength.value() == 0 and not page.isComplete()
    assert "8" in page.problem.text()
    page.passphrase.clear()
    qtbot.keyClicks(page.passphrase, "Correct-Horse-42-battery")
    qtbot.keyClicks(page.repeat, "Correct-Horse-42-batterx")
    assert not page.isComplete() and page.problem.text() == "两次输入的口令不一致。"
    page.repeat.clear()
    qtbot.keyClicks(page.repeat, "Correct-Horse-42-battery")
    assert page.isComplete()
    assert page.strength.value() == passphrase_strength("Correct-Horse-42-battery") >= 3
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    # the agency's card: its fingerprint is shown to compare by phone
    assert wizard.card_page.load_card(homes.card)
    fp = identity.own_card(homes.agency).fingerprint
    assert wizard.card_page.fingerprint.text() == identity.format_fingerprint(fp)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    wait_for(lambda: wizard.created is not None, timeout=60)
    settle()
    assert wizard.home.root == chosen
    info = identity.load(wizard.home)
    assert (info.name, info.role) == ("Zhang", "expert")
    assert [c.fingerprint for c in identity.trusted_cards(wizard.home)] == [fp]


def test_wizard_refuses_an_expert_card(qtbot: QtBot, tmp_path: Path) -> None:
    from ui.wizard import FirstRunWizard

    homes = make_homes(tmp_path / "others")
    expert_card = tmp_path / "expert.card.json"
    expert_card.write_text(identity.card_json_text(identity.own_card(homes.expert)), "utf-8")
    wizard = FirstRunWizard(Home(tmp_path / "new"))
    qtbot.addWidget(wizard)
    texts: list[str] = []
    seen = close_message_box(texts)
    assert not wizard.card_page.load_card(expert_card)
    assert seen and "专家" in texts[0]
    assert wizard.card_page.card is None


def test_settings_switch_the_language(qtbot: QtBot, tmp_path: Path) -> None:
    from inspector_app.services import settings as declared
    from ui.settings import SettingsDialog

    homes = make_homes(tmp_path)
    window = MainWindow(homes.expert)
    qtbot.addWidget(window)
    assert window.menu_file.title() == "文件(&F)"
    assert window.nav.item(0).text() == "案件"

    def choose_english(dialog: object) -> None:
        assert isinstance(dialog, SettingsDialog)
        box = dialog.editors["language"]
        box.setCurrentIndex(box.findData("en"))
        assert dialog.editors["max_entries"].value() == declared.values(homes.expert)["max_entries"]
        dialog.accept()

    seen = on_next_modal(choose_english, SettingsDialog)
    window.act_settings.trigger()
    assert seen == ["settings-dialog"]
    assert declared.values(homes.expert)["language"] == "en"
    assert get_language() == "en"
    assert window.menu_file.title() == "&File"
    assert window.nav.item(0).text() == "Cases"
    assert window.pages["flags"].confirm_button.text() == "C&onfirm"
    settle()


def test_about_names_the_log_file(qtbot: QtBot, tmp_path: Path) -> None:
    homes = make_homes(tmp_path)
    window = MainWindow(homes.expert)
    qtbot.addWidget(window)
    box = window.about_box()
    assert str(homes.expert.log_file) in box.informativeText()
    assert "语言：简体中文" in box.informativeText()  # the language's name, not its id
    assert window.act_about.shortcut().toString() == "F1"
    settle()


def test_every_action_has_a_shortcut_or_mnemonic(qtbot: QtBot, tmp_path: Path) -> None:
    homes = make_homes(tmp_path)
    window = MainWindow(homes.expert)
    qtbot.addWidget(window)
    for menu in (window.menu_file, window.menu_go, window.menu_help):
        assert "&" in menu.title()
        for action in menu.actions():
            if action.isSeparator():
                continue
            assert "&" in action.text() or not action.shortcut().isEmpty(), action.text()
    settle()


def test_a_refused_package_is_explained(qtbot: QtBot, tmp_path: Path, examples: Path) -> None:
    homes = make_homes(tmp_path)
    broken = tmp_path / "broken.case.zip"
    with zipfile.ZipFile(examples / "clean.case.zip") as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("invoices.csv"):
                data = data.replace(b"1", b"7", 1)
            dst.writestr(info, data)
    window = MainWindow(homes.expert)
    qtbot.addWidget(window)
    texts: list[str] = []
    seen = close_message_box(texts)
    window.import_package(broken)
    wait_for(lambda: bool(seen), timeout=60)
    settle()
    text, next_step, details = texts
    assert text  # the message itself
    assert "finance/invoices.csv" in details
    assert "重新复制" in next_step  # what to do next, in plain words
    assert window.session is None
    assert window.pages["cases"].model.rowCount() == 0


def test_an_internal_error_names_the_log(tmp_path: Path) -> None:
    from ui import errors

    errors.set_log_file(tmp_path / "inspector.log")
    title, text, _details = errors.describe(ZeroDivisionError("x"))
    assert title == "内部错误" and "ZeroDivisionError" in text
    assert str(tmp_path / "inspector.log") in errors.next_step(ZeroDivisionError("x"))
    box = errors.error_box(ZeroDivisionError("x"))
    assert box.icon() == QMessageBox.Icon.Critical


def test_page_contract(qtbot: QtBot, tmp_path: Path) -> None:
    pages = load_pages()
    names = [p.name for p in pages]
    assert names == [n for n in PAGE_NAMES if n in names]
    assert {"cases", "overview", "usage", "flags", "conclusion", "export"} <= set(names)
    homes = make_homes(tmp_path)
    window = MainWindow(homes.expert)
    qtbot.addWidget(window)
    for name, page in window.pages.items():
        assert page.title(), name
        page.retranslate()
        page.set_session(None)
    settle()


def test_deferred_pages_load_off_the_ui_thread(qtbot: QtBot, tmp_path: Path) -> None:
    homes = make_homes(tmp_path)
    window = MainWindow(homes.expert, defer_pages=True)
    qtbot.addWidget(window)
    assert set(window.pages) == {"cases"}  # the rest is imported after the window shows
    assert window.nav.count() == len(window.page_names)
    assert window.nav.item(window.page_names.index("flags")).text() == "风险提示"
    wait_for(lambda: set(window.pages) == set(window.page_names))
    window.show_page("flags")
    assert window.current_page() == "flags"
    settle()


def test_a_page_asked_for_early_loads_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    homes = make_homes(tmp_path)
    window = MainWindow(homes.expert, defer_pages=True)
    qtbot.addWidget(window)
    window.show_page("export")  # before the background import has ended
    assert window.current_page() == "export"
    settle()
