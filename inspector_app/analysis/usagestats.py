"""One streaming pass over a usage log: the statistics every usage rule and chart needs.

:meth:`LogPass.consume_columns` reads the log once as numpy column blocks
(:func:`~inspector_app.casepkg.logs.iter_usage_columns`, about 15,000 rows each;
:meth:`LogPass.consume` takes :class:`~inspector_app.casepkg.model.UsageEvent` tuples), in file
order (ascending timestamps, guaranteed by the reader). Each block is handled with a fixed
number of vectorised operations; only bounded state is kept between blocks:

* per calendar date (+08:00): events, distinct users, first and last data-record number — one
  small entry per *date*, never per row;
* the distinct user keys of each date inside the longest user window ending at applied (≤ 90
  dates by default), so that "distinct users in window(N, applied)" is a union of at most N
  sorted arrays;
* the hour-of-day profile (24 counters);
* for ``LOG_SYNTHETIC`` (a): count, sum and sum of squares of the gaps ≤ ``max_gap_seconds``
  between consecutive events (exact integers, so the coefficient of variation is exact);
* for (c): the events after the package's ``created_at``;
* for (d): per user (a slot per user key), their event count, their prefix hash (the sum of
  key·BASE^i over their events i, modulo 2⁶⁴, where a key hashes (user, action, object) with
  the gap to the user's previous event to the second) and a ring of their last
  ``repeat_run − 1`` events (the (user, action, object) hash, the prefix hash through it, the
  row). Each block's rows are grouped by user with one stable sort and every window of
  ``repeat_run`` consecutive events of one user gets a signature from the difference of two
  prefix hashes (one ``cumsum`` over the block); a window starting in an earlier block reads
  its first event from the user's ring. The work per block is proportional to its rows,
  however many users the log has (a user absent from a block costs nothing). A run's date is
  the date of its last event. The (signature, date, rows) of the windows are
  merged every :data:`MERGE_EVERY` windows (:class:`_Table`): signatures seen on two dates or
  more go to a small dict; the others are kept in sorted arrays, one per merge. Past
  :data:`MAX_SIGNATURES` single-date signatures, the oldest merge's array is forgotten (those
  seen on two dates or more are kept, up to :data:`MAX_REPEATED`). Below the cap (about a million windows) the check is
  exact up to 64-bit hash collisions; beyond it a replayed run is still found when its
  occurrences lie within the retained horizon of the most recent 0.5–1 million windows, which
  is how scripted logs look (the same session replayed again and again). The per-user state
  is capped too (:data:`MAX_USERS`; the idlest half is forgotten past it, and their runs start
  afresh).

Users are told apart by the 64-bit keys of their ids (:func:`~inspector_app.casepkg.columns.
field_keys`); names are decoded only for users the rules report.

Why numpy and not a columnar engine or plain Python: see ``docs/red-flags.md`` § Engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from inspector_app.casepkg.columns import (
    UsageColumns,
    UserNames,
    columns_from_events,
    fmix,
    mix,
)
from inspector_app.casepkg.model import UsageEvent
from inspector_app.values import TZ, isoformat

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

EPOCH = date(1970, 1, 1)
OFFSET = 8 * 3600  # +08:00
#: cap of the run-signature table of LOG_SYNTHETIC (d)
MAX_SIGNATURES = 1_000_000
#: the (d) windows gathered before they are merged into the signature table
MERGE_EVERY = 1 << 19
#: cap of the users whose last events LOG_SYNTHETIC (d) keeps (the idlest are forgotten)
MAX_USERS = 100_000
#: cap of the signatures seen on two dates or more (each a small Python list, ≈ 200 bytes)
MAX_REPEATED = 500_000
#: progress is reported (and cancellation checked) every 2**16 events
TICK_MASK = 0xFFFF
#: "no previous event" in the per-user state
_NONE = np.iinfo(np.int64).min
#: the rolling hash's base (odd, so invertible modulo 2**64)
_BASE = 0x100000001B3
_GAP_SALT = np.uint64(0x2545F4914F6CDD1D)


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
    #: the sorted distinct user keys of each date in the user window
    day_users: dict[int, U64] = field(default_factory=dict)
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

        ``tick(events_so_far)`` is called for every multiple of 65,536 events passed
        (progress and cancellation).
        """
        self.consume_columns(columns_from_events(events), tick)

    def consume_columns(
        self,
        blocks: Iterable[UsageColumns],
        tick: Callable[[int], None] | None = None,
    ) -> None:
        """:meth:`consume` over column blocks (:func:`~inspector_app.casepkg.logs.
        iter_usage_columns`). ``tick`` is called for every multiple of 65,536 events passed
        (after the block that passes it)."""
        run = _Pass(self)
        step = TICK_MASK + 1
        n = 0
        for block in blocks:
            if not len(block.ts):
                continue
            run.feed(block)
            before = n
            n += len(block.ts)
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
        keys = [u for d, u in self.day_users.items() if start <= d <= self.applied]
        if not keys:
            return 0
        return len(np.unique(np.concatenate(keys)))

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

    def stats(self) -> UsageStats:
        """The typed usage statistics of this system (``analyze``'s ``usage``, the charts)."""
        last90 = range(self.applied - 89, self.applied + 1)
        in30 = self.events_between(self.applied - 29, self.applied)
        return UsageStats(
            events=self.events,
            first_event=ts_datetime(self.first_ts) if self.first_ts else None,
            last_event=ts_datetime(self.last_ts) if self.last_ts else None,
            active_days_last_90=sum(1 for d in last90 if d in self.days),
            distinct_users_last_90=self.distinct_users(90),
            share_last_30=round(in30 / self.events, 4) if self.events else None,
            hours=tuple(self.hours),
            daily=tuple(
                DailyUsage(day_date(d), s.events, s.users) for d, s in sorted(self.days.items())
            ),
        )

    def stats_json(self) -> dict[str, Any]:
        """The ``usage`` object of ``analyze --json`` for this system."""
        return self.stats().to_json()


