"""On-site photos are copied out of the camera folder, once each, ordered by EXIF time."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from inspector_app.evidence.onsite import import_photos, onsite_dir, photos_in


def _jpeg(path: Path, taken: str | None, colour: tuple[int, int, int]) -> None:
    image = Image.new("RGB", (32, 24), colour)
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes())
    path.write_bytes(buf.getvalue())


def test_import_orders_by_exif_and_keeps_one_copy(tmp_path: Path) -> None:
    camera = tmp_path / "DCIM"
    camera.mkdir()
    _jpeg(camera / "b.jpg", "2025:06:20 10:00:00", (200, 0, 0))
    _jpeg(camera / "a.jpg", "2025:06:20 11:00:00", (0, 200, 0))
    _jpeg(camera / "c.jpg", None, (0, 0, 200))
    (camera / "readme.txt").write_text("x", encoding="utf-8")
    (camera / "sub").mkdir()
    assert [p.name for p in photos_in(camera)] == ["a.jpg", "b.jpg", "c.jpg"]
    dest = onsite_dir(tmp_path / "workspace", "case-1")
    photos = import_photos(camera, dest)
    assert [p.source.name for p in photos] == ["b.jpg", "a.jpg", "c.jpg"]
    assert photos[0].taken_at is not None and photos[2].taken_at is None
    assert all(
        p.file.parent == dest and p.file.read_bytes() == p.source.read_bytes() for p in photos
    )
    again = import_photos([camera / "a.jpg"], dest)
    assert again[0].file == photos[1].file
    assert sorted(p.name for p in dest.iterdir()) == sorted(p.file.name for p in photos)
