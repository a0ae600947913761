"""One streaming pass over a usage log: the statistics every usage rule and chart needs.

:meth:`LogPass.consume_batches` reads the log once as column batches
(:func:`~inspector_app.casepkg.logs.iter_usage_batches`; :meth:`LogPass.consume` takes
:class:`~inspector_app.casepkg.model.UsageEvent` tuples), in file order (ascending timestamps,
guaranteed by the reader), works on each batch with C-level builtins (``bisect`` on the sorted
timestamps, ``map``/``zip``/``filter``/``sum``, set operations) and keeps only bounded state:

* per calendar date (+08:00): events, distinct users, first and last data-record number — one
  small entry per *date*, never per row;
* the distinct users of each date inside the longest user window ending at applied (≤ 90 dates
  by default), so that "distinct users in window(N, applied)" is a union of at most N sets;
* the hour-of-day profile (24 counters);
* for ``LOG_SYNTHETIC`` (a): count, sum and sum of squares of the gaps ≤ ``max_gap_seconds``
  between consecutive events (exact integers, so the coefficient of variation is exact);
* for (c): the events after the package's ``created_at``;
* for (d): per user, for their last ``repeat_run − 1`` events, the hash of (user, action,
  object), the hash of (that, gap to the second) and the rows; per date, the set of window
  signatures (see :meth:`_BatchRun.repeats`); the set of signatures seen on earlier dates. A
  run's date is the date of its last event. The set is capped
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
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import chain, islice
from operator import itemgetter, mul, sub
from typing import Any

from inspector_app.casepkg.logs import UsageBatch
from inspector_app.casepkg.model import UsageEvent
from inspector_app.values import TZ, isoformat

EPOCH = date(1970, 1, 1)
OFFSET = 8 * 3600  # +08:00
#: cap of the run-signature table of LOG_SYNTHETIC (d)
MAX_SIGNATURES = 1_000_000
#: cap of the users whose last events LOG_SYNTHETIC (d) keeps (the idlest are forgotten)
MAX_USERS = 100_000
#: LOG_SYNTHETIC (d) works on up to this many events of one date at once
HOLD = 1 << 17
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
        self.consume_batches(batches_from_events(events), tick)

    def consume_batches(
        self,
        batches: Iterable[UsageBatch],
        tick: Callable[[int], None] | None = None,
    ) -> None:
        """:meth:`consume` over column batches (:func:`~inspector_app.casepkg.logs.
        iter_usage_batches`): the same figures, computed batch by batch with C-level
        builtins (``bisect``, ``map``, ``zip``, ``sum``, set operations).

        ``tick`` is called for every multiple of 65,536 events passed (after the batch that
        passes it).
        """
        run = _BatchRun(self)
        step = TICK_MASK + 1
        n = 0
        for batch in batches:
            if not batch.ts:
                continue
            run.feed(batch)
            before = n
            n += len(batch.ts)
            if tick is not None:
                for k in range((before // step + 1) * step, n + 1, step):
                    tick(k)
        run.finish()

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


def batches_from_events(events: Iterable[UsageEvent], size: int = 1 << 14) -> Iterator[UsageBatch]:
    """Column batches of at most ``size`` events from event tuples (any source)."""
    it = iter(events)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        ts, users, actions, objects, rows = (list(c) for c in zip(*chunk, strict=True))
        yield UsageBatch(ts, users, actions, objects, rows)


def _window_hashes(aos: list[int], keys: list[int], need: int) -> list[int]:
    """Signatures of every window ``aos[w], keys[w + 1 … w + need]`` (w = 0 … len − need − 1).

    Two C-level passes: the hash of every 4 consecutive keys, then for each window the tuple
    of its first event's ``aos`` and the 4-key hashes that tile its ``need`` keys (the last
    one may overlap its neighbour; with ``need`` < 4, the keys themselves).
    """
    count = len(keys) - need
    if need < 4:
        parts = [iter(aos), *(islice(keys, k, None) for k in range(1, need + 1))]
    else:
        quads = list(
            map(
                hash,
                zip(
                    keys,
                    islice(keys, 1, None),
                    islice(keys, 2, None),
                    islice(keys, 3, None),
                    strict=False,
                ),
            )
        )
        starts = list(range(1, need - 2, 4))
        if starts[-1] + 3 < need:
            starts.append(need - 3)
        parts = [iter(aos), *(islice(quads, k, None) for k in starts)]
    return list(islice(map(hash, zip(*parts, strict=False)), count))


def _forget_idle(users: dict[str, _UserRun]) -> None:
    """Forget the half of the users idle the longest (their unfinished runs start afresh)."""
    by_last = sorted(users, key=lambda u: users[u].last_ts)
    for u in by_last[: len(by_last) // 2]:
        del users[u]


class _Shifted(Sequence[int]):
    """``base + idx[k]``: a user's data-record numbers within a consecutive batch."""

    __slots__ = ("base", "idx")

    def __init__(self, base: int, idx: list[int]) -> None:
        self.base = base
        self.idx = idx

    def __len__(self) -> int:
        return len(self.idx)

    def __getitem__(self, k: int) -> int:  # type: ignore[override]
        return self.base + self.idx[k]


