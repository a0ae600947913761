"""Human-shaped usage logs (``logs/<id>/usage.csv``) and daily record counts (``records.csv``).

Each user has habits: a role (what they create, update, approve or only look at), an arrival
time and its spread, a working pace, whether they log out for lunch and at night, whether
they come in on Saturdays (大小周) and how often they are away. A working day has a morning
session, a lunch break (about 12:00–13:30) and an afternoon session, sometimes overtime;
weekends are quiet and public holidays almost silent (see :mod:`.calendar`). Objects are real
business documents (``工单/WO-20240628-0012``): created ones get the day's next number,
updates and approvals refer to recent ones. ``records.csv`` counts the creates and updates of
the log, per day and object type, so the two always agree.

``mode="script"`` writes the machine-made log that ``LOG_SYNTHETIC`` must catch: every user
replays the same fixed block of events at a fixed pace every working day.

The log is produced day by day as text chunks, so a 10-million-row log streams through a
bounded amount of memory.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from inspector_app.samples.calendar import HOLIDAYS, is_workday

HEADER = "timestamp,user_id,action,object\n"
RECORDS_HEADER = "date,object_type,created,updated\n"

#: "HH:MM:SS+08:00" for every second of a day.
_TOD = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+08:00" for s in range(86400)]


@dataclass(frozen=True)
class ObjectType:
    name: str  # 工单
    prefix: str  # WO


@dataclass(frozen=True)
class Role:
    name: str
    #: (action, weight) among view/create/update/approve/export/delete.
    actions: tuple[tuple[str, float], ...]
    #: indices into the system's object types this role works on.
    objects: tuple[int, ...]
    pace: tuple[float, float]  # mean seconds between actions: range to draw from

    @property
    def table(self) -> tuple[str, ...]:
        """20 actions in proportion to their weights, for fast drawing."""
        cached: tuple[str, ...] | None = self.__dict__.get("_table")
        if cached is None:
            total = sum(w for _, w in self.actions)
            out: list[str] = []
            for action, w in self.actions:
                out += [action] * round(20 * w / total)
            out = (out + [self.actions[0][0]] * 20)[:20]
            cached = tuple(out)
            object.__setattr__(self, "_table", cached)
        return cached


@dataclass
class User:
    user_id: str
    role: Role
    arrive: int  # seconds after midnight
    arrive_sd: int
    leave: int
    pace: float
    lunch_logout: bool
    evening_logout: bool
    saturday: float
    absent: float
    overtime: float
    joined: int = 0  # days after go-live when the account starts being used


@dataclass
class LogStats:
    """What the package's own data shows; filled while the log is produced."""

    window: tuple[date, date]
    events: int = 0
    users_in_window: set[str] = field(default_factory=set)
    created_in_window: int = 0
    records: dict[tuple[date, str], list[int]] = field(default_factory=dict)


@dataclass
class LogPlan:
    system_id: str
    objects: list[ObjectType]
    users: list[User]
    start: date
    end: date
    quiet: list[tuple[date, date]] = field(default_factory=list)
    rate: Callable[[date], float] = lambda d: 1.0
    mode: str = "human"
    seed: int = 0

    def is_quiet(self, d: date) -> bool:
        return any(a <= d <= b for a, b in self.quiet)


def make_users(
    rng: random.Random,
    ids: list[str],
    roles: list[tuple[Role, float]],
    *,
    saturday_shop: bool,
    pace_scale: float = 1.0,
) -> list[User]:
    """Users with individual habits, their roles drawn by weight."""
    users = []
    total = sum(w for _, w in roles)
    for uid in ids:
        x = rng.random() * total
        role = roles[-1][0]
        for r, w in roles:
            x -= w
            if x <= 0:
                role = r
                break
        arrive = rng.randint(7 * 3600 + 40 * 60, 8 * 3600 + 50 * 60)
        users.append(
            User(
                user_id=uid,
                role=role,
                arrive=arrive,
                arrive_sd=rng.randint(180, 900),
                leave=rng.randint(17 * 3600 + 15 * 60, 18 * 3600 + 10 * 60),
                pace=rng.uniform(*role.pace) * pace_scale,
                lunch_logout=rng.random() < 0.45,
                evening_logout=rng.random() < 0.7,
                saturday=(rng.uniform(0.3, 0.6) if saturday_shop else rng.uniform(0.0, 0.08)),
                absent=rng.uniform(0.02, 0.08),
                overtime=rng.uniform(0.0, 0.15),
                joined=0 if rng.random() < 0.8 else rng.randint(1, 20),
            )
        )
    return users


class _Objects:
    """Document numbers of the day and the recent ones that updates refer to."""

    def __init__(self, types: list[ObjectType]) -> None:
        self.types = types
        self.counter = [0] * len(types)
        self.recent: list[list[str]] = [[] for _ in types]
        self.prefixes = [""] * len(types)

    def new_day(self, d: date) -> None:
        self.counter = [0] * len(self.types)
        day = f"{d.year:04d}{d.month:02d}{d.day:02d}"
        self.prefixes = [f"{t.name}/{t.prefix}-{day}-" for t in self.types]

    def create(self, i: int) -> str:
        self.counter[i] += 1
        ident = f"{self.prefixes[i]}{self.counter[i]:04d}"
        recent = self.recent[i]
        recent.append(ident)
        if len(recent) > 400:
            del recent[:200]
        return ident

    def existing(self, random: Callable[[], float], i: int) -> str:
        recent = self.recent[i]
        if not recent:
            return self.types[i].name
        k = int(-12.5 * math.log(1.0 - random()))
        return recent[-1 - (k if k < len(recent) else len(recent) - 1)]


