"""The inbox: expert bundles by drag and drop, the file dialog or a watched folder (a removable
drive); a progress bar; per bundle the result — merged, already had, waiting for an earlier
bundle, quarantined with the reason — and the receipts written for the experts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from ui.agency.common import (
    AgencyContext,
    AgencyPage,
    Column,
    ProblemPanel,
    RecordModel,
    live,
    sort_proxy,
)
from ui.tasks import TaskHandle, run_task

BUNDLE_SUFFIX = ".bundle.age"


def result_label(status: str) -> str:
    return {
        "merged": _("merged"),
        "pending": _("waiting for an earlier bundle"),
        "duplicate": _("already had it"),
        "already_pending": _("already waiting"),
        "refused": _("quarantined"),
    }.get(status, status)


def inbox_columns() -> list[Column]:
    return [
        Column(lambda: _("File"), lambda o: Path(o.source).name, tooltip=lambda o: str(o.source)),
        Column(
            lambda: _("Result"), lambda o: result_label(o.status), tooltip=lambda o: str(o.message)
        ),
        Column(lambda: _("Expert"), lambda o: o.expert or "—"),
        Column(
            lambda: _("Bundle"),
            lambda o: str(o.number) if o.number is not None else "—",
            lambda o: o.number or 0,
        ),
        Column(lambda: _("Records"), lambda o: str(o.findings), lambda o: o.findings),
        Column(lambda: _("Reason / receipt"), _reason, tooltip=_reason),  # elided in the cell
    ]


def _reason(o: Any) -> str:
    if o.status == "refused":
        where = f" → {o.quarantined}" if o.quarantined else ""
        return f"{o.code or ''} {o.message}{where}".strip()
    if o.receipt:
        return _("receipt {name}", name=Path(o.receipt).name.split("-")[0])
    return str(o.message)


class DropArea(QFrame):
    """Accepts dropped bundle files (``*.bundle.age``)."""

    def __init__(self, page: InboxPage) -> None:
        super().__init__(page)
        self.page = page
        self.setObjectName("inbox-drop")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(70)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.page.add_files(paths)


class InboxPage(AgencyPage):
    name = "inbox"

    def __init__(self, context: AgencyContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.drop = DropArea(self)
        self.add_button = QPushButton()
        self.add_button.setObjectName("inbox-add")
        self.add_button.clicked.connect(self.choose_files)
        self.watch_edit = QLineEdit()
        self.watch_edit.setObjectName("inbox-watch-folder")
        self.watch_button = QPushButton()
        self.watch_button.setObjectName("inbox-watch")
        self.watch_button.setCheckable(True)
        self.watch_button.toggled.connect(self.set_watching)
        self.progress = QProgressBar()
        self.progress.setObjectName("inbox-progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.cancel_button = QPushButton()
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.summary = QLabel()
        self.summary.setObjectName("inbox-summary")
        self.summary.setWordWrap(True)
        self.problems = ProblemPanel()
        self.receipts_button = QPushButton()
        self.receipts_button.clicked.connect(self.open_receipts)
        self.model = RecordModel(inbox_columns(), self)
        self.proxy = sort_proxy(self.model, self)
        self.table = QTableView()
        self.table.setObjectName("inbox-results")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # arrival order until clicked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(40)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.detail = QLabel()
        self.detail.setObjectName("inbox-detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._folder_changed)
        self._seen: set[tuple[str, int, int]] = set()
        self._queue: list[Path] = []
        self._handle: TaskHandle | None = None
        self._outcomes: list[Any] = []

        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.watch_edit, 1)
        row.addWidget(self.watch_button)
        prow = QHBoxLayout()
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        prow.addWidget(self.receipts_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.drop)
        layout.addLayout(row)
        layout.addLayout(prow)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.retranslate()

    def title(self) -> str:
        return _("Inbox")

    def retranslate(self) -> None:
        self.drop.label.setText(
            _(
                "Drop the experts' bundles (*.bundle.age) here, add them, or watch a folder (a USB drive)."
            )
        )
        self.add_button.setText(_("&Add bundles…"))
        self.watch_edit.setPlaceholderText(_("Folder to watch for new bundles"))
        self.watch_button.setText(
            _("Stop &watching") if self.watch_button.isChecked() else _("&Watch folder")
        )
        self.cancel_button.setText(_("&Cancel"))
        self.receipts_button.setText(_("&Open receipts folder"))
        self.model.retranslate()
        self._fit_columns()
        self._update_summary()

    # ------------------------------------------------------------------ sources

    @Slot()
    def choose_files(self) -> None:
        paths, _f = QFileDialog.getOpenFileNames(
            self, _("Choose bundles"), str(Path.home()), _("Bundles (*.bundle.age);;All files (*)")
        )
        if paths:
            self.add_files([Path(p) for p in paths])

    @Slot(bool)
    def set_watching(self, on: bool) -> None:
        folder = self.watch_edit.text().strip()
        for old in self.watcher.directories():
            self.watcher.removePath(old)
        if on:
            if not folder or not Path(folder).is_dir():
                self.problems.show_problem(_("Choose an existing folder to watch."))
                self.watch_button.setChecked(False)
                return
            self.problems.clear_problem()
            self.watcher.addPath(folder)
            self._folder_changed(folder)
        self.watch_button.setText(_("Stop &watching") if on else _("&Watch folder"))

    @Slot(str)
    def _folder_changed(self, folder: str) -> None:
        found = []
        for path in sorted(Path(folder).glob(f"*{BUNDLE_SUFFIX}")):
            try:
                st = path.stat()
            except OSError:
                continue
            key = (str(path), st.st_size, int(st.st_mtime_ns))
            if key not in self._seen:
                self._seen.add(key)
                found.append(path)
        if found:
            self.add_files(found)

    # ------------------------------------------------------------------ import

    def add_files(self, paths: list[Path]) -> None:
        """Queue ``paths`` for import (started when no import is running)."""
        self._queue.extend(paths)
        if self._handle is None:
            self.context.with_signer(self, self._start)

    def _start(self, signer: Any) -> None:
        if self._handle is not None or not self._queue:
            return
        from sync import services

        files, self._queue = self._queue, []
        self.progress.setRange(0, len(files))
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self._signer = signer
        self._handle = run_task(
            services.import_bundles,
            self.context.home,
            files,
            signer=signer,
            on_progress=self._progress,
            on_done=self._done,
            on_error=self._failed,
            on_cancelled=self._cancelled,
            on_ended=self._ended,
            name="import-bundles",
        )

    @Slot(int, object, str)
    def _progress(self, done: int, total: object, _text: str) -> None:
        if isinstance(total, int) and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _done(self, result: Any) -> None:
        self._outcomes.extend(result.flat)
        self.model.set_records([(i, o) for i, o in enumerate(self._outcomes)])
        self.progress.setValue(self.progress.maximum())
        self._update_summary()
        # one step per event-loop turn: the columns, then the batch status (off the UI thread)
        QTimer.singleShot(0, self._fit_columns)
        QTimer.singleShot(0, self.context.changed.emit)

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 300))

    def _selected(self, *_args: Any) -> None:
        rows = self.table.selectionModel().selectedRows()
        o = self.model.record(self.proxy.mapToSource(rows[0])) if rows else None
        if o is None:
            live(self.detail, str)
            return
        live(
            self.detail,
            lambda: "\n".join(
                x
                for x in (
                    _("{name}: {value}", name=Path(o.source).name, value=result_label(o.status)),
                    str(o.message),
                    _("Quarantined as {path}", path=o.quarantined) if o.quarantined else "",
                    _("Receipt written: {path}", path=o.receipt) if o.receipt else "",
                )
                if x
            ),
        )

    def prepare_screenshot(self) -> None:
        for r in range(self.proxy.rowCount()):
            if (
                self.model.record(self.proxy.mapToSource(self.proxy.index(r, 0))).status
                == "refused"
            ):
                self.table.selectRow(r)
                return

    def _failed(self, exc: BaseException) -> None:
        self.problems.show_problem(exc)

    def _cancelled(self) -> None:
        live(self.summary, lambda: _("Import cancelled; the bundles merged so far are kept."))

    def _ended(self) -> None:
        self._handle = None
        self.cancel_button.setEnabled(False)
        if self._queue:
            self._start(self._signer)

    @Slot()
    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()

    def busy(self) -> bool:
        return self._handle is not None

    def _update_summary(self) -> None:
        if not self._outcomes:
            live(self.summary, lambda: _("No bundle imported in this session."))
            return
        counts: dict[str, int] = {}
        for o in self._outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        live(
            self.summary,
            lambda: "  ".join(
                _("{name}: {value}", name=result_label(k), value=v)
                for k, v in sorted(counts.items())
            ),
        )

    def receipts_folder(self) -> Path:
        from sync.schema import sync_dir

        return sync_dir(self.context.home) / "receipts"

    @Slot()
    def open_receipts(self) -> None:
        folder = self.receipts_folder()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def shutdown(self) -> None:
        self.cancel()
