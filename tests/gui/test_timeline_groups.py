"""The timeline groups its marks per day: one mark with a count for a day's photos, one per day
and rule for flags; every key date keeps its own mark; labels never overlap; the tooltip
lists what a mark stands for."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from inspector_app.analysis.flags import Evidence, Flag
from inspector_app.i18n import verbatim
from inspector_app.labels import rule_name
from inspector_app.services.overview import FlagMark, TimelineEvent
from ui.widgets.timeline import TIP_LINES, TimelineWidget, group_marks

START = date(2024, 5, 1)


def _events() -> list[TimelineEvent]:
    events = [
        TimelineEvent(START, "registered", verbatim("Registered"), "project.json"),
        TimelineEvent(START + timedelta(10), "contract", verbatim("Contract HT-1"), "c.csv"),
        TimelineEvent(START + timedelta(10), "invoice", verbatim("Invoice F-1"), "i.csv"),
        TimelineEvent(START + timedelta(200), "applied", verbatim("Applied"), "project.json"),
    ]
    for day in range(20, 180):  # 160 photo days, 1–25 photos each: 2,000+ photos
        for n in range(1 + day % 25):
            path = f"photos/d{day}_{n}.jpg"
            events.append(TimelineEvent(START + timedelta(day), "photo", verbatim(path), path))
    return events


def _flag(rule: str, subject: str | None) -> Flag:
    return Flag(
        rule, subject, verbatim(rule), verbatim(""), verbatim(""), (Evidence(subject or "x"),)
    )


def _marks() -> list[FlagMark]:
    day = START + timedelta(30)
    return [
        FlagMark(day, _flag("PHOTO_EDITED", "photos/d30_0.jpg")),
        FlagMark(day, _flag("PHOTO_EDITED", "photos/d30_1.jpg")),
        FlagMark(day, _flag("PHOTO_EDITED", "photos/d30_2.jpg")),
        FlagMark(day, _flag("PAYMENT_REFLUX", None)),
        FlagMark(START + timedelta(31), _flag("PHOTO_EDITED", "photos/d31_0.jpg")),
    ]


def test_group_marks_per_day() -> None:
    events, marks = _events(), _marks()
    groups = group_marks(events, marks)
    photos = [g for g in groups if g.kind == "photo"]
    assert len(photos) == 160
    assert sum(len(g.members) for g in photos) == sum(e.kind == "photo" for e in events)
    assert all(len({m.day for m in g.members}) == 1 for g in groups)
    # key dates: one group each, even two on one day
    keys = [g for g in groups if not g.is_flag and g.kind != "photo"]
    assert [g.kind for g in keys] == ["registered", "contract", "invoice", "applied"]
    assert all(len(g.members) == 1 for g in keys)
    flags = {(g.day, g.kind): len(g.members) for g in groups if g.is_flag}
    assert flags == {
        (START + timedelta(30), "PHOTO_EDITED"): 3,
        (START + timedelta(30), "PAYMENT_REFLUX"): 1,
        (START + timedelta(31), "PHOTO_EDITED"): 1,
    }


def _widget(qtbot: QtBot, width: int) -> TimelineWidget:
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(width, 400)
    widget.set_data(
        _events(),
        _marks(),
        flag_text=lambda m: f"title of {m.flag.id}",
        event_text=lambda e: str(e.label),
        count_text=lambda kind, n: f"{n} photos",
    )
    return widget


def test_the_widget_draws_a_mark_per_day_legibly(qtbot: QtBot) -> None:
    widget = _widget(qtbot, 1200)
    events = _events()
    assert len(widget.marks()) == 4 + 160 + 3  # one mark per day and group
    drawn = widget.items()
    texts = {text for _d, text, _f in drawn}
    # every key date and every flag rule is labelled
    assert {"Registered", "Contract HT-1", "Invoice F-1", "Applied"} <= texts
    edited, reflux = str(rule_name("PHOTO_EDITED")), str(rule_name("PAYMENT_REFLUX"))
    assert edited != "PHOTO_EDITED"  # the rule's name, not its id
    assert {f"{edited} ×3", reflux, edited} <= {t for _d, t, is_flag in drawn if is_flag}
    # photo days too close for a label each share one: runs of consecutive days, every photo
    # counted once
    runs = [i for i in widget._shown if not i.is_flag and i.grouped]
    assert 1 < len(runs) < 40
    assert sum(int(r.text.split()[0]) for r in runs) == sum(e.kind == "photo" for e in events)
    days = [d.day for r in runs for d in r.days]
    assert days == sorted({e.day for e in events if e.kind == "photo"})
    # no label covers another
    rects = [item.rect for item in widget._shown]
    for n, a in enumerate(rects):
        assert all(not a.intersects(b) for b in rects[n + 1 :])
    # all inside the widget as its size hint makes it
    widget.resize(1200, widget.sizeHint().height())
    assert all(widget.rect().toRectF().contains(r) for r in rects)
    # key dates sit in the lanes next to the axis, the photo days below them
    keys = [i for i in widget._shown if not i.is_flag and not i.grouped]
    assert max(i.rect.top() for i in keys) < min(i.rect.top() for i in runs)
    # a run's tooltip: its days with their counts; a click opens its first photo
    run = max(runs, key=lambda r: len(r.days))
    tip = widget.tooltip(run).splitlines()
    first, last = run.days[0].day, run.days[-1].day
    assert tip[0] == f"{first.isoformat()} – {last.isoformat()}  {run.text}"
    assert tip[1] == f"  {first.isoformat()}  {run.days[0].text}"
    day = (first - START).days
    with qtbot.waitSignal(widget.event_clicked) as clicked:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=run.rect.center().toPoint())
    assert clicked.args == [f"photos/d{day}_0.jpg"]
    assert widget.item_center(f"photos/d{(last - START).days}_0.jpg") == run.rect.center()
    flag = next(i for i in widget._shown if i.text == f"{edited} ×3")
    assert widget.tooltip(flag).splitlines()[1:] == [
        "  title of PHOTO_EDITED:photos/d30_0.jpg",
        "  title of PHOTO_EDITED:photos/d30_1.jpg",
        "  title of PHOTO_EDITED:photos/d30_2.jpg",
    ]
    key = next(i for i in widget._shown if i.text == "Contract HT-1")
    assert widget.tooltip(key) == f"{key.day.isoformat()}  Contract HT-1"
    assert not widget.grab().isNull()  # paints


def test_wide_enough_every_photo_day_has_its_label(qtbot: QtBot) -> None:
    widget = _widget(qtbot, 30_000)
    drawn = widget.items()
    assert len(drawn) == len(widget.marks()) == 4 + 160 + 3
    assert (START + timedelta(44), "20 photos", False) in drawn
    item = next(i for i in widget._shown if i.text == "20 photos")
    tip = widget.tooltip(item).splitlines()
    assert tip[0] == f"{item.day.isoformat()}  20 photos"
    assert tip[1] == "  photos/d44_0.jpg"
    assert len(tip) == 1 + TIP_LINES + 1 and tip[-1] == f"  … +{20 - TIP_LINES}"
    assert widget.item_center("photos/d44_7.jpg") == item.rect.center()


def test_layout_follows_the_width(qtbot: QtBot) -> None:
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(1200, 300)
    widget.show()
    widget.set_data(_events(), _marks(), str, lambda e: str(e.label))
    wide = widget.sizeHint().height()
    runs = len(widget.items())
    applied = next(i for i in widget._items if i.text == "Applied")
    assert applied.x > 1000
    widget.resize(600, 300)
    assert applied.x < 600
    assert len(widget.items()) < runs  # longer runs of photo days
    assert widget.sizeHint().height() <= 2 * wide
    assert widget.item_at(applied.rect.center()) is applied
    assert widget.item_at(QPoint(1, 1).toPointF()) is None
