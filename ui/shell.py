"""What the expert's main window and the agency console share: actions with a shortcut, the
转到 menu's page actions (Ctrl+1…), the settings dialog and the About box."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from inspector_app.home import Home

if TYPE_CHECKING:  # annotations only: a Qt class is made when first named (its enums too)
    from PySide6.QtWidgets import QMessageBox


class ShellMixin:
    """Mixed into a :class:`QMainWindow` subclass that has ``home``, ``show_page(name)``,
    ``retranslate()`` and ``about_box()``."""

    home: Home

    def _action(
        self, slot: Any, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None
    ) -> QAction:
        """An action of the window (its shortcut works wherever the focus is)."""
        window = self._window()
        action = QAction(window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        window.addAction(action)
        return action

    def _page_actions(self, names: Iterable[str]) -> dict[str, QAction]:
        """One action per page, Ctrl+1, Ctrl+2, … in the pages' order."""
        return {
            name: self._action(
                lambda _checked=False, n=name: self.show_page(n), f"Ctrl+{index + 1}"
            )
            for index, name in enumerate(names)
        }

    def open_settings(self) -> None:
        from ui.settings import SettingsDialog

        dialog = SettingsDialog(self.home, self._window())
        if dialog.exec() and dialog.language_changed:
            self.retranslate()

    def about(self) -> None:
        self.about_box().exec()

    # provided by the window
    def show_page(self, name: str) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        raise NotImplementedError

    def about_box(self) -> QMessageBox:
        raise NotImplementedError

    def _window(self) -> QMainWindow:
        assert isinstance(self, QMainWindow)
        return self
