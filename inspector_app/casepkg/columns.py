"""Usage-log rows as numpy columns: the analysis' fast reader.

A usage log holds up to tens of millions of rows; the analysis reads it once. This module turns
a line-aligned block of raw bytes (about 1 MiB, ~15,000 rows) into columns with a fixed number
of vectorised numpy operations, without decoding the block into Python strings:

* the line ends and commas are found with two scans; a block is accepted when every line has
  exactly four fields (three commas), its timestamp has the ``YYYY-MM-DDTHH:MM:SS+08:00`` shape
  (checked eight bytes at a time, SWAR style), its user is not empty and its action is one of
  the eight known words;
* timestamps: the hour prefix ``YYYY-MM-DDTHH`` changes a few times per block (rows are
  ascending), so each distinct prefix is converted once (calendar-checked by ``datetime``) and
  minutes and seconds are added per row;
* user ids and objects become 64-bit **keys** (:func:`field_keys`): a per-position mix of the
  field's bytes, eight at a time, and its length. Two user ids that differ in one eight-byte
  word never share a key; otherwise a collision between two different user ids of a log has a
  probability of about n² / 2⁶⁵ (n distinct users): below 10⁻⁹ for 100,000 users, the
  accepted cost of comparing 64-bit integers instead of strings;
* any block the fast path does not accept (quoting, another timestamp shape, a blank line, an
  unknown action, rows out of order…) is read by :mod:`~inspector_app.casepkg.logs`' row-by-row
  code, which raises the same errors with the same line numbers as :func:`~.logs.iter_usage`;
  its rows are turned into columns with the same key function (:func:`columns_from_lists`), so
  keys do not depend on which path read a row.

The fast path does not decode the bytes it accepts (the package's validation decoded every
row of the file beforehand); user ids are decoded when a caller asks for one
(:meth:`UserNames.name`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from inspector_app.casepkg.model import ACTIONS, UsageEvent

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]

_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_SEED = np.uint64(0x9E3779B97F4A7C15)
#: bytes of zero padding after a block, so that 64-byte windows never read past the end
PAD = 64
_ACTION_CODE = {a: i for i, a in enumerate(ACTIONS)}


def fmix(x: U64) -> U64:
    """MurmurHash3's 64-bit finaliser (a bijection that mixes every bit into every other)."""
    x = x ^ (x >> np.uint64(33))
    x = x * _M1
    x = x ^ (x >> np.uint64(33))
    x = x * _M2
    return x ^ (x >> np.uint64(33))


def _masks(nw: int) -> U64:
    """Row ``n`` keeps the first ``n`` bytes of ``nw`` little-endian 64-bit words."""
    m = np.zeros((nw * 8 + 1, nw * 8), np.uint8)
    for n in range(nw * 8 + 1):
        m[n, :n] = 0xFF
    return m.view(np.uint64)


def mix(x: U64) -> U64:
    """A cheap bijection of 64-bit words, not linear in + (xor-shift, then an odd multiply)."""
    return (x ^ (x >> np.uint64(29))) * _M1


_MASKS = {nw: _masks(nw) for nw in range(1, 9)}
#: per-position salts of :func:`field_keys` (a field of up to 2 MiB; longer ones wrap)
_SALTS = fmix(np.arange(1, 1 + (1 << 18), dtype=np.uint64) * _SEED)
_SALT_MIX = mix(_SALTS)  # mix(0 ^ salt): what an all-zero word contributes, subtracted


