"""Validation stays linear in the number of entries (issue 16 item 10).

A package of ~100,000 tiny entries used to validate for minutes: ``Manifest.file()`` scanned
the whole list once per document. The full 100,000-entry case is in
``benchmarks/bench_validate.py --many-entries 100000``; here the lookups are timed directly.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from inspector_app.casepkg.folderarc import FolderArchive
from inspector_app.casepkg.model import Manifest, ManifestFile
from inspector_app.values import TZ

N = 30_000


def test_manifest_lookup_is_constant_time() -> None:
    files = tuple(ManifestFile(f"docs/n{i:06d}.txt", "0" * 64, i) for i in range(N))
    manifest = Manifest("sme-dx-case", "1.0", "id", datetime(2024, 1, 1, tzinfo=TZ), files)
    start = time.perf_counter()
    for f in files:
        assert manifest.file(f.path) is f
    assert manifest.file("docs/absent.txt") is None
    # a scan per lookup is N²/2 = 450 million comparisons (minutes); a dict is milliseconds
    assert time.perf_counter() - start < 2.0


def test_folder_archive_lookup_is_constant_time(tmp_path: Path) -> None:
    for i in range(20_000):
        (tmp_path / f"n{i:05d}.txt").write_bytes(b"x")
    archive = FolderArchive(tmp_path)
    start = time.perf_counter()
    for e in archive.entries:
        assert archive.entry(e.name) is e
    assert time.perf_counter() - start < 2.0


def test_first_duplicate_path_wins() -> None:
    a, b = ManifestFile("x", "0" * 64, 1), ManifestFile("x", "1" * 64, 2)
    manifest = Manifest("sme-dx-case", "1.0", "id", datetime(2024, 1, 1, tzinfo=TZ), (a, b))
    assert manifest.file("x") is a
