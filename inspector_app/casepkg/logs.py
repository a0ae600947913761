"""Usage logs and record counts: streaming readers (analysis) and the fast row checker (validate).

``logs/<system_id>/usage.csv`` (or ``usage.csv.gz``) can hold tens of millions of rows, so it is
never loaded whole: :func:`iter_usage` yields light :class:`~.model.UsageEvent` tuples chunk by
chunk, and :class:`UsageChecker` checks every row of a stream of raw blocks while the
validator hashes them. Both take a fast path for the common shape (``YYYY-MM-DDTHH:MM:SS+08:00``
timestamps, no quoting): timestamps are converted with a per-minute epoch cache, and the
checker validates whole blocks with one compiled regular expression and checks the order of
the timestamps by comparing their text (equal-width +08:00 timestamps sort like the instants
they name). Any block the fast path does not accept is checked row by row, so the result (and
the line number of the first problem) is the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from itertools import groupby, repeat
from typing import Any, TypeVar, cast

from inspector_app.casepkg.columns import (
    ParsedBlock,
    UsageColumns,
    columns_from_events,
    minute_base,
    parse_block,
    speculate,
)
from inspector_app.casepkg.csvcore import (
    CellProblem,
    Header,
    cell_count,
    cell_date,
    parse_record,
    split_records,
)
from inspector_app.casepkg.model import (
    ACTIONS,
    CasePackage,
    EntrySource,
    RecordCount,
    UsageEvent,
)
from inspector_app.casepkg.textio import (
    Decoder,
    StreamProblem,
    coalesce,
    gunzip_chunks,
    prefetch,
    read_chunks,
    split_lines,
)
from inspector_app.errors import Issue, PackageRefused
from inspector_app.i18n import Message, bi, exc_message
from inspector_app.values import parse_timestamp

_T = TypeVar("_T")
#: bytes per block of the column reader: 4 MiB (≈ 60,000 rows) measured fastest on the large
#: sample (1 MiB: 10.2 s, 2 MiB: 8.8 s, 4 MiB: 7.6 s, 8 MiB: 7.6 s for 14.3 M rows)
COLUMN_BLOCK = 4 << 20
USAGE_COLUMNS = ("timestamp", "user_id", "action", "object")
RECORD_COLUMNS = ("date", "object_type", "created", "updated")
_ACTIONS = frozenset(ACTIONS)
#: ``":SS+08:00"`` → SS: the tail of a fast-path timestamp after its minute prefix
_TAIL = {f":{s:02d}+08:00": s for s in range(60)}


def timestamp_seconds(text: str) -> tuple[int, bool]:
    """POSIX seconds of any accepted timestamp, and whether it carried an offset."""
    value, had_offset = parse_timestamp(text)
    return int(value.replace(microsecond=0).timestamp()), had_offset


def _refused(code: str, path: str, message: Message, line: int | None = None) -> PackageRefused:
    return PackageRefused(Issue(code, path, message, line=line))


def _encoding_hint(source: EntrySource, path: str) -> str | None:
    hint: Callable[[str], str | None] | None = getattr(source, "encoding_of", None)
    return hint(path) if hint is not None else None


class _Lines(list[str]):
    """The physical lines of one block; ``quoted`` when the block holds a ``"``."""

    quoted = False


def _decoded_texts(blocks: Iterator[bytes], decoder: Decoder) -> Iterator[str]:
    """Line-aligned blocks → text (CRLF turned into LF)."""
    for block in blocks:
        text = decoder.decode(block)
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        yield text


def _as_lines(text: str) -> _Lines:
    """The physical lines of a decoded block (without line breaks)."""
    lines = _Lines(text.split("\n"))
    lines.quoted = '"' in text
    if text.endswith("\n"):
        lines.pop()
    return lines


def _decoded_lines(blocks: Iterator[bytes], decoder: Decoder) -> Iterator[list[str]]:
    """Line-aligned blocks → lists of physical lines (without line breaks, CRLF or LF)."""
    return map(_as_lines, _decoded_texts(blocks, decoder))


def _header(
    groups: Iterator[list[str]], path: str, required: tuple[str, ...]
) -> tuple[Header, list[str]]:
    """The header of the first group and the rest of that group's lines."""
    for lines in groups:
        if not lines:
            continue
        text = lines[0].rstrip("\r")
        try:
            header = Header.parse(text)
        except CellProblem as exc:
            raise _refused("CSV_INVALID", path, exc_message(exc), 1) from None
        missing = header.missing(required)
        if missing:
            raise _refused(
                "SCHEMA_INVALID",
                path,
                bi("Missing required column(s): {columns}", columns=", ".join(missing)),
                1,
            )
        rest = _Lines(lines[1:])
        rest.quoted = any('"' in ln for ln in rest)
        return header, rest
    raise _refused("SCHEMA_INVALID", path, bi("The file is empty: no header row."), 1)