class _Joined(Sequence[int]):
    """Two sequences read as one (a user's carried rows, then this segment's)."""

    __slots__ = ("head", "rest")

    def __init__(self, head: list[int], rest: Sequence[int]) -> None:
        self.head = head
        self.rest = rest

    def __len__(self) -> int:
        return len(self.head) + len(self.rest)

    def __getitem__(self, k: int) -> int:  # type: ignore[override]
        n = len(self.head)
        return self.head[k] if k < n else self.rest[k - n]


class _UserRun:
    """One user's last ``repeat_run − 1`` events for LOG_SYNTHETIC (d): the hash of each
    event's (action, object), the hash of (that, gap to the user's previous event), rows."""

    __slots__ = ("ao", "keys", "last_ts", "rows")

    def __init__(self, last_ts: int) -> None:
        self.last_ts = last_ts
        self.ao: list[int] = []
        self.keys: list[int] = []
        self.rows: list[int] = []


class _BatchRun:
    """The state of :meth:`LogPass.consume_batches` between two batches."""

    def __init__(self, log: LogPass) -> None:
        self.log = log
        self.keep_from = log.applied - log.user_window_days + 1
        self.keep_to = log.applied
        self.run = log.repeat_run
        self.tracker = _RepeatTracker(log.repeat_dates)
        self.users: dict[str, _UserRun] = {}
        self.day = -(10**9)
        self.day_events = 0
        self.day_users: set[str] = set()
        self.day_first = 0
        self.day_sigs: set[int] = set()
        # the day's windows, per user and segment: (user, signatures, rows of the events)
        self.day_pieces: list[tuple[str, list[int], Sequence[int]]] = []
        self.prev_ts: int | None = None
        self.last_row = 0
        self.held: UsageBatch | None = None

    def feed(self, batch: UsageBatch) -> None:
        log = self.log
        ts = batch.ts
        rows = batch.rows
        n = len(ts)
        if log.first_ts is None:
            log.first_ts = ts[0]
            log.first_row = rows[0]
        # (a) the gaps between consecutive events, those ≤ max_gap_seconds
        if self.prev_ts is None:
            gaps = list(map(sub, islice(ts, 1, None), ts))
        else:
            before = ts[:-1]
            before.insert(0, self.prev_ts)
            gaps = list(map(sub, ts, before))
        small = list(filter(log.max_gap_seconds.__ge__, gaps))
        log.gap_n += len(small)
        log.gap_sum += sum(small)
        log.gap_sumsq += sum(map(mul, small, small))
        # (c) events after created_at
        k = bisect_right(ts, log.created_ts)
        if k < n:
            if log.late_first_row is None:
                log.late_first_row = rows[k]
                log.late_first_ts = ts[k]
            log.late_events += n - k
        # per date: events, users, rows, hours, and (d)
        hours = log.hours
        lo = 0
        while lo < n:
            day = (ts[lo] + OFFSET) // 86400
            midnight = day * 86400 - OFFSET
            hi = bisect_left(ts, midnight + 86400, lo)
            if day != self.day:
                self.close_day()
                self.day = day
                self.day_first = rows[lo]
            self.day_events += hi - lo
            h_lo = lo
            while h_lo < hi:
                hour = (ts[h_lo] - midnight) // 3600
                h_hi = bisect_left(ts, midnight + (hour + 1) * 3600, h_lo, hi)
                hours[hour] += h_hi - h_lo
                h_lo = h_hi
            self.hold(batch, lo, hi)
            self.last_row = rows[hi - 1]
            lo = hi
        self.prev_ts = ts[-1]
        log.events += n

    def repeats(self, batch: UsageBatch, lo: int, hi: int) -> None:
        """(d) for the events lo … hi − 1 (one date): each user's windows of ``run`` events.

        Each event gets ``a = hash((user, action, object))`` and ``k = hash((a, gap to the
        user's previous event))``. The window ending at a user's event j is signed by its
        first event's ``a`` and the ``k`` of the run − 1 later ones, combined as a tree of
        pair hashes (2, 4, 8, 16 keys) so that every level is one ``zip``/``map`` over the
        user's list. Hashes are gathered per user with ``itemgetter``: the only per-event
        Python code is grouping by user.
        """
        ts, users, actions, objects, rows = batch
        seg_users = users[lo:hi]
        seg_ts = ts[lo:hi]
        akeys = list(map(hash, zip(seg_users, actions[lo:hi], objects[lo:hi], strict=True)))
        consecutive = isinstance(rows, range)
        base_row = rows[lo]
        groups: dict[str, list[int]] = {}
        get = groups.get
        for i, u in enumerate(seg_users):
            g = get(u)
            if g is None:
                groups[u] = [i]
            else:
                g.append(i)
        self.day_users.update(groups)
        need = self.run - 1
        states = self.users
        sigs_today = self.day_sigs
        pieces = self.day_pieces
        for user, idx in groups.items():
            state = states.get(user)
            fresh = state is None
            if state is None:
                if len(states) >= MAX_USERS:
                    _forget_idle(states)
                state = states[user] = _UserRun(seg_ts[idx[0]])
            if len(idx) == 1:
                i = idx[0]
                u_ts: tuple[int, ...] = (seg_ts[i],)
                u_a = [akeys[i]]
            else:
                pick = itemgetter(*idx)
                u_ts = pick(seg_ts)
                u_a = list(pick(akeys))
            if consecutive:
                u_rows: Sequence[int] = _Shifted(base_row, idx)
            else:
                u_rows = [rows[lo + i] for i in idx]
            gaps = list(map(sub, u_ts, chain((state.last_ts,), u_ts)))
            if fresh:
                gaps[0] = -1  # no previous event: never part of a window's later events
            state.last_ts = u_ts[-1]
            keys = state.keys + list(map(hash, zip(u_a, gaps, strict=True)))
            aos = state.ao + u_a
            if len(keys) > need:
                sigs = _window_hashes(aos, keys, need)
                sigs_today.update(sigs)
                pieces.append((user, sigs, _Joined(state.rows, u_rows)))
                state.keys = keys[-need:]
                state.ao = aos[-need:]
            else:
                state.keys, state.ao = keys, aos
            tail = [u_rows[k] for k in range(max(0, len(idx) - need), len(idx))]
            state.rows = (state.rows + tail)[-need:]

    def hold(self, batch: UsageBatch, lo: int, hi: int) -> None:
        """Keep the events lo … hi − 1 (one date) for :meth:`repeats`, which runs once per
        :data:`HOLD` events of a date: fewer, longer per-user lists (less per-user overhead,
        and the carried last events are re-hashed less often)."""
        seg_rows = batch.rows[lo:hi]
        held = self.held
        if held is None:
            self.held = UsageBatch(
                batch.ts[lo:hi],
                batch.users[lo:hi],
                batch.actions[lo:hi],
                batch.objects[lo:hi],
                seg_rows,
            )
        else:
            held.ts.extend(batch.ts[lo:hi])
            held.users.extend(batch.users[lo:hi])
            held.actions.extend(batch.actions[lo:hi])
            held.objects.extend(batch.objects[lo:hi])
            rows = held.rows
            if (
                isinstance(rows, range)
                and isinstance(seg_rows, range)
                and rows.stop == seg_rows.start
            ):
                rows = range(rows.start, seg_rows.stop)
            else:
                rows = [*rows, *seg_rows]
            self.held = held._replace(rows=rows)
        if len(self.held.ts) >= HOLD:
            self.flush()

    def flush(self) -> None:
        held = self.held
        if held is not None:
            self.held = None
            self.repeats(held, 0, len(held.ts))

    def close_day(self) -> None:
        self.flush()
        if not self.day_events:
            return
        log = self.log
        day = self.day
        log.days[day] = DayStat(self.day_events, len(self.day_users), self.day_first, self.last_row)
        if self.keep_from <= day <= self.keep_to:
            log.day_users[day] = self.day_users
        self.tracker.close_day(self.day_sigs, self.day_pieces, self.run)
        self.day_events = 0
        self.day_users = set()
        self.day_sigs = set()
        self.day_pieces = []

    def finish(self) -> None:
        log = self.log
        if self.day_events:
            self.close_day()
            log.last_ts = self.prev_ts
            log.last_row = self.last_row
        log.repeat_hits = self.tracker.hits


