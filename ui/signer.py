"""The unlocked signer of an app session.

The identity is unlocked once per app session (the passphrase's KDF is slow on purpose, so the
unlocking runs through :mod:`ui.tasks`); the :class:`SignerKeeper` keeps the unlocked signer in
memory only until the app closes. It asks for the passphrase through the window's ``ask``
(:class:`ui.dialogs.PassphraseDialog`), so a window that starts imports no dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from inspector_app.home import Home
from inspector_app.i18n import _
from ui.tasks import ProgressDialog


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