class _JsonView(Mapping[str, Any]):
    """Read access by the JSON keys (``stats["events"]``), for code written against the
    ``analyze --json`` shape; the attributes are the typed API."""

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError

    def __getitem__(self, key: str) -> Any:
        return self.to_json()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_json())

    def __len__(self) -> int:
        return len(self.to_json())


@dataclass(frozen=True, eq=True)
class DailyUsage(_JsonView):
    """One day of a usage log: events and distinct users."""

    date: date
    events: int
    users: int

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "events": self.events, "users": self.users}


@dataclass(frozen=True, eq=True)
class UsageStats(_JsonView):
    """The usage statistics of one system's log (``red-flags.md``; ``analyze --json``'s
    ``usage``): events, first and last event, active days and distinct users in the 90 days
    before the application, the share of the last 30 days, events per hour, the daily series."""

    events: int
    first_event: datetime | None
    last_event: datetime | None
    active_days_last_90: int
    distinct_users_last_90: int
    share_last_30: float | None
    hours: tuple[int, ...]
    daily: tuple[DailyUsage, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "first_event": isoformat(self.first_event) if self.first_event else None,
            "last_event": isoformat(self.last_event) if self.last_event else None,
            "active_days_last_90": self.active_days_last_90,
            "distinct_users_last_90": self.distinct_users_last_90,
            "share_last_30": self.share_last_30,
            "hours": list(self.hours),
            "daily": [d.to_json() for d in self.daily],
        }


