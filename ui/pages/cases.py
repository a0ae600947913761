"""案件 — the imported cases: a model over case ids, sorted and filtered by a proxy.

Opening a package (button, the main window's Ctrl+O, drag and drop, or the command line)
validates, imports and analyses it off the UI thread; the list reloads when it is done.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Slot,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
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

from inspector_app.i18n import N_, _
from inspector_app.labels import CASE_STATUSES
from ui.pages import Page, PageContext, register
from ui.tasks import run_task

#: display_status → its label (未开始 / 核查中 / 已结论 / 已导出 / 需复核): the core's table,
#: which ``case list`` prints too
STATUS_LABELS = CASE_STATUSES
STATUS_ORDER = {name: i for i, name in enumerate(STATUS_LABELS)}

COLUMNS = (
    ("enterprise", N_("Enterprise")),
    ("district", N_("District")),
    ("providers", N_("Provider")),
    ("status", N_("Status")),
    ("open_flags", N_("Open red flags")),
    ("case_id", N_("Case")),
)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class CaseListModel(QStandardItemModel):
    """Rows are cases, one :class:`CaseSummary` each until the next reload.

    A model whose items hold every role's value (text, sort key, case id, tooltip, colour,
    alignment), filled once per reload and per language change: the view, the sorting proxy and
    the header's size-to-contents then read them in C++. A Python model's ``data()`` was called
    ~5,600 times (with as many ``rowCount``/``columnCount``) before the window showed a list of
    30 cases — ~100 ms of every start."""

    header_ids = tuple(msgid for _key, msgid in COLUMNS)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self._ids: list[str] = []
        self._rows: dict[str, Any] = {}
        self._set_headers()

    def set_cases(self, summaries: list[Any]) -> None:
        self._ids = [s.case_id for s in summaries]
        self._rows = {s.case_id: s for s in summaries}
        self._fill()

    def case_id(self, row: int) -> str:
        return self._ids[row]

    def summary(self, case_id: str) -> Any:
        return self._rows.get(case_id)

    def retranslate(self) -> None:
        self._set_headers()
        if self._ids:
            self._fill()

    def _set_headers(self) -> None:
        self.setHorizontalHeaderLabels([_(msgid) for msgid in self.header_ids])

    def _fill(self) -> None:
        """Every row made anew, as one reset of the model (views and proxies see one
        ``modelReset``, not a signal per item)."""
        self.beginResetModel()
        blocked = self.blockSignals(True)
        try:
            self.setRowCount(0)
            for case_id in self._ids:
                summary = self._rows[case_id]
                self.appendRow([self._item(summary, key) for key, _msgid in COLUMNS])
        finally:
            self.blockSignals(blocked)
        self.endResetModel()

    @staticmethod
    def _item(s: Any, key: str) -> QStandardItem:
        if key == "providers":
            text = "、".join(s.providers) or "-"
        elif key == "status":
            text = _(STATUS_LABELS.get(s.display_status, s.display_status))
        elif key == "open_flags":
            text = str(s.open_flags) if s.analysed else "-"
        elif key == "case_id":
            text = s.case_id[:8]
        else:
            text = getattr(s, key) or "-"
        item = QStandardItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)  # as before
        item.setData(s.case_id, CASE_ID_ROLE)
        if key == "status":
            item.setData(STATUS_ORDER.get(s.display_status, 99), SORT_ROLE)
            if s.display_status == "stale":
                item.setForeground(QColor("#b00020"))
        elif key == "open_flags":
            item.setData(s.open_flags, SORT_ROLE)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        else:
            item.setData(text, SORT_ROLE)
        if key == "case_id":
            item.setToolTip(s.case_id)
        return item


class CaseFilterModel(QSortFilterProxyModel):
    """Sorts by each column's natural order, filters on every column's text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)


@register
class CasesPage(Page):
    name = "cases"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = CaseListModel(self)
        self.proxy = CaseFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.filter = QLineEdit()
        self.filter.setObjectName("filter")
        self.filter.setMinimumWidth(260)  # its placeholder (企业、区县、服务商…) not clipped
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter.textChanged.connect(self._filter_edited)
        self.filter_label = QLabel()
        self.filter_label.setBuddy(self.filter)
        self.open_button = QPushButton()
        self.open_button.setObjectName("open-package")
        self.open_button.clicked.connect(self.context.open_package_requested)
        self.open_case_button = QPushButton()
        self.open_case_button.setObjectName("open-case")
        self.open_case_button.clicked.connect(self._open_current)
        self.table = QTableView()
        self.table.setObjectName("cases")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._open_index)
        self.table.doubleClicked.connect(self._open_index)
        QShortcut(QKeySequence("Ctrl+F"), self, self.filter.setFocus)
        self.empty = QLabel()
        self.empty.setObjectName("empty-hint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.filter_label)
        top.addWidget(self.filter)
        top.addWidget(self.open_case_button)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.context.case_imported.connect(self.reload)
        self.context.session_changed.connect(self.reload)
        self.retranslate()
        self._first_load()

    def title(self) -> str:
        return _("Cases")

    @Slot(str)
    def _filter_edited(self, text: str) -> None:
        """The filter's clear button, added with the filter's first text (it shows only with
        text): making it loads Qt's icon engine and image plugins, ~8 ms of the app's start
        when it was made with the page. The minimum width keeps the field as wide either way."""
        if text and not self.filter.isClearButtonEnabled():
            self.filter.setClearButtonEnabled(True)

    def retranslate(self) -> None:
        self.heading.setText(_("Imported cases"))
        self.filter_label.setText(_("&Filter:"))
        self.filter.setPlaceholderText(_("enterprise, district, provider, status…"))
        self.open_button.setText(_("Open &package…"))
        self.open_case_button.setText(_("Open &case"))
        self.empty.setText(
            _(
                "Open a case package (*.case.zip) with the button above, or drop it on this "
                "window. Double-click a case to open it."
            )
        )
        self.model.retranslate()

    def set_session(self, session: Any) -> None:
        super().set_session(session)
        self.reload()

    def _first_load(self) -> None:
        """The first read, in this thread, before the window shows: the app opens on its
        case list with the rows there (a read of the store and of each case's small files,
        milliseconds; ``services.caselist`` imports neither sqlite-utils nor the rule engine).
        An error is shown as a reload's would be."""
        from inspector_app.services.caselist import list_cases

        try:
            summaries = list_cases(self.context.home)
        except Exception as exc:
            self.context.show_error(exc)
            return
        self._loaded(summaries)

    @Slot()
    def reload(self, *_args: Any) -> None:
        """Read the cases again, off the UI thread."""
        from inspector_app.services.caselist import list_cases

        run_task(
            list_cases,
            self.context.home,
            on_done=self._loaded,
            on_error=self.context.show_error,
            pass_progress=False,
        )

    def reload_now(self) -> None:
        """Read the cases in this thread (screenshots, tests)."""
        from inspector_app.services.caselist import list_cases

        self._loaded(list_cases(self.context.home))

    @Slot(object)
    def _loaded(self, summaries: list[Any]) -> None:
        self.model.set_cases(summaries)
        self.empty.setVisible(not summaries)
        if summaries and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.context.case_opened.emit(str(index.data(CASE_ID_ROLE)))

    @Slot()
    def _open_current(self) -> None:
        self._open_index(self.table.currentIndex())

    def prepare_screenshot(self) -> None:
        self.reload_now()
