"""The settings dialog, built from the core's declared settings (the home's ``settings.toml``).

The language is one of them; changing it re-renders the whole window in the new language
(``MainWindow.retranslate``) and installs Qt's own translations for stock dialogs.
"""

from __future__ import annotations

import tomllib
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from inspector_app.home import Home
from inspector_app.i18n import DEFAULT_LANGUAGE, LANGUAGES, SETTINGS_FILE, _, resolve_language

#: how each language names itself in the chooser (never translated)
LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}


def language(home: Home) -> str:
    """The language to start in: ``INSPECTOR_LANG``, else the home's setting, else Chinese."""
    return resolve_language(None, home.settings_dir)


def _read(home: Home) -> dict[str, Any]:
    try:
        with (home.settings_dir / SETTINGS_FILE).open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def save_language(home: Home, value: str) -> None:
    """Record the language in the home's settings (through the core's declared settings)."""
    from inspector_app.services import settings as declared

    declared.set_value(home, "language", value)


class SettingsDialog(QDialog):
    """Every declared setting the expert may change (today: the language)."""

    def __init__(self, home: Home, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings-dialog")
        self.home = home
        self.language_changed = False
        self.setWindowTitle(_("Settings"))
        self.language_box = QComboBox()
        self.language_box.setObjectName("language")
        for code in LANGUAGES:
            self.language_box.addItem(LANGUAGE_NAMES.get(code, code), code)
        current = _read(home).get("language", DEFAULT_LANGUAGE)
        index = self.language_box.findData(current if current in LANGUAGES else DEFAULT_LANGUAGE)
        self.language_box.setCurrentIndex(max(index, 0))
        form = QFormLayout()
        caption = QLabel(_("&Language:"))
        caption.setBuddy(self.language_box)
        form.addRow(caption, self.language_box)
        note = QLabel(_("The settings are kept in {path}.", path=home.settings_dir / SETTINGS_FILE))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def accept(self) -> None:
        from ui.app import apply_language

        chosen = str(self.language_box.currentData())
        before = _read(self.home).get("language", DEFAULT_LANGUAGE)
        save_language(self.home, chosen)
        if chosen != before:
            apply_language(chosen)
            self.language_changed = True
        super().accept()
