"""An image viewer: zoom (wheel, buttons, keys), pan (drag), and the photo's EXIF beside it.

Images Qt cannot decode (HEIC on most systems) are said so plainly; their EXIF is still shown
when the core can read it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QImageReader,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.imaging import ExifInfo, read_exif

ZOOM_STEP = 1.25


class _View(QGraphicsView):
    """Zooms with the wheel; keeps the image fitted while "fit" is on."""

    fitting = True

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.angleDelta().y() == 0:
            return
        factor = ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP
        self.fitting = False
        self.scale(factor, factor)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        items = self.scene().items() if self.scene() is not None else []
        if self.fitting and items and not self.sceneRect().isEmpty():
            self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)


def exif_rows(info: ExifInfo) -> list[tuple[str, str]]:
    """The EXIF fields worth showing, as (label, value) in the current language."""
    rows: list[tuple[str, str]] = []

    def add(label: str, value: object) -> None:
        if value is not None:
            rows.append((label, str(value)))

    add(_("Taken (DateTimeOriginal)"), info.datetime_original)
    add(_("Offset"), info.offset_time_original)
    add(_("Modified (DateTime)"), info.datetime)
    add(_("Software"), info.software)
    add(_("Camera make"), info.make)
    add(_("Camera model"), info.model)
    return rows


class ImageViewer(QWidget):
    """One image with zoom, pan and its EXIF panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = QGraphicsScene(self)
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene.addItem(self.item)
        self.view = _View(self.scene, self)
        self.view.setObjectName("image-view")
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem.hide()
        self.zoom_in = QToolButton(self)
        self.zoom_in.setText("+")
        self.zoom_in.clicked.connect(lambda: self.zoom(ZOOM_STEP))
        self.zoom_out = QToolButton(self)
        self.zoom_out.setText("−")
        self.zoom_out.clicked.connect(lambda: self.zoom(1 / ZOOM_STEP))
        self.fit = QToolButton(self)
        self.fit.clicked.connect(self.fit_to_view)
        self.actual = QToolButton(self)
        self.actual.clicked.connect(self.actual_size)
        self.size_label = QLabel(self)
        bar = QHBoxLayout()
        for w in (self.zoom_out, self.zoom_in, self.fit, self.actual, self.size_label):
            bar.addWidget(w)
        bar.addStretch(1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.problem, 1)
        self.exif_box = QWidget(self)
        self.exif_title = QLabel(self.exif_box)
        self.exif_title.setObjectName("exif-title")
        self.exif_form = QFormLayout()
        box_layout = QVBoxLayout(self.exif_box)
        box_layout.addWidget(self.exif_title)
        box_layout.addLayout(self.exif_form)
        box_layout.addStretch(1)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(self.exif_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        QShortcut(QKeySequence(QKeySequence.StandardKey.ZoomIn), self, lambda: self.zoom(ZOOM_STEP))
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.ZoomOut), self, lambda: self.zoom(1 / ZOOM_STEP)
        )
        self.exif: ExifInfo = ExifInfo()
        self.decoded = False
        self.retranslate()

    def retranslate(self) -> None:
        self.fit.setText(_("Fit"))
        self.actual.setText(_("100%"))
        self.zoom_in.setToolTip(_("Zoom in"))
        self.zoom_out.setToolTip(_("Zoom out"))
        self.exif_title.setText(_("EXIF"))
        self._show_exif()

    def load(self, file: Path) -> bool:
        """Show ``file``; False when Qt cannot decode it (the reason is shown instead)."""
        reader = QImageReader(str(file))
        reader.setAutoTransform(True)
        image = reader.read()
        try:
            with file.open("rb") as fh:
                self.exif = read_exif(fh)
        except OSError:
            self.exif = ExifInfo()
        self.decoded = not image.isNull()
        if self.decoded:
            self.item.setPixmap(QPixmap.fromImage(image))
            self.scene.setSceneRect(self.item.boundingRect())
            self.view.show()
            self.problem.hide()
            self.size_label.setText(f"{image.width()} × {image.height()}")
            self.fit_to_view()
        else:
            self.item.setPixmap(QPixmap())
            self.view.hide()
            self.problem.show()
            self.size_label.setText("")
            self.problem.setText(
                _(
                    "This image cannot be shown here: its format ({format}) cannot be decoded on this computer. Its hash and EXIF data are still checked; open it with another program to look at it.",
                    format=file.suffix.lstrip(".").upper() or "?",
                )
            )
        self._show_exif()
        return self.decoded

    def _show_exif(self) -> None:
        while self.exif_form.rowCount():
            self.exif_form.removeRow(0)
        rows = exif_rows(self.exif)
        if not rows:
            self.exif_form.addRow(QLabel(_("No EXIF data."), self.exif_box))
        for label, value in rows:
            field = QLabel(value, self.exif_box)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.exif_form.addRow(label, field)

    def zoom(self, factor: float) -> None:
        self.view.fitting = False
        self.view.scale(factor, factor)

    def actual_size(self) -> None:
        self.view.fitting = False
        self.view.resetTransform()

    def scale_factor(self) -> float:
        return float(self.view.transform().m11())

    def fit_to_view(self) -> None:
        self.view.fitting = True
        if self.decoded:
            self.view.fitInView(self.item, Qt.AspectRatioMode.KeepAspectRatio)