def _human_day(
    plan: LogPlan, rng: random.Random, d: date, objs: _Objects, day_index: int
) -> list[tuple[int, str, str, str, int]]:
    """Events of one day: (second, user_id, action, object, object-type index or -1)."""
    rate = plan.rate(d)
    work = is_workday(d)
    events: list[tuple[int, str, str, str, int]] = []
    append = events.append
    rnd = rng.random
    for u in plan.users:
        uid = u.user_id
        if day_index < u.joined:
            continue
        if work:
            p = 1 - u.absent
        elif d in HOLIDAYS:
            p = 0.02
        elif d.weekday() == 5:
            p = u.saturday
        else:
            p = 0.03
        p *= min(1.0, 0.35 + 0.65 * rate) if rate < 1 else 1.0
        if rng.random() >= p:
            continue
        pace = u.pace / max(rate, 0.05)
        start = int(rng.gauss(u.arrive, u.arrive_sd))
        lunch_a = 12 * 3600 + rng.randint(-900, 600)
        lunch_b = 13 * 3600 + 30 * 60 + rng.randint(-900, 900)
        end = int(rng.gauss(u.leave, 600))
        if rng.random() < u.overtime:
            end += rng.randint(3600, 3 * 3600)
        if not work:
            start += rng.randint(0, 3600)
            end = min(end, start + rng.randint(2 * 3600, 5 * 3600))
        end = min(end, 22 * 3600)
        sessions = [(start, lunch_a), (lunch_b, end)] if start < lunch_a else [(start, end)]
        logged_in = False
        for si, (a, b) in enumerate(sessions):
            last_session = si == len(sessions) - 1
            if b - a < 600:
                continue
            if not logged_in:
                append((a, uid, "login", "", -1))
                logged_in = True
            t = a + 20 + int(rnd() * 220)
            acts = u.role.table
            objects = u.role.objects
            no = len(objects)
            while t < b:
                action = acts[int(rnd() * 20)]
                oi = objects[int(rnd() * no)]
                if action == "create":
                    obj = objs.create(oi)
                elif action == "view" and rnd() < 0.3:
                    obj = objs.types[oi].name
                else:
                    obj = objs.existing(rnd, oi)
                append((t, uid, action, obj, oi))
                t += int(-pace * math.log(1.0 - rnd())) + 4 + int(rnd() * 36)
            if (u.evening_logout if last_session else u.lunch_logout) and logged_in:
                append((min(b, t), uid, "logout", "", -1))
                logged_in = False
    events.sort(key=lambda e: e[0])
    return events


def _script_day(plan: LogPlan, d: date) -> list[tuple[int, str, str, str, int]]:
    """The same block of 24 events per user, 75 seconds apart, every working day."""
    if not is_workday(d):
        return []
    events = []
    t = 9 * 3600
    block = [
        ("login", "", -1),
        *[
            (
                action,
                f"{plan.objects[k % len(plan.objects)].name}/"
                f"{plan.objects[k % len(plan.objects)].prefix}-{k + 1:04d}",
                k % len(plan.objects),
            )
            for k, action in enumerate(
                ["view", "create", "update", "approve", "view", "export"] * 3
                + ["view", "create", "update", "view"]
            )
        ],
        ("logout", "", -1),
    ]
    for u in plan.users:
        for action, obj, oi in block:
            events.append((t, u.user_id, action, obj, oi))
            t += 75
    return events


def usage_chunks(plan: LogPlan, stats: LogStats) -> Iterator[str]:
    """The usage log as text chunks (the header first, then one chunk per day)."""
    rng = random.Random(f"log:{plan.seed}:{plan.system_id}")
    objs = _Objects(plan.objects)
    yield HEADER
    d = plan.start
    index = 0
    w0, w1 = stats.window
    one = timedelta(days=1)
    while d <= plan.end:
        objs.new_day(d)
        if plan.is_quiet(d):
            events: list[tuple[int, str, str, str, int]] = []
        elif plan.mode == "script":
            events = _script_day(plan, d)
        else:
            events = _human_day(plan, rng, d, objs, index)
        if events:
            prefix = f"{d.isoformat()}T"
            lines = [
                f"{prefix}{_TOD[t]},{uid},{action},{obj}\n" for t, uid, action, obj, _ in events
            ]
            stats.events += len(events)
            in_window = w0 <= d <= w1
            records = stats.records
            for _, uid, action, _, oi in events:
                if in_window:
                    stats.users_in_window.add(uid)
                if oi >= 0 and action in ("create", "update"):
                    key = (d, plan.objects[oi].name)
                    counts = records.get(key)
                    if counts is None:
                        counts = records[key] = [0, 0]
                    if action == "create":
                        counts[0] += 1
                        if in_window:
                            stats.created_in_window += 1
                    else:
                        counts[1] += 1
            yield "".join(lines)
        d += one
        index += 1


def records_text(stats: LogStats, objects: list[ObjectType]) -> str:
    """``records.csv``: per date with any record activity, one row per object type."""
    dates = sorted({d for d, _ in stats.records})
    lines = [RECORDS_HEADER]
    for d in dates:
        for o in objects:
            c, u = stats.records.get((d, o.name), (0, 0))
            lines.append(f"{d.isoformat()},{o.name},{c},{u}\n")
    return "".join(lines)
