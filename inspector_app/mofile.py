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

:func:`merge` merges a language's catalogs as :func:`inspector_app.i18n.translations` needs
them. :func:`write_cache` (``python -m inspector_app.mofile --write-cache FOLDER...``, run by
tools/compile_catalogs.sh) writes them merged to :data:`CACHE_NAME` beside them: a header (a
magic, the format, the Python version whose :mod:`marshal` wrote it, the CRC-32 of the rest),
then the marshalled merged catalog, ``_info``, ``_charset``, ``Plural-Forms`` expression and the
name, size and CRC-32 of every ``.mo`` it was made from. :func:`from_cache` gives one
translations object from it that answers as the merged catalogs and their fallbacks do, or
``None`` when it is missing, damaged or made from other files; it is never written at run time.
"""

from __future__ import annotations

import codecs
import gettext
import marshal
import os
import sys
from collections.abc import Callable, Sequence
from functools import cache
from itertools import compress
from itertools import count as counter
from operator import add, itemgetter, ne, sub
from pathlib import Path
from struct import Struct, unpack_from
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

    def __init__(self, data: bytes, name: object) -> None:
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
    #: the ``Plural-Forms`` expression ``plural`` was compiled from (``None``: gettext's
    #: default, ``n != 1``), known when the catalog was read by the fast path only
    _expression: str | None = None
    _expression_known: bool = False

    def _parse(self, fp: Any) -> None:
        buf: bytes = fp.read()
        self._expression = None
        try:
            done = self._parse_fast(buf)
        except Exception:  # gettext reads it again, and raises its own error
            done = False
        self._expression_known = done
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
                self._expression = v.split(";")[1].split("plural=")[1]
                self.plural = plural_function(self._expression)


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


# ---------------------------------------------------------------------------- merged catalogs

#: the file beside a language's ``.mo`` catalogs that holds them merged (tools/compile_catalogs.sh)
CACHE_NAME = "catalogs.cache"
#: the cache's header: a magic, the format's version, the Python (major, minor) whose
#: ``marshal`` wrote it, and the ``zlib.crc32`` of what follows (the marshalled payload)
_CACHE_HEAD = Struct("<8sHBBI")
_CACHE_MAGIC = b"InspMoC\x00"
CACHE_FORMAT = 1


#: a compiled catalog: its path (named by gettext's errors) and its bytes
Catalog = tuple[Path, bytes]


def read_catalogs(paths: Sequence[Path]) -> list[Catalog]:
    """Each catalog's path and bytes."""
    out: list[Catalog] = []
    for path in paths:
        with path.open("rb", buffering=0) as fh:  # unbuffered: one read of the whole file
            out.append((path, fh.read()))
    return out


def merge(files: Sequence[Catalog]) -> MoTranslations:
    """The catalogs, read in order and merged: the first is the translations object, every
    other one its fallback (after the one before it), and every message of a later catalog
    is also put into the first one unless the first already has it. A lookup is one dict
    access, not a walk down fifteen catalogs (the report drafts look up thousands), and the
    first catalog that has a message wins, as it did through the fallbacks."""
    merged: MoTranslations | None = None
    for name, data in files:
        area = MoTranslations(_Read(data, name))
        if merged is None:
            merged = area
        else:
            merged.add_fallback(area)
            for key, value in area._catalog.items():
                merged._catalog.setdefault(key, value)
    if merged is None:
        raise ValueError("no catalog to merge")
    return merged


def _inventory(files: Sequence[Catalog]) -> list[tuple[str, int, int]]:
    """What a cache is made from: each catalog's file name, size and CRC-32."""
    from zlib import crc32  # the frozen app's bootloader has it loaded already

    return [(path.name, len(data), crc32(data)) for path, data in files]


