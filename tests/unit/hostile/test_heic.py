"""HEIC photos are read like JPEGs (EXIF, pHash) when the ``heic`` extra is installed, and a
single-colour image hashes to 8000000000000000 as imagehash gives (issue 16 item 15)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from inspector_app.imaging import analyse_image, hamming, phash
from inspector_app.values import TZ


def _plugin():  # type: ignore[no-untyped-def]
    """The optional ``heic`` extra (``dev`` installs it)."""
    return pytest.importorskip("pillow_heif")


def _scene() -> Image.Image:
    im = Image.new("RGB", (640, 480), (40, 90, 160))
    d = ImageDraw.Draw(im)
    for i in range(12):
        d.rectangle(
            [i * 50, 40 + i * 30, i * 50 + 120, 160 + i * 20], fill=(20 * i, 255 - 15 * i, 90)
        )
    return im


def _heic(im: Image.Image, exif: Image.Exif) -> bytes:
    _plugin().register_heif_opener()
    buf = io.BytesIO()
    im.save(buf, format="HEIF", exif=exif.tobytes(), quality=90)
    data = buf.getvalue()
    assert data[4:12] in (b"ftypheic", b"ftypmif1")
    return data


def test_heic_photo_gives_exif_and_phash() -> None:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Apple", "iPhone 13", "Photoshop 25.0"
    sub = exif.get_ifd(0x8769)
    sub[0x9003], sub[0x9011] = "2024:07:01 09:15:00", "+08:00"
    im = _scene()
    info = analyse_image(_heic(im, exif))
    assert info.unreadable is None
    assert info.exif.make == "Apple" and info.exif.software == "Photoshop 25.0"
    assert info.exif.datetime_original == datetime(2024, 7, 1, 9, 15, tzinfo=TZ)
    assert info.phash is not None and hamming(info.phash, phash(im)) <= 4


def test_photo_rules_see_heic(tmp_path: Path) -> None:
    """PHOTO_EDITED fires on a HEIC photo edited in Photoshop, as on a JPEG."""
    from inspector_app.analysis import analyze
    from inspector_app.casepkg import open_package
    from tests.unit.casepkg.builders import build_package

    exif = Image.Exif()
    exif[0x0131] = "Adobe Photoshop 25.0"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2024:07:01 09:15:00"
    data = _heic(_scene(), exif)

    def edit(files: dict[str, bytes]) -> None:
        files["photos/现场.heic"] = data

    with open_package(build_package(tmp_path / "p.case.zip", edit_files=edit)) as package:
        result = analyze(package)
    assert "photos/现场.heic" not in result.photos_unreadable
    assert any(f.rule == "PHOTO_EDITED" and "现场.heic" in f.id for f in result.flags), [
        f.id for f in result.flags
    ]


@pytest.mark.parametrize("colour", [(255, 255, 255), (128, 128, 128), (200, 10, 10)])
@pytest.mark.parametrize("size", [(32, 32), (320, 240), (41, 97)])
def test_single_colour_image_hashes_to_the_dc_bit(
    colour: tuple[int, int, int], size: tuple[int, int]
) -> None:
    assert (
        phash(Image.new("RGB", size, colour)) == 0x8000000000000000
    )  # imagehash: 8000000000000000
    assert phash(Image.new("RGB", size, (0, 0, 0))) == 0
