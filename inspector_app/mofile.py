"""Compiled gettext catalogs (``.mo``) read faster than :mod:`gettext` reads them, with the
same result.

:class:`MoTranslations` is a :class:`gettext.GNUTranslations` whose ``_parse`` reads each
offsets table whole (one :func:`struct.unpack_from`, instead of two ``unpack`` calls per
message); when the strings lie as msgfmt writes them (one after the other, a NUL between two;
checked), decodes all the msgids at once and all the translations at once and splits them on
NUL, reading alone only the entries with NULs of their own (plural messages and their forms);
and compiles each distinct ``Plural-Forms`` expression once per process (:func:`gettext.c2py` would compile the same one
for every catalog of a language). What it builds is what gettext builds: ``_catalog`` (``str``
keys; ``(msgid, i)`` keys for the forms of a plural message; a context entry keeps its
``msgctxt\\x04msgid`` key), ``_info``, ``_charset`` and ``plural``.

Anything out of the ordinary — a bad magic number, an unknown major revision, a truncated or
corrupt file, a header that is not the first entry, an undecodable string — goes to gettext's
own ``_parse`` on the same bytes, so the result or the exception (``OSError`` "Bad magic
number", "Bad version number", "File is corrupt"; ``struct.error``, ``UnicodeDecodeError``…)
is gettext's own.
"""

from __future__ import annotations

import codecs
import gettext
from collections.abc import Callable
from functools import cache
from itertools import compress
from itertools import count as counter
from operator import add, itemgetter, ne, sub
from struct import unpack_from
from typing import Any

#: the first four bytes of a .mo file, as written on a little-endian and a big-endian machine
_LE_MAGIC = (0x950412DE).to_bytes(4, "little")
_BE_MAGIC = (0x950412DE).to_bytes(4, "big")
#: charsets (codecs' names) whose text decoded whole and split on NUL is what decoding each
#: NUL-separated piece gives (NUL is one byte, never part of another character)
_SPLITS_LIKE_BYTES = frozenset({"utf-8", "ascii", "iso8859-1"})


@cache
def plural_function(expression: str) -> Callable[[int], int]:
    """``gettext.c2py(expression)``, compiled once per distinct expression."""
    return gettext.c2py(expression)


class _Read:
    """The bytes already read, offered again to gettext's ``_parse`` (with the file's name)."""

    def __init__(self, data: bytes, name: str) -> None:
        self._data = data
        self.name = name

    def read(self) -> bytes:
        return self._data


class MoTranslations(gettext.GNUTranslations):
    """A compiled catalog, read fast; the same object gettext's ``GNUTranslations`` makes."""

    _catalog: dict[str | tuple[str, int], str]
    _charset: str | None
    _info: dict[str, str]
    plural: Callable[[int], int]

    def _parse(self, fp: Any) -> None:
        buf: bytes = fp.read()
        try:
            done = self._parse_fast(buf)
        except Exception:  # gettext reads it again, and raises its own error
            done = False
        if done:
            return
        self._info = {}
        self._charset = None
        super()._parse(_Read(buf, getattr(fp, "name", "")))

    def _parse_fast(self, buf: bytes) -> bool:
        """Read ``buf`` if it is an ordinary, well-formed catalog; ``False`` if it is not (the
        caller hands it to gettext). May raise where gettext would too (the caller then does
        the same)."""
        magic = buf[:4]
        if magic == _LE_MAGIC:
            order = "<"
        elif magic == _BE_MAGIC:
            order = ">"
        else:
            return False
        version, count, master, trans = unpack_from(order + "4I", buf, 4)
        if version >> 16 not in self.VERSIONS:
            return False
        pairs = f"{order}{2 * count}I"
        mtable = unpack_from(pairs, buf, master)  # length, offset, length, offset…
        ttable = unpack_from(pairs, buf, trans)
        self.plural = _germanic
        catalog: dict[str | tuple[str, int], str] = {}
        self._catalog = catalog
        if not count:
            return True
        mlens = mtable[0::2]
        mstarts = mtable[1::2]
        tlens = ttable[0::2]
        tstarts = ttable[1::2]
        # the header (the empty msgid) first, as msgfmt writes it, sets the charset for all
        if 0 in mlens[1:]:
            return False
        size = len(buf)
        mends = _contiguous(mlens, mstarts)
        tends = _contiguous(tlens, tstarts)
        mend = mends[-1] if mends else max(map(add, mlens, mstarts))
        tend = tends[-1] if tends else max(map(add, tlens, tstarts))
        if mend >= size or tend >= size:
            return False  # gettext: "File is corrupt" (it also refuses a string ending at EOF)
        if mlens[0] == 0:
            self._read_header(buf[tstarts[0] : tstarts[0] + tlens[0]])
        charset = self._charset or "ascii"
        pieces = values = None
        if mends and tends and codecs.lookup(charset).name in _SPLITS_LIKE_BYTES:
            pieces = _pieces(buf, mstarts, mlens, mends, charset)
            values = _pieces(buf, tstarts, tlens, tends, charset)
        if pieces is None or values is None:  # strings laid out otherwise: one by one
            for ms, ml, ts, tl in zip(mstarts, mlens, tstarts, tlens, strict=True):
                _add(catalog, buf[ms : ms + ml], buf[ts : ts + tl], charset)
            return True
        # every string was decoded with its neighbours; an entry with a NUL of its own (a
        # plural message, its forms) is read alone, as gettext reads it
        keys, kspan = pieces
        texts, tspan = values
        k = t = first = 0
        for i in [*sorted(kspan.keys() | tspan.keys()), count]:
            run = i - first
            if run:
                catalog.update(zip(keys[k : k + run], texts[t : t + run], strict=True))
                k += run
                t += run
            if i < count:
                ms, ts = mstarts[i], tstarts[i]
                _add(catalog, buf[ms : ms + mlens[i]], buf[ts : ts + tlens[i]], charset)
                k += kspan.get(i, 1)
                t += tspan.get(i, 1)
            first = i + 1
        return True

    def _read_header(self, header: bytes) -> None:
        """The catalog's description, read exactly as gettext reads it."""
        info: dict[str, str] = self._info
        lastk = None
        for b_item in header.split(b"\n"):
            item = b_item.decode().strip()
            if not item:
                continue
            if item.startswith("#-#-#-#-#") and item.endswith("#-#-#-#-#"):
                continue
            k = v = None
            if ":" in item:
                k, v = item.split(":", 1)
                k = k.strip().lower()
                v = v.strip()
                info[k] = v
                lastk = k
            elif lastk:
                info[lastk] += "\n" + item
            if k == "content-type":
                assert v is not None
                self._charset = v.split("charset=")[1]
            elif k == "plural-forms":
                assert v is not None
                self.plural = plural_function(v.split(";")[1].split("plural=")[1])


