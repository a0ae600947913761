"""The validator's check of every usage-log row, fed raw blocks while the entry is hashed.

Fast path: a whole line-aligned block (about 1 MiB) is matched by one compiled regular
expression built from the header (exact calendar dates, times, the ``+08:00`` offset, a
non-empty ``user_id``, an ``action`` of the enum, no quoting), and the order of its timestamps
is checked by comparing their text (equal-width ``+08:00`` timestamps sort as the instants they
name). A block the fast path does not accept — another timestamp shape, quoting, blank lines,
or an actual problem — is checked row by row, which reports the exact physical line.
"""

from __future__ import annotations

import re
from datetime import date
from operator import itemgetter

from inspector_app.casepkg.csvcore import CellProblem, Header, RecordSplitter, parse_record
from inspector_app.casepkg.csvfiles import NeedRestart
from inspector_app.casepkg.issues import IssueLog
from inspector_app.casepkg.logs import USAGE_COLUMNS, timestamp_seconds
from inspector_app.casepkg.model import ACTIONS
from inspector_app.i18n import Message, bi, exc_message
from inspector_app.values import DATE_MAX, DATE_MIN

_D31 = rb"(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
_D30 = rb"(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
_FEB = rb"02-(?:0[1-9]|1\d|2[0-8])"
#: years 1970–2099 only (``values.DATE_MIN``/``DATE_MAX``); others go to the slow path
_YEAR = rb"(?:19[7-9]\d|20\d\d)"
_LEAP = rb"(?:19(?:7[26]|8[048]|9[26])|20(?:[02468][048]|[13579][26]))-02-29"
_TIME = rb"T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\+08:00"
TS_PATTERN = (
    rb"(?:" + _YEAR + rb"-(?:" + _D31 + rb"|" + _D30 + rb"|" + _FEB + rb")|" + _LEAP + rb")" + _TIME
)
_FIELD = {
    "timestamp": TS_PATTERN,
    "user_id": rb'[^,"\r\n\s][^,"\r\n]*',
    "action": rb"(?:" + b"|".join(a.encode() for a in ACTIONS) + rb")",
}
_OTHER = rb'[^,"\r\n]*'
_ACTIONS = frozenset(ACTIONS)
_TS19 = itemgetter(slice(0, 19))
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAYS: dict[bytes, int] = {}


def _seconds(ts: bytes) -> int:
    """POSIX seconds of a fast-path ``YYYY-MM-DDTHH:MM:SS`` (+08:00) timestamp."""
    day = ts[:10]
    days = _DAYS.get(day)
    if days is None:
        days = date.fromisoformat(day.decode()).toordinal() - _EPOCH_ORDINAL
        _DAYS[day] = days
    return days * 86400 + int(ts[11:13]) * 3600 + int(ts[14:16]) * 60 + int(ts[17:19]) - 28800


