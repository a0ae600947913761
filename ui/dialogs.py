"""Small dialogs shared by the pages: the passphrase prompt (:class:`PassphraseDialog`).

The unlocked signer is kept by :class:`ui.signer.SignerKeeper`, which asks through this dialog.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from inspector_app.home import Home
from inspector_app.i18n import _


class PassphraseDialog(QDialog):
    """Asks for this device's passphrase (never shown, never stored)."""

    def __init__(self, parent: QWidget | None = None, text: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphrase-dialog")
        self.setWindowTitle(_("Passphrase"))
        self.label = QLabel(text or _("Enter this device's passphrase to sign."))
        self.label.setWordWrap(True)
        self.edit = QLineEdit()
        self.edit.setObjectName("passphrase")
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        caption = QLabel(_("&Passphrase:"))
        caption.setBuddy(self.edit)
        form.addRow(caption, self.edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def passphrase(self) -> str:
        return self.edit.text()

    @classmethod
    def ask(cls, parent: QWidget | None = None, text: str | None = None) -> str | None:
        dialog = cls(parent, text)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.passphrase()


def about_box(parent: QWidget, home: Home, headline: str) -> QMessageBox:
    """The About box of both windows: ``headline`` (the app and its version), then the data
    folder, the log file (where internal errors go, with their tracebacks) and the language."""
    from PySide6.QtCore import Qt

    from inspector_app.i18n import get_language
    from ui.settings import LANGUAGE_NAMES

    box = QMessageBox(parent)
    box.setObjectName("about-dialog")
    box.setWindowTitle(_("About Inspector"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(headline)
    box.setInformativeText(
        _(
            "Data folder: {home}\nLog file: {log}\nLanguage: {lang}",
            home=home.root,
            log=home.log_file,
            lang=LANGUAGE_NAMES.get(get_language(), get_language()),
        )
    )
    return box
