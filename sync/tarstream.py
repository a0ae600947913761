"""The container inside a bundle: a strict subset of POSIX ustar, streamed both ways.

Writing is a generator of byte chunks (so that age can encrypt while the archive is produced,
never holding a whole bundle in memory); reading parses a buffer (``bytes`` or an ``mmap``)
without copying entry data. Only regular files with short, safe ASCII names are accepted:
anything else (links, devices, pax or GNU extensions, a bad checksum, a truncated entry, data
after the end marker) is refused, so that the standard ``tar`` tool and this reader always
agree on what a bundle holds.
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

BLOCK = 512
CHUNK = 1 << 20
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")


class TarFormatError(ValueError):
    """The container is not a well-formed bundle archive."""


@dataclass(frozen=True)
class Source:
    """One entry to write: either ``data`` or a readable binary file ``path`` of ``size``."""

    name: str
    size: int
    data: bytes | None = None
    path: str | None = None


def _header(name: str, size: int) -> bytes:
    if not _NAME.match(name) or len(name) > 99:
        raise TarFormatError(f"unsafe entry name: {name!r}")
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = 0
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info.tobuf(format=tarfile.USTAR_FORMAT, encoding="ascii", errors="strict")


def _padding(size: int) -> bytes:
    return b"\0" * (-size % BLOCK)


def iter_archive(sources: Iterable[Source]) -> Iterator[bytes]:
    """The archive's bytes, chunk by chunk."""
    for src in sources:
        yield _header(src.name, src.size)
        if src.data is not None:
            if len(src.data) != src.size:
                raise TarFormatError(f"size of {src.name} changed")
            yield src.data
        else:
            assert src.path is not None
            done = 0
            with open(src.path, "rb") as fh:  # noqa: PTH123 - plain streaming read
                while chunk := fh.read(CHUNK):
                    done += len(chunk)
                    yield chunk
            if done != src.size:
                raise TarFormatError(f"size of {src.name} changed while writing")
        yield _padding(src.size)
    yield b"\0" * (2 * BLOCK)


class ChunkReader:
    """A read-only binary file over an iterator of chunks (what ``pyrage.encrypt_io`` reads)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._it = iter(chunks)
        self._buf = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:
        target = memoryview(buffer).cast("B")
        while not self._buf:
            nxt = next(self._it, None)
            if nxt is None:
                return 0
            self._buf = memoryview(nxt)
        n = min(len(target), len(self._buf))
        target[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            parts = [bytes(self._buf), *self._it]
            self._buf = memoryview(b"")
            return b"".join(parts)
        out = bytearray(size)
        n = self.readinto(out)
        return bytes(out[:n])


def _octal(field: bytes, what: str) -> int:
    text = field.rstrip(b"\0 ").lstrip(b" ")
    if not text or not all(48 <= c <= 55 for c in text):
        raise TarFormatError(f"bad {what} field")
    return int(text, 8)


@dataclass(frozen=True)
class Entry:
    name: str
    data: memoryview


def read_archive(buffer: bytes | memoryview | IO[bytes] | object) -> Iterator[Entry]:
    """Yield the entries of an archive held in ``buffer`` (bytes-like), in order.

    Raises:
        TarFormatError: anything but regular files with safe names, a bad checksum,
            truncation, or bytes after the end marker that are not zero.
    """
    view = memoryview(buffer).cast("B")  # type: ignore[arg-type]
    pos = 0
    total = len(view)
    while True:
        if pos + BLOCK > total:
            raise TarFormatError("truncated archive")
        header = view[pos : pos + BLOCK]
        if not any(header):
            rest = view[pos:]
            if len(rest) < 2 * BLOCK or any(rest):
                raise TarFormatError("malformed end of archive")
            return
        raw = bytes(header)
        stored = _octal(raw[148:156], "checksum")
        computed = sum(raw[:148]) + 8 * 32 + sum(raw[156:])
        if stored != computed:
            raise TarFormatError("header checksum mismatch")
        if raw[156:157] not in (b"0", b"\0"):
            raise TarFormatError("not a regular file entry")
        if raw[257:263] != b"ustar\x00":
            raise TarFormatError("not a ustar header")
        if raw[345:500].strip(b"\0"):
            raise TarFormatError("prefixed names are not used in bundles")
        try:
            name = raw[0:100].split(b"\0", 1)[0].decode("ascii")
        except UnicodeDecodeError as exc:
            raise TarFormatError("non-ASCII entry name") from exc
        if not _NAME.match(name):
            raise TarFormatError(f"unsafe entry name: {name!r}")
        size = _octal(raw[124:136], "size")
        start = pos + BLOCK
        end = start + size
        if end > total:
            raise TarFormatError(f"truncated entry {name}")
        yield Entry(name, view[start:end])
        pos = end + (-size % BLOCK)
