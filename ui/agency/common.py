"""What the console's pages share: the context (home, signer, errors, the batch status), the
page base, a table model over ids, and the plain problem panel."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QLabel, QWidget

from inspector_app import labels
from inspector_app.home import Home
from inspector_app.i18n import _
from ui.errors import describe

IdRole = Qt.ItemDataRole.UserRole
SortRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class AgencyContext(QObject):
    """The home, the signer, error display and the shared batch status."""

    changed = Signal()  # the store changed (roster, bundles, decisions, reviews, reports)
    status_loaded = Signal(object)  # a new BatchStatus (or None: no roster yet)
    navigate = Signal(str)

    def __init__(self, home: Home, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.status: Any = None
        self.with_signer: Callable[[QWidget | None, Callable[[Any], None]], None] = (
            lambda _p, _then: None
        )
        self.show_error: Callable[..., None] = lambda *_a, **_k: None
        self._loading = False
        self._again = False

    def reload(self) -> None:
        """Read the batch status off the UI thread; ``status_loaded`` when it is there."""
        from ui.tasks import run_task

        if self._loading:
            self._again = True
            return
        self._loading = True
        run_task(
            load_status,
            self.home,
            pass_progress=False,
            on_done=self._loaded,
            on_error=self._failed,
            name="agency-status",
        )

    def _loaded(self, status: Any) -> None:
        self._loading = False
        self.status = status
        self.status_loaded.emit(status)
        if self._again:
            self._again = False
            self.reload()

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self.show_error(exc)


def load_status(home: Home) -> Any:
    """The latest batch's status, or ``None`` when no roster was imported."""
    from sync import services
    from sync.batch import batches

    if not batches(home):
        return None
    return services.batch_status(home)


class AgencyPage(QWidget):
    """Base of the console's pages: ``name``, ``title()``, ``retranslate()``."""

    name: ClassVar[str] = ""

    def __init__(self, context: AgencyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName(f"agency-{self.name}")

    def title(self) -> str:
        raise NotImplementedError

    def retranslate(self) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Column:
    """One column: its header and how a record shows and sorts."""

    header: Callable[[], str]
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    tooltip: Callable[[Any], str] | None = None


class RecordModel(QAbstractTableModel):
    """Rows are ids; ``records[id]`` holds what the columns read. Read-only."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.ids: list[Hashable] = []
        self.records: dict[Hashable, Any] = {}

    def set_records(self, pairs: Sequence[tuple[Hashable, Any]]) -> None:
        self.beginResetModel()
        self.ids = [k for k, _v in pairs]
        self.records = dict(pairs)
        self.endResetModel()

    def record(self, index: Index) -> Any:
        if not index.isValid() or index.row() >= len(self.ids):
            return None
        return self.records[self.ids[index.row()]]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.ids):
            return None
        if index.column() >= len(self.columns):
            return None
        key = self.ids[index.row()]
        rec = self.records[key]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(rec)
        if role == IdRole:
            return key
        if role == SortRole:
            return col.sort(rec) if col.sort else col.text(rec)
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip is not None:
            return col.tooltip(rec)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].header()
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self.columns) - 1))
        if self.ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.ids) - 1, len(self.columns) - 1)
            )


def sort_proxy(model: QAbstractTableModel, parent: QObject | None = None) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    return proxy


class ProblemPanel(QLabel):
    """A refusal shown plainly on the page (title, message, every issue), never a traceback."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problems")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet("QLabel#problems { color: #a40000; }")
        self.hide()

    def show_problem(self, exc: BaseException | str) -> None:
        def text() -> str:
            if isinstance(exc, str):
                return exc
            title, message, details = describe(exc)
            return "\n".join(p for p in (title, message, details) if p)

        live(self, text)
        self.show()

    def clear_problem(self) -> None:
        live(self, str)
        self.hide()


def join_texts(values: Sequence[str], sep: str = "；") -> str:
    return sep.join(v for v in values if v)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def recommendation_label(value: str | None) -> str:
    """通过 / 限期优化提升 / 取消资格 (Pass / Improve within a deadline / Disqualify), else a dash."""
    return str(labels.recommendation(value))


def decision_label(value: str | None) -> str:
    """确认 / 排除 (confirmed / dismissed), else a dash."""
    return str(labels.decision(value))


def severity_label(value: str | None) -> str:
    """高 / 中 / 低 (high / medium / low), else a dash."""
    return str(labels.severity(value))


def level_label(level: int | None) -> str:
    return "—" if level is None else _("level {level}", level=level)


def set_form_labels(form: Any, texts: Sequence[str]) -> None:
    """Re-set the labels of a ``QFormLayout`` whose rows were added with ``addRow("", …)``;
    each label is the buddy of its field (the first widget of a row that is a layout), so its
    mnemonic (``&``) moves the focus there."""
    from PySide6.QtWidgets import QFormLayout

    for row, text in enumerate(texts):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        widget = item.widget() if item is not None else None
        if isinstance(widget, QLabel):
            widget.setText(text)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            target = field.widget() if field is not None else None
            layout = field.layout() if field is not None and target is None else None
            if layout is not None and layout.count():
                target = layout.itemAt(0).widget()
            if target is not None:
                widget.setBuddy(target)


def live(label: QLabel, text: Callable[[], str]) -> None:
    """Set ``label`` to ``text()`` now and again after the language changed
    (:func:`refresh_live`)."""
    label._live_text = text  # type: ignore[attr-defined]
    label.setText(text())


def refresh_live(root: QWidget) -> None:
    """Re-render every label of ``root`` set with :func:`live`."""
    for label in root.findChildren(QLabel):
        text = getattr(label, "_live_text", None)
        if text is not None:
            label.setText(text())
