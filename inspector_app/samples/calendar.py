"""China's public holidays and make-up working days (调休), 2023–2026, as the State Council set them.

Used to shape usage logs (nobody reports work on 春节) and written into the sample's
``settings/rules.toml`` ``[calendar]`` table, as an agency would.
"""

from __future__ import annotations

from datetime import date, timedelta


def _span(a: str, b: str) -> list[date]:
    start, end = date.fromisoformat(a), date.fromisoformat(b)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


HOLIDAYS: frozenset[date] = frozenset(
    d
    for a, b in (
        ("2023-01-01", "2023-01-02"),
        ("2023-01-21", "2023-01-27"),
        ("2023-04-05", "2023-04-05"),
        ("2023-04-29", "2023-05-03"),
        ("2023-06-22", "2023-06-24"),
        ("2023-09-29", "2023-10-06"),
        ("2023-12-30", "2024-01-01"),
        ("2024-02-10", "2024-02-17"),
        ("2024-04-04", "2024-04-06"),
        ("2024-05-01", "2024-05-05"),
        ("2024-06-08", "2024-06-10"),
        ("2024-09-15", "2024-09-17"),
        ("2024-10-01", "2024-10-07"),
        ("2025-01-01", "2025-01-01"),
        ("2025-01-28", "2025-02-04"),
        ("2025-04-04", "2025-04-06"),
        ("2025-05-01", "2025-05-05"),
        ("2025-05-31", "2025-06-02"),
        ("2025-10-01", "2025-10-08"),
        ("2026-01-01", "2026-01-03"),
        ("2026-02-15", "2026-02-23"),
        ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"),
        ("2026-10-01", "2026-10-07"),
    )
    for d in _span(a, b)
)

WORKDAYS: frozenset[date] = frozenset(
    date.fromisoformat(s)
    for s in (
        "2023-01-28",
        "2023-01-29",
        "2023-04-23",
        "2023-05-06",
        "2023-06-25",
        "2023-10-07",
        "2023-10-08",
        "2024-02-04",
        "2024-02-18",
        "2024-04-07",
        "2024-04-28",
        "2024-05-11",
        "2024-09-14",
        "2024-09-29",
        "2024-10-12",
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    )
)


def is_workday(d: date) -> bool:
    """Monday–Friday unless a holiday, plus the make-up Saturdays and Sundays."""
    if d in HOLIDAYS:
        return False
    if d in WORKDAYS:
        return True
    return d.weekday() < 5


def calendar_between(start: date, end: date) -> tuple[list[date], list[date]]:
    """The holidays and make-up working days between two dates (inclusive), sorted."""
    return (
        sorted(d for d in HOLIDAYS if start <= d <= end),
        sorted(d for d in WORKDAYS if start <= d <= end),
    )
