"""使用情况 — per system: daily events and active users, key dates marked, hour-of-day profile.

This is where 建而不用 (built but unused) and 突击使用 (a burst before the visit) are seen: the
daily series runs from the system's go-live (or its contract's signing) to the application and
the planned visit, every day drawn (a day without events is 0), with the contract signing,
go-live, application and planned visit as vertical lines; the share of all events that falls
in the last 30 days before the application is printed beside it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, Qt, Slot
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import N_, _
from inspector_app.values import TZ
from ui.pages import Page, PageContext, register
from ui.tasks import run_task

MARKER_COLORS = {
    "contract": "#2e7d32",
    "go_live": "#6a1b9a",
    "applied": "#283593",
    "planned_visit": "#c62828",
}
MARKER_NAMES = {
    "contract": N_("Contract signed"),
    "go_live": N_("Go-live"),
    "applied": N_("Application"),
    "planned_visit": N_("Planned visit"),
}


def _ms(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=TZ).timestamp() * 1000


def usage_view(session: Any, progress: Any = None, cancel: Any = None) -> dict[str, Any]:
    """Per system: its daily series over the window, key dates and summary (from the cached
    analysis; no log is read again)."""
    analysis = session.analysis(progress=progress, cancel=cancel)
    pkg = session.package
    project = pkg.project
    contracts = {c.contract_no: c.signed_at for c in pkg.contracts}
    systems: dict[str, Any] = {}
    for system in pkg.systems:
        stats = analysis.usage.get(system.system_id)
        markers: dict[str, date] = {"applied": project.acceptance_applied_at}
        if system.go_live:
            markers["go_live"] = system.go_live
        if system.contract_no and system.contract_no in contracts:
            markers["contract"] = contracts[system.contract_no]
        if project.inspection_planned_at:
            markers["planned_visit"] = project.inspection_planned_at
        daily = {
            date.fromisoformat(d["date"]): (int(d["events"]), int(d["users"]))
            for d in (stats or {}).get("daily", [])
        }
        start = min([markers.get("go_live", project.acceptance_applied_at), *markers.values()])
        end = max(markers.values())
        days = []
        day = start
        while day <= end:
            days.append((day, *daily.get(day, (0, 0))))
            day += timedelta(days=1)
        systems[system.system_id] = {
            "name": system.name,
            "stats": stats,
            "markers": markers,
            "days": days,
            "before": sum(e for d, (e, _u) in daily.items() if d < start),
        }
    return systems


@register
class UsagePage(Page):
    name = "usage"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.view: dict[str, Any] = {}
        self._stale = False
        self._force = False
        self.system_box = QComboBox()
        self.system_box.setObjectName("system")
        self.system_box.currentIndexChanged.connect(self._draw)
        self.system_label = QLabel()
        self.system_label.setBuddy(self.system_box)
        self.daily_chart = QChart()
        self.daily_chart.setMargins(QMargins(4, 4, 4, 4))
        self.daily_view = QChartView(self.daily_chart)
        self.daily_view.setObjectName("daily-chart")
        self.daily_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.daily_view.setMinimumHeight(300)
        self.hours_chart = QChart()
        self.hours_chart.setMargins(QMargins(4, 4, 4, 4))
        self.hours_chart.legend().hide()
        self.hours_view = QChartView(self.hours_chart)
        self.hours_view.setObjectName("hours-chart")
        self.hours_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.stats_box = QGroupBox()
        self.stats_form = QFormLayout(self.stats_box)
        self.stat_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for key in (
            "events",
            "first_event",
            "last_event",
            "share_last_30",
            "active_days_last_90",
            "distinct_users_last_90",
        ):
            caption, value = QLabel(), QLabel("-")
            value.setObjectName(f"stat-{key}")
            self.stat_labels[key] = (caption, value)
            self.stats_form.addRow(caption, value)
        self.no_log = QLabel()
        self.no_log.setObjectName("no-log")
        self.no_log.setWordWrap(True)
        self.no_log.hide()

        top = QHBoxLayout()
        top.addWidget(self.system_label)
        top.addWidget(self.system_box, 1)
        bottom = QSplitter()
        bottom.addWidget(self.hours_view)
        bottom.addWidget(self.stats_box)
        bottom.setSizes([700, 300])
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.daily_view)
        splitter.addWidget(bottom)
        splitter.setSizes([420, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.no_log)
        layout.addWidget(splitter, 1)
        self.retranslate()

    def title(self) -> str:
        return _("Usage")

    def retranslate(self) -> None:
        self.system_label.setText(_("&System:"))
        self.stats_box.setTitle(_("In numbers"))
        names = {
            "events": _("Events"),
            "first_event": _("First event"),
            "last_event": _("Last event"),
            "share_last_30": _("Share in the last 30 days before the application"),
            "active_days_last_90": _("Active days (last 90)"),
            "distinct_users_last_90": _("Users (last 90 days)"),
        }
        for key, (caption, _value) in self.stat_labels.items():
            caption.setText(_("{label}:", label=names[key]))
            caption.setWordWrap(True)
        self.no_log.setText(_("This system has no usage log in the package."))
        self._draw()

    def set_session(self, session: Any) -> None:
        super().set_session(session)
        self.view = {}
        self.system_box.clear()
        if session is not None:
            run_task(usage_view, session, on_done=self._loaded, on_error=self.context.show_error)

    def prepare_screenshot(self) -> None:
        if self.session is not None:
            self._force = True
            try:
                self._loaded(usage_view(self.session))
            finally:
                self._force = False

    @Slot(object)
    def _loaded(self, view: dict[str, Any]) -> None:
        self.view = view
        self.system_box.blockSignals(True)
        self.system_box.clear()
        for system_id, data in view.items():
            self.system_box.addItem(str(data["name"]), system_id)
        self.system_box.blockSignals(False)
        self._draw()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self._draw()

    @Slot()
    def _draw(self, *_args: Any) -> None:
        if not self.isVisible() and not self._force:
            self._stale = True  # drawn when the page shows: charts cost time on the UI thread
            return
        self._stale = False
        system_id = self.system_box.currentData()
        data = self.view.get(system_id) if system_id else None
        # a fresh chart per drawing: removed axes of a reused chart leave ghosts behind
        self.daily_chart = self._replace_chart(self.daily_view)
        self.hours_chart = self._replace_chart(self.hours_view)
        self.hours_chart.legend().hide()
        if data is None:
            return
        stats = data["stats"]
        self.no_log.setVisible(stats is None)
        self._draw_daily(data)
        self._draw_hours(stats)
        self._fill_stats(stats)

    @staticmethod
    def _replace_chart(view: QChartView) -> QChart:
        old = view.chart()
        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        view.setChart(chart)
        if old is not None:
            old.deleteLater()
        return chart

    def _draw_daily(self, data: dict[str, Any]) -> None:
        chart = self.daily_chart
        chart.setTitle(_("Daily events and active users — {system}", system=data["name"]))
        events = QLineSeries()
        events.setName(_("Events per day"))
        users = QLineSeries()
        users.setName(_("Active users per day"))
        days_ = data["days"]
        top_events = max([1, *(n for _d, n, _u in days_)])
        top_users = max([1, *(u for _d, _n, u in days_)])
        # one call per series: point by point, a year of days keeps the UI thread busy
        events.append([QPointF(_ms(day), n) for day, n, _u in days_])
        users.append([QPointF(_ms(day), u) for day, _n, u in days_])
        chart.addSeries(events)
        chart.addSeries(users)
        x = QDateTimeAxis()
        x.setFormat("yyyy-MM-dd")
        x.setTickCount(7)
        days = data["days"]
        x.setRange(
            QDateTime.fromMSecsSinceEpoch(int(_ms(days[0][0]))),
            QDateTime.fromMSecsSinceEpoch(int(_ms(days[-1][0]))),
        )
        y = QValueAxis()
        y.setTitleText(_("Events"))
        y.setLabelFormat("%d")
        y.setRange(0, top_events * 1.1)
        y.applyNiceNumbers()  # ticks at round numbers (0, 250, 500 …), not 259, 518 …
        y2 = QValueAxis()
        y2.setTitleText(_("Users"))
        y2.setLabelFormat("%d")
        y2.setRange(0, top_users * 1.2)
        y2.applyNiceNumbers()
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(y2, Qt.AlignmentFlag.AlignRight)
        events.attachAxis(x)
        events.attachAxis(y)
        users.attachAxis(x)
        users.attachAxis(y2)
        for kind, day in sorted(data["markers"].items(), key=lambda kv: kv[1]):
            line = QLineSeries()
            line.setName(f"{_(MARKER_NAMES[kind])} {day.isoformat()}")
            pen = QPen(QColor(MARKER_COLORS[kind]))
            pen.setWidth(2)
            pen.setStyle(Qt.PenStyle.DashLine)
            line.setPen(pen)
            line.append(_ms(day), 0)
            line.append(_ms(day), y.max())
            chart.addSeries(line)
            line.attachAxis(x)
            line.attachAxis(y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)

    def _draw_hours(self, stats: dict[str, Any] | None) -> None:
        chart = self.hours_chart
        chart.setTitle(_("Events by hour of day"))
        hours = list((stats or {}).get("hours") or [0] * 24)
        bars = QBarSet(_("Events"))
        bars.append([float(h) for h in hours])
        series = QBarSeries()
        series.append(bars)
        chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append([f"{h:02d}" for h in range(24)])
        y = QValueAxis()
        y.setLabelFormat("%d")
        y.setRange(0, max(*hours, 1) * 1.1)
        y.applyNiceNumbers()
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)

    def _fill_stats(self, stats: dict[str, Any] | None) -> None:
        stats = stats or {}
        for key, (_caption, value) in self.stat_labels.items():
            raw = stats.get(key)
            if raw is None:
                text = "-"
            elif key == "share_last_30":
                text = f"{float(raw) * 100:.1f}%"
            elif key in ("first_event", "last_event"):
                text = str(raw)[:16].replace("T", " ")
            else:
                text = f"{int(raw):,}"
            value.setText(text)

    def series_names(self) -> list[str]:
        """The daily chart's series names (tests)."""
        return [s.name() for s in self.daily_chart.series()]
