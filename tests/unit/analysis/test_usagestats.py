"""The streaming usage pass equals a naive computation over the whole log."""

from __future__ import annotations

import random
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector_app.analysis import usagestats
from inspector_app.analysis.usagestats import OFFSET, LogPass
from inspector_app.casepkg.model import UsageEvent

T0 = 1_730_000_000  # 2024-10-27


def random_log(seed: int, n: int) -> list[UsageEvent]:
    rnd = random.Random(seed)
    t = T0
    out = []
    session = [(rnd.choice("ab"), f"o{i % 3}", rnd.randrange(1, 9)) for i in range(25)]
    row = 0
    while row < n:
        if rnd.random() < 0.02:  # replay a session of user "bot"
            for action, obj, gap in session[: rnd.choice((19, 20, 22, 25))]:
                t += gap
                row += 1
                out.append(UsageEvent(t, "bot", action, obj, row))
        t += rnd.choice((0, 1, 5, 30, 300, 4000, 40000, 90000))
        row += 1
        out.append(
            UsageEvent(t, f"u{rnd.randrange(6)}", rnd.choice("abc"), f"o{rnd.randrange(4)}", row)
        )
    return out


def new_pass(applied: int, created_ts: int) -> LogPass:
    """A pass with the default LOG_SYNTHETIC settings (90-day user window, 1-hour gaps, runs of
    20 events on 3 dates)."""
    return LogPass(
        applied=applied,
        user_window_days=90,
        max_gap_seconds=3600,
        created_ts=created_ts,
        repeat_run=20,
        repeat_dates=3,
    )


