"""Typed values of the case-package format: money, dates, timestamps (+08:00).

Money is :class:`~decimal.Decimal`, never float. Timestamps are timezone-aware; every
day-based rule works on calendar dates in +08:00 (:data:`TZ`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

TZ = timezone(timedelta(hours=8), "+08:00")
_MONEY = re.compile(r"^-?\d+(\.\d{1,2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TS = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)


#: The ranges of the format, defined once here and stated in ``docs/formats/case-package.md``
#: (§ Ranges). ``validate`` refuses a value outside them, so that ``validate``, ``case import``,
#: ``analyze`` and ``score`` always agree.
#: every calendar date (JSON dates, CSV dates, the +08:00 date of every timestamp)
DATE_MIN = date(1970, 1, 1)
DATE_MAX = date(2099, 12, 31)
#: money: at most 12 integer digits (under a trillion yuan), either sign
MONEY_MAX = Decimal("999999999999.99")
#: any other number (JSON numbers, CSV decimals): 0, or 10^-12 <= |x| <= 10^12
NUMBER_MAX = Decimal(10) ** 12
NUMBER_MIN = Decimal(10) ** -12
#: integers (JSON integers, CSV integers and counts); counts are also >= 0
INT_MAX = 10**12


class ValueProblem(ValueError):
    """A value could not be parsed; ``hint`` explains likely Excel damage, or is ``"range"``
    for a value outside the format's ranges."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def parse_money(text: str) -> Decimal:
    """``"680000.00"`` → ``Decimal("680000.00")``; at most two decimals, optional ``-``."""
    s = text.strip()
    if not _MONEY.match(s):
        hint = None
        if re.match(r"^-?[\d.]+E[+-]?\d+$", s, re.IGNORECASE):
            hint = "scientific notation: the cell was probably reformatted by Excel"
        elif "," in s or "，" in s:
            hint = "thousands separators are not allowed"
        raise ValueProblem(f"not a money amount: {text!r}", hint)
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - regex guarantees validity
        raise ValueProblem(f"not a money amount: {text!r}") from exc
    if abs(value) > MONEY_MAX:
        raise ValueProblem(f"money amount out of range (at most {MONEY_MAX}): {text!r}", "range")
    return value


def parse_date(text: str) -> date:
    s = text.strip()
    if not _DATE.match(s):
        hint = None
        if re.match(r"^\d{4}/\d{1,2}/\d{1,2}", s):
            hint = "date written as YYYY/M/D: the cell was probably reformatted by Excel"
        raise ValueProblem(f"not a date (YYYY-MM-DD): {text!r}", hint)
    try:
        value = date.fromisoformat(s)
    except ValueError as exc:
        raise ValueProblem(f"not a valid date: {text!r}") from exc
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueProblem(f"date out of range ({DATE_MIN} to {DATE_MAX}): {text!r}", "range")
    return value


def parse_timestamp(text: str) -> tuple[datetime, bool]:
    """Parse an ISO 8601 timestamp; returns ``(aware datetime, had_offset)``.

    ``Z`` and a space instead of ``T`` are accepted; a timestamp without an offset is read as
    +08:00 (the caller emits one ``NO_OFFSET`` warning per file).
    """
    s = text.strip()
    m = _TS.match(s)
    if not m:
        hint = None
        if re.match(r"^\d{4}/\d{1,2}/\d{1,2}", s):
            hint = "date written as YYYY/M/D: the cell was probably reformatted by Excel"
        raise ValueProblem(f"not a timestamp: {text!r}", hint)
    year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
    if not DATE_MIN.year <= year <= DATE_MAX.year:  # before any arithmetic can overflow
        raise ValueProblem(f"timestamp out of range ({DATE_MIN} to {DATE_MAX}): {text!r}", "range")
    second = int(m.group(6) or 0)
    frac = m.group(7)
    micro = int((frac[1:] + "000000")[:6]) if frac else 0
    off = m.group(8)
    if off is None:
        tz = TZ
    elif off == "Z":
        tz = UTC
    else:
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        try:
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        except ValueError as exc:  # an offset of 24 hours or more
            raise ValueProblem(f"not a valid timestamp: {text!r}") from exc
    try:
        value = datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError as exc:
        raise ValueProblem(f"not a valid timestamp: {text!r}") from exc
    if not DATE_MIN <= value.astimezone(TZ).date() <= DATE_MAX:
        raise ValueProblem(f"timestamp out of range ({DATE_MIN} to {DATE_MAX}): {text!r}", "range")
    return value, off is not None


def number_problem(value: Decimal | int, *, count: bool = False) -> str | None:
    """Why ``value`` is outside the format's number ranges (``count``: an integer >= 0), or
    None."""
    if isinstance(value, int):
        if count and value < 0:
            return f"a count cannot be negative: {value}"
        if abs(value) > INT_MAX:
            return f"integer out of range (at most {INT_MAX}): {value}"
        return None
    if not value.is_finite():
        return f"not a finite number: {value}"
    if value and not NUMBER_MIN <= abs(value) <= NUMBER_MAX:
        return f"number out of range (0, or 1E-12 to 1E+12 in magnitude): {value}"
    return None


def local_date(value: datetime) -> date:
    """The calendar date of ``value`` in +08:00."""
    return value.astimezone(TZ).date()


def now() -> datetime:
    """The current time in +08:00."""
    return datetime.now(TZ)


def isoformat(value: datetime) -> str:
    """``2025-03-02T09:15:00+08:00`` (seconds precision, +08:00)."""
    return value.astimezone(TZ).isoformat(timespec="seconds")


def window(n: int, end: date) -> tuple[date, date]:
    """``window(N, X)``: the N calendar dates X−N+1 … X (inclusive bounds)."""
    return end - timedelta(days=n - 1), end


def add_months(start: date, months: int) -> date:
    """Same day of month ``months`` later, clamped to the month's end (08-31 + 3 → 11-30)."""
    import calendar

    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def money_str(value: Decimal) -> str:
    """Two decimals, no exponent: ``Decimal('680000')`` → ``"680000.00"``."""
    return f"{value.quantize(Decimal('0.01')):f}"
