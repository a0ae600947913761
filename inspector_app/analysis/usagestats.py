"""One streaming pass over a usage log: the statistics every usage rule and chart needs.

:meth:`LogPass.consume` reads :class:`~inspector_app.casepkg.model.UsageEvent` tuples once, in
file order (ascending timestamps, guaranteed by the reader) and keeps only bounded state:

* per calendar date (+08:00): events, distinct users, first and last data-record number — one
  small entry per *date*, never per row;
* the distinct users of each date inside the longest user window ending at applied (≤ 90 dates
  by default), so that "distinct users in window(N, applied)" is a union of at most N sets;
* the hour-of-day profile (24 counters);
* for ``LOG_SYNTHETIC`` (a): count, sum and sum of squares of the gaps ≤ ``max_gap_seconds``
  between consecutive events (exact integers, so the coefficient of variation is exact);
* for (c): the events after the package's ``created_at``;
* for (d): per user, the rolling hash of their last ``repeat_run − 1`` transitions (previous
  action and object, gap to the second, action and object), and the set of run signatures seen
  on earlier dates. A run's date is the date of its last event. The set is capped
  (:data:`MAX_SIGNATURES`): past the cap, the oldest dates' signatures seen on a single date
  are forgotten (signatures already seen on two dates are kept). Below the cap (about a
  million events) the check is exact; beyond it a run is still found when its occurrences lie
  within the retained horizon of the most recent ~500,000 runs, which is how scripted logs look
  (the same session replayed again and again). The per-user state is capped too
  (:data:`MAX_USERS`; the idlest half is forgotten past it).

Why plain Python and not a columnar engine: see ``docs/red-flags.md`` § Engine.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from inspector_app.casepkg.model import UsageEvent
from inspector_app.values import TZ, isoformat

EPOCH = date(1970, 1, 1)
OFFSET = 8 * 3600  # +08:00
#: cap of the run-signature table of LOG_SYNTHETIC (d)
MAX_SIGNATURES = 1_000_000
#: cap of the users whose last events LOG_SYNTHETIC (d) keeps (the idlest are forgotten)
MAX_USERS = 100_000
#: progress is reported (and cancellation checked) every 2**16 events
TICK_MASK = 0xFFFF
# rolling polynomial hash of (d)
PRIME = (1 << 61) - 1
BASE = 1_000_003


def day_number(d: date) -> int:
    return (d - EPOCH).days


def day_date(n: int) -> date:
    return EPOCH + timedelta(days=n)


def ts_datetime(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, TZ)


@dataclass
class DayStat:
    events: int
    users: int
    first_row: int
    last_row: int


@dataclass
class RepeatHit:
    """A user's run of ``repeat_run`` events seen on several dates."""

    user_id: str
    #: number of dates the run was seen on (at least ``repeat_dates``)
    n_dates: int
    #: (first row, last row) of its first occurrences (up to 3)
    rows: list[tuple[int, int]]