def _open_blocks(
    source: EntrySource,
    path: str,
    *,
    ahead: bool = False,
    work: Callable[[bytes], bytes] | None = None,
    size: int | None = None,
) -> Iterator[bytes]:
    """Line-aligned raw blocks of an entry (about ``size`` bytes, default
    :data:`~.textio.CHUNK`), gunzipped for ``*.gz`` (BOM removed).

    With ``ahead``, reading and inflating (and ``work`` on each block) run on a helper thread a
    few blocks ahead (:func:`~.textio.prefetch`: ``zlib`` and most numpy operations release the
    GIL, so that work uses the other core).
    """
    with source.open(path) as raw:
        chunks = read_chunks(raw, size)
        if path.endswith(".gz"):
            chunks = gunzip_chunks(chunks)
            if size:
                chunks = coalesce(chunks, size)
        blocks = split_lines(chunks)
        if work is not None:
            blocks = map(work, blocks)
        yield from prefetch(blocks) if ahead else blocks


# --------------------------------------------------------------------------- iter_usage
def iter_usage(source: EntrySource, path: str) -> Iterator[UsageEvent]:
    """Stream the usage log ``path`` of ``source`` as :class:`UsageEvent` tuples.

    ``row`` is the 1-based data-record number (header not counted; for ``usage.csv.gz`` the
    decompressed records). Problems raise :class:`~inspector_app.errors.PackageRefused`
    (validation reports them all beforehand).
    """
    # without ``columns`` every item is a UsageEvent
    return cast(Iterator[UsageEvent], _usage_items(source, path, columns=False))


def iter_usage_columns(
    source: EntrySource, path: str, size: int = 1 << 15
) -> Iterator[UsageColumns]:
    """The same events as :func:`iter_usage`, as numpy column blocks (the analysis' reader).

    A line-aligned block (about 1 MiB) of the standard four columns is read by the vectorised
    fast path of :func:`~.columns.parse_block` when it accepts it; any other block goes through
    :func:`iter_usage`'s own row-by-row code, so the events, their row numbers and the errors
    raised are the same either way. Rows read one by one are gathered into blocks of at most
    ``size`` events.
    """
    decoder = Decoder(_encoding_hint(source, path))
    items = _usage_items(source, path, columns=True, decoder=decoder)
    for fast, group in groupby(items, key=lambda item: isinstance(item, UsageColumns)):
        if fast:
            yield from cast(Iterator[UsageColumns], group)
        else:
            events = cast(Iterator[UsageEvent], group)
            yield from columns_from_events(events, size, encoding=decoder.encoding)


