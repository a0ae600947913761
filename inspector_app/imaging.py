"""Image evidence: EXIF dates and software, 64-bit DCT perceptual hashes (pHash).

Shared by the per-package rules (``PHOTO_PREDATES_PROJECT``, ``PHOTO_EDITED``,
``DUPLICATE_EVIDENCE``) and the agency's cross-enterprise rules (``CROSS_DUPLICATE_PHOTO``).

:func:`phash` computes what ``imagehash.phash`` computes — greyscale, 32×32 (Lanczos), 2-D DCT-II,
the 8×8 lowest frequencies, each bit set when the coefficient is above their median — with a
precomputed cosine matrix in pure Python. Only the 8 lowest-frequency rows of the DCT are needed,
so one hash is 8·32·32 + 8·8·32 ≈ 10,000 multiply-adds (≈ 1 ms); decoding the image dominates,
which is why JPEGs are decoded with Pillow's ``draft()`` (DCT-domain down-scaling by up to 8×).
numpy would save under a millisecond per photo and does not earn its place in the frozen build.

The hash is an ``int`` whose most significant bit is the DCT coefficient (0, 0) — the order of
``str(imagehash.phash(img))`` read as hexadecimal.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import IO

from PIL import Image, UnidentifiedImageError

from inspector_app.values import TZ

HASH_SIZE = 8
IMG_SIZE = HASH_SIZE * 4  # 32, as imagehash's highfreq_factor=4

# EXIF tags
_TAG_MAKE, _TAG_MODEL, _TAG_SOFTWARE, _TAG_DATETIME = 0x010F, 0x0110, 0x0131, 0x0132
_TAG_EXIF_IFD = 0x8769
_TAG_DT_ORIGINAL, _TAG_OFFSET_TIME, _TAG_OFFSET_ORIGINAL = 0x9003, 0x9010, 0x9011

# DCT-II basis restricted to the 8 lowest frequencies: _COS[k][n] = cos(pi*k*(2n+1)/(2N)).
# (scipy's unnormalised DCT multiplies by 2; a positive factor does not change the bits.)
_COS: tuple[tuple[float, ...], ...] = tuple(
    tuple(math.cos(math.pi * k * (2 * n + 1) / (2 * IMG_SIZE)) for n in range(IMG_SIZE))
    for k in range(HASH_SIZE)
)


class ImageUnreadable(Exception):
    """The bytes are not an image Pillow can decode (e.g. HEIC without a plug-in)."""


@dataclass(frozen=True)
class ExifInfo:
    """The EXIF fields the rules use; every field is None when absent or unreadable."""

    datetime_original: datetime | None = None
    #: the raw ``OffsetTimeOriginal`` ("+08:00"), None when absent
    offset_time_original: str | None = None
    datetime: datetime | None = None
    software: str | None = None
    make: str | None = None
    model: str | None = None

    @property
    def present(self) -> bool:
        return any(
            v is not None
            for v in (self.datetime_original, self.datetime, self.software, self.make, self.model)
        )


@dataclass(frozen=True)
class ImageInfo:
    exif: ExifInfo
    phash: int | None
    #: why the image could not be decoded (not an image, damaged, a decompression bomb…);
    #: None when it was read
    unreadable: str | None = None


def hamming(a: int, b: int) -> int:
    """Number of differing bits of two hashes."""
    return (a ^ b).bit_count()


def _phash_pixels(pixels: bytes | list[int]) -> int:
    """pHash of 32×32 greyscale pixel values, row-major."""
    n = IMG_SIZE
    rows = [pixels[i * n : (i + 1) * n] for i in range(n)]
    # Along axis 0 (columns of the image): A[k][x] = sum_y cos[k][y] * p[y][x]  (8×32)
    a_rows: list[list[float]] = []
    for ck in _COS:
        acc = [0.0] * n
        for y in range(n):
            c = ck[y]
            row = rows[y]
            for x in range(n):
                acc[x] += c * row[x]
        a_rows.append(acc)
    # Along axis 1: D[k][l] = sum_x A[k][x] * cos[l][x]  (8×8)
    coeffs = [sum(map(float.__mul__, ak, cl)) for ak in a_rows for cl in _COS]
    # Rounding leaves ~1e-13 where the exact DCT is 0 (every AC coefficient of a single-colour
    # image): snap those to 0, as scipy's DCT in imagehash gives them, so that such an image
    # hashes to 8000000000000000 (DC alone) instead of to float noise.
    tiny = 1e-9 * max(map(abs, coeffs))
    coeffs = [0.0 if abs(c) <= tiny else c for c in coeffs]
    ordered = sorted(coeffs)
    median = (ordered[31] + ordered[32]) / 2
    value = 0
    for c in coeffs:
        value = (value << 1) | (c > median)
    return value


def phash(image: Image.Image) -> int:
    """64-bit DCT perceptual hash, equivalent to ``imagehash.phash``."""
    if image.format == "JPEG" and image.mode in ("RGB", "L", "CMYK", "YCbCr"):
        # Decode at the smallest scale that still is at least 32×32 (and greyscale directly).
        image.draft("L", (IMG_SIZE, IMG_SIZE))
    grey = image.convert("L").resize((IMG_SIZE, IMG_SIZE), Image.Resampling.LANCZOS)
    return _phash_pixels(grey.tobytes())


def _decode(raw: bytes) -> str:
    """EXIF ASCII fields often hold UTF-8 (phones) or GBK (Chinese Windows tools)."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = _decode(value)
    text = str(value)
    if any(ord(ch) > 0x7F for ch in text) and all(ord(ch) < 0x100 for ch in text):
        text = _decode(text.encode("latin-1"))  # Pillow reads ASCII fields as Latin-1
    text = text.replace("\x00", "").strip()
    return text or None


