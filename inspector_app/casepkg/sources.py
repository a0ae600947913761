"""Entry sources of a loaded package: an imported workspace folder or a verified ZIP archive."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from inspector_app.errors import Issue, PackageRefused
from inspector_app.i18n import bi

if TYPE_CHECKING:
    from inspector_app.casepkg.zipfmt import ZipArchive

#: sidecar file the workspace import writes next to a case's entries (not a package entry)
SIDECAR = ".inspector-case.json"


class FolderSource:
    """Entries of an imported case: files under ``root`` (names are package paths, NFC)."""

    def __init__(self, root: Path, encodings: Mapping[str, str] | None = None) -> None:
        self.root = Path(root)
        self._encodings = dict(encodings or {})

    def _file(self, path: str) -> Path:
        parts = path.split("/")
        if not path or any(p in ("", ".", "..") for p in parts) or "\\" in path:
            raise PackageRefused(Issue("UNSAFE_PATH", path, bi("Unsafe entry name.")))
        return self.root.joinpath(*parts)

    def open(self, path: str) -> IO[bytes]:
        try:
            return self._file(path).open("rb")
        except FileNotFoundError:
            raise PackageRefused(
                Issue("FILE_MISSING", path, bi("The entry is missing from the case folder."))
            ) from None

    def names(self) -> list[str]:
        out: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames.sort()
            rel = Path(dirpath).relative_to(self.root)
            for name in sorted(filenames):
                p = (rel / name).as_posix() if rel.parts else name
                if p == SIDECAR:
                    continue
                out.append(unicodedata.normalize("NFC", p))
        return out

    def encoding_of(self, path: str) -> str | None:
        """The text encoding established for a CSV entry at import (``utf-8``/``gb18030``)."""
        return self._encodings.get(path)

    def size(self, path: str) -> int:
        return self._file(path).stat().st_size


class ZipSource:
    """Entries of a verified archive, streamed (inflated on the fly) while it is open."""

    def __init__(self, archive: ZipArchive, encodings: Mapping[str, str] | None = None) -> None:
        self.archive = archive
        self._encodings = dict(encodings or {})

    def open(self, path: str) -> IO[bytes]:
        entry = self.archive.entry(path)
        if entry is None:
            raise PackageRefused(
                Issue("FILE_MISSING", path, bi("The entry is missing from the archive."))
            )
        stream: IO[bytes] = self.archive.open_entry(entry)
        return stream

    def names(self) -> list[str]:
        return [e.name for e in self.archive.entries if not e.is_dir]

    def encoding_of(self, path: str) -> str | None:
        return self._encodings.get(path)

    def size(self, path: str) -> int:
        entry = self.archive.entry(path)
        return entry.size if entry is not None else 0