def naive(events: list[UsageEvent], applied: int, created: int, run: int, need: int):
    days: dict[int, list[int]] = {}
    users: dict[int, set[str]] = defaultdict(set)
    hours = [0] * 24
    gaps = []
    for i, e in enumerate(events):
        d = (e.ts + OFFSET) // 86400
        stat = days.setdefault(d, [0, e.row, e.row])
        stat[0] += 1
        stat[2] = e.row
        users[d].add(e.user_id)
        hours[(e.ts + OFFSET) % 86400 // 3600] += 1
        if i:
            g = e.ts - events[i - 1].ts
            if g <= 3600:
                gaps.append(g)
    late = sum(1 for e in events if e.ts > created)
    per_user: dict[str, list[UsageEvent]] = defaultdict(list)
    for e in events:
        per_user[e.user_id].append(e)
    seen: dict[tuple, set[int]] = defaultdict(set)
    for user, evs in per_user.items():
        for k in range(len(evs) - run + 1):
            w = evs[k : k + run]
            sig = (
                user,
                tuple((x.action, x.object) for x in w),
                tuple(b.ts - a.ts for a, b in pairwise(w)),
            )
            seen[sig].add((w[-1].ts + OFFSET) // 86400)
    hits = sorted(len(v) for v in seen.values() if len(v) >= need)
    return days, users, hours, gaps, late, hits


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_streaming_pass_equals_naive(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usagestats, "TICK_MASK", 0xFF)
    events = random_log(seed, 3000)
    applied = (events[-1].ts + OFFSET) // 86400 - 3
    created = events[-1].ts - 50_000
    log = new_pass(applied=applied, created_ts=created)
    ticks: list[int] = []
    log.consume(iter(events), ticks.append)
    days, users, hours, gaps, late, hits = naive(events, applied, created, 20, 3)
    assert {d: (s.events, s.first_row, s.last_row) for d, s in log.days.items()} == {
        d: tuple(v) for d, v in days.items()
    }
    assert {d: s.users for d, s in log.days.items()} == {d: len(u) for d, u in users.items()}
    window = {d: u for d, u in users.items() if applied - 89 <= d <= applied}
    assert {d: len(u) for d, u in log.day_users.items()} == {d: len(u) for d, u in window.items()}
    for days_back in (1, 7, 30, 90):
        inside = [u for d, u in users.items() if applied - days_back < d <= applied]
        assert log.distinct_users(days_back) == len(set().union(*inside))
    assert log.hours == hours
    assert (log.gap_n, log.gap_sum, log.gap_sumsq) == (
        len(gaps),
        sum(gaps),
        sum(g * g for g in gaps),
    )
    assert log.late_events == late
    assert log.events == len(events) and log.first_row == 1 and log.last_row == events[-1].row
    assert sorted(h.n_dates for h in log.repeat_hits.values()) == hits
    assert hits, "the random log replays sessions on several dates"
    assert ticks == list(range(256, len(events) + 1, 256))
    for hit in log.repeat_hits.values():
        for first, last in hit.rows:
            assert events[first - 1].user_id == events[last - 1].user_id == hit.user_id


def test_per_user_state_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of one-off users do not grow the run state past the cap, and the replayed
    sessions of a user active throughout are still found."""
    monkeypatch.setattr(usagestats, "MAX_USERS", 50)
    events = random_log(5, 3000)
    noise = [
        UsageEvent(e.ts, f"once{i}", "view", "x", 0) if i % 3 == 0 and e.user_id != "bot" else e
        for i, e in enumerate(events)
    ]
    noise = [e._replace(row=i) for i, e in enumerate(noise, 1)]
    log = new_pass(applied=(noise[-1].ts + OFFSET) // 86400, created_ts=noise[-1].ts)
    log.consume(iter(noise))
    assert any(h.user_id == "bot" for h in log.repeat_hits.values())


def _summary(log: LogPass) -> tuple[object, ...]:
    return (
        {d: (s.events, s.users, s.first_row, s.last_row) for d, s in log.days.items()},
        {d: u.tolist() for d, u in log.day_users.items()},
        log.hours,
        (log.gap_n, log.gap_sum, log.gap_sumsq),
        (log.late_events, log.late_first_row, log.late_first_ts),
        (log.events, log.first_ts, log.last_ts, log.first_row, log.last_row),
        sorted((h.user_id, h.n_dates, h.rows) for h in log.repeat_hits.values()),
    )


@pytest.mark.parametrize(
    ("size", "merge"), [(1, 1 << 19), (7, 50), (333, 1 << 19), (333, 100), (5000, 64)]
)
def test_block_boundaries_do_not_matter(
    size: int, merge: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cutting the log into column blocks of any size, and merging the (d) windows into the
    signature table at any interval, gives the same figures and the same repeated-run hits."""
    from inspector_app.casepkg.columns import columns_from_events

    events = random_log(4, 3000)

    def fresh() -> LogPass:
        return new_pass(
            applied=(events[-1].ts + OFFSET) // 86400 - 2, created_ts=events[-1].ts - 40_000
        )

    whole = fresh()
    whole.consume(iter(events))
    monkeypatch.setattr(usagestats, "MERGE_EVERY", merge)
    cut = fresh()
    cut.consume_columns(columns_from_events(events, size))
    assert whole.repeat_hits, "the random log replays sessions on several dates"
    assert _summary(cut) == _summary(whole)


def test_cancelling_the_real_reader_stops_its_prefetch_thread(tmp_path: Path) -> None:
    """Cancelled inside a progress tick while the package's own column reader is streaming:
    ``Cancelled`` propagates and the reader's prefetch thread is gone at once."""
    import threading

    from inspector_app.analysis.engine import run_usage_pass
    from inspector_app.analysis.settings import layer
    from inspector_app.casepkg import open_package
    from inspector_app.errors import Cancelled
    from inspector_app.progress import CancelToken
    from tests.unit.casepkg.builders import build_package

    lines = ["timestamp,user_id,action,object"]
    t = 1_719_795_600  # 2024-07-01 09:00 +08:00
    for i in range(150_000):
        t += i % 3
        stamp = ts_text(t)
        lines.append(f"{stamp},u{i % 9},view,WO-{i % 500}")
    data = ("\n".join(lines) + "\n").encode()

    def edit(files: dict[str, bytes]) -> None:
        files["logs/mes/usage.csv"] = data

    path = build_package(tmp_path / "p.case.zip", edit_files=edit)
    token = CancelToken()
    seen: list[str] = []

    def progress(done: int, total: int, text: str) -> None:
        seen.append(text)
        if "65,536" in text:
            token.cancel()

    with open_package(path, tmp_dir=tmp_path / "tmp") as pkg:
        with pytest.raises(Cancelled):
            run_usage_pass(pkg, layer(pkg.rules), progress, token)
        assert not [th for th in threading.enumerate() if th.name == "casepkg-prefetch"]
        logs = run_usage_pass(pkg, layer(pkg.rules))
    assert logs["mes"].events == 150_000
    assert any("65,536" in s for s in seen)


def ts_text(t: int) -> str:
    from datetime import datetime

    from inspector_app.values import TZ

    return datetime.fromtimestamp(t, TZ).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def test_signatures_seen_twice_are_capped_but_hits_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A log whose every session recurs on two dates only grows the table of signatures seen
    twice up to its cap; a run recurring on three dates within the retained horizon is still
    reported."""
    monkeypatch.setattr(usagestats, "MAX_REPEATED", 64)
    monkeypatch.setattr(usagestats, "MERGE_EVERY", 256)
    sizes: list[int] = []
    forget = usagestats._Table._forget_stale

    def spy(table: usagestats._Table) -> None:
        forget(table)
        sizes.append(len(table.multi))

    monkeypatch.setattr(usagestats._Table, "_forget_stale", spy)
    events: list[UsageEvent] = []
    t = T0
    row = 0
    for day in range(40):
        base = T0 + day * 86400
        sessions = [day // 2 * 100 + k for k in range(5)]  # each session on two dates
        if day in (30, 34, 38):
            sessions.append(-1)  # the bot's session, on three dates
        for sid in sessions:
            t = max(t, base)
            for i in range(20):
                t += 7 + (sid * 13 + i) % 5
                row += 1
                user = "bot" if sid < 0 else f"u{sid}"
                events.append(UsageEvent(t, user, "view", f"o{i}", row))
    log = new_pass(applied=(events[-1].ts + OFFSET) // 86400, created_ts=events[-1].ts)
    log.consume(iter(events))
    assert [(h.user_id, h.n_dates) for h in log.repeat_hits.values()] == [("bot", 3)]
    assert sizes and max(sizes) <= 32 + 1, "the cap was reached and the table halved"


def many_users_log(seed: int, n: int, n_users: int, n_bots: int) -> list[UsageEvent]:
    """``n`` events of ``n_users`` users over ~30 days, interleaved with ``n_bots`` bots that
    each replay their own session (or a prefix of it) at random times."""
    rnd = random.Random(seed)
    span = 30 * 86400
    timed: list[tuple[int, str, str, str]] = []
    for _ in range(n):
        timed.append(
            (
                T0 + rnd.randrange(span),
                f"u{rnd.randrange(n_users)}",
                rnd.choice("abc"),
                f"o{rnd.randrange(3)}",
            )
        )
    for b in range(n_bots):
        session = [(rnd.choice("ab"), f"o{i % 2}", rnd.randrange(0, 40)) for i in range(24)]
        for _ in range(rnd.randrange(2, 6)):
            t = T0 + rnd.randrange(span)
            for action, obj, gap in session[: rnd.choice((19, 20, 21, 24))]:
                t += gap
                timed.append((t, f"bot{b}", action, obj))
    timed.sort(key=lambda e: e[0])
    return [UsageEvent(t, u, a, o, row) for row, (t, u, a, o) in enumerate(timed, 1)]


@pytest.mark.parametrize(("seed", "size"), [(11, 1), (12, 7), (13, 40), (14, 257)])
def test_many_users_in_many_small_blocks_equal_naive(
    seed: int, size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of users, each appearing in few of many small blocks (the carried events of a
    user absent from a block are read back when they reappear), and bots whose replayed
    sessions are interleaved with everyone else's events: the same repeated-run hits as the
    naive whole-log computation, and the same figures as one block."""
    from inspector_app.casepkg.columns import columns_from_events

    monkeypatch.setattr(usagestats, "MERGE_EVERY", 97)
    events = many_users_log(seed, 4000, 600, 6)
    applied = (events[-1].ts + OFFSET) // 86400
    created = events[-1].ts
    cut = new_pass(applied=applied, created_ts=created)
    cut.consume_columns(columns_from_events(events, size))
    *_, hits = naive(events, applied, created, 20, 3)
    assert hits, "the bots replay sessions on three dates or more"
    assert sorted(h.n_dates for h in cut.repeat_hits.values()) == hits
    for hit in cut.repeat_hits.values():
        assert hit.user_id.startswith("bot")
        for first, last in hit.rows:
            assert events[first - 1].user_id == events[last - 1].user_id == hit.user_id
    whole = new_pass(applied=applied, created_ts=created)
    whole.consume(iter(events))
    assert _summary(cut) == _summary(whole)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n_users=st.integers(1, 400),
    n_bots=st.integers(1, 4),
    size=st.integers(1, 120),
)
def test_repeated_runs_property_any_users_any_blocks(
    seed: int, n_users: int, n_bots: int, size: int
) -> None:
    """Any number of users, any block size: the repeated-run hits of the streaming pass are
    the naive whole-log computation's."""
    from inspector_app.casepkg.columns import columns_from_events

    events = many_users_log(seed, 1500, n_users, n_bots)
    applied = (events[-1].ts + OFFSET) // 86400
    log = new_pass(applied=applied, created_ts=events[-1].ts)
    log.consume_columns(columns_from_events(events, size))
    *_, hits = naive(events, applied, events[-1].ts, 20, 3)
    assert sorted(h.n_dates for h in log.repeat_hits.values()) == hits
