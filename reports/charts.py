"""The reports' two charts as vector graphics (reportlab ``Drawing``), and as tables for DOCX.

* ``usage``: events per week of each system's usage log (from the analysis' ``daily`` counts),
  one line per system, with the acceptance application date marked. Data: ``UsageData``.
* ``score``: points per dimension, the final (settled) score beside the self-assessment and
  the maximum. Data: ``ScoreData``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from inspector_app.i18n import _
from inspector_app.pdfstyle import FONT

PALETTE = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#7f8c8d")


@dataclass(frozen=True)
class UsageSeries:
    system: str
    #: (Monday of the week, events that week), ascending
    weeks: Sequence[tuple[date, int]]


@dataclass(frozen=True)
class UsageData:
    series: Sequence[UsageSeries]
    applied: date | None


@dataclass(frozen=True)
class ScoreBar:
    label: str
    final: Decimal | None
    claimed: Decimal | None
    maximum: Decimal


@dataclass(frozen=True)
class ScoreData:
    bars: Sequence[ScoreBar]


def weekly(daily: Sequence[dict[str, object]]) -> list[tuple[date, int]]:
    """Daily ``{"date", "events"}`` rows summed per week (weeks start on Monday)."""
    weeks: dict[date, int] = {}
    for row in daily:
        d = date.fromisoformat(str(row["date"]))
        monday = d - timedelta(days=d.weekday())
        weeks[monday] = weeks.get(monday, 0) + int(str(row["events"]))
    if not weeks:
        return []
    first, last = min(weeks), max(weeks)
    out = []
    d = first
    while d <= last:
        out.append((d, weeks.get(d, 0)))
        d += timedelta(days=7)
    return out


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def drawing(kind: str, data: object, width: float) -> Drawing:
    # The renderer starts each drawing in the graphics default font (Helvetica, a base-14
    # font that is not embedded): make the embedded CJK font the default, so that a report's
    # only font is the embedded one.
    STATE_DEFAULTS["fontName"] = FONT
    if kind == "usage" and isinstance(data, UsageData):
        return usage_drawing(data, width)
    if kind == "score" and isinstance(data, ScoreData):
        return score_drawing(data, width)
    raise ValueError(kind)


def usage_drawing(data: UsageData, width: float, height: float = 190) -> Drawing:
    d = Drawing(width, height)
    left, bottom, right, top = 48, 34, width - 8, height - 22
    all_weeks = sorted({w for s in data.series for w, _n in s.weeks})
    if not all_weeks:
        d.add(String(width / 2, height / 2, _("No usage log."), fontName=FONT, fontSize=9))
        return d
    start, end = all_weeks[0], all_weeks[-1] + timedelta(days=6)
    if data.applied is not None and data.applied > end:
        end = data.applied
    span = max((end - start).days, 7)
    ymax = _nice_max(max((n for s in data.series for _w, n in s.weeks), default=1))

    def x(day: date) -> float:
        return left + (right - left) * (day - start).days / span

    def y(n: float) -> float:
        return bottom + (top - bottom) * n / ymax

    d.add(
        Rect(
            left,
            bottom,
            right - left,
            top - bottom,
            fillColor=None,
            strokeColor=colors.grey,
            strokeWidth=0.5,
        )
    )
    for i in range(5):
        v = ymax * i / 4
        d.add(
            Line(left, y(v), right, y(v), strokeColor=colors.HexColor("#dddddd"), strokeWidth=0.4)
        )
        d.add(
            String(left - 3, y(v) - 3, f"{int(v):,}", fontName=FONT, fontSize=7, textAnchor="end")
        )
    # month ticks
    month = date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            d.add(Line(x(month), bottom, x(month), bottom - 3, strokeColor=colors.grey))
            d.add(
                String(
                    x(month),
                    bottom - 12,
                    f"{month.year}-{month.month:02d}",
                    fontName=FONT,
                    fontSize=6.5,
                    textAnchor="middle",
                )
            )
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    for i, s in enumerate(data.series):
        colour = colors.HexColor(PALETTE[i % len(PALETTE)])
        points: list[float] = []
        for w, n in s.weeks:
            points += [x(w), y(n)]
        if len(points) >= 4:
            d.add(PolyLine(points, strokeColor=colour, strokeWidth=1.2))
        elif points:
            d.add(Rect(points[0] - 1.5, points[1] - 1.5, 3, 3, fillColor=colour, strokeColor=None))
        lx = left + 8 + i * 110
        d.add(Line(lx, height - 10, lx + 16, height - 10, strokeColor=colour, strokeWidth=2))
        d.add(String(lx + 20, height - 13, s.system, fontName=FONT, fontSize=8))
    if data.applied is not None and start <= data.applied <= end:
        ax = x(data.applied)
        d.add(
            Line(
                ax,
                bottom,
                ax,
                top,
                strokeColor=colors.HexColor("#b07a00"),
                strokeWidth=0.8,
                strokeDashArray=[3, 2],
            )
        )
        d.add(
            String(
                ax - 2,
                top - 9,
                _("acceptance applied"),
                fontName=FONT,
                fontSize=7,
                textAnchor="end",
                fillColor=colors.HexColor("#b07a00"),
            )
        )
    d.add(String(left, bottom - 24, _("events per week"), fontName=FONT, fontSize=7))
    return d


def score_drawing(data: ScoreData, width: float) -> Drawing:
    row_h = 26
    height = 30 + row_h * len(data.bars)
    d = Drawing(width, height)
    label_w = 110
    left, right = label_w, width - 70
    top = height - 24
    d.add(Rect(left, height - 12, 10, 6, fillColor=colors.HexColor(PALETTE[0]), strokeColor=None))
    d.add(String(left + 14, height - 12, _("final score"), fontName=FONT, fontSize=8))
    d.add(
        Rect(left + 90, height - 12, 10, 6, fillColor=colors.HexColor("#f0b429"), strokeColor=None)
    )
    d.add(String(left + 104, height - 12, _("self-assessment"), fontName=FONT, fontSize=8))
    for i, bar in enumerate(data.bars):
        y0 = top - (i + 1) * row_h + 6
        scale = (right - left) / float(bar.maximum or 1)
        d.add(String(left - 4, y0 + 5, bar.label, fontName=FONT, fontSize=8, textAnchor="end"))
        d.add(
            Rect(
                left,
                y0,
                (right - left),
                16,
                fillColor=colors.HexColor("#f2f2f2"),
                strokeColor=colors.HexColor("#cccccc"),
                strokeWidth=0.4,
            )
        )
        if bar.final is not None:
            d.add(
                Rect(
                    left,
                    y0 + 8,
                    float(bar.final) * scale,
                    8,
                    fillColor=colors.HexColor(PALETTE[0]),
                    strokeColor=None,
                )
            )
        if bar.claimed is not None:
            d.add(
                Rect(
                    left,
                    y0,
                    float(bar.claimed) * scale,
                    7,
                    fillColor=colors.HexColor("#f0b429"),
                    strokeColor=None,
                )
            )
        final = "—" if bar.final is None else _num(bar.final)
        claimed = "—" if bar.claimed is None else _num(bar.claimed)
        d.add(
            String(
                right + 4,
                y0 + 5,
                f"{final} / {claimed} / {_num(bar.maximum)}",
                fontName=FONT,
                fontSize=7.5,
            )
        )
    return d


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def as_table(kind: str, data: object) -> tuple[list[str], list[list[str]]]:
    """The chart's data as a table (the DOCX shows the numbers; Word edits them)."""
    if kind == "usage" and isinstance(data, UsageData):
        systems = [s.system for s in data.series]
        weeks = sorted({w for s in data.series for w, _n in s.weeks})
        by = {s.system: dict(s.weeks) for s in data.series}
        rows = [[w.isoformat(), *(f"{by[s].get(w, 0):,}" for s in systems)] for w in weeks]
        return [_("week from"), *systems], rows
    if kind == "score" and isinstance(data, ScoreData):
        rows = [
            [
                b.label,
                "—" if b.final is None else _num(b.final),
                "—" if b.claimed is None else _num(b.claimed),
                _num(b.maximum),
            ]
            for b in data.bars
        ]
        return [_("dimension"), _("final score"), _("self-assessment"), _("maximum")], rows
    raise ValueError(kind)
