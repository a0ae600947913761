"""Small dialogs shared by the pages: the passphrase prompt and the unlocked signer.

The identity is unlocked once per app session (the passphrase's KDF is slow on purpose, so the
unlocking runs through :mod:`ui.tasks`); the :class:`SignerKeeper` keeps the unlocked signer in
memory only until the app closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.home import Home
from inspector_app.i18n import _
from ui.tasks import ProgressDialog


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


class SignerKeeper:
    """Unlocks this device's identity once (off the UI thread) and keeps the signer."""

    def __init__(
        self,
        home: Home,
        ask: Callable[[QWidget | None], str | None],
        show_error: Callable[..., None],
    ) -> None:
        self.home = home
        self._ask = ask
        self._show_error = show_error
        self.signer: Any = None

    def forget(self) -> None:
        self.signer = None

    def with_signer(self, parent: QWidget | None, then: Callable[[Any], None]) -> None:
        """Call ``then(signer)``; asks the passphrase and unlocks first when needed."""
        if self.signer is not None:
            then(self.signer)
            return
        passphrase = self._ask(parent)
        if passphrase is None:
            return
        from inspector_app.services.identities import unlock_identity

        def unlocked(signer: Any) -> None:
            self.signer = signer
            then(signer)

        ProgressDialog.run(
            parent,
            _("Unlocking the identity…"),
            unlock_identity,
            self.home,
            passphrase,
            on_done=unlocked,
            on_error=lambda exc: self._show_error(exc, parent),
            pass_progress=False,
        )
