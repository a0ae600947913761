"""材料 Evidence: the package's files by 附件 1–8 and folder, a preview pane, and full-text search.

The tree lists every file of the manifest; the preview shows PDFs (QtPdf), images (zoom, pan,
EXIF), CSV tables (a model over the record-offset index built at import: fast on a log of
millions of rows, gzip and GB18030 too, with "go to record") and text. The header of the
preview gives the file's SHA-256 and whether the file still matches it (checked off the UI
thread). The search box queries the case's FTS5 index; a hit opens the file at its page, line
or row. :meth:`EvidencePage.show_evidence` is how other pages (red flags, scoring) jump here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QDesktopServices,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.casepkg.model import ATTACHMENT_NAMES, IMAGE_EXTENSIONS
from inspector_app.evidence import CaseIndex, SearchHit, ensure_case_index
from inspector_app.evidence.build import verify_file
from inspector_app.evidence.fulltext import TEXT_EXTENSIONS
from inspector_app.evidence.records import is_csv
from inspector_app.i18n import _, nbi
from ui.pages import Page, PageContext, register
from ui.tasks import run_task
from ui.viewers.image import ImageViewer
from ui.viewers.pdf import PdfViewer
from ui.viewers.table import CsvViewer
from ui.viewers.text import TextViewer

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
#: mime type of dragged evidence paths (one package path per line), also given as text/plain
EVIDENCE_MIME = "application/x-inspector-evidence"
_Index = QModelIndex | QPersistentModelIndex
IMAGE_SUFFIXES = (*IMAGE_EXTENSIONS, ".bmp", ".gif", ".webp", ".tif", ".tiff")
TEXT_SUFFIXES = (*TEXT_EXTENSIONS, ".toml", ".log")


@dataclass(frozen=True)
class FileInfo:
    path: str
    sha256: str
    size: int
    attachment: int | None
    title: str | None


def file_infos(session: Any) -> list[FileInfo]:
    """Every file of the case's manifest, with its attachment number (work function)."""
    package = session.package
    by_doc = {d.path: d.attachment for d in package.documents}
    return [
        FileInfo(
            f.path,
            f.sha256,
            f.size,
            f.attachment if f.attachment is not None else by_doc.get(f.path),
            f.title,
        )
        for f in package.manifest.files
    ]


def _prepare(
    session: Any, progress: Any = None, cancel: Any = None
) -> tuple[dict[str, FileInfo], list[FileGroup], CaseIndex]:
    infos = file_infos(session)
    groups = group_files(infos)
    index = ensure_case_index(session.folder, progress=progress, cancel=cancel)
    return {f.path: f for f in infos}, groups, index


@dataclass(frozen=True)
class FileGroup:
    """The files listed under one group of the tree: an attachment (``attachment``), a folder
    (``folder``, e.g. ``logs/mes``) or the package's top-level data files (neither)."""

    attachment: int | None
    folder: str
    files: tuple[FileInfo, ...]  # by path

    def label(self) -> str:
        """The group's label in the current language, with its number of files."""
        if self.attachment is not None:
            name = _(
                "Attachment {number} {name}",
                number=self.attachment,
                name=ATTACHMENT_NAMES[self.attachment],
            )
        elif not self.folder:
            name = _("Package data (JSON)")
        else:
            name = self.folder + "/"
        return f"{name} ({len(self.files):,})"


def group_files(infos: list[FileInfo]) -> list[FileGroup]:
    """The tree's groups: 附件 1–8 first, then folders, then the package data (work function:
    thousands of files are sorted off the UI thread)."""
    groups: dict[tuple[int, int | None, str], list[FileInfo]] = {}
    for info in sorted(infos, key=lambda f: f.path):
        number = info.attachment
        if number is not None and number in ATTACHMENT_NAMES:
            key: tuple[int, int | None, str] = (int(number), int(number), "")
        else:
            folder = info.path.rpartition("/")[0]
            key = (50, None, folder) if folder else (100, None, "")
        groups.setdefault(key, []).append(info)
    return [
        FileGroup(attachment, folder, tuple(files))
        for (_order, attachment, folder), files in sorted(groups.items())
    ]


#: a group of more files than this is shown closed (opening it lays out its rows), and so are
#: the groups after the first ones holding EXPAND_TOTAL files
EXPAND_GROUP = 1000
EXPAND_TOTAL = 3000
#: files a group of the tree gives at a time
FETCH = 500
#: internal id of a group's index (a file's index carries its group's row + 1)
_GROUP = 0
# the view asks for flags per row as it lays the tree out: made once (enum arithmetic is slow)
_GROUP_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_FILE_FLAGS = _GROUP_FLAGS | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemNeverHasChildren


class EvidenceTreeModel(QAbstractItemModel):
    """Groups (附件 N, then folders) → files; dragging a file gives its package path.

    A two-level model over :class:`FileGroup` lists (no item object per file: a case of
    thousands of photos is listed without building thousands of items in the UI thread). A
    group gives its files :data:`FETCH` at a time (``canFetchMore``/``fetchMore``: the view
    asks for more as it is scrolled to the end), since the view lays out every row it has."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.groups: list[FileGroup] = []
        self.fetched: list[int] = []  # rows each group gives so far
        self._where: dict[str, tuple[int, int]] = {}

    def set_groups(self, groups: list[FileGroup]) -> None:
        self.beginResetModel()
        self.groups = list(groups)
        self.fetched = [min(len(g.files), FETCH) for g in self.groups]
        self._where = {}  # made on the first index_of
        self.endResetModel()

    def canFetchMore(self, parent: _Index) -> bool:
        if not parent.isValid() or parent.internalId() != _GROUP or parent.column() != 0:
            return False
        return self.fetched[parent.row()] < len(self.groups[parent.row()].files)

    def fetchMore(self, parent: _Index) -> None:
        if self.canFetchMore(parent):
            self._fetch(parent.row(), self.fetched[parent.row()] + FETCH)

    def _fetch(self, group: int, rows: int) -> None:
        """Let ``group`` give (at least) its first ``rows`` files."""
        have, rows = self.fetched[group], min(rows, len(self.groups[group].files))
        if rows > have:
            self.beginInsertRows(self.createIndex(group, 0, _GROUP), have, rows - 1)
            self.fetched[group] = rows
            self.endInsertRows()

    def retranslate(self) -> None:
        if self.groups:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.groups) - 1, 0))

    def paths(self) -> list[str]:
        """Every file's path, in the tree's order."""
        return [info.path for group in self.groups for info in group.files]

    def index_of(self, path: str) -> QModelIndex:
        """The index of the file ``path`` (invalid if the tree does not list it)."""
        if not self._where and self.groups:
            self._where = {
                info.path: (g, r)
                for g, group in enumerate(self.groups)
                for r, info in enumerate(group.files)
            }
        found = self._where.get(path)
        if found is None:
            return QModelIndex()
        group, row = found
        self._fetch(group, row + 1)
        return self.createIndex(row, 0, group + 1)

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self.groups):
                return QModelIndex()
            return self.createIndex(row, 0, _GROUP)
        group = parent.row()
        if parent.internalId() != _GROUP or parent.column() != 0 or row >= self.fetched[group]:
            return QModelIndex()
        return self.createIndex(row, 0, group + 1)

    def parent(self, index: _Index | None = None) -> Any:
        if index is None:
            return super().parent()  # QObject.parent()
        if not index.isValid() or index.internalId() == _GROUP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _GROUP)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == _GROUP and parent.column() == 0:
            return self.fetched[parent.row()]
        return 0

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self.groups)
        return parent.internalId() == _GROUP and parent.column() == 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def _info(self, index: _Index) -> FileInfo | None:
        group = index.internalId()
        if group == _GROUP:
            return None
        return self.groups[group - 1].files[index.row()]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        info = self._info(index)
        if info is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.groups[index.row()].label()
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            name = info.path.rpartition("/")[2]
            return name if not info.title else f"{name} — {info.title}"
        if role in (Qt.ItemDataRole.ToolTipRole, PATH_ROLE):
            return info.path
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _GROUP_FLAGS if index.internalId() == _GROUP else _FILE_FLAGS

    def mimeTypes(self) -> list[str]:
        return [EVIDENCE_MIME, "text/plain"]

    def mimeData(self, indexes: Any) -> QMimeData:
        paths = []
        for index in indexes:
            path = index.data(PATH_ROLE)
            if path and path not in paths:
                paths.append(path)
        mime = QMimeData()
        text = "\n".join(paths)
        mime.setData(EVIDENCE_MIME, text.encode("utf-8"))
        mime.setText(text)
        return mime


class SearchResultsModel(QAbstractListModel):
    """Hits of the full-text search."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.path} · {_where(hit)}\n{' '.join(hit.plain().split())}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.plain()
        if role == PATH_ROLE:
            return hit.path
        return None