def stable_order(keys: U64) -> tuple[I64, U64]:
    """Indexes that sort ``keys`` stably (equal keys keep their order), and the sorted keys.

    One plain ``np.sort`` of composite keys (the key's top bits, the index below them) is
    several times faster than a stable ``argsort`` of 64-bit keys; when two different keys
    share their top bits (a chance of about n² / 2^(65 − index bits)), the stable ``argsort``
    is used instead.
    """
    m = len(keys)
    bits = max(1, (m - 1).bit_length())
    if bits <= 24:
        low = np.uint64((1 << bits) - 1)
        packed = np.sort((keys & ~low) | np.arange(m, dtype=np.uint64))
        order = (packed & low).astype(np.int64)
        ordered = keys[order]
        top = packed >> np.uint64(bits)
        if not ((top[1:] == top[:-1]) & (ordered[1:] != ordered[:-1])).any():
            return order, ordered
    order = np.argsort(keys, kind="stable")
    return order, keys[order]


def _users_by_day(sk: U64, sd: I64) -> list[U64]:
    """The sorted distinct user keys of each date of a block, dates ascending, from the
    block's user keys ``sk`` in (stable) key order and their dates ``sd`` in that order."""
    first = np.ones(len(sk), np.bool_)
    first[1:] = (sk[1:] != sk[:-1]) | (sd[1:] != sd[:-1])
    keys, pair_days = sk[first], sd[first]
    by_day = np.argsort(pair_days, kind="stable")  # keeps each date's keys sorted
    keys, pair_days = keys[by_day], pair_days[by_day]
    cuts = np.flatnonzero(pair_days[1:] != pair_days[:-1]) + 1
    return [part.copy() for part in np.split(keys, cuts)]  # a date keeps only its own keys


