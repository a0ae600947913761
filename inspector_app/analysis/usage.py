"""Usage rules: built but unused, bursts before acceptance, few real users, machine-made logs.

All four read the per-system :class:`~inspector_app.analysis.usagestats.LogPass` filled by the
single streaming pass over each usage log; none of them reads the log again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from inspector_app.analysis.context import Conditions, Context, fmt_int, fmt_ratio, make_flag, texts
from inspector_app.analysis.flags import Evidence, Flag, pct
from inspector_app.analysis.usagestats import LogPass, day_date, day_number, ts_datetime
from inspector_app.casepkg.model import System
from inspector_app.i18n import bi
from inspector_app.values import isoformat, window


# --------------------------------------------------------------------------- USAGE_DORMANT
def quiet_runs(active: Iterable[date], start: date, end: date) -> list[tuple[date, date]]:
    """Every run of consecutive dates without an event between ``start`` and ``end`` (both
    included): before the first event date, between two event dates, after the last one.
    ``active`` are the event dates (any order; dates outside the range are ignored)."""
    inside = sorted({d for d in active if start <= d <= end})
    runs: list[tuple[date, date]] = []
    cursor = start
    for d in inside:
        if d > cursor:
            runs.append((cursor, d - timedelta(days=1)))
        cursor = d + timedelta(days=1)
    if cursor <= end:
        runs.append((cursor, end))
    return runs


def working_days(ctx: Context, first: date, last: date, not_before: date) -> list[date]:
    """Working days of the settings' calendar in first … last, on or after ``not_before``."""
    out = []
    d = max(first, not_before)
    while d <= last:
        if ctx.settings.is_working_day(d):
            out.append(d)
        d += timedelta(days=1)
    return out


def check_dormant(ctx: Context, system: System) -> Flag | None:
    """USAGE_DORMANT (建而不用): the system was built but is not used.

    Fires when ``go_live`` is null or later than applied; or the system has no usage log; or a
    quiet run (consecutive dates without any event between go-live and applied) is longer than
    ``max_quiet_days`` (29: a month without a single login is not how a production system
    lives); or fewer than ``min_active_share`` (20 %, about one working day a week) of the
    working days in window(90, applied) have an event — skipped when that window holds fewer
    than ``min_working_days`` (10) working days, too few to judge.

    Known false positives: seasonal plants (sugar, tea) idle for months; a system used through
    another system's account (SSO logs kept elsewhere); long holidays missing from the
    settings' calendar.
    """
    cfg = ctx.settings["USAGE_DORMANT"]
    sid = system.system_id
    applied = ctx.applied
    found = Conditions()
    if system.go_live is None:
        found.add(
            texts("Built but unused: {system} has no go-live date", system=sid),
            texts("{system}: go_live is empty (not live)", system=sid),
            ctx.system_pointer(sid, "go_live"),
        )
    elif system.go_live > applied:
        found.add(
            texts(
                "Built but unused: {system} went live {days} days after the application",
                system=sid,
                days=(system.go_live - applied).days,
            ),
            texts(
                "{system}: go-live {go_live} is after the application date {applied}",
                system=sid,
                go_live=system.go_live.isoformat(),
                applied=applied.isoformat(),
            ),
            ctx.system_pointer(sid, "go_live"),
        )
    log = ctx.usage.get(sid)
    if log is None:
        found.add(
            texts("Built but unused: {system} has no usage log", system=sid),
            texts("{system}: the package holds no usage log", system=sid),
            ctx.system_pointer(sid),
        )
    elif system.go_live is not None and system.go_live <= applied:
        go_live = system.go_live
        active = {day_date(d) for d in log.days}
        runs = quiet_runs(active, go_live, applied)
        longest = max(runs, key=lambda r: ((r[1] - r[0]).days, -r[0].toordinal()), default=None)
        if longest is not None:
            length = (longest[1] - longest[0]).days + 1
            found.facts["longest_quiet_run"] = length
            if length > cfg["max_quiet_days"]:
                found.add(
                    texts(
                        "Built but unused: {system} had no event on {days} consecutive dates",
                        system=sid,
                        days=length,
                    ),
                    texts(
                        "{system}: no event from {first} to {last} ({days} dates)",
                        system=sid,
                        first=longest[0].isoformat(),
                        last=longest[1].isoformat(),
                        days=length,
                    ),
                    *ctx.usage_evidence(sid, _rows_around(log, longest)),
                )
        first, last = window(cfg["window_days"], applied)
        wdays = working_days(ctx, first, last, go_live)
        if len(wdays) >= cfg["min_working_days"]:
            used = sum(1 for d in wdays if d in active)
            share = used / len(wdays)
            found.facts["active_working_share"] = share
            if share < cfg["min_active_share"]:
                found.add(
                    texts(
                        "Built but unused: {system} was used on {share} of the working days "
                        "before the application",
                        system=sid,
                        share=pct(share),
                    ),
                    texts(
                        "{system}: events on {used} of {total} working days in {first}..{last}",
                        system=sid,
                        used=used,
                        total=len(wdays),
                        first=first.isoformat(),
                        last=last.isoformat(),
                    ),
                    *ctx.usage_window_evidence(sid, first, last),
                )
    return found.flag(
        "USAGE_DORMANT",
        sid,
        bi(
            "Ask the enterprise to log in to the system on the spot and open the business "
            "records of a date you pick in the month before the application; ask the operators "
            "how often they use it."
        ),
    )


