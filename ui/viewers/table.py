"""A CSV table over a record-offset index: millions of rows, never all of them as items.

:class:`RecordTableModel` reports the record count of the index and fetches rows in blocks of
:data:`BLOCK` records when the view asks for them, keeping the last :data:`CACHE_BLOCKS` blocks
(an LRU row cache). The vertical header shows the 1-based data-record numbers of
``case-package.md`` — the numbers red flags cite — so "jump to record 1,234,567" is one
``scrollTo``.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.evidence.records import RecordIndex
from inspector_app.i18n import _

BLOCK = 256
CACHE_BLOCKS = 64
_Index = QModelIndex | QPersistentModelIndex


class RecordTableModel(QAbstractTableModel):
    """Rows of one indexed CSV file, read on demand (see the module docstring)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._index: RecordIndex | None = None
        self._cache: OrderedDict[int, list[list[str]]] = OrderedDict()
        self._columns = 0
        self.highlighted: frozenset[int] = frozenset()

    def set_index(self, index: RecordIndex | None) -> None:
        self.beginResetModel()
        self._index = index
        self._cache.clear()
        self._columns = len(index.header) if index is not None else 0
        self.highlighted = frozenset()
        self.endResetModel()

    @property
    def record_index(self) -> RecordIndex | None:
        return self._index

    def set_highlighted(self, rows: frozenset[int]) -> None:
        self.highlighted = rows
        if self._index is not None and self._index.rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(self.rowCount() - 1, max(self.columnCount() - 1, 0)),
                [Qt.ItemDataRole.BackgroundRole],
            )

    # ---------------------------------------------------------------- Qt model interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._index is None:
            return 0
        return self._index.rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return self._columns

    def _row(self, row: int) -> list[str]:
        assert self._index is not None
        block = row // BLOCK
        rows = self._cache.get(block)
        if rows is None:
            rows = self._index.rows_between(block * BLOCK + 1, BLOCK)
            self._cache[block] = rows
            while len(self._cache) > CACHE_BLOCKS:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(block)
        offset = row - block * BLOCK
        return rows[offset] if offset < len(rows) else []

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._index is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            fields = self._row(index.row())
            col = index.column()
            if col < len(fields):
                text = fields[col]
                return text if role == Qt.ItemDataRole.DisplayRole or "\n" in text else None
            return "" if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.BackgroundRole and index.row() + 1 in self.highlighted:
            from PySide6.QtGui import QColor

            return QColor(255, 236, 179)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self._index is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < self._columns:
                return self._index.header[section]
            return None
        return str(section + 1)

    def cached_rows(self) -> int:
        """How many rows the cache holds (for tests and the benchmark)."""
        return sum(len(r) for r in self._cache.values())


class CsvViewer(QWidget):
    """A table of one CSV entry with a "go to record" box."""

    jumped = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RecordTableModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("csv-table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        vh = self.view.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        # columns are sized from the rows on screen, never by reading a thousand rows
        self.view.horizontalHeader().setResizeContentsPrecision(64)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        self.info = QLabel(self)
        self.goto_label = QLabel(self)
        self.goto = QLineEdit(self)
        self.goto.setObjectName("goto-record")
        self.goto.setMaximumWidth(140)
        self.goto.returnPressed.connect(self._goto_typed)
        self.goto_label.setBuddy(self.goto)
        self.goto_button = QPushButton(self)
        self.goto_button.clicked.connect(self._goto_typed)
        self.shortcut = QShortcut(QKeySequence("Ctrl+G"), self)
        self.shortcut.activated.connect(self.goto.setFocus)
        bar = QHBoxLayout()
        bar.addWidget(self.info, 1)
        bar.addWidget(self.goto_label)
        bar.addWidget(self.goto)
        bar.addWidget(self.goto_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.goto_label.setText(_("&Go to record:"))
        self.goto.setPlaceholderText(_("record number"))
        self.goto_button.setText(_("Go"))
        self._update_info()

    def _update_info(self) -> None:
        index = self.model.record_index
        if index is None:
            self.info.setText("")
            return
        self.info.setText(
            _(
                "{rows} data records, {encoding}; row numbers are data-record numbers (the header not counted)",
                rows=f"{index.rows:,}",
                encoding=index.encoding.upper(),
            )
        )

    def set_index(self, index: RecordIndex | None) -> None:
        self.model.set_index(index)
        self._update_info()
        self._sized = False
        if self.isVisible():
            self._size_columns()

    _sized = False

    def _size_columns(self) -> None:
        index = self.model.record_index
        if index is not None and index.rows and not self._sized:
            self.view.resizeColumnsToContents()
            header = self.view.horizontalHeader()
            pad = self.fontMetrics().averageCharWidth() * 2
            for col in range(self.model.columnCount() - 1):
                header.resizeSection(col, header.sectionSize(col) + pad)
            header.setStretchLastSection(True)
            self._sized = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # sized once shown: the style's margins are known only then
        self._size_columns()

    def _goto_typed(self) -> None:
        text = self.goto.text().replace(",", "").strip()
        if text.isdigit():
            self.jump_to(int(text))

    def jump_to(self, record: int, rows: list[int] | None = None) -> bool:
        """Show data record ``record`` (1-based) selected; ``rows`` are highlighted."""
        index = self.model.record_index
        if index is None or not 1 <= record <= index.rows:
            self.info.setText(
                _("There is no data record {record} in this file.", record=record)
                if index is not None
                else ""
            )
            return False
        self.model.set_highlighted(frozenset(rows or [record]))
        target = self.model.index(record - 1, 0)
        self.view.scrollTo(target, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.view.selectRow(record - 1)
        self.view.setCurrentIndex(target)
        self._update_info()
        self.jumped.emit(record)
        return True