class UsageChecker:
    """Checks a usage log pushed as line-aligned raw blocks (BOM already removed)."""

    def __init__(self, path: str, log: IssueLog, *, encoding: str = "utf-8") -> None:
        self.path = path
        self.log = log
        self.encoding = encoding
        self.rows = 0
        self.first_ts: int | None = None
        self.last_ts: int | None = None
        self.no_offset = False
        self.header: Header | None = None
        self._records = RecordSplitter()
        self._quoted = False
        self._dead = False
        self._rx: re.Pattern[bytes] | None = None
        self._ts_rx: re.Pattern[bytes] | None = None
        self._cols = (0, 1, 2, 3)
        self._ncols = 4

    # ------------------------------------------------------------------ feeding
    def feed(self, block: bytes) -> None:
        if self._dead or self.log.stop_file(self.path):
            return
        if not block.isascii():
            try:
                block.decode(self.encoding)
            except UnicodeDecodeError:
                if self.encoding == "utf-8":
                    raise NeedRestart from None
                self._error("ENCODING", bi("The file is neither UTF-8 nor GB18030 text."), None)
                self._dead = True
                return
        if self.header is None:
            cut = block.find(b"\n")
            head, block = (block, b"") if cut < 0 else (block[:cut], block[cut + 1 :])
            self._records.line = 1
            if not self._set_header(head.decode(self.encoding).rstrip("\r")):
                self._dead = True
                return
            if not block:
                return
        if not self._quoted and b'"' in block:
            self._quoted = True
        if self._quoted or not self._fast(block):
            self._slow(block)

    def finish(self) -> None:
        if self._dead:
            return
        if self.header is None:
            self._error("SCHEMA_INVALID", bi("The file is empty: no header row."), 1)
        elif self._records.open:
            self._error("CSV_INVALID", bi("A quoted field is never closed."), self._records.start)

    # ------------------------------------------------------------------ header
    def _set_header(self, text: str) -> bool:
        try:
            header = Header.parse(text)
        except CellProblem as exc:
            self._error("CSV_INVALID", exc_message(exc), 1)
            return False
        missing = header.missing(USAGE_COLUMNS)
        if missing:
            self._error(
                "SCHEMA_INVALID",
                bi("Missing required column(s): {columns}", columns=", ".join(missing)),
                1,
            )
            return False
        self.header = header
        self._cols = tuple(header.index[c] for c in USAGE_COLUMNS)  # type: ignore[assignment]
        self._ncols = len(header.names)
        parts = [
            _FIELD.get(n, _OTHER) if header.index[n] == i else _OTHER
            for i, n in enumerate(header.names)
        ]
        self._rx = re.compile(rb"(?:" + b",".join(parts) + rb"\r?\n)*")
        k = self._cols[0]
        if k:
            self._ts_rx = re.compile(rb"^(?:[^,\n]*,){%d}(\d{4}-[^,\n]{15})" % k, re.MULTILINE)
        return True

    # ------------------------------------------------------------------ fast path
    def _fast(self, block: bytes) -> bool:
        assert self._rx is not None
        data = block if block.endswith(b"\n") else block + b"\n"
        if self._rx.fullmatch(data) is None:
            return False
        if self._ts_rx is None:
            lines = data.split(b"\n")
            lines.pop()
            stamps = list(map(_TS19, lines))
        else:
            stamps = self._ts_rx.findall(data)
        if not stamps:
            return True
        if stamps != sorted(stamps):
            return False
        first = _seconds(stamps[0])
        if self.last_ts is not None and first < self.last_ts:
            return False
        if self.first_ts is None:
            self.first_ts = first
        self.last_ts = _seconds(stamps[-1])
        self.rows += len(stamps)
        self._records.line += len(stamps)
        return True

    # ------------------------------------------------------------------ slow path
    def _slow(self, block: bytes) -> None:
        text = block.decode(self.encoding, "replace")
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        for line, record in self._records.push(lines):
            self._row(line, record)

    def _row(self, line: int, text: str) -> None:
        if self.log.stop_file(self.path):
            return
        try:
            fields = parse_record(text)
        except CellProblem as exc:
            self._error("CSV_INVALID", exc_message(exc), line)
            return
        if len(fields) != self._ncols:
            self._error(
                "CSV_INVALID",
                bi("Expected {n} fields, found {m}.", n=self._ncols, m=len(fields)),
                line,
            )
            return
        its, iu, ia, _io = self._cols
        t, u, a = fields[its].strip(), fields[iu].strip(), fields[ia].strip()
        try:
            ts, had_offset = timestamp_seconds(t)
        except ValueError as exc:
            if getattr(exc, "hint", None) == "range":
                message = bi(
                    "Timestamp out of range: {value!r} (the format's dates run from {low} to {high})",
                    value=t,
                    low=str(DATE_MIN),
                    high=str(DATE_MAX),
                )
            elif getattr(exc, "hint", None):
                message = bi(
                    "Not a timestamp: {value!r} (written as YYYY/M/D: the cell was probably reformatted by Excel)",
                    value=t,
                )
            else:
                message = bi("Not a timestamp: {value!r}", value=t)
            self._error("CSV_INVALID", message, line)
            return
        if not had_offset:
            self.no_offset = True
        if not u:
            self._error("CSV_INVALID", bi("The user_id is empty."), line)
        if a not in _ACTIONS:
            self._error("CSV_INVALID", bi("Unknown action {value!r}.", value=a), line)
        if self.last_ts is not None and ts < self.last_ts:
            self._error("CSV_INVALID", bi("The row is earlier than the row before it."), line)
        if self.first_ts is None:
            self.first_ts = ts
        self.last_ts = ts
        self.rows += 1

    def _error(self, code: str, message: Message, line: int | None) -> None:
        self.log.add_error(code, self.path, message, line=line)