def _rows_around(log: LogPass, run: tuple[date, date]) -> tuple[int, int] | None:
    """The last record before a quiet run and the first after it (either may be missing)."""
    start, end = day_number(run[0]), day_number(run[1])
    before = [s.last_row for d, s in log.days.items() if d < start]
    after = [s.first_row for d, s in log.days.items() if d > end]
    lo = max(before) if before else (min(after) if after else None)
    hi = min(after) if after else lo
    if lo is None or hi is None:
        return None
    return lo, hi


# --------------------------------------------------------------------------- USAGE_BURST
def burst_ratio(
    log: LogPass, go_live: date, end: date, window_days: int, min_history_days: int
) -> tuple[float, int, int, int] | None:
    """(ratio, events in window(window_days, end), events before it, earlier days), or None
    when the earlier period from go-live to the day before the window is too short."""
    w_first, _ = window(window_days, end)
    history_days = (w_first - go_live).days
    if history_days < min_history_days:
        return None
    inside = log.events_between(day_number(w_first), day_number(end))
    before = log.events_between(day_number(go_live), day_number(w_first) - 1)
    if inside == 0:
        return None
    mean_in = inside / window_days
    mean_before = before / history_days
    ratio = mean_in / mean_before if mean_before else float("inf")
    return ratio, inside, before, history_days


def check_burst(ctx: Context, system: System) -> Flag | None:
    """USAGE_BURST (突击使用): the log fills up just before acceptance.

    Fires when the mean events per day in window(30, applied) is at least ``min_rate_ratio``
    (3 ×) the mean per day from go-live to the day before that window; skipped when that
    earlier period is shorter than ``min_history_days`` (30), because a young system's ramp-up
    is normal. Also checked with window(30, planned) when the inspection date is set and on or
    before the package's ``created_at`` (only then can the log cover it). 3 × is well beyond
    month-to-month variation of a real plant (rarely above 1.5 ×) and still catches the typical
    "filled in the last weeks" log.

    Known false positives: a second production line or a new module rolled out shortly before
    the application; a system whose use genuinely took off after training.
    """
    cfg = ctx.settings["USAGE_BURST"]
    log = ctx.usage.get(system.system_id)
    if log is None or system.go_live is None:
        return None
    ends = [("applied", ctx.applied)]
    if ctx.planned is not None and ctx.planned <= ctx.created:
        ends.append(("planned", ctx.planned))
    sid = system.system_id
    found = Conditions()
    for label, end in ends:
        result = burst_ratio(log, system.go_live, end, cfg["window_days"], cfg["min_history_days"])
        if result is None:
            continue
        ratio, inside, before, _history = result
        found.facts[f"ratio_{label}"] = ratio
        if ratio < cfg["min_rate_ratio"]:
            continue
        first, last = window(cfg["window_days"], end)
        if label == "applied":
            title = texts(
                "Usage burst: {ratio} × the earlier daily rate in the {days} days before "
                "the application",
                ratio=fmt_ratio(ratio),
                days=cfg["window_days"],
            )
        else:
            title = texts(
                "Usage burst: {ratio} × the earlier daily rate in the {days} days before "
                "the planned inspection",
                ratio=fmt_ratio(ratio),
                days=cfg["window_days"],
            )
        found.add(
            title,
            texts(
                "{system}: {inside} of {total} events since go-live fall within {first}..{last}",
                system=sid,
                inside=fmt_int(inside),
                total=fmt_int(inside + before),
                first=first.isoformat(),
                last=last.isoformat(),
            ),
            *ctx.usage_window_evidence(sid, first, last),
        )
    return found.flag(
        "USAGE_BURST",
        sid,
        bi(
            "Pick a date at random in the two months before the application and ask the "
            "enterprise to open that day's work orders in the system; compare them with the "
            "paper records."
        ),
    )


