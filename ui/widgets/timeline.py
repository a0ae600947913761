"""A horizontal timeline of key dates, with the red flags drawn where they fall.

Events sit below the axis, flags above it; labels are stacked in lanes so that none overlaps
another. Clicking a flag or an event emits ``flag_clicked(flag_id)`` / ``event_clicked(path)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

SEVERITY_COLORS = {"high": QColor("#c62828"), "medium": QColor("#ef6c00"), "low": QColor("#9e9d24")}
KIND_COLORS = {
    "registered": QColor("#1565c0"),
    "diagnosis": QColor("#1565c0"),
    "contract": QColor("#2e7d32"),
    "go_live": QColor("#6a1b9a"),
    "invoice": QColor("#00838f"),
    "payment": QColor("#00838f"),
    "photo": QColor("#5d4037"),
    "completed": QColor("#1565c0"),
    "applied": QColor("#283593"),
    "planned_visit": QColor("#283593"),
}
MARGIN = 24
LANE = 1.35  # lane height in line heights


@dataclass
class _Item:
    day: date
    text: str
    color: QColor
    key: str  # flag id or evidence path
    is_flag: bool
    tip: str
    rect: QRectF = field(default_factory=QRectF)  # replaced per layout
    x: float = 0.0


class _Lanes:
    """First fit: a label goes to the lowest lane whose last label ends left of it.

    A min-tree over the lanes' right edges finds that lane in log(n) steps (a large case has
    thousands of photo dates: a scan of every lane per label held the UI thread for 0.5 s).
    """

    def __init__(self, most: int) -> None:
        self.size = 1
        while self.size < max(most, 1):
            self.size *= 2
        self.tree = [-math.inf] * (2 * self.size)  # an unused lane is free
        self.used = 0

    def place(self, left: float, right: float) -> int:
        tree, node = self.tree, 1
        while node < self.size:
            node = 2 * node if tree[2 * node] < left else 2 * node + 1
        lane = node - self.size
        self.used = max(self.used, lane + 1)
        tree[node] = right
        while node > 1:
            node //= 2
            a, b = tree[2 * node], tree[2 * node + 1]
            low = a if a < b else b
            if tree[node] == low:
                break  # the lanes above see no change
            tree[node] = low
        return lane


class TimelineWidget(QWidget):
    flag_clicked = Signal(str)
    event_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self._items: list[_Item] = []
        self._first: date | None = None
        self._last: date | None = None
        self._lanes_above = 1
        self._lanes_below = 1

    def set_data(
        self, events: list[Any], marks: list[Any], flag_text: Any, event_text: Any
    ) -> None:
        """``events``: TimelineEvent; ``marks``: FlagMark; the two callables give each's label."""
        items = [
            _Item(
                e.day,
                text,
                KIND_COLORS.get(e.kind, QColor("#455a64")),
                e.path or "",
                False,
                f"{e.day.isoformat()}  {text}",
            )
            for e in events
            for text in (event_text(e),)  # rendered once (thousands of photo dates)
        ]
        items += [
            _Item(
                m.day,
                m.flag.id.split(":")[0],
                SEVERITY_COLORS.get(m.flag.severity, QColor("gray")),
                m.flag.id,
                True,
                f"{m.day.isoformat()}  {flag_text(m)}",
            )
            for m in marks
        ]
        self._items = items
        days = [i.day for i in items]
        self._first = min(days) if days else None
        self._last = max(days) if days else None
        self._layout()
        self.updateGeometry()
        self.update()

    def _x(self, day: date) -> float:
        assert self._first is not None and self._last is not None
        span = max((self._last - self._first).days, 1)
        width = max(self.width() - 2 * MARGIN, 10)
        return MARGIN + width * (day - self._first).days / span

    def _layout(self) -> None:
        fm = QFontMetrics(self.font())
        height = fm.height()
        lanes = {True: _Lanes(len(self._items)), False: _Lanes(len(self._items))}
        for item in sorted(self._items, key=lambda i: (i.day, i.text)):
            item.x = self._x(item.day) if self._first is not None else 0.0
            w = fm.horizontalAdvance(item.text) + 8
            left = min(max(item.x - 3, 2.0), max(self.width() - w - 2, 2.0))
            lane = lanes[item.is_flag].place(left, left + w)
            item.rect = QRectF(left, float(lane), w, height)  # y is the lane until painting
        self._lanes_above = max(lanes[True].used, 1)
        self._lanes_below = max(lanes[False].used, 1)

    def _axis_y(self) -> float:
        fm = QFontMetrics(self.font())
        return MARGIN / 2 + self._lanes_above * fm.height() * LANE + 10

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        lanes = self._lanes_above + self._lanes_below
        return QSize(600, int(lanes * fm.height() * LANE + 2 * fm.height() + MARGIN + 30))

    def minimumSizeHint(self) -> QSize:
        return QSize(300, self.sizeHint().height())

    def resizeEvent(self, event: Any) -> None:
        if event.oldSize().width() != event.size().width():  # the lanes depend on the width only
            self._layout()
        super().resizeEvent(event)

    def _placed(self, item: _Item, axis: float | None = None, height: int | None = None) -> QRectF:
        if axis is None or height is None:  # (paintEvent passes them: thousands of items)
            axis, height = self._axis_y(), QFontMetrics(self.font()).height()
        lane = item.rect.y()
        step = height * LANE
        y = axis - 10 - (lane + 1) * step if item.is_flag else axis + height + 14 + lane * step
        return QRectF(item.rect.x(), y, item.rect.width(), height)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_color = pal.windowText().color()
        axis = self._axis_y()
        painter.setPen(QPen(text_color, 1.5))
        painter.drawLine(QPointF(MARGIN / 2, axis), QPointF(self.width() - MARGIN / 2, axis))
        if self._first is None or self._last is None:
            painter.end()
            return
        fm = QFontMetrics(self.font())
        # year-month ticks under the axis
        painter.setPen(QPen(text_color.lighter(160), 1))
        month = date(self._first.year, self._first.month, 1)
        last_right = -1e9
        while month <= self._last:
            if month >= self._first:
                x = self._x(month)
                painter.drawLine(QPointF(x, axis - 3), QPointF(x, axis + 3))
                text = month.strftime("%Y-%m")
                if x - fm.horizontalAdvance(text) / 2 > last_right + 6:
                    painter.drawText(
                        QPointF(x - fm.horizontalAdvance(text) / 2, axis + fm.height() + 2), text
                    )
                    last_right = x + fm.horizontalAdvance(text) / 2
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        # only what the exposed area shows (a large case's timeline is thousands of pixels tall
        # in its scroll area: painting every label held the UI thread 0.3 s a paint)
        exposed = QRectF(event.rect()).adjusted(-12, -12, 12, 12)
        height = fm.height()
        placed = []
        for item in self._items:
            rect = self._placed(item, axis, height)
            reach = QRectF(
                QPointF(min(item.x - 6, rect.left()), min(axis - 10, rect.top())),
                QPointF(max(item.x + 6, rect.right()), max(axis + 4, rect.bottom())),
            )  # the label, its connector and its mark on the axis
            if reach.intersects(exposed):
                placed.append((item, rect))
        for item, rect in placed:  # connectors first, so that labels cover them
            painter.setPen(QPen(item.color, 1))
            anchor_y = rect.bottom() if item.is_flag else rect.top()
            painter.drawLine(QPointF(item.x, axis), QPointF(item.x, anchor_y))
        for item, rect in placed:
            painter.setPen(QPen(item.color, 1))
            if item.is_flag:
                painter.setBrush(item.color)
                painter.drawPolygon(
                    QPolygonF(
                        [
                            QPointF(item.x, axis - 1),
                            QPointF(item.x - 5, axis - 9),
                            QPointF(item.x + 5, axis - 9),
                        ]
                    )
                )
                if not rect.intersects(exposed):
                    continue  # its label is out of sight
                painter.setBrush(item.color.lighter(185))
                painter.drawRoundedRect(rect, 3, 3)
            else:
                painter.setBrush(item.color)
                painter.drawEllipse(QPointF(item.x, axis), 3.5, 3.5)
                if not rect.intersects(exposed):
                    continue  # its label is out of sight
                painter.fillRect(rect, pal.window())
                painter.fillRect(QRectF(rect.x(), rect.y(), 2, rect.height()), item.color)
            painter.setPen(text_color if not item.is_flag else item.color.darker(140))
            painter.drawText(rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, item.text)
        painter.end()

    def item_at(self, pos: QPointF) -> _Item | None:
        for item in self._items:
            if self._placed(item).contains(pos):
                return item
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if item is not None:
            QToolTip.showText(event.globalPosition().toPoint(), item.tip, self)
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            QToolTip.hideText()
            self.unsetCursor()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if item is None:
            return
        if item.is_flag:
            self.flag_clicked.emit(item.key)
        elif item.key:
            self.event_clicked.emit(item.key)

    def items(self) -> list[tuple[date, str, bool]]:
        """What is drawn: (day, text, is_flag) per item (tests)."""
        return [(i.day, i.text, i.is_flag) for i in self._items]

    def item_center(self, key: str) -> QPointF | None:
        for item in self._items:
            if item.key == key:
                return self._placed(item).center()
        return None
