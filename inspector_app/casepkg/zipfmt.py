"""The ZIP container of a case package, read by hand for full control.

Python's :mod:`zipfile` decodes names as CP437, trusts local headers and hides how much input an
inflater consumed; a package reader must do better: decode names per the format, find ZIP64
records, refuse overlapping entries, and stop a decompression bomb while it inflates. So the
central directory is parsed here and entry data is inflated with :mod:`zlib` directly.
"""

from __future__ import annotations

import io
import os
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from inspector_app.casepkg.names import decode_name, extra_fields
from inspector_app.casepkg.textio import (
    MAX_RATIO,
    RATIO_FREE_BYTES,
    StreamProblem,
    inflate_chunks,
)
from inspector_app.i18n import Message, bi

LOCAL_SIG = b"PK\x03\x04"
CENTRAL_SIG = b"PK\x01\x02"
EOCD_SIG = b"PK\x05\x06"
EOCD64_SIG = b"PK\x06\x06"
LOCATOR64_SIG = b"PK\x06\x07"
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_EOCD = struct.Struct("<4sHHHHIIH")
_EOCD64 = struct.Struct("<4sQHHIIQQQQ")
_LOCATOR64 = struct.Struct("<4sIQI")
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
READ_SIZE = 1 << 20
STORED, DEFLATED = 0, 8


