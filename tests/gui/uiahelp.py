"""Shared set-up of the shell and UIA page tests: an expert home that trusts an agency, the
agency's own home, the example package with a red flag, and helpers to answer modal dialogs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from inspector_app import identity
from inspector_app.home import Home

PASSPHRASE = "correct horse battery staple 42"


@dataclass
class Homes:
    expert: Home
    agency: Home
    card: Path


def make_homes(root: Path) -> Homes:
    """An expert home (trusting the agency's card) and the agency's home; cheap KDF."""
    expert = Home(root / "expert").ensure()
    agency = Home(root / "agency").ensure()
    identity.init_identity(
        agency, name="验收机构", role="agency", passphrase=PASSPHRASE, _kdf=identity.TEST_KDF
    )
    card = root / "agency.card.json"
    card.write_text(identity.card_json_text(identity.own_card(agency)), encoding="utf-8")
    identity.init_identity(
        expert, name="测试专家", role="expert", passphrase=PASSPHRASE, _kdf=identity.TEST_KDF
    )
    identity.trust_card(expert, card)
    expert_card = root / "expert.card.json"
    expert_card.write_text(identity.card_json_text(identity.own_card(expert)), encoding="utf-8")
    identity.trust_card(agency, expert_card)
    return Homes(expert, agency, card)


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Process events until ``predicate()`` holds (fails after ``timeout`` seconds)."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("timed out")
        QApplication.processEvents()
        time.sleep(0.005)


def settle() -> None:
    """Let every background task end and its queued results arrive."""
    from ui import tasks

    for _ in range(3):
        tasks.wait_all(20_000)
        QApplication.processEvents()


def on_next_modal(handle: Callable[[QWidget], None], kind: type = QDialog) -> list[str]:
    """Call ``handle(dialog)`` on the next modal dialog of ``kind`` that opens; returns a
    list that receives the dialog's object name (to assert it was seen)."""
    seen: list[str] = []

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            seen.append(widget.objectName())
            try:
                handle(widget)
            finally:  # a failed check must not leave a modal dialog open (the test would hang)
                if widget.isVisible() and isinstance(widget, QDialog):
                    widget.reject()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return seen


def type_passphrase(text: str = PASSPHRASE) -> list[str]:
    """Answer the next passphrase dialog with ``text``."""
    from ui.dialogs import PassphraseDialog

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, PassphraseDialog)
        dialog.edit.setText(text)
        dialog.accept()

    return on_next_modal(fill, PassphraseDialog)


def close_message_box(texts: list[str]) -> list[str]:
    """Close the next message box, keeping its text, informative text and details."""

    def close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        texts.extend([box.text(), box.informativeText(), box.detailedText()])
        box.accept()

    return on_next_modal(close, QMessageBox)


def lowest_answers(session: Any) -> list[dict[str, Any]]:
    """A score finding for every question (its lowest option) and scene (level 0)."""
    checklist = session.checklist
    out: list[dict[str, Any]] = []
    for item in checklist.item_ids():
        question = checklist.questions.get(item)
        if question is None:
            out.append({"kind": "score", "item": item, "level": 0, "comment": "现场未见"})
            continue
        low = min(question.options, key=lambda o: o.points)
        answer: Any = [low.letter] if question.type == "multi" else low.letter
        out.append({"kind": "score", "item": item, "answer": answer, "comment": "现场核实"})
    return out


def package(examples: Path) -> Path:
    return examples / "payment-reflux.case.zip"
