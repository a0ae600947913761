"""The first-run wizard: data folder, this device's identity, the agency's card.

1. the data folder (where identities, cases, findings and the log live);
2. the identity: role (expert or agency), name, passphrase twice with its strength shown;
3. the agency's card (an expert's device): its name and fingerprint, to compare by phone.

Finishing creates the identity (slow on purpose: the passphrase's KDF) and trusts the card, off
the UI thread through :mod:`ui.tasks`.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from inspector_app.home import Home
from inspector_app.i18n import N_, _
from inspector_app.identity.keyfile import MIN_PASSPHRASE_LENGTH
from ui.tasks import ProgressDialog

STRENGTH_NAMES = (N_("too short"), N_("weak"), N_("fair"), N_("good"), N_("strong"))


def passphrase_strength(text: str) -> int:
    """0 (too short to be accepted) … 4 (strong), from length and variety of characters."""
    if len(text) < MIN_PASSPHRASE_LENGTH:
        return 0
    classes = sum(
        any(c in group for c in text)
        for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits)
    ) + any(not c.isascii() or c in string.punctuation or c == " " for c in text)
    distinct = len(set(text))
    score = 1
    if len(text) >= 12 and distinct >= 6:
        score += 1
    if classes >= 3:
        score += 1
    if len(text) >= 16 and distinct >= 10:
        score += 1
    return min(score, 4)


class FolderPage(QWizardPage):
    def __init__(self, home: Home) -> None:
        super().__init__()
        self.setObjectName("wizard-folder")
        self.setTitle(_("Welcome"))
        self.setSubTitle(
            _("Inspector keeps this device's identity, the cases and your findings in one folder.")
        )
        self.folder = QLineEdit(str(home.root))
        self.folder.setObjectName("data-folder")
        browse = QPushButton(_("&Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        caption = QLabel(_("&Data folder:"))
        caption.setBuddy(self.folder)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addLayout(row)
        note = QLabel(
            _("Choose a folder on this laptop's own disk; back it up with the laptop's backups.")
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addStretch(1)
        self.folder.textChanged.connect(self.completeChanged)

    @Slot()
    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Data folder"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def isComplete(self) -> bool:
        return bool(self.folder.text().strip())


class IdentityPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("wizard-identity")
        self.setTitle(_("This device's identity"))
        self.setSubTitle(
            _(
                "Your findings are signed with it. The passphrase protects it; it cannot be recovered."
            )
        )
        self.expert = QRadioButton(_("&Expert (on-site inspection)"))
        self.expert.setObjectName("role-expert")
        self.agency = QRadioButton(_("A&gency (third-party institution)"))
        self.agency.setObjectName("role-agency")
        self.expert.setChecked(True)
        self.roles = QButtonGroup(self)
        self.roles.addButton(self.expert)
        self.roles.addButton(self.agency)
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.strength = QProgressBar()
        self.strength.setObjectName("strength")
        self.strength.setRange(0, 4)
        self.strength.setTextVisible(True)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        form = QFormLayout(self)
        role_box = QVBoxLayout()
        role_box.addWidget(self.expert)
        role_box.addWidget(self.agency)
        form.addRow(_("Role:"), role_box)
        for text, edit in (
            (_("&Name:"), self.name),
            (_("&Passphrase:"), self.passphrase),
            (_("&Repeat:"), self.repeat),
        ):
            caption = QLabel(text)
            caption.setBuddy(edit)
            form.addRow(caption, edit)
        form.addRow(_("Strength:"), self.strength)
        form.addRow(self.problem)
        for edit in (self.name, self.passphrase, self.repeat):
            edit.textChanged.connect(self._changed)
        self._changed()

    def role(self) -> str:
        return "agency" if self.agency.isChecked() else "expert"

    @Slot()
    def _changed(self) -> None:
        text = self.passphrase.text()
        score = passphrase_strength(text)
        self.strength.setValue(score)
        self.strength.setFormat(_(STRENGTH_NAMES[score]))
        if not self.name.text().strip():
            self.problem.setText(_("Enter your name as the agency knows it."))
        elif len(text) < MIN_PASSPHRASE_LENGTH:
            self.problem.setText(
                _("The passphrase needs at least {n} characters.", n=MIN_PASSPHRASE_LENGTH)
            )
        elif text != self.repeat.text():
            self.problem.setText(_("The two passphrases differ."))
        else:
            self.problem.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return (
            bool(self.name.text().strip())
            and len(self.passphrase.text()) >= MIN_PASSPHRASE_LENGTH
            and self.passphrase.text() == self.repeat.text()
        )


class CardPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("wizard-card")
        self.setTitle(_("The agency's card"))
        self.setSubTitle(
            _(
                "Import the card the agency gave you, then read its fingerprint to the agency by "
                "phone: both must match. You can also do this later."
            )
        )
        self.card: Any = None
        self.card_path: Path | None = None
        choose = QPushButton(_("&Import card…"))
        choose.setObjectName("import-card")
        choose.clicked.connect(self._choose)
        self.summary = QLabel(_("No card imported yet."))
        self.summary.setObjectName("card-summary")
        self.summary.setWordWrap(True)
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("fingerprint")
        font = self.fingerprint.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.fingerprint.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(choose)
        layout.addWidget(self.summary)
        layout.addWidget(self.fingerprint)
        layout.addStretch(1)

    @Slot()
    def _choose(self) -> None:
        path, _f = QFileDialog.getOpenFileName(
            self, _("The agency's card"), "", _("Identity cards (*.json *.card);;All files (*)")
        )
        if path:
            self.load_card(Path(path))

    def load_card(self, path: Path) -> bool:
        """Read and verify the card at ``path`` and show its fingerprint; False when refused."""
        from inspector_app.errors import InspectorError
        from inspector_app.identity import format_fingerprint, read_card

        try:
            card = read_card(path)
        except InspectorError as exc:
            from ui.errors import show_error

            show_error(exc, self)
            return False
        if card.role != "agency":
            from ui.errors import show_error

            show_error(_("This card belongs to an expert, not to the agency."), self)
            return False
        self.card, self.card_path = card, path
        self.summary.setText(_("Card of {name} ({device}).", name=card.name, device=card.device))
        self.fingerprint.setText(format_fingerprint(card.fingerprint))
        return True


class FirstRunWizard(QWizard):
    """Creates this device's identity in the chosen data folder; ``home`` is the result."""

    def __init__(self, home: Home, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first-run-wizard")
        self.setWindowTitle(_("Inspector — first start"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.home = home
        self.folder_page = FolderPage(home)
        self.identity_page = IdentityPage()
        self.card_page = CardPage()
        for page in (self.folder_page, self.identity_page, self.card_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.NextButton, _("&Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< &Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("&Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("&Cancel"))
        self.created: Any = None
        self._busy = False
        self.resize(640, 480)

    def accept(self) -> None:
        """Create the identity (and trust the card) off the UI thread, then close."""
        if self._busy:
            return
        self._busy = True
        self.home = Home(Path(self.folder_page.folder.text().strip()).expanduser()).ensure()
        ProgressDialog.run(
            self,
            _("Creating this device's keys…"),
            create_identity_and_trust,
            self.home,
            self.identity_page.name.text().strip(),
            self.identity_page.role(),
            self.identity_page.passphrase.text(),
            self.card_page.card_path,
            on_done=self._created,
            on_error=self._failed,
            pass_progress=False,
        )

    @Slot(object)
    def _created(self, view: Any) -> None:
        self.created = view
        self._busy = False
        super().accept()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        from ui.errors import show_error

        self._busy = False
        show_error(exc, self)


def create_identity_and_trust(
    home: Home, name: str, role: str, passphrase: str, card: Path | None
) -> Any:
    """Create the identity, then trust ``card`` when given (a work function for ui.tasks)."""
    from inspector_app.services.identities import create_identity, trust_card

    view = create_identity(home, name, role, passphrase)
    if card is not None:
        trust_card(home, card)
    return view