def _offset(text: str | None) -> timezone | None:
    if not text:
        return None
    t = text.strip()
    if t in ("Z", "z"):
        return UTC
    if len(t) == 6 and t[0] in "+-" and t[3] == ":" and t[1:3].isdigit() and t[4:6].isdigit():
        sign = -1 if t[0] == "-" else 1
        return timezone(sign * timedelta(hours=int(t[1:3]), minutes=int(t[4:6])))
    return None


def _exif_datetime(text: str | None, tz: timezone | None) -> datetime | None:
    """``"2024:05:07 10:11:12"`` in ``tz`` (default +08:00); None when malformed or blank."""
    if not text:
        return None
    try:
        naive = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return naive.replace(tzinfo=tz or TZ)


def exif_of(image: Image.Image) -> ExifInfo:
    """The EXIF fields of an opened image."""
    try:
        exif = image.getexif()
    except Exception:  # a corrupt EXIF block proves nothing; treat as absent
        return ExifInfo()
    if not exif:
        return ExifInfo()
    try:
        sub = exif.get_ifd(_TAG_EXIF_IFD)
    except Exception:
        sub = {}
    offset_original = _text(sub.get(_TAG_OFFSET_ORIGINAL))
    offset = _text(sub.get(_TAG_OFFSET_TIME))
    return ExifInfo(
        datetime_original=_exif_datetime(
            _text(sub.get(_TAG_DT_ORIGINAL)), _offset(offset_original)
        ),
        offset_time_original=offset_original,
        datetime=_exif_datetime(_text(exif.get(_TAG_DATETIME)), _offset(offset)),
        software=_text(exif.get(_TAG_SOFTWARE)),
        make=_text(exif.get(_TAG_MAKE)),
        model=_text(exif.get(_TAG_MODEL)),
    )


#: ISO-BMFF brands of HEIF/HEIC/AVIF stills (phones' HEIC photos): ``ftyp`` at byte 4
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")


@cache
def heif_supported() -> bool:
    """Whether HEIC/HEIF photos can be decoded: the optional ``pillow-heif`` plug-in (extra
    ``heic``, 27.5 MB installed, 22.9 MB of it the x265 library it links) is registered with
    Pillow on first use."""
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _open(fp: IO[bytes] | bytes) -> Image.Image:
    """The image of a binary stream (read in full first) or bytes."""
    data = fp if isinstance(fp, bytes) else fp.read()
    if _is_heif(data) and not heif_supported():
        raise ImageUnreadable("HEIC/HEIF photo: the pillow-heif plug-in is not installed")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:  # e.g. 30,000 × 30,000 pixels
        raise ImageUnreadable(f"too many pixels (a decompression bomb?): {exc}") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageUnreadable(str(exc)) from exc


def read_exif(fp: IO[bytes] | bytes) -> ExifInfo:
    """EXIF of an image given as a binary stream or bytes; empty when unreadable."""
    try:
        with _open(fp) as image:
            return exif_of(image)
    except ImageUnreadable:
        return ExifInfo()


def analyse_image(fp: IO[bytes] | bytes) -> ImageInfo:
    """EXIF and pHash in one decode. ``phash`` is None when the image cannot be decoded."""
    try:
        image = _open(fp)
    except ImageUnreadable as exc:
        return ImageInfo(ExifInfo(), None, str(exc))
    problem: str | None = None
    with image:
        exif = exif_of(image)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value: int | None = phash(image)
        except (OSError, ValueError, Image.DecompressionBombError, MemoryError) as exc:
            value, problem = None, str(exc) or type(exc).__name__
    return ImageInfo(exif, value, problem)