def _merge_sorted(parts: list[U64]) -> U64:
    """The sorted distinct values of sorted arrays of distinct values."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return np.empty(0, np.uint64)
    merged = np.sort(np.concatenate(parts), kind="stable")  # runs: timsort merges them
    keep = np.ones(len(merged), np.bool_)
    keep[1:] = merged[1:] != merged[:-1]
    return merged[keep]


def _power_tables(base: int) -> tuple[U64, U64]:
    """``base**i`` and ``base**(i·2**16)`` modulo 2**64 for i = 0 … 2**16 − 1."""
    step = np.full(1 << 16, base, np.uint64)
    step[0] = 1
    low = np.cumprod(step, dtype=np.uint64)
    step = np.full(1 << 16, pow(base, 1 << 16, 1 << 64), np.uint64)
    step[0] = 1
    return low, np.cumprod(step, dtype=np.uint64)


_UP = _power_tables(_BASE)
_DOWN = _power_tables(pow(_BASE, -1, 1 << 64))


def _power(i: I64, inverse: bool = False) -> U64:
    """``BASE**i`` (or ``BASE**-i``) modulo 2**64, 0 ≤ i < 2**32 (a user's event index: rows
    are fewer than 2**32)."""
    low, high = _DOWN if inverse else _UP
    out: U64 = low[i & 0xFFFF] * high[i >> 16]
    return out


class _Users:
    """Per-user state of LOG_SYNTHETIC (d): a slot per user key (see the module docstring)."""

    def __init__(self, need: int) -> None:
        self.need = need
        self.keys = np.empty(0, np.uint64)  # sorted
        self.slot_of = np.empty(0, np.int64)  # aligned with keys
        cap = 1024
        self.last_ts = np.full(cap, _NONE, np.int64)
        self.count = np.zeros(cap, np.int64)  # the user's events so far (since a fresh start)
        self.h = np.zeros(cap, np.uint64)  # the user's prefix hash through their last event
        # a ring per user: event j of the user is at column j % need (its (user, action,
        # object) hash, the prefix hash through it, its row); the last `need` are kept
        self.ao = np.zeros((cap, need), np.uint64)
        self.h_ring = np.zeros((cap, need), np.uint64)
        self.row = np.zeros((cap, need), np.int64)
        self.free: list[int] = list(range(cap - 1, -1, -1))
        #: user key -> user id (pruned to the live users when it grows past 4 × the cap)
        self.names: dict[int, str] = {}

    def _grow(self) -> None:
        old = len(self.last_ts)
        cap = 2 * old
        self.last_ts = np.concatenate([self.last_ts, np.full(old, _NONE, np.int64)])
        self.count = np.concatenate([self.count, np.zeros(old, np.int64)])
        self.h = np.concatenate([self.h, np.zeros(old, np.uint64)])
        self.ao = np.concatenate([self.ao, np.zeros((old, self.need), np.uint64)])
        self.h_ring = np.concatenate([self.h_ring, np.zeros((old, self.need), np.uint64)])
        self.row = np.concatenate([self.row, np.zeros((old, self.need), np.int64)])
        self.free.extend(range(cap - 1, old - 1, -1))

    def slots(self, keys: U64, first: I64, names: UserNames) -> I64:
        """The slots of the sorted distinct ``keys`` (new users get fresh slots; ``first``: a
        row index of each in the block, to name new users)."""
        at = np.searchsorted(self.keys, keys)
        known = at < len(self.keys)
        known[known] = self.keys[at[known]] == keys[known]
        out = np.empty(len(keys), np.int64)
        out[known] = self.slot_of[at[known]]
        new = np.flatnonzero(~known)
        if len(new):
            if len(self.keys) + len(new) > MAX_USERS:
                self._forget_idle(keys)
                at = np.searchsorted(self.keys, keys)
                out[known] = self.slot_of[at[known]]
            while len(self.free) < len(new):
                self._grow()
            fresh = np.array(self.free[: -len(new) - 1 : -1], np.int64)
            del self.free[-len(new) :]
            self.names.update(zip(keys[new].tolist(), names.names(first[new]), strict=True))
            self.last_ts[fresh] = _NONE
            self.count[fresh] = 0
            self.h[fresh] = 0
            out[new] = fresh
            pos = np.searchsorted(self.keys, keys[new])
            self.keys = np.insert(self.keys, pos, keys[new])
            self.slot_of = np.insert(self.slot_of, pos, fresh)
        return out

    def _forget_idle(self, current: U64) -> None:
        """Forget the half of the users idle the longest (their unfinished runs start afresh),
        except the ``current`` block's (sorted keys)."""
        idle = self.last_ts[self.slot_of].copy()
        idle[np.isin(self.keys, current, assume_unique=True)] = np.iinfo(np.int64).max
        order = np.argsort(idle, kind="stable")
        gone = np.sort(order[: len(order) // 2])
        gone = gone[idle[gone] != np.iinfo(np.int64).max]
        self.free.extend(self.slot_of[gone].tolist())
        keep = np.ones(len(self.keys), np.bool_)
        keep[gone] = False
        self.keys = self.keys[keep]
        self.slot_of = self.slot_of[keep]
        if len(self.names) > 4 * MAX_USERS:
            live = set(self.keys.tolist())
            self.names = {k: v for k, v in self.names.items() if k in live}


class _Table:
    """Signatures of LOG_SYNTHETIC (d) windows and the dates they were seen on.

    Windows are gathered (:meth:`add`) and merged every :data:`MERGE_EVERY` windows. A merge
    sorts the batch by signature (one ``np.sort`` of composite keys), counts each signature's
    dates, and looks the signatures up in

    * ``multi``: the signatures seen on two dates or more (dates, last date, user, first
      occurrences), a small dict;
    * ``runs``: sorted arrays of the signatures seen on one date only, one per merge (signature,
      date, first occurrence's rows), newest last. Past :data:`MAX_SIGNATURES` entries the
      oldest run is forgotten.
    """

    def __init__(self, repeat_dates: int, users: _Users) -> None:
        self.repeat_dates = repeat_dates
        self.users = users
        #: (signatures, dates, first occurrence's rows as ``row0 << 32 | row1``)
        self.runs: list[tuple[U64, I64, I64]] = []
        #: signature -> [user id, dates seen, last date, first occurrences (≤ 3)]
        self.multi: dict[int, list[Any]] = {}
        self.multi_keys = np.empty(0, np.uint64)  # sorted
        self.pending: list[tuple[U64, I64, I64, U64]] = []
        self.n_pending = 0

    def add(self, sig: U64, day: I64, row0: I64, row1: I64, user: U64) -> None:
        """Windows (signature, date, first and last row, user key); rows < 2**32 (a package
        holds at most 20 GiB, so fewer rows than that)."""
        self.pending.append((sig, day, (row0 << 32) | row1, user))
        self.n_pending += len(sig)
        if self.n_pending >= MERGE_EVERY:
            self.merge()

    def merge(self) -> None:
        if not self.pending:
            return
        sig, day, rows, user = (np.concatenate(c) for c in zip(*self.pending, strict=True))
        self.pending = []
        self.n_pending = 0
        # pending windows are in time order per signature (blocks in file order, and a
        # signature is one user's, whose windows a block lists in time order): a stable
        # sort by signature leaves each signature's windows by date, first occurrence first
        order, s = stable_order(sig)
        d = day[order]
        m = len(s)
        new_sig = np.ones(m, np.bool_)
        new_sig[1:] = s[1:] != s[:-1]
        first = new_sig.copy()
        first[1:] |= d[1:] != d[:-1]
        q = np.flatnonzero(first)  # the first window of each (signature, date)
        heads_q = np.flatnonzero(new_sig[q])  # in q: the first date of each signature
        dates = np.diff(np.append(heads_q, len(q)))
        heads = q[heads_q]  # in the sorted batch: each signature's first window
        usig = s[heads]
        first_day = d[heads]
        # signatures seen on two dates or more already
        if len(self.multi_keys):
            at = np.minimum(np.searchsorted(self.multi_keys, usig), len(self.multi_keys) - 1)
            in_multi = self.multi_keys[at] == usig
        else:
            in_multi = np.zeros(len(usig), np.bool_)
        # signatures seen on one earlier date (in a run)
        run_day = np.full(len(usig), -1, np.int64)
        run_rows = np.zeros(len(usig), np.int64)
        for r_sig, r_day, r_rows in self.runs:
            at = np.minimum(np.searchsorted(r_sig, usig), len(r_sig) - 1)
            hit = (r_sig[at] == usig) & ~in_multi
            run_day[hit] = r_day[at[hit]]
            run_rows[hit] = r_rows[at[hit]]
        in_run = run_day >= 0
        # the signatures now seen on two dates or more: Python, one at a time (rare)
        # (a signature of a run seen again on that run's date only is left where it is)
        same = in_run & (dates == 1) & (first_day == run_day)
        touched = np.flatnonzero((in_multi | in_run | (dates >= 2)) & ~same)
        for j in touched.tolist():
            key = int(usig[j])
            entry = self.multi.get(key)
            k, end = int(heads_q[j]), int(heads_q[j] + dates[j])
            if entry is None:
                w = int(order[heads[j]])
                entry = [self.users.names.get(int(user[w]), "?"), 0, -1, []]
                if in_run[j]:
                    entry[1:3] = [1, int(run_day[j])]
                    entry[3].append(_span(int(run_rows[j])))
                self.multi[key] = entry
            if int(first_day[j]) == entry[2]:
                k += 1  # that date was counted by an earlier merge
            for i in range(k, end):
                w = int(order[q[i]])
                entry[1] += 1
                if len(entry[3]) < 3:
                    entry[3].append(_span(int(rows[w])))
            entry[2] = int(d[q[end - 1]])
        if len(touched):
            if len(self.multi) > MAX_REPEATED:
                self._forget_stale()
            self.multi_keys = np.sort(np.fromiter(self.multi, np.uint64, len(self.multi)))
        # the rest were seen on this one date only: a new run
        alone = np.flatnonzero(~(in_multi | in_run) & (dates == 1))
        if len(alone):
            self.runs.append((usig[alone], first_day[alone], rows[order[heads[alone]]]))
        while sum(len(r[0]) for r in self.runs) > MAX_SIGNATURES and len(self.runs) > 1:
            self.runs.pop(0)

    def _forget_stale(self) -> None:
        """Past :data:`MAX_REPEATED` signatures seen on two dates or more, forget those still
        short of ``repeat_dates`` whose last date is oldest, down to half the cap (a hit is
        never forgotten)."""
        short = [(e[2], k) for k, e in self.multi.items() if e[1] < self.repeat_dates]
        short.sort()
        excess = len(self.multi) - MAX_REPEATED // 2
        for _last, key in short[: max(0, excess)]:
            del self.multi[key]

    def hits(self) -> dict[int, RepeatHit]:
        """The signatures seen on ``repeat_dates`` dates or more."""
        self.merge()
        return {
            key: RepeatHit(name, count, list(spans))
            for key, (name, count, _last, spans) in self.multi.items()
            if count >= self.repeat_dates
        }


def _span(packed: int) -> tuple[int, int]:
    return packed >> 32, packed & 0xFFFF_FFFF


class _Pass:
    """The state of :meth:`LogPass.consume_columns` between two blocks."""

    def __init__(self, log: LogPass) -> None:
        self.log = log
        self.keep_from = log.applied - log.user_window_days + 1
        self.keep_to = log.applied
        self.need = log.repeat_run - 1
        self.users = _Users(self.need)
        self.table = _Table(log.repeat_dates, self.users)
        self.day = -(10**9)
        self.day_events = 0
        #: the current date's sorted distinct user keys, one array per block (merged when the
        #: date closes)
        self.day_users: list[U64] = []
        self.day_first = 0
        self.prev_ts: int | None = None
        self.last_row = 0
        # gaps of up to 2**22 s square to 2**44: a block's sum of squares fits in int64
        self.small_gaps = log.max_gap_seconds < (1 << 22)

    def feed(self, block: UsageColumns) -> None:
        log = self.log
        ts, rows = block.ts, block.rows
        n = len(ts)
        if log.first_ts is None:
            log.first_ts = int(ts[0])
            log.first_row = int(rows[0])
        # (a) the gaps between consecutive events, those ≤ max_gap_seconds
        gaps = np.diff(ts, prepend=ts[0] if self.prev_ts is None else self.prev_ts)
        if self.prev_ts is None:
            gaps = gaps[1:]
        small = gaps[gaps <= log.max_gap_seconds]
        log.gap_n += len(small)
        log.gap_sum += int(small.sum())
        if self.small_gaps:
            log.gap_sumsq += int((small * small).sum())
        else:
            log.gap_sumsq += sum(g * g for g in small.tolist())
        # (c) events after created_at
        k = int(np.searchsorted(ts, log.created_ts, side="right"))
        if k < n:
            if log.late_first_row is None:
                log.late_first_row = int(rows[k])
                log.late_first_ts = int(ts[k])
            log.late_events += n - k
        local = ts + OFFSET
        days = local // 86400
        hours = np.bincount((local % 86400) // 3600, minlength=24)
        log.hours = [a + b for a, b in zip(log.hours, hours.tolist(), strict=True)]
        # (d), which also sorts the block by user
        user_keys, order, sk = self.repeats(block, days)
        # per date: events, users, rows
        d0, d1 = int(days[0]), int(days[-1])
        cuts: list[tuple[int, int, U64]]
        if d0 == d1:
            cuts = [(0, n, user_keys)]
        else:
            bounds = [0, *(np.flatnonzero(days[1:] != days[:-1]) + 1).tolist(), n]
            per_day = _users_by_day(sk, days[order])
            cuts = [(lo, hi, k) for (lo, hi), k in zip(pairwise(bounds), per_day, strict=True)]
        for lo, hi, keys in cuts:
            day = int(days[lo])
            if day != self.day:
                self.close_day()
                self.day = day
                self.day_first = int(rows[lo])
            self.day_events += hi - lo
            self.day_users.append(keys)
            self.last_row = int(rows[hi - 1])
        self.prev_ts = int(ts[-1])
        log.events += n

    def repeats(self, block: UsageColumns, days: I64) -> tuple[U64, I64, U64]:
        """(d) for one block (see the module docstring); returns the block's sorted distinct
        user keys, and the block's order by user key (stable) with the keys in that order.

        Every operation is proportional to the block's rows: a window reaching back into
        earlier blocks reads one carried entry (its first event's hash, the user's prefix
        hash there and its row) from the user's ring, whatever the number of users, and each
        user writes back at most its last ``repeat_run − 1`` events of this block."""
        need = self.need
        users = self.users
        n = len(block.ts)
        order, sk = stable_order(block.ukey)
        head = np.ones(n, np.bool_)
        head[1:] = sk[1:] != sk[:-1]
        gstart = np.flatnonzero(head)
        gsize = np.diff(np.append(gstart, n))
        gkeys = sk[gstart]
        slot = users.slots(gkeys, order[gstart], block.names)
        sts = block.ts[order]
        srow = block.rows[order]
        # (user, action, object) and (that, gap to the user's previous event)
        ao = fmix(block.ukey ^ mix(block.okey ^ (block.action + _GAP_SALT)))
        sao = ao[order]
        prev = np.empty(n, np.int64)
        prev[1:] = sts[:-1]
        before = users.last_ts[slot]
        prev[gstart] = before
        gap = sts - prev
        gap[gstart[before == _NONE]] = -1  # no previous event: never inside a window
        key = fmix(sao ^ mix(gap.view(np.uint64) + _GAP_SALT))
        # each event's index among its user's events (since the user's first or fresh start)
        # and the user's prefix hash through it: H[j] = sum of key[i] * BASE**i, i <= j
        kin = np.arange(n) - np.repeat(gstart, gsize)
        count = users.count[slot]
        jdx = np.repeat(count, gsize) + kin
        weighted = key * _power(jdx)
        csum = np.cumsum(weighted)
        h = csum + np.repeat(users.h[slot] - (csum[gstart] - weighted[gstart]), gsize)
        # windows end at the events with at least `need` events of their user before them;
        # the window's first event is in this block or in the user's ring of carried events
        # (event j of a user at flat index slot·need + j % need of the ring arrays)
        slot_of = np.repeat(slot, gsize)
        ring_ao, ring_h, ring_row = (a.reshape(-1) for a in (users.ao, users.h_ring, users.row))
        ends = np.flatnonzero(jdx >= need)
        if len(ends):
            lo = jdx[ends] - need
            first = ends - need
            back = np.flatnonzero(kin[ends] < need)  # windows beginning in an earlier block
            first[back] = 0
            h_lo, ao_lo, row_lo = h[first], sao[first], srow[first]
            if len(back):
                at = slot_of[ends[back]] * need + lo[back] % need
                h_lo[back], ao_lo[back], row_lo[back] = ring_h[at], ring_ao[at], ring_row[at]
            window = (h[ends] - h_lo) * _power(lo + 1, inverse=True)
            sig = fmix(ao_lo ^ mix(window))
            self.table.add(sig, days[order[ends]], row_lo, srow[ends], sk[ends])
        # carry each user's last `need` events (this block's latest, into the ring)
        last = gstart + gsize - 1
        tail = np.flatnonzero(kin >= np.repeat(gsize - need, gsize))
        at = slot_of[tail] * need + jdx[tail] % need
        ring_ao[at], ring_h[at], ring_row[at] = sao[tail], h[tail], srow[tail]
        users.count[slot] = count + gsize
        users.h[slot] = h[last]
        users.last_ts[slot] = sts[last]
        return gkeys, order, sk

    def close_day(self) -> None:
        if not self.day_events:
            return
        log = self.log
        day = self.day
        users = _merge_sorted(self.day_users)
        log.days[day] = DayStat(self.day_events, len(users), self.day_first, self.last_row)
        if self.keep_from <= day <= self.keep_to:
            log.day_users[day] = users
        self.day_events = 0
        self.day_users = []

    def finish(self) -> None:
        log = self.log
        if self.day_events:
            self.close_day()
            log.last_ts = self.prev_ts
            log.last_row = self.last_row
        log.repeat_hits = self.table.hits()