def cache_bytes(files: Sequence[Catalog]) -> bytes | None:
    """The cache of the catalogs ``files`` merged (:func:`merge`), or ``None`` if one object
    cannot stand for the merged catalogs and their fallbacks: when a later catalog with plural
    messages has another ``Plural-Forms`` than the first (``ngettext`` that misses in the
    merged catalog asks each fallback with its own rule), or when a catalog whose rule counts
    was read by gettext itself (the rule it compiled is not known here)."""
    from zlib import crc32

    merged = merge(files)
    areas: list[MoTranslations] = []
    trans: gettext.NullTranslations | None = merged
    while isinstance(trans, MoTranslations):
        areas.append(trans)
        trans = trans._fallback  # type: ignore[attr-defined]
    rules = [merged] + [a for a in areas[1:] if any(type(k) is tuple for k in a._catalog)]
    if not all(a._expression_known and a._expression == merged._expression for a in rules):
        return None
    # the fallbacks matter in one place only: a plural form that is empty in the merged catalog
    # is taken from the first later catalog that has it (inspector_app.i18n.plural_catalog);
    # such forms are kept apart, in a fallback that holds nothing else
    catalog = merged._catalog
    fills: dict[str | tuple[str, int], str] = {}
    for area in areas[1:]:
        for key, value in area._catalog.items():
            if isinstance(key, tuple) and value and not catalog[key] and key not in fills:
                fills[key] = value
    payload = marshal.dumps(
        {
            "files": _inventory(files),
            "catalog": catalog,
            "info": merged._info,
            "charset": merged._charset,
            "plural": merged._expression,
            "fills": fills,
        }
    )
    major, minor = sys.version_info[:2]
    head = _CACHE_HEAD.pack(_CACHE_MAGIC, CACHE_FORMAT, major, minor, crc32(payload))
    return head + payload


def from_cache(cache: Path, files: Sequence[Catalog]) -> MoTranslations | None:
    """The merged catalogs from the cache file, if it was made by this format and Python from
    exactly these catalogs (names, sizes, CRC-32 of their bytes); else ``None``, silently
    (missing, unreadable, truncated, corrupt, stale)."""
    try:
        with cache.open("rb", buffering=0) as fh:
            data = fh.read()
    except OSError:
        return None
    try:
        return _load(data, files)
    except Exception:  # a damaged cache is no cache
        return None


def _load(data: bytes, files: Sequence[Catalog]) -> MoTranslations | None:
    from zlib import crc32

    size = _CACHE_HEAD.size
    if len(data) <= size:
        return None
    magic, version, major, minor, crc = _CACHE_HEAD.unpack_from(data)
    if magic != _CACHE_MAGIC or version != CACHE_FORMAT or (major, minor) != sys.version_info[:2]:
        return None
    payload = memoryview(data)[size:]
    if crc32(payload) != crc:
        return None
    content = marshal.loads(payload)
    if not isinstance(content, dict) or content.get("files") != _inventory(files):
        return None
    catalog = content["catalog"]
    info = content["info"]
    charset = content["charset"]
    expression = content["plural"]
    fills = content["fills"]
    if not (
        isinstance(catalog, dict)
        and isinstance(info, dict)
        and isinstance(fills, dict)
        and (charset is None or isinstance(charset, str))
        and (expression is None or isinstance(expression, str))
    ):
        return None
    plural = _germanic if expression is None else plural_function(expression)
    merged = _restored(catalog, info, charset, expression, plural)
    if fills:
        merged.add_fallback(_restored(fills, {}, charset, expression, plural))
    return merged


def _restored(
    catalog: dict[str | tuple[str, int], str],
    info: dict[str, str],
    charset: str | None,
    expression: str | None,
    plural: Callable[[int], int],
) -> MoTranslations:
    trans = MoTranslations()
    trans._catalog = catalog
    trans._info = info
    trans._charset = charset
    trans._expression = expression
    trans._expression_known = True
    trans.plural = plural
    return trans


def write_cache(folder: Path) -> str:
    """Writes the cache of the ``.mo`` catalogs of ``folder`` (read in name order, as
    :func:`inspector_app.i18n.translations` reads them) beside them, atomically, if it is not
    there already. Returns what was done: ``written``, ``unchanged``, ``removed`` (no catalog,
    or catalogs one object cannot stand for: a stale cache is deleted) or ``none``."""
    names = sorted(e.name for e in os.scandir(folder) if e.is_file() and e.name.endswith(".mo"))
    target = folder / CACHE_NAME
    content = cache_bytes(read_catalogs([folder / n for n in names])) if names else None
    if content is None:
        if target.exists():
            target.unlink()
            return "removed"
        return "none"
    try:
        if target.read_bytes() == content:
            return "unchanged"
    except OSError:
        pass
    temp = target.with_name(f".{CACHE_NAME}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(content)
        temp.replace(target)
    finally:
        if temp.exists():
            temp.unlink()
    return "written"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m inspector_app.mofile --write-cache FOLDER...``: one line per folder,
    ``<what was done>\\t<folder>`` (:func:`write_cache`), for tools/compile_catalogs.sh."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[0] != "--write-cache":
        print("usage: python -m inspector_app.mofile --write-cache FOLDER...", file=sys.stderr)
        return 2
    for folder in args[1:]:
        print(f"{write_cache(Path(folder))}\t{folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