def _usage_items(
    source: EntrySource, path: str, *, columns: bool, decoder: Decoder | None = None
) -> Iterator[UsageEvent | UsageColumns]:
    """:func:`iter_usage`'s reader; with ``columns``, the blocks that
    :func:`~.columns.parse_block` accepts come as :class:`~.columns.UsageColumns`."""
    if decoder is None:
        decoder = Decoder(_encoding_hint(source, path))
    # with columns, the helper thread also tries the vectorised parse on each block
    ahead = partial(speculate, encoding=decoder.encoding) if columns else None
    size = COLUMN_BLOCK if columns else None
    blocks = _guarded(_open_blocks(source, path, ahead=columns, work=ahead, size=size), path)
    texts = _guarded(_decoded_texts(blocks, decoder), path)
    header, first = _header(map(_as_lines, texts), path, USAGE_COLUMNS)
    idx = header.index
    its, iu, ia, io = (idx[c] for c in USAGE_COLUMNS)
    ncols = len(header.names)
    simple = header.names == USAGE_COLUMNS
    # with the fast path, blocks stay raw bytes until it accepts or refuses them
    fast = columns and simple
    groups: Iterator[bytes | list[str]] = blocks if fast else map(_as_lines, texts)

    def decoded(block: bytes) -> _Lines:
        try:
            text = decoder.decode(block)
        except StreamProblem as exc:
            raise _refused(exc.code, path, exc.message) from None
        return _as_lines(text.replace("\r\n", "\n") if "\r" in text else text)

    def lines_of(group: bytes | list[str]) -> list[str]:
        return decoded(group) if isinstance(group, bytes) else group

    tails = _TAIL
    actions = _ACTIONS
    new = tuple.__new__
    cls = UsageEvent
    split = str.split
    commas = repeat(",")
    row = 0
    line = 1  # physical line of the last line handled
    prev = -(1 << 62)
    prefix = ""
    base = 0

    def slow_ts(text: str) -> int:
        """Seconds of a timestamp (a per-minute cache for the common shape; ValueError)."""
        nonlocal prefix, base
        if len(text) == 25 and text[16:] in tails:
            b = minute_base(text[:16])
            if b is not None:
                prefix, base = text[:16], b
                return b + tails[text[16:]]
        return timestamp_seconds(text)[0]

    at = (its, iu, ia, io)

    def careful(ln: str, line: int) -> tuple[int, str, str, str] | None:
        """One row checked field by field (blank lines give None)."""
        if ln.endswith("\r"):
            ln = ln[:-1]
        if not ln:
            return None
        parts = ln.split(",")
        if len(parts) != ncols:
            raise _wrong_count(path, ncols, len(parts), line)
        return _usage_row(path, parts, at, line=line, prev=prev, seconds=slow_ts)

    pending: list[bytes | list[str]] = [first]
    if fast and not getattr(first, "quoted", True) and first:
        # the rest of the header's block takes the fast path too (the same bytes again)
        pending = [("\n".join(first) + "\n").encode(decoder.encoding)]
    while True:
        item = pending.pop() if pending else next(groups, None)
        if item is None:
            return
        if isinstance(item, bytes):
            # without an established encoding, non-ASCII blocks are decoded (which settles it)
            cols = None
            if decoder.fixed or item.isascii():
                if isinstance(item, ParsedBlock):  # parsed ahead, without its object keys
                    early = item.layout
                    if early is not None and int(early.ts[0]) >= prev:
                        cols = early.columns(row + 1, decoder.encoding)
                else:
                    cols = parse_block(item, prev, row + 1, decoder.encoding)
            if cols is not None:
                n = len(cols.ts)
                prev = int(cols.ts[-1])
                yield cols
                row += n
                line += n
                continue
            lines: list[str] = decoded(item)
        else:
            lines = item
        if getattr(lines, "quoted", True):
            # records may span lines from here on: hand the rest to the record splitter
            rest = _chain_lines(lines, map(lines_of, groups))
            yield from _general_usage(path, rest, line + 1, row=row, prev=prev, header=header)
            return
        done = 0
        if simple:
            # fast path: exactly four fields per line; anything else leaves the loop
            row0 = row
            try:
                for t, raw_u, a, o in map(split, lines, commas):
                    s = tails.get(t[16:])
                    # a bad timestamp raises ValueError: ``careful`` reports it below
                    ts = base + s if s is not None and t[:16] == prefix else slow_ts(t)
                    u = raw_u.strip()  # fields are trimmed, as field by field below
                    if ts < prev or a not in actions or not u:
                        break
                    prev = ts
                    row += 1
                    yield new(cls, (ts, u, a, o.strip(), row))
            except ValueError:
                pass
            done = row - row0
        for k in range(done, len(lines)):
            got = careful(lines[k], line + 1 + k)
            if got is None:
                continue
            prev = got[0]
            row += 1
            yield new(cls, (got[0], got[1], got[2], got[3], row))
        line += len(lines)


def _wrong_count(path: str, n: int, m: int, line: int) -> PackageRefused:
    return _refused("CSV_INVALID", path, bi("Expected {n} fields, found {m}.", n=n, m=m), line)


def _seconds(text: str) -> int:
    return timestamp_seconds(text)[0]


def _usage_row(
    path: str,
    fields: list[str],
    at: tuple[int, ...],
    *,
    line: int,
    prev: int,
    seconds: Callable[[str], int],
) -> tuple[int, str, str, str]:
    """A usage row's (ts, user, action, object), trimmed and checked: a timestamp
    (``seconds`` raises ValueError otherwise), a known action, a user, not earlier than
    ``prev``; problems raise ``CSV_INVALID`` for ``line``."""
    t, u, a, o = (fields[i].strip() for i in at)
    try:
        ts = seconds(t)
    except ValueError:
        raise _refused(
            "CSV_INVALID", path, bi("Not a timestamp: {value!r}", value=t), line
        ) from None
    if a not in _ACTIONS:
        raise _refused("CSV_INVALID", path, bi("Unknown action {value!r}.", value=a), line)
    if not u:
        raise _refused("CSV_INVALID", path, bi("The user_id is empty."), line)
    if ts < prev:
        raise _refused("CSV_INVALID", path, bi("The row is earlier than the row before it."), line)
    return ts, u, a, o