# --------------------------------------------------------------------------- USAGE_FEW_USERS
def check_few_users(ctx: Context, system: System) -> Flag | None:
    """USAGE_FEW_USERS (用户数不实): far fewer people use the system than it was bought for.

    Fires when the distinct users in window(90, applied) are fewer than ``min_user_share``
    (30 %) of ``licensed_users``; skipped when that is null or 0 (no seat limit). 30 % leaves
    room for shift workers, read-only seats and seats bought for growth, and still catches a
    40-seat system run by three office clerks.

    Known false positives: shared shop-floor accounts (one login per terminal, many people);
    seats licensed for a later phase.
    """
    cfg = ctx.settings["USAGE_FEW_USERS"]
    licensed = system.licensed_users
    if not licensed:
        return None
    sid = system.system_id
    log = ctx.usage.get(sid)
    users = log.distinct_users(cfg["window_days"]) if log is not None else 0
    share = users / licensed
    if share >= cfg["min_user_share"]:
        return None
    first, last = window(cfg["window_days"], ctx.applied)
    title = texts(
        "Few real users: {users} users in the {days} days before the application, "
        "{share} of {licensed} licensed",
        users=users,
        days=cfg["window_days"],
        share=pct(share),
        licensed=licensed,
    )
    detail = texts(
        "{system}: {users} distinct users in {first}..{last}; licensed users {licensed}",
        system=sid,
        users=users,
        first=first.isoformat(),
        last=last.isoformat(),
        licensed=licensed,
    )
    return make_flag(
        "USAGE_FEW_USERS",
        sid,
        title,
        [detail],
        bi(
            "Ask for the system's user list and pick three users at random: ask them to log in "
            "in front of you and show what they did last week."
        ),
        [ctx.system_pointer(sid, "licensed_users"), *ctx.usage_window_evidence(sid, first, last)],
        {"users": users, "licensed": licensed, "share": share},
    )


