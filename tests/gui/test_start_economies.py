"""What the app no longer does before its window shows, without changing what the user sees:
the window icon in window sizes (not the 512 px master), the bundled CJK font registered only
where no CJK font is installed, the case filter's clear button made with its first text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import ui.app as uiapp
from inspector_app.resources import resource_path
from tests.gui.uiahelp import make_homes, settle
from ui.mainwindow import MainWindow


def test_the_window_icon_has_every_window_size_and_not_the_master(qapp: object) -> None:
    icon = uiapp.window_icon()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert sizes == {(n, n) for n in uiapp.ICON_SIZES}
    # each size is its own picture (tools/make_icons.py), not a scaled master
    for n in uiapp.ICON_SIZES:
        assert icon.pixmap(QSize(n, n)).size() == QSize(n, n)
    assert max(uiapp.ICON_SIZES) <= 128


def test_the_icon_sizes_are_made_from_the_master() -> None:
    from PIL import Image

    folder = Path(resource_path("icons"))
    with Image.open(folder / "inspector.png") as master:
        top_left = master.convert("RGBA").resize((16, 16)).getpixel((8, 8))
    with Image.open(folder / "inspector-16.png") as small:
        assert small.size == (16, 16)
        pixel = small.convert("RGBA").getpixel((8, 8))
    assert isinstance(pixel, tuple) and isinstance(top_left, tuple)
    assert all(abs(a - b) <= 48 for a, b in zip(pixel, top_left, strict=True))


@pytest.mark.parametrize("installed", [["Noto Sans CJK SC"], []], ids=["cjk", "none"])
def test_the_bundled_font_is_registered_only_without_a_cjk_font(
    qapp: object, monkeypatch: pytest.MonkeyPatch, installed: list[str]
) -> None:
    registered: list[str] = []
    state = {"families": list(installed)}

    def fake_load() -> list[str]:
        registered.append("WenQuanYi Micro Hei")
        state["families"] = ["WenQuanYi Micro Hei"]
        return ["WenQuanYi Micro Hei"]

    monkeypatch.setattr(uiapp, "cjk_families", lambda: list(state["families"]))
    monkeypatch.setattr(uiapp, "load_bundled_fonts", fake_load)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QFont(app.font())
    try:
        uiapp.setup_fonts(app)
        families = app.font().families()
    finally:
        app.setFont(before)
    if installed:
        assert registered == []
        assert installed[0] in families
    else:
        assert registered == ["WenQuanYi Micro Hei"]
        assert "WenQuanYi Micro Hei" in families


def test_the_case_filter_gets_its_clear_button_with_its_first_text(
    qtbot: QtBot, tmp_path: Path
) -> None:
    homes = make_homes(tmp_path)
    window = MainWindow(homes.expert, defer_pages=True)
    qtbot.addWidget(window)
    page = window.pages["cases"]
    field = page.filter  # type: ignore[attr-defined]
    width = field.minimumWidth()
    assert not field.isClearButtonEnabled()
    field.setText("")
    assert not field.isClearButtonEnabled()
    qtbot.keyClicks(field, "a")  # QtTest types ASCII only
    assert field.isClearButtonEnabled()
    assert field.minimumWidth() == width
    field.clear()
    assert field.isClearButtonEnabled()  # stays, hidden while empty as before
    settle()
