"""Writing Office Open XML packages (DOCX, XLSX) as ZIP archives, with parts deflated once.

``zipfile`` deflates every part it writes; a report's package is mostly parts that are the
same in every report (the DOCX template's styles alone are 780 KB), so those are deflated once
per process (:class:`Entry` keeps the deflated bytes) and only the report's own parts each
time. The archive is the layout ``zipfile`` writes, with a fixed time on every entry (the same
report gives the same bytes).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One part of the DOCX package: its name, and the deflated bytes of a part that is the
    same in every report (None: written per report)."""

    name: str
    deflated: bytes | None = None
    crc: int = 0
    size: int = 0


def deflate(data: bytes, level: int = 6) -> bytes:
    """Raw deflate (a ZIP entry's data). A report's own parts are deflated at ``level`` 1
    (XML text: a few per cent larger, a quarter of the time); the parts made once, at 6."""
    z = zlib.compressobj(level, zlib.DEFLATED, -15)
    return z.compress(data) + z.flush()


# a fixed time for every part (1980-01-01 00:00, the earliest a ZIP can say): the same
# report gives the same bytes
_ZIP_TIME, _ZIP_DATE = 0, (0 << 9) | (1 << 5) | 1


def write_zip(entries: Sequence[Entry]) -> bytes:
    """A ZIP archive of deflated entries (the layout ``zipfile`` writes, without its
    re-compressing the parts that never change)."""
    out = bytearray()
    central = bytearray()
    for e in entries:
        name = e.name.encode("utf-8")
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50, 20, 0, 8, _ZIP_TIME, _ZIP_DATE,
            e.crc, len(e.deflated or b""), e.size, len(name), 0,
        )  # fmt: skip
        out += name
        out += e.deflated or b""
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, 8, _ZIP_TIME, _ZIP_DATE,
            e.crc, len(e.deflated or b""), e.size, len(name), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += name
    start = len(out)
    out += central
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), start, 0
    )
    return bytes(out)
