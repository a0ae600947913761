"""The settings dialog, built from the core's declared settings
(:data:`inspector_app.services.settings.SETTINGS`, kept in the home's ``settings.toml``).

A choice becomes a combo box, a number a spin box, each with its translated label and help.
Changing the language re-renders the whole window in the new language
(``MainWindow.retranslate``) and installs Qt's own translations for stock dialogs.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector_app.home import Home
from inspector_app.i18n import N_, _, resolve_language

#: how each language names itself in the chooser (never translated)
LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}
SECTION_TITLES = {"general": N_("General"), "packages": N_("Case packages")}


def language(home: Home) -> str:
    """The language to start in: ``INSPECTOR_LANG``, else the home's setting, else Chinese."""
    return resolve_language(None, home.settings_dir)


class SettingsDialog(QDialog):
    """Every declared setting, grouped by section."""

    def __init__(self, home: Home, parent: QWidget | None = None) -> None:
        from inspector_app.services import settings as declared

        super().__init__(parent)
        self.setObjectName("settings-dialog")
        self.home = home
        self.language_changed = False
        self.setWindowTitle(_("Settings"))
        current = declared.values(home)
        self.before = dict(current)
        self.editors: dict[str, QComboBox | QSpinBox] = {}
        layout = QVBoxLayout(self)
        forms: dict[str, QFormLayout] = {}
        for s in declared.SETTINGS:
            form = forms.get(s.section)
            if form is None:
                box = QGroupBox(_(SECTION_TITLES.get(s.section, s.section)))
                form = forms[s.section] = QFormLayout(box)
                layout.addWidget(box)
            editor: QComboBox | QSpinBox
            if s.kind == declared.CHOICE:
                editor = QComboBox()
                for choice in s.choices:
                    editor.addItem(LANGUAGE_NAMES.get(choice, choice), choice)
                editor.setCurrentIndex(max(editor.findData(current[s.key]), 0))
            else:
                editor = QSpinBox()
                editor.setRange(s.minimum or 0, 1_000_000_000)
                editor.setValue(int(current[s.key]))
            editor.setObjectName(s.key)
            editor.setToolTip(s.help())
            caption = QLabel(_("{label}:", label=s.label()))
            caption.setBuddy(editor)
            caption.setToolTip(s.help())
            form.addRow(caption, editor)
            self.editors[s.key] = editor
        note = QLabel(_("The settings are kept in {path}.", path=declared.settings_file(home)))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, editor in self.editors.items():
            out[key] = editor.currentData() if isinstance(editor, QComboBox) else editor.value()
        return out

    def accept(self) -> None:
        from inspector_app.errors import InspectorError
        from inspector_app.services import settings as declared
        from ui.app import apply_language
        from ui.errors import show_error

        values = self.chosen()
        changes = {k: v for k, v in values.items() if v != self.before.get(k)}
        try:
            if changes:
                declared.set_values(self.home, changes)
        except (InspectorError, OSError) as exc:
            show_error(exc, self)
            return
        if "language" in changes:
            apply_language(str(values["language"]))
            self.language_changed = True
        super().accept()
