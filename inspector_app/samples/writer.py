"""Writing a package: CSV/JSON encodings, the ZIP container and its export variants.

The container is deterministic: entries in a fixed order, each dated with the package's
``created_at`` (local time, as ZIP stores it), fixed attributes, and ``manifest.json`` last
(it needs every other entry's SHA-256 and size, which are computed while the entry is
streamed, so a multi-gigabyte package never sits in memory).

Variants reproduce what real exports do:

``gbk-names``                Chinese entry names in GBK, UTF-8 flag unset (Windows 压缩 tools)
``utf8-names-without-flag``  UTF-8 names without the flag (old Info-ZIP, macOS Archive Utility)
``gb18030-csv``              every CSV encoded GB18030 (saved from Chinese Excel)
``bom-crlf``                 CSVs and JSON with a UTF-8 BOM, CSVs with CRLF line ends
``gzip-log``                 ``usage.csv.gz`` instead of ``usage.csv``
``extra-columns``            CSV columns reordered, with unknown extra columns
``stored``                   no compression
``encrypted``                the ZIP encrypted with age to ``--recipient`` keys
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

VARIANTS: tuple[str, ...] = (
    "gbk-names",
    "utf8-names-without-flag",
    "gb18030-csv",
    "bom-crlf",
    "gzip-log",
    "extra-columns",
    "stored",
    "encrypted",
)

#: Unknown columns the ``extra-columns`` variant adds, as platform exports carry them.
_EXTRA = {
    "usage": ("ip", "client"),
    "default": ("备注", "导出时间"),
}


@dataclass
class Entry:
    """One file of the package, with its manifest metadata."""

    path: str
    data: bytes | None = None
    chunks: Callable[[], Iterable[bytes]] | None = None
    attachment: int | None = None
    kind: str | None = None
    title: str | None = None
    phase: str | None = None
    compress: bool = True

    def iter_bytes(self) -> Iterable[bytes]:
        if self.data is not None:
            return (self.data,)
        assert self.chunks is not None
        return self.chunks()


class Encoding:
    """How text files are encoded for a variant."""

    def __init__(self, variant: str | None, seed: int) -> None:
        self.variant = variant
        self.seed = seed

    @property
    def newline(self) -> str:
        return "\r\n" if self.variant == "bom-crlf" else "\n"

    def encode_csv_text(self, text: str, *, bom: bool = True) -> bytes:
        """CSV text in the variant's encoding, with its BOM unless ``bom`` is false."""
        data = text.encode("gb18030" if self.variant == "gb18030-csv" else "utf-8")
        return _BOM + data if bom and self.variant == "bom-crlf" else data

    def encode_json(self, value: Any) -> bytes:
        data = (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        return _BOM + data if self.variant == "bom-crlf" else data

    def columns(self, name: str, columns: list[str]) -> tuple[list[str], list[int]]:
        """The written header, the source index of each written column (-1: extra)."""
        if self.variant != "extra-columns":
            return columns, list(range(len(columns)))
        rng = random.Random(f"{self.seed}:{name}")
        order = list(range(len(columns)))
        rng.shuffle(order)
        if order == sorted(order):
            order = order[1:] + order[:1]
        extra = _EXTRA["usage" if name.endswith("usage.csv") else "default"]
        out = [columns[i] for i in order]
        idx = list(order)
        for k, e in enumerate(extra):
            pos = rng.randint(0, len(out))
            out.insert(pos, e)
            idx.insert(pos, -1 - k)
        return out, idx

    def csv_bytes(self, name: str, columns: list[str], rows: Iterable[list[str]]) -> bytes:
        header, idx = self.columns(name, columns)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator=self.newline)
        w.writerow(header)
        for row in rows:
            w.writerow(_pick(row, idx))
        return self.encode_csv_text(buf.getvalue())

    def log_chunks(self, name: str, chunks: Iterable[str]) -> Iterator[bytes]:
        """Stream a usage log or records file written as plain ``a,b,c\\n`` lines."""
        first = True
        reorder = self.variant == "extra-columns"
        idx: list[int] = []
        for chunk in chunks:
            text = chunk
            prefix = ""
            if first:
                head, _, text = text.partition("\n")
                header, idx = self.columns(name, head.split(","))
                prefix = ",".join(header) + "\n"
            if reorder and text:
                lines = text.split("\n")[:-1]
                text = "\n".join(",".join(_pick(line.split(","), idx)) for line in lines) + "\n"
            text = prefix + text
            if self.newline != "\n":
                text = text.replace("\n", self.newline)
            yield self.encode_csv_text(text, bom=first)
            first = False


