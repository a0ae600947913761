"""pHash equals imagehash.phash; EXIF fields and offsets; Hamming distance."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw

from inspector_app.imaging import analyse_image, hamming, phash, read_exif
from inspector_app.values import TZ

# str(imagehash.phash(make(seed))) computed with imagehash 4.3.2 / Pillow 13.0 on these images.
REFERENCE = {
    0: "9ee1a7e0ce2116f8",
    1: "983157662f534e4d",
    2: "b161435f5de019ba",
    3: "9176694c4ab549b7",
    4: "ca6e351b37e860ca",
}


def make(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    rnd = random.Random(seed)
    w, h = size
    im = Image.new("RGB", size, (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    d = ImageDraw.Draw(im)
    for _ in range(25):
        x0, y0 = rnd.randrange(w), rnd.randrange(h)
        d.rectangle(
            [x0, y0, x0 + rnd.randrange(120), y0 + rnd.randrange(120)],
            fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)),
        )
    return im


def jpeg(im: Image.Image, exif: Image.Exif | None = None, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    if exif is None:
        im.save(buf, "JPEG", quality=quality)
    else:
        im.save(buf, "JPEG", quality=quality, exif=exif)
    return buf.getvalue()


def test_phash_matches_imagehash() -> None:
    for seed, expected in REFERENCE.items():
        assert f"{phash(make(seed)):016x}" == expected
    assert f"{phash(make(9, (40, 30))):016x}" == "ff3bc0c081b3b989"


def test_phash_is_robust_to_recompression_and_resizing() -> None:
    im = make(3, (1600, 1200))
    base = phash(im)
    recompressed = analyse_image(jpeg(im, quality=60)).phash
    resized = analyse_image(jpeg(im.resize((800, 600)), quality=75)).phash
    assert recompressed is not None and resized is not None
    assert hamming(base, recompressed) <= 2
    assert hamming(base, resized) <= 2
    # different pictures are far apart
    assert min(hamming(phash(make(a)), phash(make(b))) for a in range(5) for b in range(a)) > 12


def test_hamming() -> None:
    assert hamming(0, 0) == 0
    assert hamming(0b1011, 0b0001) == 2
    assert hamming(2**64 - 1, 0) == 64


def _exif(**fields: str) -> Image.Exif:
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    for name, value in fields.items():
        tag = {
            "software": 0x0131,
            "datetime": 0x0132,
            "make": 0x010F,
            "model": 0x0110,
        }.get(name)
        if tag is not None:
            exif[tag] = value
        else:
            sub[{"original": 0x9003, "offset_original": 0x9011, "offset": 0x9010}[name]] = value
    return exif


def test_read_exif_fields_and_offsets() -> None:
    data = jpeg(
        make(1),
        _exif(
            original="2024:05:07 10:11:12",
            datetime="2024:05:09 08:00:00",
            software="Adobe Photoshop 25.0",
            make="HUAWEI",
            model="P60",
        ),
    )
    info = read_exif(io.BytesIO(data))
    assert info.datetime_original == datetime(2024, 5, 7, 10, 11, 12, tzinfo=TZ)
    assert info.datetime == datetime(2024, 5, 9, 8, 0, tzinfo=TZ)
    assert info.software == "Adobe Photoshop 25.0"
    assert (info.make, info.model) == ("HUAWEI", "P60")
    assert info.present

    utc_photo = read_exif(
        jpeg(make(1), _exif(original="2024:05:06 20:00:00", offset_original="+00:00"))
    )
    assert utc_photo.offset_time_original == "+00:00"
    assert utc_photo.datetime_original is not None
    assert utc_photo.datetime_original.astimezone(TZ) == datetime(2024, 5, 7, 4, 0, tzinfo=TZ)
    assert utc_photo.datetime_original.utcoffset() == timedelta(0)
    assert utc_photo.datetime_original.tzinfo == UTC


def test_photo_without_exif_or_unreadable() -> None:
    assert not read_exif(jpeg(make(2))).present
    png = io.BytesIO()
    make(2).save(png, "PNG")
    info = analyse_image(png.getvalue())
    assert not info.exif.present and info.phash == int(REFERENCE[2], 16)
    broken = analyse_image(b"not an image at all")
    assert broken.phash is None and not broken.exif.present
    assert read_exif(b"\xff\xd8\xff garbage").present is False


def test_malformed_exif_date_is_ignored() -> None:
    info = read_exif(jpeg(make(1), _exif(original="0000:00:00 00:00:00", software="  ")))
    assert info.datetime_original is None and info.software is None


def test_non_ascii_software_is_decoded() -> None:
    for encoding in ("utf-8", "gb18030"):
        encoded = "美图秀秀".encode(encoding)
        data = jpeg(make(1), _exif(software="X" * len(encoded))).replace(
            b"X" * len(encoded), encoded, 1
        )
        assert read_exif(data).software == "美图秀秀"
