"""A PDF viewer (QtPdf): pages, zoom, search within the document."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPointF
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument, QPdfSearchModel
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _

ZOOM_STEP = 1.25


class PdfViewer(QWidget):
    """Shows one PDF: page box, zoom in/out/fit width, find in the document."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf-view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.search_model = QPdfSearchModel(self)
        self.search_model.setDocument(self.document)
        self.view.setSearchModel(self.search_model)
        self.search_model.rowsInserted.connect(self._results_arrived)
        self.search_model.modelReset.connect(self._results_arrived)
        self._result = -1

        self.page_label = QLabel(self)
        self.page = QSpinBox(self)
        self.page.setMinimum(1)
        self.page.valueChanged.connect(self._page_typed)
        self.page_label.setBuddy(self.page)
        self.pages = QLabel(self)
        self.zoom_out = QToolButton(self)
        self.zoom_out.setText("−")
        self.zoom_out.clicked.connect(lambda: self._zoom(1 / ZOOM_STEP))
        self.zoom_in = QToolButton(self)
        self.zoom_in.setText("+")
        self.zoom_in.clicked.connect(lambda: self._zoom(ZOOM_STEP))
        self.fit = QToolButton(self)
        self.fit.clicked.connect(self.fit_width)
        self.find = QLineEdit(self)
        self.find.setObjectName("pdf-find")
        self.find.setClearButtonEnabled(True)
        self.find.returnPressed.connect(self.find_next)
        self.find.textChanged.connect(self._search_changed)
        self.found = QLabel(self)
        bar = QHBoxLayout()
        for w in (self.page_label, self.page, self.pages, self.zoom_out, self.zoom_in, self.fit):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.find, 2)
        bar.addWidget(self.found)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.ZoomIn), self, lambda: self._zoom(ZOOM_STEP)
        )
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.ZoomOut), self, lambda: self._zoom(1 / ZOOM_STEP)
        )
        QShortcut(QKeySequence(QKeySequence.StandardKey.FindNext), self, self.find_next)
        self.view.pageNavigator().currentPageChanged.connect(self._page_shown)
        self.retranslate()

    def retranslate(self) -> None:
        self.page_label.setText(_("&Page:"))
        self.fit.setText(_("Fit width"))
        self.zoom_in.setToolTip(_("Zoom in"))
        self.zoom_out.setToolTip(_("Zoom out"))
        self.find.setPlaceholderText(_("Find in this PDF"))
        self._update_pages()

    def load(self, file: Path) -> bool:
        """Open ``file``; False (and a message in the page count) when it cannot be read."""
        self.search_model.setSearchString("")
        error = self.document.load(str(file))
        ok = error == QPdfDocument.Error.None_
        self.page.setMaximum(max(self.document.pageCount(), 1))
        self.page.setValue(1)
        self._update_pages(None if ok else _("This PDF cannot be opened (damaged or encrypted)."))
        return ok

    def close_document(self) -> None:
        self.search_model.setSearchString("")
        self.document.close()

    def _update_pages(self, problem: str | None = None) -> None:
        if problem:
            self.pages.setText(problem)
        else:
            self.pages.setText(_("of {count}", count=self.document.pageCount()))

    def go_to_page(self, number: int) -> None:
        """Show page ``number`` (1-based)."""
        if 1 <= number <= self.document.pageCount():
            self.view.pageNavigator().jump(number - 1, QPointF(), self.view.zoomFactor())

    def _page_typed(self, value: int) -> None:
        if self.view.pageNavigator().currentPage() != value - 1:
            self.go_to_page(value)

    def _page_shown(self, page: int) -> None:
        self.page.blockSignals(True)
        self.page.setValue(page + 1)
        self.page.blockSignals(False)

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.1, min(8.0, self.view.zoomFactor() * factor)))

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def _search_changed(self, text: str) -> None:
        self.search_model.setSearchString(text)
        self._result = -1
        self.found.setText("")

    def find_next(self) -> None:
        count = self.search_model.rowCount(QModelIndex())
        if not self.find.text():
            return
        if count == 0:
            self.found.setText(_("not found"))
            self._result = -1
            return
        self._result = (self._result + 1) % count
        self.view.setCurrentSearchResultIndex(self._result)
        link = self.search_model.resultAtIndex(self._result)
        self.view.pageNavigator().jump(link)
        self.found.setText(f"{self._result + 1}/{count}")

    def search(self, text: str) -> None:
        """Search for ``text`` (the matches arrive in :attr:`search_model`, the first is
        shown as soon as it is found)."""
        self.find.setText(text)
        self.find_next()

    def matches(self) -> int:
        return int(self.search_model.rowCount(QModelIndex()))

    def _results_arrived(self) -> None:
        if self._result < 0 and self.find.text() and self.matches():
            self.find_next()
