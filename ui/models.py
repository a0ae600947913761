"""The shape every table of the expert's pages shares: rows are keys (case ids, flag ids,
bundle numbers) over a cache of records reloaded whole; headers are translated message ids."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from inspector_app.i18n import _

Index = QModelIndex | QPersistentModelIndex


class KeyedTableModel(QAbstractTableModel):
    """Rows are keys, each row's record cached until the next reload.

    A subclass sets ``header_ids`` (English msgids, shown translated) and implements ``data``,
    using :meth:`row_key` / :meth:`row_record` for a valid index.
    """

    header_ids: tuple[str, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ids: list[Any] = []
        self._rows: dict[Any, Any] = {}

    def _load(self, records: Iterable[Any], key: Callable[[Any], Hashable]) -> None:
        """Replace the rows (call between beginResetModel and endResetModel)."""
        rows = list(records)
        self._ids = [key(r) for r in rows]
        self._rows = {key(r): r for r in rows}

    def set_records(self, records: Iterable[Any], key: Callable[[Any], Hashable]) -> None:
        self.beginResetModel()
        self._load(records, key)
        self.endResetModel()

    def row_key(self, index: Index) -> Any:
        """The key of a valid index's row, else None."""
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        return self._ids[index.row()]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.header_ids)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.header_ids)
        ):
            return _(self.header_ids[section])
        return None

    def retranslate(self) -> None:
        last = len(self.header_ids) - 1
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, last))