class ZipProblem(Exception):
    """The container (or one entry of it) is unreadable; ``code`` is a format error code."""

    def __init__(self, code: str, message: Message, path: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path


@dataclass(slots=True)
class ZipEntry:
    """One central-directory record, with its decoded name."""

    index: int
    name: str
    raw_name: bytes
    name_problem: Message | None
    flags: int
    method: int
    compressed_size: int
    size: int
    crc: int
    header_offset: int
    version_made_by: int
    external_attr: int
    #: where the next entry (or the central directory) starts: data may not reach past it
    data_limit: int = 0

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")

    @property
    def is_symlink(self) -> bool:
        unix = (self.version_made_by >> 8) == 3
        return unix and ((self.external_attr >> 16) & 0o170000) == 0o120000

    @property
    def encrypted(self) -> bool:
        return bool(self.flags & 0x1)


class ZipArchive:
    """A ZIP file's central directory, and streaming access to its entries.

    Raises :class:`ZipProblem` (``NOT_A_ZIP``, ``TRUNCATED``, ``TOO_LARGE``) when the directory
    cannot be read. Entry data is read through a fresh file handle per stream, so several
    threads may read different entries at once.
    """

    def __init__(self, path: Path, *, max_entries: int = 100_000) -> None:
        self.path = Path(path)
        self.entries: list[ZipEntry] = []
        self._by_name: dict[str, ZipEntry] = {}
        self._lock = threading.Lock()
        with self.path.open("rb") as f:
            self.file_size = os.fstat(f.fileno()).st_size
            self._starts_like_zip = f.read(4) in (LOCAL_SIG, EOCD_SIG)
            self._read_directory(f, max_entries)
        for e in self.entries:
            if not e.is_dir and e.name_problem is None:
                self._by_name.setdefault(e.name, e)

    # ----------------------------------------------------------------- central directory
    def _broken(self, message: Message) -> ZipProblem:
        if self._starts_like_zip:
            return ZipProblem("TRUNCATED", message)
        return ZipProblem("NOT_A_ZIP", bi("The file is not a ZIP archive."))

    def _read_directory(self, f: BinaryIO, max_entries: int) -> None:
        size = self.file_size
        if size < _EOCD.size:
            raise self._broken(bi("The archive is truncated: no end of central directory."))
        tail_len = min(size, _EOCD.size + 0xFFFF)
        f.seek(size - tail_len)
        tail = f.read(tail_len)
        if tail.rfind(EOCD_SIG) < 0:
            raise self._broken(bi("The archive is truncated: no end of central directory."))
        pos = self._find_eocd(tail)
        if pos < 0:
            raise self._broken(
                bi(
                    "The last end of central directory record is cut short or claims a comment longer than the bytes that follow; earlier end records are not used."
                )
            )
        eocd_at = size - tail_len + pos
        _sig, disk, disk_cd, n_disk, n_total, cd_size, cd_offset, _clen = _EOCD.unpack_from(
            tail, pos
        )
        cd_end = eocd_at
        if eocd_at >= _LOCATOR64.size:
            f.seek(eocd_at - _LOCATOR64.size)
            loc = f.read(_LOCATOR64.size)
            if loc[:4] == LOCATOR64_SIG:
                _s, _d, eocd64_offset, _disks = _LOCATOR64.unpack(loc)
                eocd64_at = self._find_eocd64(f, eocd64_offset, eocd_at - _LOCATOR64.size)
                rec = _EOCD64.unpack(self._read_at(f, eocd64_at, _EOCD64.size))
                disk, disk_cd, n_disk, n_total, cd_size, cd_offset = rec[4:10]
                cd_end = eocd64_at
        if (
            0xFFFF in (n_total, n_disk) or 0xFFFFFFFF in (cd_size, cd_offset)
        ) and cd_end == eocd_at:
            raise self._broken(bi("The ZIP64 end of central directory is missing."))
        if disk != disk_cd or n_disk != n_total:
            raise ZipProblem("NOT_A_ZIP", bi("Split (multi-volume) archives are not supported."))
        if n_total > max_entries:
            raise ZipProblem(
                "TOO_LARGE",
                bi(
                    "The archive has {count} entries; the limit is {limit}.",
                    count=n_total,
                    limit=max_entries,
                ),
            )
        concat = cd_end - cd_size - cd_offset
        if concat < 0:
            raise self._broken(bi("The archive is truncated: the central directory is cut."))
        self._cd_start = cd_offset + concat
        f.seek(self._cd_start)
        reader = io.BufferedReader(_Limited(f, cd_size), 1 << 16)
        for index in range(n_total):
            fixed = reader.read(_CENTRAL.size)
            if len(fixed) < _CENTRAL.size or fixed[:4] != CENTRAL_SIG:
                raise self._broken(bi("The central directory is damaged or truncated."))
            (
                _sig,
                made_by,
                _needed,
                flags,
                method,
                _time,
                _date,
                crc,
                csize,
                usize,
                nlen,
                elen,
                clen,
                _disk_start,
                _iattr,
                eattr,
                offset,
            ) = _CENTRAL.unpack(fixed)
            raw_name = reader.read(nlen)
            extra = reader.read(elen)
            if len(reader.read(clen)) != clen or len(raw_name) != nlen or len(extra) != elen:
                raise self._broken(bi("The central directory is damaged or truncated."))
            if 0xFFFFFFFF in (csize, usize, offset):
                usize, csize, offset = _zip64_values(extra, usize, csize, offset)
            name, problem = decode_name(raw_name, flags, extra)
            self.entries.append(
                ZipEntry(
                    index=index,
                    name=name if name is not None else raw_name.decode("utf-8", "replace"),
                    raw_name=raw_name,
                    name_problem=problem,
                    flags=flags,
                    method=method,
                    compressed_size=csize,
                    size=usize,
                    crc=crc,
                    header_offset=offset + concat,
                    version_made_by=made_by,
                    external_attr=eattr,
                )
            )
        ordered = sorted(self.entries, key=lambda e: e.header_offset)
        for cur, nxt in zip(ordered, [*ordered[1:], None][: len(ordered)], strict=True):
            cur.data_limit = nxt.header_offset if nxt is not None else self._cd_start

    @staticmethod
    def _find_eocd(tail: bytes) -> int:
        """Where the *last* end record starts, or -1 when it is missing or inconsistent.

        Only the last signature counts, as for ``unzip`` and Python's :mod:`zipfile`: a last end
        record that is cut short, or whose comment would reach past the end of the file, is
        refused instead of falling back to an earlier record (a parser differential: the
        earlier record may describe another archive). Bytes after the comment are tolerated.
        """
        pos = tail.rfind(EOCD_SIG)
        if pos < 0 or pos + _EOCD.size > len(tail):
            return -1
        (clen,) = struct.unpack_from("<H", tail, pos + 20)
        if pos + _EOCD.size + clen > len(tail):
            return -1
        return pos

    def _find_eocd64(self, f: BinaryIO, offset: int, locator_at: int) -> int:
        for candidate in (offset, locator_at - _EOCD64.size):
            if candidate >= 0 and candidate + _EOCD64.size <= self.file_size:
                f.seek(candidate)
                if f.read(4) == EOCD64_SIG:
                    return candidate
        raise self._broken(bi("The ZIP64 end of central directory is missing."))

    def _read_at(self, f: BinaryIO, offset: int, size: int) -> bytes:
        f.seek(offset)
        data = f.read(size)
        if len(data) != size:
            raise self._broken(bi("The archive is truncated."))
        return data

    # ----------------------------------------------------------------- entries
    def entry(self, name: str) -> ZipEntry | None:
        """The file entry named ``name`` (decoded, NFC)."""
        return self._by_name.get(name)

    def raw_chunks(self, entry: ZipEntry) -> Iterator[bytes]:
        """The stored (compressed) bytes of ``entry``, read through a fresh handle."""
        with self.path.open("rb") as f:
            head = self._read_local(f, entry)
            remaining = entry.compressed_size
            f.seek(head)
            while remaining > 0:
                block = f.read(min(READ_SIZE, remaining))
                if not block:
                    raise ZipProblem(
                        "TRUNCATED", bi("The archive is truncated inside this entry."), entry.name
                    )
                remaining -= len(block)
                yield block

    def _read_local(self, f: BinaryIO, entry: ZipEntry) -> int:
        """Check the local header of ``entry``; returns where its data starts."""
        if entry.header_offset + _LOCAL.size > self.file_size:
            raise ZipProblem("TRUNCATED", bi("The archive is truncated."), entry.name)
        f.seek(entry.header_offset)
        fields = _LOCAL.unpack(f.read(_LOCAL.size))
        if fields[0] != LOCAL_SIG:
            raise ZipProblem(
                "TRUNCATED", bi("The local header of the entry is damaged."), entry.name
            )
        if f.read(fields[9]) != entry.raw_name:
            # other tools (unzip, zipfile) extract by one name or the other: refuse both
            raise ZipProblem(
                "NAME_MISMATCH",
                bi("The entry's name in the central directory differs from its local header."),
                entry.name,
            )
        start: int = entry.header_offset + _LOCAL.size + fields[9] + fields[10]
        end = start + entry.compressed_size
        if end > self.file_size:
            raise ZipProblem(
                "TRUNCATED", bi("The archive is truncated inside this entry."), entry.name
            )
        if end > entry.data_limit:
            raise ZipProblem(
                "UNSUPPORTED_ENTRY",
                bi("The entry's data overlaps another entry (a crafted archive?)."),
                entry.name,
            )
        return start

    def chunks(
        self,
        entry: ZipEntry,
        *,
        on_output: Callable[[int], None] | None = None,
        max_ratio: int = MAX_RATIO,
        ratio_free: int = RATIO_FREE_BYTES,
    ) -> Iterator[bytes]:
        """The uncompressed bytes of ``entry``, block by block.

        The compression ratio is checked while inflating (``TOO_LARGE``); damaged deflate data
        raises :class:`~inspector_app.casepkg.textio.StreamProblem` (``HASH_MISMATCH``: the content cannot match its hash).
        """
        if entry.encrypted or entry.method not in (STORED, DEFLATED):
            raise ZipProblem("UNSUPPORTED_ENTRY", unsupported_message(entry), entry.name)
        raw = self.raw_chunks(entry)
        crc = 0
        if entry.method == STORED:
            for block in raw:
                if on_output is not None:
                    on_output(len(block))
                crc = zlib.crc32(block, crc)
                yield block
        else:
            for block in self._inflated(raw, on_output, max_ratio, ratio_free):
                crc = zlib.crc32(block, crc)
                yield block
        if crc != entry.crc:
            # the SHA-256 may still match, but unzip and zipfile refuse the entry
            raise ZipProblem(
                "CRC_MISMATCH",
                bi("The entry's CRC-32 does not match its content."),
                entry.name,
            )

    @staticmethod
    def _inflated(
        raw: Iterator[bytes],
        on_output: Callable[[int], None] | None,
        max_ratio: int,
        ratio_free: int,
    ) -> Iterator[bytes]:
        return inflate_chunks(
            raw,
            wbits=-15,
            on_output=on_output,
            max_ratio=max_ratio,
            ratio_free=ratio_free,
            damaged_code="HASH_MISMATCH",
            ratio_message=bi(
                "The entry expands more than {ratio} times (a decompression bomb?).",
                ratio=max_ratio,
            ),
        )

    def open_entry(self, entry: ZipEntry) -> IO[bytes]:
        """A readable binary stream of the uncompressed entry."""
        return io.BufferedReader(ChunkReader(self.chunks(entry)), READ_SIZE)


def unsupported_message(entry: ZipEntry) -> Message:
    if entry.encrypted:
        return bi("The entry is encrypted (ZIP encryption is not supported).")
    return bi(
        "The entry uses compression method {method}; only stored (0) and deflated (8) are supported.",
        method=entry.method,
    )


def _zip64_values(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    data = extra_fields(extra).get(0x0001, b"")
    pos = 0
    values = []
    for value in (usize, csize, offset):
        if value == 0xFFFFFFFF and pos + 8 <= len(data):
            values.append(int(struct.unpack_from("<Q", data, pos)[0]))
            pos += 8
        else:
            values.append(value)
    return values[0], values[1], values[2]


class _Limited(io.RawIOBase):
    """At most ``size`` bytes of ``f`` from its current position."""

    def __init__(self, f: BinaryIO, size: int) -> None:
        self._f = f
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        n = min(len(buffer), self._left)
        data = self._f.read(n)
        buffer[: len(data)] = data
        self._left -= len(data)
        return len(data)


class ChunkReader(io.RawIOBase):
    """A raw stream over an iterator of byte blocks (closing it closes the iterator)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buf = b""
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while self._pos >= len(self._buf):
            block = next(self._chunks, None)
            if block is None:
                return 0
            self._buf, self._pos = block, 0
        n = min(len(buffer), len(self._buf) - self._pos)
        buffer[:n] = self._buf[self._pos : self._pos + n]
        self._pos += n
        return n

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()


__all__ = ["ChunkReader", "StreamProblem", "ZipArchive", "ZipEntry", "ZipProblem"]
