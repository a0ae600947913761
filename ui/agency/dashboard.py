"""The batch dashboard: counts by status, by level, by recommendation, by district and by
provider, drawn with QtCharts, and the days left to the application deadline."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Slot
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from inspector_app.i18n import _
from ui.agency.common import AgencyContext, AgencyPage, level_label, recommendation_label

TOP_N = 8


def enterprise_level(row: Any) -> str:
    levels = {e.level for e in row.experts if e.complete and e.level is not None}
    if not levels:
        return _("not scored")
    if len(levels) > 1:
        return _("experts differ")
    return level_label(levels.pop())


def enterprise_recommendation(row: Any) -> str:
    if row.decision:
        return recommendation_label(row.decision)
    recs = {e.recommendation for e in row.experts if e.recommendation}
    if not recs:
        return _("none yet")
    if len(recs) > 1:
        return _("experts differ")
    return recommendation_label(recs.pop())


def dashboard_counts(status: Any) -> dict[str, list[tuple[str, int]]]:
    """``{chart: [(category, count)]}`` of a batch status (the charts' data)."""
    from sync.batch import STATUSES, status_label

    rows = status.rows if status else ()
    by_status = Counter(r.status for r in rows)
    provider = Counter(p for r in rows for p in (r.roster.providers or ("—",)))
    district = Counter(r.roster.district or "—" for r in rows)

    def top(counter: Counter[str]) -> list[tuple[str, int]]:
        items = counter.most_common()
        if len(items) > TOP_N:
            rest = sum(n for _k, n in items[TOP_N - 1 :])
            items = [*items[: TOP_N - 1], (_("others"), rest)]
        return items

    return {
        "status": [(str(status_label(s)), by_status.get(s, 0)) for s in STATUSES],
        "level": sorted(Counter(enterprise_level(r) for r in rows).items()),
        "recommendation": sorted(Counter(enterprise_recommendation(r) for r in rows).items()),
        "district": top(district),
        "provider": top(provider),
    }


class DashboardPage(AgencyPage):
    name = "dashboard"

    CHARTS = ("status", "level", "recommendation", "district", "provider")

    def __init__(self, context: AgencyContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.days_label = QLabel()
        self.days_label.setObjectName("dashboard-days")
        font = QFont(self.days_label.font())
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        self.days_label.setFont(font)
        self.days_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.days_label.setWordWrap(True)
        self.views: dict[str, QChartView] = {}
        grid = QGridLayout()
        for i, key in enumerate(self.CHARTS):
            chart = QChart()
            chart.legend().hide()
            chart.setMargins(QMargins(4, 4, 4, 4))
            view = QChartView(chart)
            view.setObjectName(f"dashboard-{key}")
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(200)
            self.views[key] = view
            grid.addWidget(view, i // 3, i % 3)
        grid.addWidget(self.days_label, 1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        self.counts: dict[str, list[tuple[str, int]]] = {}
        context.status_loaded.connect(self.show_status)
        self.retranslate()

    def title(self) -> str:
        return _("Dashboard")

    def chart_title(self, key: str) -> str:
        return {
            "status": _("Enterprises by status"),
            "level": _("By level"),
            "recommendation": _("By recommendation"),
            "district": _("By district"),
            "provider": _("By provider"),
        }[key]

    def retranslate(self) -> None:
        self.show_status(self.context.status)

    @Slot(object)
    def show_status(self, status: Any) -> None:
        self.counts = dashboard_counts(status)
        for key, view in self.views.items():
            chart = QChart()
            chart.legend().hide()
            chart.setMargins(QMargins(4, 4, 4, 4))
            self._draw(chart, self.chart_title(key), self.counts[key])
            view.setChart(chart)  # the view deletes the chart it showed before
        if status is None:
            self.days_label.setText(_("No roster imported yet."))
        elif status.deadline is None:
            self.days_label.setText(
                _("No deadline recorded for batch {batch}.", batch=status.batch)
            )
        else:
            days = status.days_left
            text = (
                _(
                    "{days} days left\nto the deadline {date}",
                    days=days,
                    date=status.deadline.isoformat(),
                )
                if days >= 0
                else _(
                    "The deadline {date} passed {days} days ago",
                    date=status.deadline.isoformat(),
                    days=-days,
                )
            )
            self.days_label.setText(text)

    def _draw(self, chart: QChart, title: str, data: list[tuple[str, int]]) -> None:
        chart.setTitle(title)
        bars = QBarSet(title)
        for _k, n in reversed(data):
            bars.append(n)
        bars.setLabelColor(Qt.GlobalColor.black)
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append([k for k, _n in reversed(data)] or ["—"])
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_x = QValueAxis()
        top = max((n for _k, n in data), default=0) + 1
        axis_x.setRange(0, top)
        axis_x.setLabelFormat("%d")
        axis_x.setTickCount(top + 1 if top <= 5 else 6)
        if top > 5:
            axis_x.applyNiceNumbers()
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
