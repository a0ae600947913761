"""A package laid out as a folder, seen through the same interface as :class:`ZipArchive`.

Used to load an imported case from the workspace and to check a folder before packing it.
Symbolic links inside the folder are reported as ``SYMLINK`` entries and never followed.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from inspector_app.casepkg.textio import MAX_RATIO, RATIO_FREE_BYTES
from inspector_app.casepkg.zipfmt import READ_SIZE, ChunkReader, ZipEntry

_SYMLINK_ATTR = (stat.S_IFLNK | 0o777) << 16


class FolderArchive:
    """Files under ``root`` as stored entries (names relative, ``/``-separated, NFC)."""

    def __init__(self, root: Path, *, skip: frozenset[str] = frozenset()) -> None:
        self.root = Path(root)
        self.entries: list[ZipEntry] = []
        self._paths: dict[str, Path] = {}
        self._by_name: dict[str, ZipEntry] | None = None
        index = 0
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames.sort()
            base = Path(dirpath)
            rel = base.relative_to(self.root)
            for name in [
                *sorted(filenames),
                *sorted(d for d in dirnames if (base / d).is_symlink()),
            ]:
                full = base / name
                entry_name = unicodedata.normalize("NFC", (rel / name).as_posix())
                if entry_name in skip:
                    continue
                info = full.lstat()
                link = stat.S_ISLNK(info.st_mode)
                self.entries.append(
                    ZipEntry(
                        index=index,
                        name=entry_name,
                        raw_name=entry_name.encode("utf-8", "surrogateescape"),
                        name_problem=None,
                        flags=0x800,
                        method=0,
                        compressed_size=0 if link else info.st_size,
                        size=0 if link else info.st_size,
                        crc=0,
                        header_offset=0,
                        version_made_by=(3 << 8) if link else 0,
                        external_attr=_SYMLINK_ATTR if link else 0,
                    )
                )
                self._paths[entry_name] = full
                index += 1

    def entry(self, name: str) -> ZipEntry | None:
        if self._by_name is None:
            self._by_name = {}
            for e in self.entries:
                self._by_name.setdefault(e.name, e)
        return self._by_name.get(name)

    def chunks(
        self,
        entry: ZipEntry,
        *,
        on_output: Callable[[int], None] | None = None,
        max_ratio: int = MAX_RATIO,
        ratio_free: int = RATIO_FREE_BYTES,
    ) -> Iterator[bytes]:
        """The file's bytes, block by block (``max_ratio``/``ratio_free``: nothing inflates)."""
        del max_ratio, ratio_free
        with self._paths[entry.name].open("rb") as f:
            while True:
                block = f.read(READ_SIZE)
                if not block:
                    return
                if on_output is not None:
                    on_output(len(block))
                yield block

    def open_entry(self, entry: ZipEntry) -> IO[bytes]:
        import io

        return io.BufferedReader(ChunkReader(self.chunks(entry)), READ_SIZE)

    def path_of(self, name: str) -> Path:
        return self._paths[name]
