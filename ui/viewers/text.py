"""A read-only text viewer (TXT, JSON, Markdown, XML…) with "go to line" and highlighting."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from inspector_app.evidence.fulltext import decode_text
from inspector_app.i18n import _

#: bytes shown at most (the rest is said to be left out)
MAX_SHOWN = 4 << 20


class TextViewer(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("text-view")
        self.edit.setReadOnly(True)
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.note = QLabel(self)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.edit, 1)

    def retranslate(self) -> None:
        pass

    def load(self, file: Path) -> None:
        with file.open("rb") as fh:
            data = fh.read(MAX_SHOWN + 1)
        cut = len(data) > MAX_SHOWN
        self.edit.setPlainText(decode_text(data[:MAX_SHOWN]))
        self.note.setVisible(cut)
        if cut:
            self.note.setText(_("Only the first 4 MiB of this file are shown."))

    def go_to_line(self, number: int) -> None:
        """Show line ``number`` (1-based) highlighted."""
        block = self.edit.document().findBlockByNumber(max(number - 1, 0))
        if not block.isValid():
            return
        cursor = QTextCursor(block)
        self.edit.setTextCursor(cursor)
        self.edit.centerCursor()
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(QColor(255, 236, 179))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selection.cursor = cursor
        self.edit.setExtraSelections([selection])

    def find_pointer(self, pointer: str) -> int | None:
        """The line of a JSON ``pointer``'s last member (``/items/Q5/answer`` → ``"answer"``
        under ``"Q5"``), highlighted; None when not found."""
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/") if p]
        doc = self.edit.document()
        line = 0
        for part in parts:
            if part.isdigit():
                continue
            found = doc.find(f'"{part}"', doc.findBlockByNumber(line).position())
            if found.isNull():
                break
            line = found.blockNumber()
        else:
            if parts:
                self.go_to_line(line + 1)
                return line + 1
        if line:
            self.go_to_line(line + 1)
            return line + 1
        return None