class _RepeatTracker:
    """Run signatures seen on one, and on two or more, earlier dates (bounded)."""

    def __init__(self, need: int) -> None:
        self.need = need
        self.once: set[int] = set()
        self.more: dict[int, int] = {}  # signature -> dates seen (≥ 2)
        self.recent: deque[set[int]] = deque()  # the retained dates' signatures, oldest first
        self.retained = 0
        self.hits: dict[int, RepeatHit] = {}

    def close_day(
        self, today: set[int], pieces: list[tuple[str, list[int], Sequence[int]]], run: int
    ) -> None:
        """Account for one date's windows (each date counts once per signature)."""
        if not today:
            return
        again = today & self.once
        if again:
            more = self.more
            wanted: set[int] = set()
            for key in again:
                count = more.get(key, 1) + 1
                more[key] = count
                if count >= self.need:
                    hit = self.hits.get(key)
                    if hit is None or len(hit.rows) < 3:
                        wanted.add(key)
                    if hit is not None:
                        hit.n_dates = count
            if wanted:
                # the first occurrence of each on this date (a signature is one user's)
                for user, sigs, rows in pieces:
                    for key in wanted.intersection(sigs):
                        w = sigs.index(key)
                        span = (rows[w], rows[w + run - 1])
                        hit = self.hits.get(key)
                        if hit is None:
                            self.hits[key] = RepeatHit(user, more[key], [span])
                        elif len(hit.rows) < 3:
                            hit.rows.append(span)
                    wanted.difference_update(sigs)
                    if not wanted:
                        break
        self.once |= today
        self.recent.append(today)
        self.retained += len(today)
        if self.retained > MAX_SIGNATURES:
            # forget the oldest dates' signatures (those seen on one date only) until half
            # the cap is left; signatures seen on two dates or more are kept
            while self.recent and self.retained > MAX_SIGNATURES // 2:
                self.retained -= len(self.recent.popleft())
            self.once = set(self.more).union(*self.recent)
