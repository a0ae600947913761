"""A horizontal timeline of key dates, with the red flags drawn where they fall.

Events sit below the axis, flags above it; labels are stacked in lanes so that none overlaps
another. Clicking a flag or an event emits ``flag_clicked(flag_id)`` / ``event_clicked(path)``.

Marks are grouped per day (:func:`group_marks`): a large case has thousands of photos but a few
hundred photo days, so each day's photos are one mark with their count ("19 photos"), and each
day's flags of one rule one mark, labelled with the rule's name ("照片疑似处理 ×3"); the tooltip lists what a mark stands for.
Key dates (registration, contracts, invoices, …) keep a mark and a label each, in the lanes
next to the axis. Photo days too close to be labelled one by one share a label: a run of
consecutive days gets one label with their total ("126 photos"), a bracket under the axis over
its days and a tooltip line per day (the width decides the runs). The layout runs once per width
and gives every label its final rectangle; a paint draws only what reaches the exposed area.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from inspector_app.labels import rule_name

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
#: event kinds shown as one mark per day with a count (the others keep a mark each)
GROUPED_KINDS = frozenset({"photo"})
#: lines of a grouped mark's tooltip before "… and N more"
TIP_LINES = 15
MARGIN = 24
LANE = 1.35  # lane height in line heights


@dataclass
class Group:
    """One mark of the timeline: the events (or flag marks) of one day it stands for."""

    day: date
    is_flag: bool
    kind: str  # the events' kind, or the flags' rule
    members: list[Any]  # TimelineEvent or FlagMark, in the order given


def _rule(mark: Any) -> str:
    return str(mark.flag.id).split(":")[0]


def group_marks(events: Sequence[Any], marks: Sequence[Any]) -> list[Group]:
    """Events of a :data:`GROUPED_KINDS` kind grouped per day, flags per day and rule; every
    other event a group of its own. Groups keep the order of their first member."""
    groups: list[Group] = []
    by_key: dict[tuple[Any, ...], Group] = {}
    for ev in events:
        if ev.kind not in GROUPED_KINDS:
            groups.append(Group(ev.day, False, ev.kind, [ev]))
            continue
        key = (False, ev.day, ev.kind)
        found = by_key.get(key)
        if found is None:
            found = by_key[key] = Group(ev.day, False, ev.kind, [])
            groups.append(found)
        found.members.append(ev)
    for mark in marks:
        key = (True, mark.day, _rule(mark))
        found = by_key.get(key)
        if found is None:
            found = by_key[key] = Group(mark.day, True, _rule(mark), [])
            groups.append(found)
        found.members.append(mark)
    return groups


@dataclass
class _Item:
    group: Group
    text: str
    color: QColor
    key: str  # the first member's flag id or evidence path
    rect: QRectF = field(default_factory=QRectF)  # its label, placed by the layout
    x: float = 0.0  # its mark on the axis
    lane: int = 0
    days: list[_Item] = field(default_factory=list)  # a run's label: the day marks it labels
    x_last: float = 0.0  # a run's last day on the axis

    @property
    def day(self) -> date:
        return self.group.day

    @property
    def is_flag(self) -> bool:
        return self.group.is_flag

    @property
    def grouped(self) -> bool:
        return self.group.is_flag or self.group.kind in GROUPED_KINDS


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
        self._items: list[_Item] = []  # one mark per day (a group)
        self._shown: list[_Item] = []  # the labels: key dates, flags, runs of photo days
        self._first: date | None = None
        self._last: date | None = None
        self._lanes_above = 1
        self._lanes_below = 1
        self._laid_out_width = -1
        self._flag_text: Callable[[Any], str] = str
        self._event_text: Callable[[Any], str] = str
        self._count_text: Callable[[str, int], str] = lambda kind, n: f"{n} {kind}"

    def set_data(
        self,
        events: Sequence[Any],
        marks: Sequence[Any],
        flag_text: Callable[[Any], str],
        event_text: Callable[[Any], str],
        count_text: Callable[[str, int], str] | None = None,
    ) -> None:
        """``events``: TimelineEvent; ``marks``: FlagMark; ``flag_text``/``event_text`` give
        one's text (for a label or a tooltip line), ``count_text(kind, n)`` the label of a day's
        ``n`` grouped events of ``kind`` (default: ``"n kind"``). Texts of grouped members are
        rendered only for a tooltip."""
        self._flag_text, self._event_text = flag_text, event_text
        counted = count_text or (lambda kind, n: f"{n} {kind}")
        self._count_text = counted
        items = []
        for group in group_marks(events, marks):
            first, n = group.members[0], len(group.members)
            if group.is_flag:
                name = str(rule_name(group.kind))  # the rule's name (突击使用), not its id
                text = name if n == 1 else f"{name} ×{n}"
                color = SEVERITY_COLORS.get(
                    max((m.flag.severity for m in group.members), key=_severity_rank),
                    QColor("gray"),
                )
                key = first.flag.id
            else:
                text = counted(group.kind, n) if group.kind in GROUPED_KINDS else event_text(first)
                color = KIND_COLORS.get(group.kind, QColor("#455a64"))
                key = first.path or ""
            items.append(_Item(group, text, color, key))
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
        """Every mark's ``x``, the runs of photo days, every label's lane and rectangle, for
        the current width."""
        self._laid_out_width = self.width()
        fm = QFontMetrics(self.font())
        height = fm.height()
        widths: dict[str, int] = {}

        def width_of(text: str) -> int:
            w = widths.get(text)
            if w is None:
                w = widths[text] = fm.horizontalAdvance(text) + 8
            return w

        for item in self._items:
            item.x = self._x(item.day) if self._first is not None else 0.0
        shown: list[_Item] = []
        run: _Item | None = None
        for item in sorted(self._items, key=lambda i: (i.day, i.text)):
            if item.is_flag or not item.grouped:
                shown.append(item)
                continue
            if (
                run is not None
                and run.group.kind == item.group.kind
                and item.x <= run.x + width_of(run.text) + 2
            ):  # its label would start under the run's: the run takes the day
                run.days.append(item)
                run.group.members.extend(item.group.members)
                run.text = self._count_text(run.group.kind, len(run.group.members))
                run.x_last = item.x
                continue
            group = Group(item.day, False, item.group.kind, list(item.group.members))
            run = _Item(group, item.text, item.color, item.key, x=item.x, days=[item])
            run.x_last = item.x
            shown.append(run)
        self._shown = shown
        # flags above; below, the key dates in the lanes next to the axis, the photo days after
        n = len(shown)
        above, keys, grouped = _Lanes(n), _Lanes(n), _Lanes(n)
        for item in shown:
            w = width_of(item.text)
            left = min(max(item.x - 3, 2.0), max(self.width() - w - 2, 2.0))
            lanes = above if item.is_flag else grouped if item.grouped else keys
            item.lane = lanes.place(left, left + w)
            item.rect = QRectF(left, 0.0, w, height)
        self._lanes_above = max(above.used, 1)
        self._lanes_below = max(keys.used + grouped.used, 1)
        axis = self._axis_y()
        step = height * LANE
        for item in shown:
            if item.is_flag:
                y = axis - 10 - (item.lane + 1) * step
            else:
                lane = item.lane + (keys.used if item.grouped else 0)
                y = axis + height + 14 + lane * step
            item.rect.moveTop(y)

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
        if event.size().width() != self._laid_out_width:  # the lanes depend on the width only
            self._layout()
        super().resizeEvent(event)

    def changeEvent(self, event: Any) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._layout()
            self.updateGeometry()
        super().changeEvent(event)

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
        # only what reaches the exposed area (the timeline can be taller than its scroll area)
        exposed = QRectF(event.rect()).adjusted(-12, -12, 12, 12)
        placed = []
        for item in self._shown:
            rect = item.rect
            top = min(axis - 10, rect.top())
            bottom = max(axis + 8, rect.bottom())
            if (
                top <= exposed.bottom()
                and bottom >= exposed.top()
                and min(item.x - 6, rect.left()) <= exposed.right()
                and max(max(item.x, item.x_last) + 6, rect.right()) >= exposed.left()
            ):  # the label, its connector or its marks on the axis
                placed.append(item)
        for item in placed:  # connectors first, so that labels cover them
            painter.setPen(QPen(item.color, 1))
            anchor_y = item.rect.bottom() if item.is_flag else item.rect.top()
            painter.drawLine(QPointF(item.x, axis), QPointF(item.x, anchor_y))
            if len(item.days) > 1:  # a run: a bracket under its days
                painter.setPen(QPen(item.color, 2))
                painter.drawLine(QPointF(item.x, axis + 6), QPointF(item.x_last, axis + 6))
        for item in placed:
            rect = item.rect
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
                for day in item.days or (item,):  # one mark per day
                    painter.drawEllipse(QPointF(day.x, axis), 3.5, 3.5)
                if not rect.intersects(exposed):
                    continue  # its label is out of sight
                painter.fillRect(rect, pal.window())
                painter.fillRect(QRectF(rect.x(), rect.y(), 2, rect.height()), item.color)
            painter.setPen(text_color if not item.is_flag else item.color.darker(140))
            painter.drawText(rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, item.text)
        painter.end()

    def item_at(self, pos: QPointF) -> _Item | None:
        for item in self._shown:
            if item.rect.contains(pos):
                return item
        return None

    def tooltip(self, item: _Item) -> str:
        """The day and what the label stands for, one line each (at most :data:`TIP_LINES`):
        a run's days with their counts, a day's photos or flags."""
        group = item.group
        text = self._flag_text if group.is_flag else self._event_text
        day = group.day.isoformat()
        if not item.grouped:
            return f"{day}  {text(group.members[0])}"
        if len(item.days) > 1:
            lines = [f"{day} – {item.days[-1].day.isoformat()}  {item.text}"]
            lines += [f"  {d.day.isoformat()}  {d.text}" for d in item.days[:TIP_LINES]]
            more = len(item.days) - TIP_LINES
        else:
            lines = [f"{day}  {item.text}"]
            lines += [f"  {text(m)}" for m in group.members[:TIP_LINES]]
            more = len(group.members) - TIP_LINES
        if more > 0:
            lines.append(f"  … +{more}")
        return "\n".join(lines)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if item is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.tooltip(item), self)
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
        """The labels drawn: (first day, text, is_flag) each (tests)."""
        return [(i.day, i.text, i.is_flag) for i in self._shown]

    def marks(self) -> list[tuple[date, str, bool]]:
        """The marks on the axis, one per day and group: (day, text, is_flag) each (tests)."""
        return [(i.day, i.text, i.is_flag) for i in self._items]

    def item_center(self, key: str) -> QPointF | None:
        """The centre of the label that stands for ``key`` (a flag id or a path)."""
        for item in self._shown:
            members = item.group.members
            keys = (m.flag.id for m in members) if item.is_flag else (m.path for m in members)
            if key in keys:
                return item.rect.center()
        return None


def _severity_rank(severity: str) -> int:
    return {"high": 3, "medium": 2, "low": 1}.get(severity, 0)