# --------------------------------------------------------------------------- LOG_SYNTHETIC
def check_synthetic(ctx: Context, system: System) -> Flag | None:
    """LOG_SYNTHETIC (日志疑似伪造): the usage log looks machine-made.

    Any of: (a) the coefficient of variation of the gaps between consecutive events, counting
    only gaps ≤ ``max_gap_seconds`` (1 hour), is below ``max_gap_cv`` (0.1) over at least
    ``min_gaps`` (500) such gaps — people's clicks are bursty (CV near or above 1), a script's
    timer is not; (b) over ≥ ``min_events`` (500) events, the hourly rate during
    ``night_hours`` (00–05) is at least the rate during ``day_hours`` (08–18) — SME plants
    rarely run night shifts on their ERP/MES at day-shift intensity; (c) any event after the
    package's ``created_at`` — a log cannot record the future; (d) one user's run of
    ≥ ``repeat_run`` (20) consecutive events whose actions, objects and gaps (to the second)
    are identical recurs on ≥ ``repeat_dates`` (3) dates — a replayed recording.

    Known false positives: (a) an interface account polling at a fixed interval (the expert
    checks which user it is); (b) a genuine three-shift plant; (c) a clock set wrong on the
    server; (d) an automated job logged under a person's account.
    """
    cfg = ctx.settings["LOG_SYNTHETIC"]
    sid = system.system_id
    log = ctx.usage.get(sid)
    if log is None or log.events == 0:
        return None
    path = ctx.usage_path(sid)
    assert path is not None
    full = (log.first_row or 1, log.last_row or 1)
    found = Conditions()
    cv = log.gap_cv()
    if cv is not None and log.gap_n >= cfg["min_gaps"]:
        found.facts["gap_cv"] = cv
        if log.gap_cv_below(cfg["max_gap_cv"]):
            found.add(
                texts("Log looks machine-made: gap variation only {cv}", cv=f"{cv:.3f}"),
                texts(
                    "{system}: coefficient of variation {cv} over {gaps} gaps of at most {max} s",
                    system=sid,
                    cv=f"{cv:.3f}",
                    gaps=fmt_int(log.gap_n),
                    max=cfg["max_gap_seconds"],
                ),
                Evidence(path, rows=full),
            )
    if log.events >= cfg["min_events"]:
        n0, n1 = cfg["night_hours"]
        d0, d1 = cfg["day_hours"]
        night = sum(log.hours[n0:n1]) / (n1 - n0)
        day = sum(log.hours[d0:d1]) / (d1 - d0)
        found.facts["night_rate"], found.facts["day_rate"] = night, day
        if night >= day:
            found.add(
                texts(
                    "Log looks machine-made: {night} events per night hour, {day} per day hour",
                    night=f"{night:.1f}",
                    day=f"{day:.1f}",
                ),
                texts(
                    "{system}: {night} events per hour {n0:02d}:00–{n1:02d}:00 against {day} "
                    "per hour {d0:02d}:00–{d1:02d}:00",
                    system=sid,
                    night=f"{night:.1f}",
                    day=f"{day:.1f}",
                    n0=n0,
                    n1=n1,
                    d0=d0,
                    d1=d1,
                ),
                Evidence(path, rows=full),
            )
    if log.late_events and log.late_first_ts is not None and log.late_first_row is not None:
        found.add(
            texts(
                "Log looks machine-made: {count} events dated after the package was created",
                count=fmt_int(log.late_events),
            ),
            texts(
                "{system}: {count} events after created_at {created}, the first at {first}",
                system=sid,
                count=fmt_int(log.late_events),
                created=isoformat(ctx.package.manifest.created_at),
                first=isoformat(ts_datetime(log.late_first_ts)),
            ),
            Evidence(path, rows=(log.late_first_row, log.last_row or full[1])),
        )
    repeats = [h for h in log.repeat_hits.values() if h.n_dates >= cfg["repeat_dates"]]
    if repeats:
        worst = max(repeats, key=lambda h: (h.n_dates, -h.rows[0][0]))
        found.add(
            texts(
                "Log looks machine-made: the same {run} events of one user recur on {dates} dates",
                run=cfg["repeat_run"],
                dates=worst.n_dates,
            ),
            texts(
                "{system}: user {user} repeats a run of {run} events with identical actions, "
                "objects and gaps on {dates} dates ({runs} such runs)",
                system=sid,
                user=worst.user_id,
                run=cfg["repeat_run"],
                dates=worst.n_dates,
                runs=len(repeats),
            ),
            *(Evidence(path, rows=r) for r in worst.rows[:3]),
        )
        found.facts["repeated_runs"] = len(repeats)
    return found.flag(
        "LOG_SYNTHETIC",
        sid,
        bi(
            "Ask the enterprise to export the same log from the system's own administration "
            "page in front of you and compare a few rows; ask who uses the accounts that appear "
            "at night or in repeated sequences."
        ),
    )


def check(ctx: Context) -> list[Flag]:
    """Every usage rule for every system."""
    flags: list[Flag] = []
    for system in ctx.package.systems:
        for rule in (check_dormant, check_burst, check_few_users, check_synthetic):
            flag = rule(ctx, system)
            if flag is not None:
                flags.append(flag)
    return flags