_BOM = b"\xef\xbb\xbf"


def _pick(row: list[str], idx: list[int]) -> list[str]:
    """The cells of ``row`` in written order, extra columns (negative indices) filled in."""
    return [row[i] if i >= 0 else _extra_value(i, row) for i in idx]


def _extra_value(i: int, row: list[str]) -> str:
    if i == -1:
        return f"10.20.{len(row[0]) % 7 + 1}.{(len(row[-1]) * 37) % 250 + 2}" if row else ""
    return "web" if (len(row[0]) if row else 0) % 3 else "app"


def gzip_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """A deterministic gzip stream (no name, mtime 0) of ``chunks``."""
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    yield header
    comp = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc = 0
    size = 0
    for c in chunks:
        crc = zlib.crc32(c, crc)
        size += len(c)
        out = comp.compress(c)
        if out:
            yield out
    yield comp.flush()
    yield (crc & 0xFFFFFFFF).to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")


class _NamedInfo(zipfile.ZipInfo):
    """A ZipInfo whose name bytes and UTF-8 flag are chosen by the writer."""

    raw_encoding = "utf-8"
    set_utf8_flag = True

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        try:
            return self.filename.encode("ascii"), self.flag_bits & ~0x800
        except UnicodeEncodeError:
            data = self.filename.encode(self.raw_encoding)
            if self.set_utf8_flag:
                return data, self.flag_bits | 0x800
            return data, self.flag_bits & ~0x800


def write_zip(
    out: IO[bytes],
    entries: Iterable[Entry],
    *,
    created_at: datetime,
    variant: str | None,
    manifest: Callable[[list[dict[str, Any]]], bytes],
    level: int = 6,
    zip64_streams: bool = False,
    on_entry: Callable[[str], None] | None = None,
    on_chunk: Callable[[], None] | None = None,
) -> None:
    """Write ``entries`` and then ``manifest.json`` (built from the entries' hashes)."""
    when = created_at.timetuple()[:6]
    method = zipfile.ZIP_STORED if variant == "stored" else zipfile.ZIP_DEFLATED
    listed: list[dict[str, Any]] = []
    with zipfile.ZipFile(out, "w", allowZip64=True, compresslevel=level) as zf:
        for e in entries:
            info = _info(e.path, when, variant, method if e.compress else zipfile.ZIP_STORED)
            # zipfile ignores the archive's level for an entry given as a ZipInfo
            info._compresslevel = level  # type: ignore[attr-defined]
            h = hashlib.sha256()
            size = 0
            if e.data is not None:
                info.file_size = len(e.data)
            force = zip64_streams and e.data is None
            with zf.open(info, "w", force_zip64=force) as w:
                for chunk in e.iter_bytes():
                    if on_chunk is not None:
                        on_chunk()
                    h.update(chunk)
                    size += len(chunk)
                    w.write(chunk)
            item: dict[str, Any] = {"path": e.path, "sha256": h.hexdigest(), "size": size}
            for key in ("attachment", "kind", "title", "phase"):
                value = getattr(e, key)
                if value is not None:
                    item[key] = value
            listed.append(item)
            if on_entry is not None:
                on_entry(e.path)
        info = _info("manifest.json", when, variant, method)
        zf.writestr(info, manifest(listed), compresslevel=level)


def _info(path: str, when: tuple[int, ...], variant: str | None, method: int) -> zipfile.ZipInfo:
    info = _NamedInfo(path, date_time=when)  # type: ignore[arg-type]
    info.compress_type = method
    if variant == "gbk-names":
        info.raw_encoding = "gbk"
        info.set_utf8_flag = False
        info.create_system = 0  # MS-DOS, as Windows tools write
        info.external_attr = 0x20  # archive bit
    elif variant == "utf8-names-without-flag":
        info.set_utf8_flag = False
        info.external_attr = 0o644 << 16
    else:
        info.external_attr = 0o644 << 16
    return info


def encrypt(plain: Path, out: Path, recipients: list[str]) -> None:
    """Encrypt ``plain`` to ``out`` with age for every X25519 recipient."""
    import pyrage

    keys = [pyrage.x25519.Recipient.from_str(r.strip()) for r in recipients]
    pyrage.encrypt_file(str(plain), str(out), keys)