def _guarded(groups: Iterator[_T], path: str) -> Iterator[_T]:
    """Turn stream problems (damaged gzip, bad encoding) into ``PackageRefused``."""
    try:
        yield from groups
    except StreamProblem as exc:
        code = exc.code if exc.code != "DAMAGED" else "CSV_INVALID"
        raise _refused(code, path, exc.message) from None


def _chain_lines(first: list[str], groups: Iterator[list[str]]) -> Iterator[str]:
    yield from first
    for lines in groups:
        yield from lines


def _general_usage(
    path: str, lines: Iterator[str], first_line: int, *, row: int, prev: int, header: Header
) -> Iterator[UsageEvent]:
    """Row-by-row reading with full RFC 4180 quoting (records may span lines)."""
    at = tuple(header.index[c] for c in USAGE_COLUMNS)
    ncols = len(header.names)
    try:
        for line, text in split_records(lines, first_line):
            fields = parse_record(text)
            if len(fields) != ncols:
                raise _wrong_count(path, ncols, len(fields), line)
            ts, u, a, o = _usage_row(path, fields, at, line=line, prev=prev, seconds=_seconds)
            prev = ts
            row += 1
            yield UsageEvent(ts, u, a, o, row)
    except CellProblem as exc:
        line_no = exc.args[1] if len(exc.args) > 1 else None
        raise _refused("CSV_INVALID", path, exc_message(exc), line_no) from None


# --------------------------------------------------------------------------- iter_records
def iter_records(source: EntrySource, path: str) -> Iterator[RecordCount]:
    """Stream ``logs/<id>/records.csv`` as :class:`RecordCount` tuples (``row`` 1-based)."""
    try:
        decoder = Decoder(_encoding_hint(source, path))
        groups = _decoded_lines(_open_blocks(source, path), decoder)
        header, first = _header(groups, path, RECORD_COLUMNS)
        rows = _fields(path, _chain_lines(first, groups), len(header.names))
        for row, (line, fields) in enumerate(rows, 1):
            rec = record_from_fields(header, fields)
            if isinstance(rec, Message):
                raise _refused("CSV_INVALID", path, rec, line)
            yield RecordCount(rec[0], rec[1], rec[2], rec[3], row)
    except StreamProblem as exc:
        code = exc.code if exc.code != "DAMAGED" else "CSV_INVALID"
        raise _refused(code, path, exc.message) from None


def _fields(path: str, lines: Iterator[str], ncols: int) -> Iterator[tuple[int, list[str]]]:
    try:
        for line, text in split_records(lines, 2):
            fields = parse_record(text)
            if len(fields) != ncols:
                raise _wrong_count(path, ncols, len(fields), line)
            yield line, fields
    except CellProblem as exc:
        line_no = exc.args[1] if len(exc.args) > 1 else None
        raise _refused("CSV_INVALID", path, exc_message(exc), line_no) from None


def record_from_fields(header: Header, fields: list[str]) -> tuple[Any, ...] | Message:
    """``(date, object_type, created, updated)`` of a records.csv row, or a problem message."""
    idx = header.index
    try:
        day = cell_date(fields[idx["date"]])
        kind = fields[idx["object_type"]].strip()
        if not kind:
            return bi("The object_type is empty.")
        created = cell_count(fields[idx["created"]])
        updated = cell_count(fields[idx["updated"]])
    except CellProblem as exc:
        return exc_message(exc)
    return (day, kind, created, updated)


# --------------------------------------------------------------------------- a package's logs
def package_usage(package: CasePackage, system_id: str) -> Iterator[UsageEvent]:
    """Stream the usage log of ``system_id`` of a loaded package (empty when it has none)."""
    path = package.usage_logs.get(system_id)
    if path is None:
        return iter(())
    return iter_usage(package.source, path)


def package_records(package: CasePackage, system_id: str) -> Iterator[RecordCount]:
    """Stream ``records.csv`` of ``system_id`` of a loaded package (empty when it has none)."""
    path = package.record_logs.get(system_id)
    if path is None:
        return iter(())
    return iter_records(package.source, path)
