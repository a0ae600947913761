"""USAGE_DORMANT, USAGE_BURST, USAGE_FEW_USERS, LOG_SYNTHETIC at and just past their thresholds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from inspector_app.analysis import usage
from inspector_app.analysis.usage import quiet_runs
from tests.unit.analysis.builders import (
    APPLIED,
    CREATED,
    GO_LIVE,
    build,
    context,
    every_day,
    ts,
)

D = timedelta(days=1)


def system(ctx):  # the one system
    return ctx.package.systems[0]


def on_system(rule, *layers, **kw):
    """``rule`` on the one system of ``build(**kw)``, settings ``layers`` over the defaults."""
    ctx = context(build(**kw), *layers)
    return rule(ctx, system(ctx))


# --------------------------------------------------------------------------- definitions
def test_quiet_run_definition_from_the_spec() -> None:
    jan1, jan31 = date(2025, 1, 1), date(2025, 1, 31)
    runs = quiet_runs([jan1, jan31], jan1, jan31)
    assert runs == [(date(2025, 1, 2), date(2025, 1, 30))]
    assert (runs[0][1] - runs[0][0]).days + 1 == 29
    # before the first event and after the last count too; outside dates are ignored
    assert quiet_runs([date(2025, 1, 5)], jan1, date(2025, 1, 7)) == [
        (jan1, date(2025, 1, 4)),
        (date(2025, 1, 6), date(2025, 1, 7)),
    ]
    assert quiet_runs([date(2024, 1, 1)], jan1, date(2025, 1, 2)) == [(jan1, date(2025, 1, 2))]


# --------------------------------------------------------------------------- USAGE_DORMANT
def dormant(*layers, **kw):
    return on_system(usage.check_dormant, *layers, **kw)


def test_honest_log_is_not_dormant() -> None:
    assert dormant() is None


def test_no_go_live_or_go_live_after_applied() -> None:
    flag = dormant(system={"go_live": None})
    assert flag is not None and flag.id == "USAGE_DORMANT:mes"
    assert flag.evidence[0].path == "systems.json" and flag.evidence[0].pointer == "/0/go_live"
    late = dormant(system={"go_live": APPLIED + D})
    assert late is not None and "1 days after" in late.title_en
    assert dormant(system={"go_live": APPLIED}, events=every_day(APPLIED, APPLIED)) is None


def test_no_usage_log() -> None:
    flag = dormant(events=False)
    assert flag is not None and "no usage log" in flag.title_en


@pytest.mark.parametrize(("quiet", "fires"), [(29, False), (30, True)])
def test_quiet_run_threshold(quiet: int, fires: bool) -> None:
    start = GO_LIVE + 20 * D
    skip = [start + i * D for i in range(quiet)]
    flag = dormant(events=every_day(GO_LIVE, APPLIED, skip=skip))
    assert (flag is not None) is fires
    if flag is not None:
        assert f"{quiet} consecutive dates" in flag.title_en
        assert f"连续{quiet}天" in flag.title
        (ev,) = [e for e in flag.evidence if e.rows is not None]
        assert ev.path == "logs/mes/usage.csv"
        # the last record before the run and the first after it
        assert ev.rows is not None and ev.rows[1] == ev.rows[0] + 1


def test_quiet_run_after_the_last_event_counts() -> None:
    assert dormant(events=every_day(GO_LIVE, APPLIED - 29 * D)) is None
    assert dormant(events=every_day(GO_LIVE, APPLIED - 30 * D)) is not None


def _weekends_plus(working_days_used: int) -> list[tuple[int, str, str, str]]:
    """Events on every weekend day since go-live, plus the first N working days of
    window(90, applied): no long quiet run, a chosen share of working days."""
    first = APPLIED - 89 * D
    days = []
    d = GO_LIVE
    used = 0
    while d <= APPLIED:
        if d.weekday() >= 5 or d < first:
            days.append(d)
        elif used < working_days_used and (d - first).days % 4 == 0:
            days.append(d)
            used += 1
        d += D
    assert used == working_days_used
    every = set(days)
    return every_day(GO_LIVE, APPLIED, skip=[x for x in _dates(GO_LIVE, APPLIED) if x not in every])


def _dates(a: date, b: date) -> list[date]:
    return [a + i * D for i in range((b - a).days + 1)]


def test_active_share_threshold() -> None:
    first = APPLIED - 89 * D
    working = [d for d in _dates(first, APPLIED) if d.weekday() < 5]
    n = len(working)  # 64 working days in 2025-03-23 .. 2025-06-20
    at = -(-n // 5)  # ceil(20 %)
    assert at / n >= 0.2 > (at - 1) / n
    assert dormant(events=_weekends_plus(at)) is None
    flag = dormant(events=_weekends_plus(at - 1))
    assert flag is not None
    assert f"{round((at - 1) / n * 100)}%" in flag.title_en
    assert f"events on {at - 1} of {n} working days" in flag.detail


def test_active_share_skipped_with_too_few_working_days_and_calendar_counts() -> None:
    go_live = APPLIED - 10 * D  # 9 working days in the window: skipped
    weekend_only = [d for d in _dates(go_live, APPLIED) if d.weekday() < 5]
    events = every_day(go_live, APPLIED, skip=weekend_only)
    assert dormant(system={"go_live": go_live}, events=events) is None
    # ten working days: judged (no working day has an event)
    go_live = APPLIED - 11 * D
    weekdays = [d for d in _dates(go_live, APPLIED) if d.weekday() < 5]
    assert len(weekdays) == 10
    events = every_day(go_live, APPLIED, skip=weekdays)
    assert dormant(system={"go_live": go_live}, events=events) is not None
    # the same with one of those days a holiday: 9 working days, skipped
    holiday = {"calendar": {"holidays": [weekdays[0].isoformat()]}}
    assert dormant(holiday, system={"go_live": go_live}, events=events) is None


# --------------------------------------------------------------------------- USAGE_BURST
def burst(**kw):
    return on_system(usage.check_burst, **kw)


def burst_events(before_per_day: int, window_events: int, history_days: int):
    go_live = APPLIED - (29 + history_days) * D
    w_first = APPLIED - 29 * D
    events = every_day(go_live, w_first - D, per_day=before_per_day)
    # window_events spread over the 30 window dates
    out = []
    for i in range(window_events):
        d = w_first + (i % 30) * D
        k = i + 1
        out.append(
            (ts(d, 8 + (i // 30) % 10, k % 60, (k * 7) % 60), f"u{k % 5}", "create", f"o{k}")
        )
    events += sorted(out)
    return go_live, events


@pytest.mark.parametrize(("window_events", "fires"), [(90, True), (89, False)])
def test_burst_ratio_threshold(window_events: int, fires: bool) -> None:
    go_live, events = burst_events(1, window_events, 30)  # before: 1/day; window: 3/day
    flag = burst(system={"go_live": go_live}, events=events)
    assert (flag is not None) is fires
    if flag is not None:
        assert flag.title_en.startswith("Usage burst: 3.0 × the earlier daily rate in the 30 days")
        assert flag.title.render("zh_CN") == "突击使用：申请验收前30天日均事件为此前的 3.0 倍"
        assert "90 of 120 events since go-live fall within 2025-05-22..2025-06-20" in flag.detail
        (ev,) = flag.evidence
        assert ev.rows == (31, 120)


def test_burst_needs_30_days_of_history() -> None:
    go_live, events = burst_events(1, 300, 29)
    assert burst(system={"go_live": go_live}, events=events) is None
    go_live, events = burst_events(1, 300, 30)
    assert burst(system={"go_live": go_live}, events=events) is not None


def test_burst_also_checked_before_the_planned_inspection() -> None:
    # steady until applied, then a burst before a planned date that the log covers
    planned = APPLIED + 40 * D
    created = planned + 2 * D
    events = every_day(GO_LIVE, planned - 30 * D, per_day=1)
    events += every_day(planned - 29 * D, planned, per_day=5)
    from dataclasses import replace

    pkg = build(project={"inspection_planned_at": planned}, events=events)
    pkg.manifest = replace(pkg.manifest, created_at=CREATED.replace(month=8, day=created.day))
    ctx = context(pkg)
    flag = usage.check_burst(ctx, system(ctx))
    assert flag is not None and "planned inspection" in flag.title_en
    # planned after created_at: not checked
    pkg.manifest = replace(pkg.manifest, created_at=CREATED)
    ctx = context(pkg)
    assert usage.check_burst(ctx, system(ctx)) is None


# --------------------------------------------------------------------------- USAGE_FEW_USERS
def users_events(n_users: int, outside_users: int = 0):
    events = []
    first = APPLIED - 89 * D
    for i in range(outside_users):
        events.append((ts(first - 5 * D, 9, i), f"old{i}", "login", ""))
    for i in range(60):
        d = first + i * D
        events.append((ts(d, 10, i % 60), f"u{i % n_users}", "view", "x"))
    return sorted(events)


@pytest.mark.parametrize(("users", "fires"), [(6, False), (5, True)])
def test_few_users_threshold(users: int, fires: bool) -> None:
    # licensed 20: 30 % = 6
    flag = on_system(usage.check_few_users, events=users_events(users, outside_users=10))
    assert (flag is not None) is fires
    if flag is not None:
        assert flag.title_en.startswith("Few real users: 5 users in the 90 days")
        assert "25% of 20 licensed" in flag.title_en
        assert flag.evidence[0].pointer == "/0/licensed_users"


def test_few_users_skipped_without_licence_count() -> None:
    for licensed in (None, 0):
        got = on_system(
            usage.check_few_users, system={"licensed_users": licensed}, events=users_events(1)
        )
        assert got is None


# --------------------------------------------------------------------------- LOG_SYNTHETIC
def synthetic(events, **kw):
    return on_system(usage.check_synthetic, events=events, **kw)


def regular(n: int, gap: int = 60, start: date = GO_LIVE + 30 * D):
    t0 = ts(start, 9)
    return [(t0 + i * gap, f"u{i % 9}", "view", f"o{i % 97}") for i in range(n)]


def test_regular_gaps() -> None:
    assert synthetic(regular(500)) is None  # 499 gaps: too few to judge
    flag = synthetic(regular(501))
    assert flag is not None and "gap variation only 0.000" in flag.title_en
    # gaps above an hour are not counted
    spread = synthetic(regular(600, gap=3601))  # round the clock: only (b) can fire
    assert spread is None or "gap_cv" not in spread.facts


def test_gap_cv_just_under_and_over_the_threshold() -> None:
    # alternating gaps a, b: CV = |a-b| / (a+b)
    t = ts(GO_LIVE + 30 * D, 9)

    def alt(a: int, b: int):
        out, cur = [], t
        for i in range(701):  # 700 gaps: 350 of each
            out.append((cur, f"u{i % 9}", "view", f"o{i % 97}"))
            cur += a if i % 2 else b
        return out

    assert synthetic(alt(45, 55)) is None  # CV 0.1: not below
    assert synthetic(alt(46, 54)) is not None  # CV 0.08


def _night_day(night: int, day: int, total_pad: int = 0):
    base = GO_LIVE + 30 * D
    out = []
    for i in range(night):
        d = base + (i // 5) * D
        out.append((ts(d, i % 5, (i * 7) % 60, i % 60), "u1", "view", f"n{i}"))
    for i in range(day):
        d = base + (i // 10) * D
        out.append((ts(d, 8 + i % 10, (i * 11) % 60, (i * 3) % 60), "u2", "view", f"d{i}"))
    return sorted(out)


def test_night_activity() -> None:
    flag = synthetic(_night_day(200, 400))  # 40/h at night = 40/h by day, 600 events
    assert flag is not None and "40.0 events per night hour, 40.0 per day hour" in flag.title_en
    assert synthetic(_night_day(195, 400)) is None  # 39/h < 40/h
    assert synthetic(_night_day(166, 333)) is None  # 499 events: not judged


def test_event_after_created_at() -> None:
    created = int(CREATED.timestamp())
    base = every_day(GO_LIVE, APPLIED)
    assert synthetic([*base, (created, "u1", "view", "x")]) is None
    flag = synthetic([*base, (created + 1, "u1", "view", "x")])
    assert flag is not None and "1 events dated after" in flag.title_en
    assert flag.evidence[0].rows == (len(base) + 1, len(base) + 1)


def _replays(dates: int, run: int):
    """One user replaying the same `run`-event session on `dates` dates, amid other users."""
    session = [
        (i * 37 % 50 + 5, ("view", "create", "update")[i % 3], f"WO-{i}") for i in range(run)
    ]
    out = every_day(GO_LIVE, APPLIED, per_day=2)
    for k in range(dates):
        d = GO_LIVE + (10 + 7 * k) * D
        t = ts(d, 14)
        for gap, action, obj in session:
            t += gap
            out.append((t, "bot", action, obj))
    return sorted(out)


@pytest.mark.parametrize(
    ("dates", "run", "fires"), [(3, 20, True), (2, 20, False), (3, 19, False), (4, 25, True)]
)
def test_repeated_runs(dates: int, run: int, fires: bool) -> None:
    flag = synthetic(_replays(dates, run))
    assert (flag is not None) is fires
    if flag is not None:
        assert f"recur on {dates} dates" in flag.title_en
        assert "user bot" in flag.detail
        assert all(e.rows is not None for e in flag.evidence)


def test_repeated_runs_found_past_the_signature_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    from inspector_app.analysis import usagestats

    monkeypatch.setattr(usagestats, "MAX_SIGNATURES", 200)
    flag = synthetic(_replays(3, 20))
    assert flag is not None
