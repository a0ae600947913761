"""A decompression-bomb photo is reported unreadable; analysis goes on (issue 16 item 7)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from inspector_app.analysis import analyze
from inspector_app.casepkg import open_package, validate_package
from inspector_app.imaging import analyse_image, read_exif
from tests.unit.casepkg.builders import build_package


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG header claiming ``width`` × ``height`` pixels (the data is one compressed row)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * (width + 1))
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def test_bomb_png_is_unreadable_not_a_crash() -> None:
    info = analyse_image(huge_png())
    assert info.phash is None
    assert info.unreadable is not None and "pixels" in info.unreadable
    assert not read_exif(huge_png()).present


def test_analysis_goes_on_past_a_bomb_photo(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["photos/巨图.png"] = huge_png()

    p = build_package(tmp_path / "p.case.zip", edit_files=edit)
    assert validate_package(p).valid
    with open_package(p) as package:
        result = analyze(package)
    # the base package's photo is not a real JPEG either: both are listed, analysis went on
    assert result.photos_unreadable == ["photos/巨图.png", "photos/报工终端.jpg"]
    assert result.to_json()["photos_unreadable"] == result.photos_unreadable
