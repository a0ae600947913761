"""On-site photos: taken from a camera folder or a phone, kept until they are signed.

:func:`import_photos` copies the photos of a folder (or the files given) into the case's
on-site folder of the workspace (``<workspace>/onsite/<case_id>/``), so that a draft
observation still has its photos when the memory card is gone; they are read from there
when the observation is signed (the findings store then keeps its own copy). Photos are
ordered by the time they were taken (EXIF), else by name.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from inspector_app.casepkg.model import IMAGE_EXTENSIONS
from inspector_app.imaging import read_exif
from inspector_app.progress import CancelToken, ProgressFn, check, report

PHOTO_SUFFIXES = (*IMAGE_EXTENSIONS, ".webp", ".tif", ".tiff")


@dataclass(frozen=True)
class OnsitePhoto:
    """A photo copied into the on-site folder (``file``), from ``source``."""

    file: Path
    source: Path
    taken_at: datetime | None


def onsite_dir(workspace: Path, case_id: str) -> Path:
    return Path(workspace) / "onsite" / case_id


def photos_in(folder: Path) -> list[Path]:
    """The photos directly inside ``folder`` (not its sub-folders), by name."""
    return sorted(
        p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES
    )


def import_photos(
    sources: Path | Iterable[Path],
    dest: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> list[OnsitePhoto]:
    """Copy the photos of the folder ``sources`` (or the files it lists) into ``dest``.

    A copy is named by the first 16 hex digits of its SHA-256 and its original name, so the
    same photo imported twice is kept once. Returns the photos ordered by EXIF time (photos
    without one last, by name).
    """
    files = (
        photos_in(sources)
        if isinstance(sources, Path) and sources.is_dir()
        else list([sources] if isinstance(sources, Path) else sources)
    )
    dest.mkdir(parents=True, exist_ok=True)
    out: list[OnsitePhoto] = []
    for n, src in enumerate(files, 1):
        check(cancel)
        data = src.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:16]
        target = dest / f"{digest}-{src.name}"
        if not target.exists():
            tmp = target.with_name(target.name + ".part")
            shutil.copyfile(src, tmp)
            tmp.replace(target)
        exif = read_exif(data)
        out.append(OnsitePhoto(target, src, exif.datetime_original or exif.datetime))
        report(progress, n, len(files), src.name)
    return sorted(
        out,
        key=lambda p: (
            p.taken_at is None,
            p.taken_at.timestamp() if p.taken_at else 0,
            p.source.name,
        ),
    )