def _where(hit: SearchHit) -> str:
    if hit.unit == "page":
        return _("page {number}", number=hit.number)
    if hit.unit == "row":
        return _("record {number}", number=hit.number)
    if hit.unit == "paragraph":
        return _("paragraph {number}", number=hit.number)
    return _("line {number}", number=hit.number)


def _wait(predicate: Any, seconds: float = 30.0) -> None:
    """Let background tasks finish until ``predicate()`` holds (screenshots, closing)."""
    import time

    from PySide6.QtWidgets import QApplication

    from ui.tasks import wait_all

    end = time.monotonic() + seconds
    while not predicate() and time.monotonic() < end:
        wait_all(1000)
        QApplication.processEvents()


@register
class EvidencePage(Page):
    name = "evidence"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.index: CaseIndex | None = None
        self.files: dict[str, FileInfo] = {}
        self.groups: list[FileGroup] = []
        self._tree_pending = False
        self.verified: dict[str, bool] = {}
        self._verifying: set[str] = set()
        self.current: str | None = None
        self._pending: tuple[str, list[int] | None, str | None] | None = None
        self._task: Any = None

        self.tree_model = EvidenceTreeModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("evidence-tree")
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentChanged.connect(self._tree_current)
        self.search_label = QLabel(self)
        self.search = QLineEdit(self)
        self.search.setObjectName("evidence-search")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.run_search)
        self.search_label.setBuddy(self.search)
        self.results_model = SearchResultsModel(self)
        self.results = QListView(self)
        self.results.setObjectName("search-results")
        self.results.setModel(self.results_model)
        self.results.setWordWrap(True)
        self.results.activated.connect(self._hit_activated)
        self.results.clicked.connect(self._hit_activated)
        self.results.hide()
        self.search_status = QLabel(self)
        self.search_status.setWordWrap(True)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search.setFocus)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_label)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.search_status)
        left_layout.addWidget(self.results, 1)
        left_layout.addWidget(self.tree, 2)

        self.file_title = QLabel(self)
        self.file_title.setObjectName("evidence-title")
        self.file_title.setWordWrap(True)
        font = self.file_title.font()
        font.setBold(True)
        self.file_title.setFont(font)
        self.file_meta = QLabel(self)
        self.file_meta.setObjectName("evidence-meta")
        self.file_meta.setWordWrap(True)
        self.file_meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_external = QPushButton(self)
        self.open_external.clicked.connect(self._open_external)
        self.open_external.setEnabled(False)
        head = QHBoxLayout()
        head_text = QVBoxLayout()
        head_text.addWidget(self.file_title)
        head_text.addWidget(self.file_meta)
        head.addLayout(head_text, 1)
        head.addWidget(self.open_external, 0, Qt.AlignmentFlag.AlignTop)

        self.stack = QStackedWidget(self)
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.pdf = PdfViewer(self)
        self.image = ImageViewer(self)
        self.csv = CsvViewer(self)
        self.text = TextViewer(self)
        for w in (self.placeholder, self.pdf, self.image, self.csv, self.text):
            self.stack.addWidget(w)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(head)
        right_layout.addWidget(self.stack, 1)

        split = QSplitter(self)
        split.setObjectName("evidence-splitter")
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([300, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        self.status = QLabel(self)
        layout.addWidget(self.status)
        self.retranslate()

    # ---------------------------------------------------------------- page contract
    def title(self) -> str:
        return _("Evidence")

    def retranslate(self) -> None:
        self.search_label.setText(_("&Search the documents (PDF, text, finance tables):"))
        self.search.setPlaceholderText(_("text to find, e.g. a contract number"))
        self.open_external.setText(_("Open with &system viewer"))
        for viewer in (self.pdf, self.image, self.csv, self.text):
            viewer.retranslate()
        if self.current is None:
            self.placeholder.setText(
                _("Choose a file on the left.") if self.session else _("No case is open.")
            )
        else:
            self._show_meta(self.current)
        self.tree_model.retranslate()

    def set_session(self, session: Any) -> None:
        super().set_session(session)
        if self._task is not None and self._task.running:
            self._task.cancel()
        if self.index is not None:
            self.index.close()
        self.index = None
        self.files = {}
        self.groups = []
        self.verified = {}
        self._verifying = set()
        self.current = None
        self.results_model.set_hits([])
        self.results.hide()
        self.search_status.setText("")
        self.csv.set_index(None)
        self.pdf.close_document()
        self.stack.setCurrentWidget(self.placeholder)
        self.file_title.setText("")
        self.file_meta.setText("")
        self._fill_tree()
        if session is None:
            self.placeholder.setText(_("No case is open."))
            self.status.setText("")
            return
        self.placeholder.setText(_("Choose a file on the left."))
        self.status.setText(_("Opening the case's evidence index…"))
        self._task = run_task(
            _prepare,
            session,
            on_done=lambda result, s=session: self._prepared(result, s),
            on_error=self._failed,
            on_progress=self._progress,
            name="evidence-index",
        )

    def ready(self) -> bool:
        """Whether the file list and the indexes are loaded."""
        return self.index is not None

    def prepare_screenshot(self) -> None:
        """For ``gui --page evidence --screenshot``: wait for the index, show the biggest
        usage log at its last data record."""
        _wait(self.ready)
        if self.index is None:
            return
        logs = [p for p in self.index.records.paths() if p.startswith("logs/")]
        if logs:
            biggest = max(logs, key=lambda p: self.index.records.get(p).rows)  # type: ignore[union-attr]
            table = self.index.records.get(biggest)
            self.show_evidence(biggest, rows=[table.rows] if table is not None else None)

    # ---------------------------------------------------------------- loading
    def _progress(self, done: int, total: object, text: object) -> None:
        if isinstance(total, int) and total > 0:
            self.status.setText(
                _("Building the evidence index… {percent}%", percent=done * 100 // total)
            )

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(_("The evidence index could not be opened."))
        self.context.show_error(exc, self)

    def _prepared(
        self, result: tuple[dict[str, FileInfo], list[FileGroup], CaseIndex], session: Any = None
    ) -> None:
        files, groups, index = result
        if self.session is None or (session is not None and session is not self.session):
            index.close()  # the case changed while its index was being opened
            return
        self.index = index
        self.files = files
        self.groups = groups
        self._fill_tree()
        seconds = index.meta.get("seconds")
        self.status.setText(
            _(
                "{files} files; {rows} CSV records indexed; {passages} searchable passages.",
                files=len(files),
                rows=f"{int(index.meta.get('rows', 0)):,}",
                passages=int(index.meta.get("passages", 0)),
            )
            + (f" ({seconds} s)" if seconds is not None else "")
        )
        if self._pending is not None:
            path, rows, pointer = self._pending
            self._pending = None
            self.show_evidence(path, rows, pointer)

    def showEvent(self, event: Any) -> None:
        if self._tree_pending:
            self._fill_tree()
        super().showEvent(event)

    def _fill_tree(self) -> None:
        """Put the case's files in the tree — when the page is shown (a case of thousands of
        files opens without laying its tree out in the UI thread until it is looked at)."""
        if not self.isVisible() and self.groups:
            self._tree_pending = True
            self.tree_model.set_groups([])
            return
        self._tree_pending = False
        # the groups were made off the UI thread; the model holds no item per file; groups are
        # shown open unless large (the view lays out every row of an open group)
        self.tree_model.set_groups(self.groups)
        shown = 0
        for row, group in enumerate(self.groups):
            size = len(group.files)
            if size <= EXPAND_GROUP and shown + size <= EXPAND_TOTAL:
                self.tree.setExpanded(self.tree_model.index(row, 0), True)
                shown += size
        if self.current:
            self._select_in_tree(self.current)

    def tree_filled(self) -> bool:
        """Whether the tree lists the case's files (it is filled when the page is shown)."""
        return not self._tree_pending and self.tree_model.groups == self.groups

    def _select_in_tree(self, path: str) -> None:
        if self._tree_pending:
            return  # selected when the tree is filled
        index = self.tree_model.index_of(path)
        if index.isValid():
            self.tree.selectionModel().blockSignals(True)
            self.tree.setCurrentIndex(index)
            self.tree.selectionModel().blockSignals(False)
            self.tree.scrollTo(index)

    # ---------------------------------------------------------------- showing a file
    def _tree_current(self, index: QModelIndex, _previous: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> str:
        """Show ``path`` in the preview pane; returns the viewer used (``pdf``, ``image``,
        ``csv``, ``text`` or ``none``)."""
        if self.session is None or path not in self.files:
            return "none"
        self.current = path
        self._select_in_tree(path)
        self._show_meta(path)
        self.open_external.setEnabled(True)
        file = self.session.folder.joinpath(*path.split("/"))
        low = path.lower()
        if low.endswith(".pdf"):
            self.pdf.load(file)
            self.stack.setCurrentWidget(self.pdf)
            return "pdf"
        if low.endswith(IMAGE_SUFFIXES):
            self.image.load(file)
            self.stack.setCurrentWidget(self.image)
            return "image"
        if is_csv(path):
            table = self.index.records.get(path) if self.index is not None else None
            if table is None:
                self.placeholder.setText(
                    _(
                        "The record index of this file is missing or damaged. Close the case and open it again: the index is rebuilt."
                    )
                )
                self.stack.setCurrentWidget(self.placeholder)
                return "none"
            self.csv.set_index(table)
            self.stack.setCurrentWidget(self.csv)
            return "csv"
        if low.endswith(TEXT_SUFFIXES):
            self.text.load(file)
            self.stack.setCurrentWidget(self.text)
            return "text"
        self.placeholder.setText(
            _(
                "No preview for this kind of file ({suffix}). Use “Open with system viewer” to look at it.",
                suffix=Path(path).suffix or "?",
            )
        )
        self.stack.setCurrentWidget(self.placeholder)
        return "none"

    def _show_meta(self, path: str) -> None:
        info = self.files.get(path)
        if info is None:
            return
        self.file_title.setText(info.title or path.rsplit("/", 1)[-1])
        state = self.verified.get(path)
        if state is None:
            verdict = _("checking…")
            self._verify(info)
        elif state:
            verdict = _("✓ matches the manifest")
        else:
            verdict = _("✗ does NOT match the manifest — the file was altered after import")
        self.file_meta.setText(
            _(
                "{path} · {size} bytes\nSHA-256 {sha256} {verdict}",
                path=path,
                size=f"{info.size:,}",
                sha256=info.sha256,
                verdict=verdict,
            )
        )

    def _verify(self, info: FileInfo) -> None:
        if self.session is None or info.path in self._verifying:
            return
        self._verifying.add(info.path)
        folder = self.session.folder

        def done(ok: bool, path: str = info.path) -> None:
            self.verified[path] = bool(ok)
            if self.current == path:
                self._show_meta(path)

        run_task(
            verify_file,
            folder,
            info.path,
            info.sha256,
            on_done=done,
            on_error=lambda exc: None,
            pass_progress=False,
            name="verify-evidence",
        )

    def _open_external(self) -> None:
        if self.session is not None and self.current:
            file = self.session.folder.joinpath(*self.current.split("/"))
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(file)))

    # ---------------------------------------------------------------- jumping here
    def show_evidence(
        self, path: str, rows: list[int] | None = None, pointer: str | None = None
    ) -> bool:
        """Show a piece of evidence: the file ``path``, at data records ``rows`` (a CSV; the
        first of them is shown, all are highlighted) or at the JSON ``pointer``. Returns whether the
        file was found (a request made while the index loads is applied when it is ready)."""
        if self.session is None:
            return False
        if self.index is None:
            self._pending = (path, list(rows) if rows else None, pointer)
            return True
        viewer = self.open_file(path)
        if viewer == "none" and path not in self.files:
            self.status.setText(_("The case has no file {path}.", path=path))
            return False
        if viewer == "csv" and rows:
            cited = [int(r) for r in rows]
            return self.csv.jump_to(min(cited), cited)
        if viewer == "text" and pointer:
            self.text.find_pointer(pointer)
        return True

    # ---------------------------------------------------------------- search
    def run_search(self) -> list[SearchHit]:
        query = self.search.text().strip()
        if self.index is None or not query:
            self.results_model.set_hits([])
            self.results.hide()
            self.search_status.setText("")
            return []
        hits = self.index.text.search(query)
        self.results_model.set_hits(hits)
        self.results.setVisible(bool(hits))
        self.search_status.setText(
            str(
                nbi("{count} passage found.", "{count} passages found.", len(hits), count=len(hits))
            )
            if hits
            else _("Nothing found.")
        )
        return hits

    def _hit_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        self.open_hit(self.results_model.hits[index.row()])

    def open_hit(self, hit: SearchHit) -> None:
        viewer = self.open_file(hit.path)
        if viewer == "csv" and hit.unit == "row":
            self.csv.jump_to(hit.number)
        elif viewer == "pdf" and hit.unit == "page":
            self.pdf.go_to_page(hit.number)
            self.pdf.search(self.search.text().strip())
        elif viewer == "text" and hit.unit == "line":
            self.text.go_to_line(hit.number)
