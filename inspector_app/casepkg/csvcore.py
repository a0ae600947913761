"""CSV machinery shared by every CSV of a package: records, headers, typed cells, issues.

RFC 4180: comma separated, ``"`` quoting (a doubled ``""`` inside), CRLF or LF. A record that
holds a quoted line break spans several physical lines; records are found by quote parity, so
the 1-based physical line where each record starts is exact (the header is line 1).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NoReturn

from inspector_app.i18n import bi
from inspector_app.values import (
    DATE_MAX,
    DATE_MIN,
    MONEY_MAX,
    ValueProblem,
    number_problem,
    parse_date,
    parse_money,
)

_INT = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
_SCI = re.compile(r"^-?\d+(\.\d+)?E[+-]?\d+$", re.IGNORECASE)


class CellProblem(ValueError):
    """A cell could not be typed; its argument is the message, with any Excel-damage hint."""


class RecordSplitter:
    """Groups physical lines (without their line break) into CSV records, fed piece by piece:
    a quoted field may span the pieces. ``line`` is the number of the last line fed; while
    :attr:`open`, a record whose quotes have not closed yet started at :attr:`start`."""

    def __init__(self, first_line: int = 1) -> None:
        self.line = first_line - 1
        self.start = first_line
        self._cur: list[str] = []
        self._quotes = 0

    @property
    def open(self) -> bool:
        return bool(self._cur)

    def push(self, lines: Iterable[str]) -> Iterator[tuple[int, str]]:
        """Yields ``(line number where the record starts, record text)``; blank lines are
        skipped; a trailing ``\r`` is dropped."""
        for raw in lines:
            self.line += 1
            line = raw[:-1] if raw.endswith("\r") else raw
            if not self._cur:
                if not line:
                    continue
                q = line.count('"')
                if not q:
                    yield self.line, line
                    continue
                self.start = self.line
                self._quotes = q
                self._cur.append(line)
            else:
                self._quotes += line.count('"')
                self._cur.append(line)
            if self._quotes % 2 == 0:
                yield self.start, "\n".join(self._cur)
                self._cur = []
                self._quotes = 0


def split_records(lines: Iterable[str], first_line: int) -> Iterator[tuple[int, str]]:
    """Group physical lines (without their line break) into CSV records.

    Yields ``(line number where the record starts, record text)``; blank lines are skipped.
    A record whose quotes never close raises :class:`CellProblem` with its start line in
    ``args[1]``.
    """
    splitter = RecordSplitter(first_line)
    yield from splitter.push(lines)
    if splitter.open:
        raise CellProblem(bi("A quoted field is never closed."), splitter.start)


def parse_record(text: str) -> list[str]:
    """The fields of one record (quotes removed)."""
    if '"' not in text:
        return text.split(",")
    try:
        rows = list(csv.reader([text], strict=True))
    except csv.Error as exc:
        raise CellProblem(bi("The row cannot be parsed as CSV: {error}", error=exc)) from exc
    if len(rows) != 1:  # pragma: no cover - a balanced record is one CSV row
        raise CellProblem(bi("The row cannot be parsed as CSV: {error}", error="multiline"))
    return rows[0]


@dataclass(frozen=True)
class Header:
    """Column positions of a CSV file, by name (names trimmed)."""

    names: tuple[str, ...]
    index: dict[str, int]

    @classmethod
    def parse(cls, text: str) -> Header:
        names = tuple(n.strip() for n in parse_record(text))
        index: dict[str, int] = {}
        for i, name in enumerate(names):
            index.setdefault(name, i)
        return cls(names, index)

    def missing(self, required: Sequence[str]) -> list[str]:
        return [c for c in required if c not in self.index]


# --------------------------------------------------------------------------- typed cells
def cell_text(value: str, *, optional: bool) -> str | None:
    s = value.strip()
    if not s:
        if optional:
            return None
        raise CellProblem(bi("The value is empty."))
    return s


def cell_int(value: str, *, count: bool = False) -> int:
    """An integer within the format's range (``count``: also >= 0)."""
    s = value.strip()
    if not _INT.match(s) or len(s) > 20:
        raise CellProblem(bi("Not an integer: {value!r}", value=value))
    number = int(s)
    _check_range(number, value, count=count)
    return number


