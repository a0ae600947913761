"""Near-duplicate photos across enterprises: pHash with a banded (multi-index) lookup.

Two 64-bit hashes within Hamming distance ``d`` agree exactly on at least one of ``d + 1``
disjoint bit bands (pigeonhole). Each hash is filed under its ``d + 1`` band values; a query
looks only at hashes sharing a band value and checks their distance — never every pair. With
7 bands of 9–10 bits, a batch of thousands of photos yields a handful of candidates per photo.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from PIL import Image

from inspector_app.imaging import hamming, phash


def band_widths(max_distance: int, bits: int = 64) -> list[int]:
    """Widths of ``max_distance + 1`` bands covering ``bits`` (wider ones first)."""
    n = max_distance + 1
    if n > bits:
        raise ValueError("max_distance too large for the hash")
    base, extra = divmod(bits, n)
    return [base + 1 if i < extra else base for i in range(n)]


def bands(value: int, widths: list[int]) -> Iterator[tuple[int, int]]:
    shift = sum(widths)
    for i, w in enumerate(widths):
        shift -= w
        yield i, (value >> shift) & ((1 << w) - 1)


def phash_bytes(data: bytes | memoryview) -> int | None:
    """pHash of an image's bytes (JPEG draft decoding), None when it cannot be decoded."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            return phash(img)
    except Exception:  # not an image Pillow can decode (HEIC without plug-in, damaged)
        return None


@dataclass(frozen=True)
class Photo:
    uscc: str
    path: str
    sha256: str
    phash: int | None
    source: str = "package"


class BandIndex:
    """In-memory multi-index over photos' hashes."""

    def __init__(self, max_distance: int) -> None:
        self.max_distance = max_distance
        self.widths = band_widths(max_distance)
        self._bands: list[dict[int, list[int]]] = [defaultdict(list) for _ in self.widths]
        self.photos: list[Photo] = []

    def add(self, photo: Photo) -> int:
        idx = len(self.photos)
        self.photos.append(photo)
        if photo.phash is not None:
            for band, value in bands(photo.phash, self.widths):
                self._bands[band][value].append(idx)
        return idx

    def near(self, idx: int) -> Iterator[int]:
        """Indexes of photos within the distance of photo ``idx`` (excluding itself)."""
        h = self.photos[idx].phash
        if h is None:
            return
        seen = {idx}
        for band, value in bands(h, self.widths):
            for other in self._bands[band].get(value, ()):
                if other in seen:
                    continue
                seen.add(other)
                oh = self.photos[other].phash
                if oh is not None and hamming(h, oh) <= self.max_distance:
                    yield other


def duplicate_pairs(
    photos: Iterable[Photo], max_distance: int
) -> Iterator[tuple[Photo, Photo, int]]:
    """Pairs of photos of different enterprises that are identical or near-identical.

    Yields ``(a, b, distance)`` with ``a`` before ``b`` in (uscc, path) order; identical files
    (same SHA-256) have distance 0 even when they cannot be decoded.
    """
    index = BandIndex(max_distance)
    by_sha: dict[str, list[int]] = defaultdict(list)
    for p in sorted(photos, key=lambda p: (p.uscc, p.path, p.source)):
        i = index.add(p)
        by_sha[p.sha256].append(i)
    found: set[tuple[int, int]] = set()
    for i, p in enumerate(index.photos):
        others = set(index.near(i)) | set(by_sha[p.sha256])
        for j in others:
            a, b = (i, j) if i < j else (j, i)
            if a == b or (a, b) in found:
                continue
            pa, pb = index.photos[a], index.photos[b]
            if pa.uscc == pb.uscc:
                continue
            found.add((a, b))
    for a, b in sorted(found):
        pa, pb = index.photos[a], index.photos[b]
        if pa.sha256 == pb.sha256:
            dist = 0
        else:
            assert pa.phash is not None and pb.phash is not None
            dist = hamming(pa.phash, pb.phash)
        yield pa, pb, dist