def field_keys(buf: U8, starts: I64, ends: I64) -> U64:
    """64-bit keys of the byte fields ``buf[starts[i]:ends[i]]``.

    ``buf`` must have :data:`PAD` zero bytes after the last field. The key is
    ``fmix(Σ_k (mix(w_k ^ s_k) − mix(s_k)) ^ fmix(length))`` over the field's eight-byte
    little-endian words ``w_k`` (the last one zero-padded) with per-position salts ``s_k``
    (``mix`` is :func:`_mix`, a bijection, so two fields that differ in one word never share a
    key): a zero word adds nothing, so the key depends on the field alone, not on the longest
    field of the block it was read with.
    """
    n = len(starts)
    ln = ends - starts
    h = np.zeros(n, np.uint64)
    if n == 0:
        return h
    longest = int(ln.max())
    limit = len(buf) - PAD
    off = 0
    word = 0
    while off < longest:
        nw = min(8, (longest - off + 7) // 8)
        width = nw * 8
        view = np.lib.stride_tricks.as_strided(buf, shape=(limit + 1, width), strides=(1, 1))
        rem = np.minimum(np.maximum(ln - off, 0), width)
        at = np.minimum(starts + off, limit)
        words = view[at].view(np.uint64)
        words &= _MASKS[nw][rem]
        for k in range(nw):
            salt = _SALTS[(word + k) % len(_SALTS)]
            h += mix(words[:, k] ^ salt)
            h -= _SALT_MIX[(word + k) % len(_SALTS)]
        off += width
        word += nw
    return fmix(h ^ fmix(ln.astype(np.uint64) + _SEED))


def keys_of_strings(values: Sequence[str], encoding: str) -> U64:
    """:func:`field_keys` of the encoded ``values`` (the row-by-row path's columns)."""
    encoded = [v.encode(encoding, "surrogateescape") for v in values]
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    ends = np.cumsum(lengths)
    buf = np.frombuffer(b"".join(encoded) + bytes(PAD), np.uint8)
    return field_keys(buf, ends - lengths, ends)


# ------------------------------------------------------------------ the action words
def _action_table() -> tuple[U64, npt.NDArray[np.uint8]]:
    words = []
    for a in ACTIONS:
        raw = a.encode().ljust(8, b"\0")
        words.append(int.from_bytes(raw, "little"))
    order = np.argsort(np.array(words, np.uint64))
    return np.array(words, np.uint64)[order], order.astype(np.uint8)


_ACTION_WORDS, _ACTION_CODES = _action_table()
_ACTION_LENGTHS = np.array([len(a) for a in ACTIONS], np.int64)


# ------------------------------------------------------------------ timestamps (SWAR)
def _pattern(text: str, digits: str) -> tuple[int, int, int, int]:
    """(xor, must-be-zero mask, +6 at digits, high nibbles of digits) for 8 chars of a shape.

    ``text`` gives the literal characters, ``digits`` marks digit positions with ``d`` and
    positions not checked here with ``.``.
    """
    xor = must = add = hi = 0
    for i, (c, kind) in enumerate(zip(text, digits, strict=True)):
        shift = 8 * i
        if kind == "d":
            xor |= 0x30 << shift
            must |= 0xF0 << shift
            add |= 0x06 << shift
            hi |= 0xF0 << shift
        elif kind == "=":
            xor |= ord(c) << shift
            must |= 0xFF << shift
    return xor, must, add, hi


#: the four words of ``YYYY-MM-DDTHH:MM:SS+08:00,`` (the comma is byte 25)
_SHAPE = [
    _pattern("0000-00-", "dddd=dd="),
    _pattern("00T00:00", "dd=dd=dd"),
    _pattern(
        ":00+08:0",
        "=dd=====",
    ),
    _pattern("0.......", "=......."),
]
_XOR = np.array([s[0] for s in _SHAPE], np.uint64)
_MUST = np.array([s[1] for s in _SHAPE], np.uint64)
_ADD = np.array([s[2] for s in _SHAPE], np.uint64)
_HI = np.array([s[3] for s in _SHAPE], np.uint64)
#: bytes 0–4 of word 1 (``DDTHH``): with word 0, the hour prefix
_HOUR_MASK = np.uint64(0xFF_FFFF_FFFF)
_HOUR_BASES: dict[bytes, int] = {}
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_LOCAL_OFFSET = 8 * 3600
_MINUTE = re.compile(r"(\d{4})-(\d\d)-(\d\d)T([01]\d|2[0-3]):([0-5]\d)")
_DAYS: dict[str, int] = {}


def _day_number(text: str) -> int:
    """Days from 1970-01-01 to the date ``YYYY-MM-DD`` (cached)."""
    days = _DAYS.get(text)
    if days is None:
        days = date.fromisoformat(text).toordinal() - _EPOCH_ORDINAL
        if len(_DAYS) > 100_000:
            _DAYS.clear()
        _DAYS[text] = days
    return days


def minute_base(prefix: str) -> int | None:
    """POSIX seconds of ``YYYY-MM-DDTHH:MM`` read as +08:00, or None when it is not that shape."""
    m = _MINUTE.fullmatch(prefix)
    if m is None:
        return None
    try:
        days = _day_number(prefix[:10])
    except ValueError:
        return None
    return days * 86400 + int(m.group(4)) * 3600 + int(m.group(5)) * 60 - _LOCAL_OFFSET


def _hour_base(prefix: bytes) -> int | None:
    """POSIX seconds of ``YYYY-MM-DDTHH`` read as +08:00 (None when not a real hour)."""
    base = _HOUR_BASES.get(prefix)
    if base is None:
        base = minute_base(prefix.decode("ascii") + ":00")
        if base is None:
            return None
        if len(_HOUR_BASES) > 100_000:
            _HOUR_BASES.clear()
        _HOUR_BASES[prefix] = base
    return base


def _timestamps(buf: U8, starts: I64) -> I64 | None:
    """POSIX seconds of the 25-byte timestamps at ``starts`` (None: a shape not accepted)."""
    n = len(starts)
    view = np.lib.stride_tricks.as_strided(buf, shape=(len(buf) - 31, 32), strides=(1, 1))
    w = view[starts].view(np.uint64)  # (n, 4)
    d = w ^ _XOR
    bad = d + _ADD
    bad &= _HI
    bad |= d & _MUST
    if bad.any():
        return None
    # minutes and seconds (digits after the xor are 0–9)
    w1, w2 = d[:, 1], d[:, 2]
    mm = ((w1 >> np.uint64(48)) & np.uint64(0xF)) * np.uint64(10) + (
        (w1 >> np.uint64(56)) & np.uint64(0xF)
    )
    ss = ((w2 >> np.uint64(8)) & np.uint64(0xF)) * np.uint64(10) + (
        (w2 >> np.uint64(16)) & np.uint64(0xF)
    )
    if (mm >= 60).any() or (ss >= 60).any():
        return None
    # the hour prefix: consecutive equal prefixes share one conversion
    p0 = w[:, 0]
    p1 = w[:, 1] & _HOUR_MASK
    change = np.empty(n, np.bool_)
    change[0] = True
    np.not_equal(p0[1:], p0[:-1], out=change[1:])
    change[1:] |= p1[1:] != p1[:-1]
    heads = np.flatnonzero(change)
    bases = np.empty(len(heads), np.int64)
    for i, at in enumerate(heads.tolist()):
        base = _hour_base(bytes(buf[starts[at] : starts[at] + 13]))
        if base is None:
            return None
        bases[i] = base
    counts = np.diff(np.append(heads, n))
    return np.repeat(bases, counts) + (mm * np.uint64(60) + ss).astype(np.int64)


# ------------------------------------------------------------------ whitespace
#: bytes ``str.strip()`` removes that can stand unquoted in a field (CR and LF cannot)
_ASCII_SPACE = np.zeros(256, np.bool_)
_ASCII_SPACE[[0x09, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True
#: the non-ASCII characters ``str.strip()`` removes (U+0085, U+00A0, U+1680, U+2000…, U+3000)
_WIDE_SPACES = [chr(c) for c in range(0x80, 0x10000) if chr(c).isspace()]


class _Spaces:
    """How the wide spaces look in one encoding: their byte strings grouped by length (as
    big-endian ints), and flag tables of a field's first and last byte (1: an ASCII space
    ``strip()`` removes; 2: may begin or end a wide space)."""

    def __init__(self, encoding: str) -> None:
        coded = {c.encode(encoding) for c in _WIDE_SPACES}
        self.by_length = {
            n: np.array(sorted(int.from_bytes(b, "big") for b in coded if len(b) == n), np.int64)
            for n in sorted({len(b) for b in coded})
        }
        self.first = np.zeros(256, np.uint8)
        self.last = np.zeros(256, np.uint8)
        self.first[_ASCII_SPACE] = 1
        self.last[_ASCII_SPACE] = 1
        self.first[sorted({b[0] for b in coded})] |= 2
        self.last[sorted({b[-1] for b in coded})] |= 2


#: the encodings whose non-ASCII blocks the fast path takes (those validation can establish)
_SPACES = {"utf-8": _Spaces("utf-8"), "gb18030": _Spaces("gb18030")}


def _padded(buf: U8, starts: I64, ends: I64, spaces: _Spaces) -> bool:
    """Does a field ``buf[start:end]`` begin or end with a character that ``str.strip()``
    removes? The row-by-row reader strips fields; the fast path does not, so such a block is
    left to it. (An empty field's first byte is its line end or comma, its last the comma
    before it: neither counts. Bytes read before a short field's start, or a match straddling
    two characters, only risk a needless fallback, never a miss.)"""
    first = spaces.first[buf[starts]]
    last = spaces.last[buf[ends - 1]]
    flags = first | last
    if not flags.any():
        return False
    if (flags & 1).any():
        return True
    s = starts[(first & 2) != 0]
    e = ends[(last & 2) != 0]
    for n, codes in spaces.by_length.items():
        head = np.zeros(len(s), np.int64)
        tail = np.zeros(len(e), np.int64)
        for k in range(n):
            head = (head << 8) | buf[s + k].astype(np.int64)
            tail = (tail << 8) | buf[np.maximum(e - n + k, 0)].astype(np.int64)
        if np.isin(head, codes).any() or np.isin(tail, codes).any():
            return True
    return False


# ------------------------------------------------------------------ blocks
class UserNames:
    """The user ids of a column block, decoded on demand (by row index within the block)."""

    __slots__ = ("_buf", "_encoding", "_ends", "_starts", "_values")

    def __init__(
        self,
        *,
        values: Sequence[str] | None = None,
        buf: U8 | None = None,
        starts: I64 | None = None,
        ends: I64 | None = None,
        encoding: str = "utf-8",
    ) -> None:
        self._values = values
        self._buf = buf
        self._starts = starts
        self._ends = ends
        self._encoding = encoding

    def name(self, i: int) -> str:
        if self._values is not None:
            return self._values[i]
        assert self._buf is not None and self._starts is not None and self._ends is not None
        raw = self._buf[int(self._starts[i]) : int(self._ends[i])].tobytes()
        try:
            return raw.decode(self._encoding)
        except UnicodeDecodeError:
            return raw.decode("gb18030", "replace")

    def names(self, rows: I64) -> list[str]:
        """:meth:`name` of several row indices: their bytes joined by newlines (which no id
        of a column block holds, nor any multi-byte character of UTF-8 or GB18030) and
        decoded at once; one by one when that fails."""
        if self._values is not None:
            return [self._values[i] for i in rows.tolist()]
        assert self._buf is not None and self._starts is not None and self._ends is not None
        if not len(rows) or self._encoding.replace("_", "-").lower() not in ("utf-8", "gb18030"):
            return [self.name(i) for i in rows.tolist()]
        starts = self._starts[rows]
        lengths = self._ends[rows] - starts
        room = lengths + 1
        at = np.cumsum(room) - room  # where each id starts in the joined buffer
        joined = np.full(int(room.sum()), ord("\n"), np.uint8)
        inner = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        joined[np.repeat(at, lengths) + inner] = self._buf[np.repeat(starts, lengths) + inner]
        try:
            out = joined.tobytes().decode(self._encoding).split("\n")[:-1]
        except UnicodeDecodeError:
            return [self.name(i) for i in rows.tolist()]
        return out if len(out) == len(rows) else [self.name(i) for i in rows.tolist()]


class UsageColumns(NamedTuple):
    """Consecutive rows of a usage log as numpy columns (ascending ``ts``)."""

    #: POSIX seconds (int64)
    ts: I64
    #: key of the user id (:func:`field_keys` of its bytes in the file's encoding)
    ukey: U64
    #: index into :data:`~inspector_app.casepkg.model.ACTIONS`; for events from elsewhere
    #: with another action, a key of it with the top bit set (uint64)
    action: U64
    #: key of the object (empty objects included)
    okey: U64
    #: data-record numbers (int64)
    rows: I64
    names: UserNames


def columns_from_lists(
    ts: Sequence[int],
    users: Sequence[str],
    actions: Sequence[str],
    objects: Sequence[str],
    rows: Sequence[int],
    *,
    encoding: str = "utf-8",
) -> UsageColumns:
    """Columns of rows read one by one (the same keys as the fast path gives)."""
    code = _ACTION_CODE
    known = np.fromiter((code.get(a, -1) for a in actions), np.int64, len(actions))
    other = np.flatnonzero(known < 0)
    action = known.astype(np.uint64)
    if len(other):
        keys = keys_of_strings([actions[i] for i in other.tolist()], encoding)
        action[other] = keys | np.uint64(1 << 63)
    return UsageColumns(
        np.fromiter(ts, np.int64, len(ts)),
        keys_of_strings(users, encoding),
        action,
        keys_of_strings(objects, encoding),
        np.fromiter(rows, np.int64, len(rows)),
        UserNames(values=list(users)),
    )


class Layout(NamedTuple):
    """A block the fast path accepted, before its object keys are computed (:func:`layout`)."""

    buf: U8
    ts: I64
    action: U64
    #: first comma, second comma, third comma and line end of each line
    seps: I64
    #: the user keys
    ukey: U64

    def columns(self, first_row: int, encoding: str) -> UsageColumns:
        """The block's columns, rows numbered from ``first_row`` (computes the object keys)."""
        seps, buf, ukey = self.seps, self.buf, self.ukey
        u_start = seps[:, 0] + 1
        okey = field_keys(buf, seps[:, 2] + 1, seps[:, 3])
        n = len(self.ts)
        rows = np.arange(first_row, first_row + n, dtype=np.int64)
        names = UserNames(buf=buf, starts=u_start, ends=seps[:, 1], encoding=encoding)
        return UsageColumns(self.ts, ukey, self.action, okey, rows, names)


class ParsedBlock(bytes):
    """A raw block with its :class:`Layout` made on the reader's helper thread (``prev_ts``
    unknown there): see :func:`speculate`."""

    layout: Layout | None = None


def speculate(block: bytes, encoding: str = "utf-8") -> ParsedBlock:
    """``block`` with its layout parsed ahead (None when the fast path refuses it); the object
    keys are left to the consumer, which balances the work of the two threads."""
    out = ParsedBlock(block)
    out.layout = layout(block, -(1 << 62), encoding)
    return out


def columns_from_events(
    events: Iterable[UsageEvent], size: int = 1 << 14, *, encoding: str = "utf-8"
) -> Iterator[UsageColumns]:
    """Column blocks of at most ``size`` events from event tuples (any source)."""
    it = iter(events)
    while chunk := list(islice(it, size)):
        ts, users, actions, objects, rows = zip(*chunk, strict=True)
        yield columns_from_lists(ts, users, actions, objects, rows, encoding=encoding)


def parse_block(block: bytes, prev_ts: int, first_row: int, encoding: str) -> UsageColumns | None:
    """The rows of a line-aligned block of ``timestamp,user_id,action,object`` lines as
    columns, or None when the fast path does not accept the block (see the module docstring;
    also when its first timestamp is before ``prev_ts``). ``block`` holds no header."""
    got = layout(block, prev_ts, encoding)
    return None if got is None else got.columns(first_row, encoding)


def layout(block: bytes, prev_ts: int, encoding: str = "utf-8") -> Layout | None:
    """:func:`parse_block` without the object keys. Blocks in UTF-8 or GB18030 are taken (the
    white-space check knows their spaces); in another encoding, plain ASCII ones only."""
    spaces = _SPACES.get(encoding.replace("_", "-").lower())
    if spaces is None:
        if not block.isascii():
            return None
        spaces = _SPACES["utf-8"]
    if b'"' in block:
        return None
    if b"\r" in block:
        block = block.replace(b"\r\n", b"\n")
        if b"\r" in block:
            return None
    if not block.endswith(b"\n"):
        block += b"\n"
    size = len(block)
    buf = np.frombuffer(block + bytes(PAD), np.uint8)
    body = buf[:size]
    # the line ends and commas in one scan: each line must give exactly ",,,\n"
    found = np.flatnonzero((body == 10) | (body == 44))
    if len(found) % 4:
        return None
    seps = found.reshape(-1, 4)
    n = len(seps)
    if n == 0:
        return None
    kinds = body[seps]
    if (kinds[:, :3] != 44).any() or (kinds[:, 3] != 10).any():
        return None
    ends = seps[:, 3]
    commas = seps[:, :3]
    starts = np.empty(n, np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    # the timestamp: the 25 bytes before the first comma
    if (commas[:, 0] - starts != 25).any():
        return None
    ts = _timestamps(buf, starts)
    if ts is None or int(ts[0]) < prev_ts or (n > 1 and (ts[1:] < ts[:-1]).any()):
        return None
    u_start = commas[:, 0] + 1
    u_len = commas[:, 1] - u_start
    if (u_len <= 0).any():
        return None
    if _padded(buf, u_start, commas[:, 1], spaces) or _padded(buf, commas[:, 2] + 1, ends, spaces):
        return None
    a_start = commas[:, 1] + 1
    a_len = commas[:, 2] - a_start
    if (a_len < 4).any() or (a_len > 7).any():
        return None
    view = np.lib.stride_tricks.as_strided(buf, shape=(size + 1, 8), strides=(1, 1))
    words = view[a_start].view(np.uint64)[:, 0] & _MASKS[1][a_len, 0]
    at = np.searchsorted(_ACTION_WORDS, words)
    at[at >= len(_ACTION_WORDS)] = 0
    if (_ACTION_WORDS[at] != words).any():
        return None
    action = _ACTION_CODES[at].astype(np.uint64)
    if (_ACTION_LENGTHS[action] != a_len).any():  # a NUL byte inside the field
        return None
    return Layout(buf, ts, action, seps, field_keys(buf, u_start, commas[:, 1]))