def _add(catalog: dict[str | tuple[str, int], str], msg: bytes, tmsg: bytes, charset: str) -> None:
    """One entry into the catalog, as gettext adds it."""
    if b"\x00" in msg:  # a plural message: its forms by index, keyed by the singular
        singular, _plural = msg.split(b"\x00")
        msgid = str(singular, charset)
        for i, form in enumerate(tmsg.split(b"\x00")):
            catalog[(msgid, i)] = str(form, charset)
    else:
        catalog[str(msg, charset)] = str(tmsg, charset)


def _contiguous(lengths: tuple[int, ...], starts: tuple[int, ...]) -> tuple[int, ...] | None:
    """Where the strings end, if they follow each other in the file with one byte between two
    (msgfmt: a NUL); else ``None``."""
    ends = tuple(map(add, starts, lengths))
    if tuple(map(sub, starts[1:], ends)) == (1,) * (len(starts) - 1):
        return ends
    return None


def _pieces(
    buf: bytes,
    starts: tuple[int, ...],
    lengths: tuple[int, ...],
    ends: tuple[int, ...],
    charset: str,
) -> tuple[list[str], dict[int, int]] | None:
    """The contiguous strings (one byte between two) decoded at once and split on NUL; and
    the entries that hold NULs of their own, each with its number of pieces. ``None`` if a
    byte between two strings is not a NUL."""
    region = buf[starts[0] : ends[-1]]
    texts = region.decode(charset).split("\x00")
    count = len(lengths)
    if len(texts) == count:  # as many NULs as gaps: are they the gaps?
        gaps = ends[:-1]
        if not gaps or not any(itemgetter(gaps[0], *gaps)(buf)):
            return texts, {}
    # the pieces' lengths in bytes: the decoded pieces' if all is ASCII
    sizes = tuple(map(len, texts if region.isascii() else region.split(b"\x00")))
    if len(sizes) != len(texts):
        return None
    # walk the entries and the pieces together: an entry whose length is not its piece's
    # holds NULs (it spans that many more pieces) or is followed by another byte than NUL
    spans: dict[int, int] = {}
    i = j = 0
    start = 0
    while True:
        same = next(compress(counter(), map(ne, lengths[i:], sizes[j:])), None)
        if same is None:
            same = min(count - i, len(sizes) - j)
        i += same
        start += sum(lengths[i - same : i]) + same
        j += same
        if i >= count:
            break
        end = start + lengths[i]
        if i + 1 < count and region[end] != 0:
            return None
        span = region.count(b"\x00", start, end) + 1
        spans[i] = span
        i += 1
        j += span
        if j > len(sizes):
            return None
        start = end + 1
    if i != count or j != len(sizes):
        return None
    return texts, spans


def _germanic(n: int) -> int:
    """gettext's plural rule of a catalog without ``Plural-Forms``."""
    return int(n != 1)