def cell_count(value: str) -> int:
    """A count: an integer from 0 to ``values.INT_MAX``."""
    return cell_int(value, count=True)


def _check_range(number: Decimal | int, value: str, *, count: bool = False) -> None:
    if number_problem(number, count=count) is None:
        return
    if count and number < 0:
        raise CellProblem(bi("Counts cannot be negative."))
    raise CellProblem(
        bi(
            "Out of range: {value!r} (numbers are 0 or between 1E-12 and 1E+12 in magnitude)",
            value=value,
        )
    )


def cell_decimal(value: str) -> Decimal:
    s = value.strip()
    if not _DECIMAL.match(s):
        if _SCI.match(s):
            raise CellProblem(
                bi(
                    "Not a decimal number: {value!r} (scientific notation: the cell was probably reformatted by Excel)",
                    value=value,
                )
            )
        raise CellProblem(bi("Not a decimal number: {value!r}", value=value))
    try:
        number = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regex guarantees validity
        raise CellProblem(bi("Not a decimal number: {value!r}", value=value)) from exc
    _check_range(number, value)
    return number


def cell_money(value: str) -> Decimal:
    try:
        return parse_money(value)
    except ValueProblem as exc:
        _value_problem(exc, "money", value)


def cell_date(value: str) -> date:
    try:
        return parse_date(value)
    except ValueProblem as exc:
        _value_problem(exc, "date", value)


def _value_problem(exc: ValueProblem, kind: str, value: str) -> NoReturn:
    """Re-raise a :class:`ValueProblem` as a :class:`CellProblem` carrying a message."""
    hint = exc.hint or ""
    if hint == "range" and kind == "money":
        text = bi(
            "Money amount out of range: {value!r} (at most {limit} in magnitude)",
            value=value,
            limit=str(MONEY_MAX),
        )
    elif hint == "range":
        text = bi(
            "Date out of range: {value!r} (the format's dates run from {low} to {high})",
            value=value,
            low=str(DATE_MIN),
            high=str(DATE_MAX),
        )
    elif "scientific" in hint:
        text = bi(
            "Not a money amount: {value!r} (scientific notation: the cell was probably reformatted by Excel)",
            value=value,
        )
    elif "thousands" in hint:
        text = bi(
            "Not a money amount: {value!r} (thousands separators are not allowed)", value=value
        )
    elif "YYYY/M/D" in hint:
        text = bi(
            "Not a date: {value!r} (written as YYYY/M/D: the cell was probably reformatted by Excel)",
            value=value,
        )
    elif kind == "money":
        text = bi(
            "Not a money amount: {value!r} (a decimal in yuan with at most two decimals)",
            value=value,
        )
    else:
        text = bi("Not a date (YYYY-MM-DD): {value!r}", value=value)
    raise CellProblem(text) from exc


def cell_choice(value: str, choices: Sequence[str]) -> str:
    s = value.strip()
    if s not in choices:
        raise CellProblem(
            bi("{value!r} is not one of: {choices}", value=value, choices=", ".join(choices))
        )
    return s


_INVOICE = re.compile(r"^(\d{20}|\d{10}-\d{8}|\d{12}-\d{8})$")


def cell_invoice_no(value: str) -> str:
    s = value.strip()
    if _INVOICE.match(s):
        return s
    if _SCI.match(s):
        raise CellProblem(
            bi(
                "Not an invoice number: {value!r} (a 20-digit number shown in scientific notation: the cell was reformatted by Excel)",
                value=value,
            )
        )
    raise CellProblem(
        bi(
            "Not an invoice number: {value!r} (20 digits, or a 10/12-digit code and an 8-digit number joined by -)",
            value=value,
        )
    )