@dataclass
class LogPass:
    """Streaming state of one system's usage log (see the module docstring)."""

    applied: int  # day number of acceptance_applied_at
    user_window_days: int  # longest user window ending at applied
    max_gap_seconds: int
    created_ts: int  # POSIX seconds of the package's created_at
    repeat_run: int
    repeat_dates: int
    days: dict[int, DayStat] = field(default_factory=dict)
    day_users: dict[int, set[str]] = field(default_factory=dict)
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    events: int = 0
    first_ts: int | None = None
    last_ts: int | None = None
    first_row: int | None = None
    last_row: int | None = None
    gap_n: int = 0
    gap_sum: int = 0
    gap_sumsq: int = 0
    late_events: int = 0
    late_first_row: int | None = None
    late_first_ts: int | None = None
    repeat_hits: dict[int, RepeatHit] = field(default_factory=dict)

    # ------------------------------------------------------------------ the pass
    def consume(
        self,
        events: Iterable[UsageEvent],
        tick: Callable[[int], None] | None = None,
    ) -> None:
        """Read every event of the log once (call once per log).

        ``tick(events_so_far)`` is called every 65,536 events (progress and cancellation).
        """
        days = self.days
        hours = self.hours
        day_users = self.day_users
        keep_users_from = self.applied - self.user_window_days + 1
        keep_users_to = self.applied
        max_gap = self.max_gap_seconds
        created_ts = self.created_ts
        run = self.repeat_run
        ring_len = run - 1  # transitions in a run of `run` events
        top = pow(BASE, ring_len - 1, PRIME)
        repeats = _RepeatTracker(self.repeat_dates)
        # per user: [last ts, last (action, object), rows of the last `run` events,
        # hashes of the last `ring_len` transitions, their rolling hash, hash(user)]
        users: dict[str, list[Any]] = {}
        # the day's runs: (signature, first row, last row, user)
        today: list[tuple[int, int, int, str]] = []

        cur_day = -(10**9)
        cur_users: set[str] = set()
        cur_count = 0
        cur_first = 0
        last_row = 0
        prev_ts: int | None = None
        n = 0
        gap_n = gap_sum = gap_sumsq = 0
        late = 0

        for ts, user, action, obj, row in events:
            local = ts + OFFSET
            day = local // 86400
            if day != cur_day:
                if cur_count:
                    days[cur_day] = DayStat(cur_count, len(cur_users), cur_first, last_row)
                    if keep_users_from <= cur_day <= keep_users_to:
                        day_users[cur_day] = cur_users
                    repeats.close_day(today)
                    today = []
                else:
                    self.first_ts = ts
                    self.first_row = row
                cur_day = day
                cur_users = set()
                cur_count = 0
                cur_first = row
            cur_count += 1
            cur_users.add(user)
            hours[(local % 86400) // 3600] += 1
            if prev_ts is not None:
                gap = ts - prev_ts
                if gap <= max_gap:
                    gap_n += 1
                    gap_sum += gap
                    gap_sumsq += gap * gap
            prev_ts = ts
            if ts > created_ts:
                late += 1
                if self.late_first_row is None:
                    self.late_first_row = row
                    self.late_first_ts = ts
            # (d) one user's repeated runs: rolling hash over the user's last `ring_len`
            # transitions (previous action/object, gap to the second, action/object). The
            # day's run signatures are collected in lists and compared with the earlier
            # dates' once per date, with set operations (see _RepeatTracker).
            ao = (action, obj)
            state = users.get(user)
            if state is None:
                if len(users) >= MAX_USERS:
                    _forget_idle(users)
                users[user] = [ts, ao, deque((row,), run), deque(), 0, hash(user)]
            else:
                last_ts, last_ao, marks, ring, rolling, salt = state
                h = hash((last_ao, ts - last_ts, ao))
                ring.append(h)
                if len(ring) > ring_len:
                    rolling = ((rolling - ring.popleft() * top) * BASE + h) % PRIME
                    full = True
                else:
                    rolling = (rolling * BASE + h) % PRIME
                    full = len(ring) == ring_len
                state[0] = ts
                state[1] = ao
                state[4] = rolling
                marks.append(row)
                if full:
                    today.append((rolling ^ salt, marks[0], row, user))
            last_row = row
            n += 1
            if tick is not None and not n & TICK_MASK:
                tick(n)
        if cur_count:
            days[cur_day] = DayStat(cur_count, len(cur_users), cur_first, last_row)
            if keep_users_from <= cur_day <= keep_users_to:
                day_users[cur_day] = cur_users
            repeats.close_day(today)
            self.last_ts = prev_ts
            self.last_row = last_row
        self.events = n
        self.gap_n = gap_n
        self.gap_sum = gap_sum
        self.gap_sumsq = gap_sumsq
        self.late_events = late
        self.repeat_hits = repeats.hits

    # ------------------------------------------------------------------ derived figures
    def events_between(self, first: int, last: int) -> int:
        """Events on the day numbers first … last (inclusive)."""
        return sum(s.events for d, s in self.days.items() if first <= d <= last)

    def rows_between(self, first: int, last: int) -> tuple[int, int] | None:
        """Inclusive data-record range of the events on days first … last, None when none."""
        inside = [s for d, s in self.days.items() if first <= d <= last]
        if not inside:
            return None
        return min(s.first_row for s in inside), max(s.last_row for s in inside)

    def distinct_users(self, window_days: int) -> int:
        """Distinct users in window(window_days, applied) (≤ ``user_window_days``)."""
        start = self.applied - window_days + 1
        users: set[str] = set()
        for d, s in self.day_users.items():
            if start <= d <= self.applied:
                users |= s
        return len(users)

    def gap_cv(self) -> float | None:
        """Coefficient of variation of the counted gaps (None without gaps)."""
        if not self.gap_n:
            return None
        mean = self.gap_sum / self.gap_n
        if mean == 0:
            return 0.0
        var = self.gap_sumsq / self.gap_n - mean * mean
        return math.sqrt(max(var, 0.0)) / mean

    def gap_cv_below(self, threshold: float) -> bool:
        """Exactly (integer arithmetic): is the gaps' coefficient of variation < threshold?

        CV² = (n·Σg² − (Σg)²) / (Σg)²; a mean of 0 (all gaps 0) counts as CV 0.
        """
        if not self.gap_n:
            return False
        if self.gap_sum == 0:
            return True
        t = Fraction(str(threshold))
        spread = self.gap_n * self.gap_sumsq - self.gap_sum * self.gap_sum
        return Fraction(spread) < t * t * self.gap_sum * self.gap_sum

    def stats_json(self) -> dict[str, Any]:
        """The ``usage`` object of ``analyze --json`` for this system (and the charts' data)."""
        last90 = range(self.applied - 89, self.applied + 1)
        in30 = self.events_between(self.applied - 29, self.applied)
        return {
            "events": self.events,
            "first_event": isoformat(ts_datetime(self.first_ts)) if self.first_ts else None,
            "last_event": isoformat(ts_datetime(self.last_ts)) if self.last_ts else None,
            "active_days_last_90": sum(1 for d in last90 if d in self.days),
            "distinct_users_last_90": self.distinct_users(90),
            "share_last_30": round(in30 / self.events, 4) if self.events else None,
            "hours": list(self.hours),
            "daily": [
                {"date": day_date(d).isoformat(), "events": s.events, "users": s.users}
                for d, s in sorted(self.days.items())
            ],
        }


def _forget_idle(users: dict[str, list[Any]]) -> None:
    """Forget the half of the users idle the longest (their unfinished runs start afresh)."""
    by_last = sorted(users, key=lambda u: users[u][0])
    for u in by_last[: len(by_last) // 2]:
        del users[u]


class _RepeatTracker:
    """Run signatures seen on one, and on two or more, earlier dates (bounded)."""

    def __init__(self, need: int) -> None:
        self.need = need
        self.once: set[int] = set()
        self.more: dict[int, int] = {}  # signature -> dates seen (≥ 2)
        self.recent: deque[set[int]] = deque()  # the retained dates' signatures, oldest first
        self.retained = 0
        self.hits: dict[int, RepeatHit] = {}

    def close_day(self, runs: list[tuple[int, int, int, str]]) -> None:
        """Account for one date's runs (each date counts once per signature)."""
        if not runs:
            return
        today = {r[0] for r in runs}
        again = today & self.once
        if again:
            more = self.more
            index: dict[int, tuple[int, int, int, str]] | None = None
            for key in again:
                count = more.get(key, 1) + 1
                more[key] = count
                if count >= self.need:
                    if index is None:
                        index = {r[0]: r for r in reversed(runs)}
                    _key, start, end, user = index[key]
                    hit = self.hits.get(key)
                    if hit is None:
                        self.hits[key] = RepeatHit(user, count, [(start, end)])
                    else:
                        hit.n_dates = count
                        if len(hit.rows) < 3:
                            hit.rows.append((start, end))
        self.once |= today
        self.recent.append(today)
        self.retained += len(today)
        if self.retained > MAX_SIGNATURES:
            # forget the oldest dates' signatures (those seen on one date only) until half
            # the cap is left; signatures seen on two dates or more are kept
            while self.recent and self.retained > MAX_SIGNATURES // 2:
                self.retained -= len(self.recent.popleft())
            self.once = set(self.more).union(*self.recent)
