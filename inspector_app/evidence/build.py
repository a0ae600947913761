"""Building and opening a case's evidence indexes (record offsets + full-text search).

:func:`build_case_index` runs at ``case import`` (after validation, inside the import's
staging folder, so a cancelled import leaves nothing behind) and writes
``<workspace>/index/<case_id>/``:

* ``records/`` — one offsets array per CSV entry (:mod:`.records`), ``catalog.json``;
* ``search.sqlite`` — the FTS5 trigram index (:mod:`.fulltext`);
* ``index.json`` — the manifest digest it was built for, build time and counts.

Cases imported before the index existed get theirs on first use (:func:`ensure_case_index`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector_app.evidence.fulltext import (
    TEXT_EXTENSIONS,
    TextIndex,
    docx_paragraphs,
    pdf_pages,
    text_lines,
)
from inspector_app.evidence.records import RecordIndexes, build_record_index, is_csv
from inspector_app.i18n import bi
from inspector_app.progress import CancelToken, ProgressFn, check, report

INDEX_VERSION = 1
#: rows of a finance table put into the search index (the tables are small; logs are not
#: searched as text)
FINANCE_PREFIX = "finance/"
_BATCH = 2000


@dataclass(frozen=True)
class IndexSummary:
    """What a build produced."""

    csv_files: int
    rows: int
    passages: int
    seconds: float
    unreadable: list[str] = field(default_factory=list)


def index_dir_for(case_folder: str | Path) -> Path:
    """``<workspace>/index/<case_id>`` for ``<workspace>/cases/<case_id>``."""
    folder = Path(case_folder)
    return folder.parent.parent / "index" / folder.name


def _manifest(case_folder: Path) -> tuple[list[dict[str, Any]], str]:
    data = (case_folder / "manifest.json").read_bytes()
    obj = json.loads(data.decode("utf-8-sig"))
    files = [f for f in obj.get("files", []) if isinstance(f, dict) and "path" in f]
    return files, hashlib.sha256(data).hexdigest()


def _file(case_folder: Path, path: str) -> Path:
    return case_folder.joinpath(*path.split("/"))


def build_case_index(
    case_folder: str | Path,
    out_dir: str | Path,
    *,
    encodings: dict[str, str] | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> IndexSummary:
    """Build the evidence indexes of the case in ``case_folder`` into ``out_dir``.

    ``encodings`` (package path → ``utf-8``/``gb18030``) are those validation established;
    without them each CSV's encoding is sniffed. All or nothing: the indexes are built in a
    temporary folder beside ``out_dir`` and renamed into place; on an error or a cancel
    (:class:`~inspector_app.errors.Cancelled`) nothing is left.
    """
    started = time.perf_counter()
    folder = Path(case_folder)
    target = Path(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    files, digest = _manifest(folder)
    work = Path(tempfile.mkdtemp(prefix=".index-", dir=target.parent))
    try:
        paths = [str(f["path"]) for f in files]
        sizes = {p: _file(folder, p).stat().st_size for p in paths}
        total = sum(sizes.values()) or 1
        done = 0

        def sub(base: int) -> ProgressFn:
            def inner(n: int, _total: int | None, text: Any) -> None:
                report(progress, min(base + n, total), total, text)

            return inner

        catalog: list[dict[str, Any]] = []
        rows = 0
        for path in paths:
            if not is_csv(path):
                continue
            check(cancel)
            entry = build_record_index(
                _file(folder, path),
                path,
                work / "records",
                encoding=(encodings or {}).get(path),
                progress=sub(done),
                cancel=cancel,
            )
            catalog.append(entry)
            rows += int(entry["rows"])
            done += sizes[path]
        (work / "records").mkdir(exist_ok=True)
        (work / "records" / "catalog.json").write_text(
            json.dumps({"version": INDEX_VERSION, "entries": catalog}, ensure_ascii=False),
            encoding="utf-8",
        )
        unreadable: list[str] = []
        passages = _build_text(folder, work, paths, unreadable, cancel, progress, sizes, done)
        seconds = time.perf_counter() - started
        (work / "index.json").write_text(
            json.dumps(
                {
                    "version": INDEX_VERSION,
                    "manifest_sha256": digest,
                    "csv_files": len(catalog),
                    "rows": rows,
                    "passages": passages,
                    "seconds": round(seconds, 3),
                    "unreadable": unreadable,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        check(cancel)
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
        report(progress, total, total, "")
        return IndexSummary(len(catalog), rows, passages, seconds, unreadable)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _build_text(  # noqa: PLR0917 - one private step of build_case_index
    folder: Path,
    work: Path,
    paths: list[str],
    unreadable: list[str],
    cancel: CancelToken | None,
    progress: ProgressFn | None,
    sizes: dict[str, int],
    done: int,
) -> int:
    total = sum(sizes.values()) or 1
    TextIndex.create(work / "search.sqlite")
    conn = sqlite3.connect(work / "search.sqlite")
    index = TextIndex(work / "search.sqlite")
    records = RecordIndexes(work, folder)
    count = 0
    try:
        for path in paths:
            check(cancel)
            low = path.lower()
            file = _file(folder, path)
            batch: list[tuple[str, str, str, int]] = []
            try:
                if low.endswith(".pdf"):
                    batch = [(t, path, "page", n) for n, t in pdf_pages(file) if t.strip()]
                elif low.endswith(".docx"):
                    batch = [(t, path, "paragraph", n) for n, t in docx_paragraphs(file)]
                elif low.endswith(TEXT_EXTENSIONS):
                    batch = [(t, path, "line", n) for n, t in text_lines(file)]
                elif path.startswith(FINANCE_PREFIX) and is_csv(path):
                    table = records.get(path)
                    if table is not None:
                        for first in range(1, table.rows + 1, _BATCH):
                            texts = table.texts(first, _BATCH)
                            batch.extend((t, path, "row", first + k) for k, t in enumerate(texts))
            except ValueError:
                unreadable.append(path)
                batch = []
            if batch:
                index.add(conn, batch)
                count += len(batch)
            if not is_csv(path) or path.startswith(FINANCE_PREFIX):
                done += sizes.get(path, 0)
                report(progress, min(done, total), total, bi("Indexing {path}", path=path))
        conn.commit()
    finally:
        conn.close()
    return count


@dataclass
class CaseIndex:
    """The evidence indexes of one imported case, opened for reading."""

    case_folder: Path
    dir: Path
    records: RecordIndexes
    text: TextIndex
    meta: dict[str, Any]

    @classmethod
    def open(cls, case_folder: str | Path, index_dir: str | Path | None = None) -> CaseIndex:
        folder = Path(case_folder)
        directory = Path(index_dir) if index_dir is not None else index_dir_for(folder)
        try:
            meta = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        return cls(
            folder,
            directory,
            RecordIndexes(directory, folder),
            TextIndex(directory / "search.sqlite"),
            meta if isinstance(meta, dict) else {},
        )

    def close(self) -> None:
        self.text.close()


def is_current(case_folder: str | Path, index_dir: str | Path | None = None) -> bool:
    """Whether the case's indexes exist and were built for its manifest."""
    folder = Path(case_folder)
    directory = Path(index_dir) if index_dir is not None else index_dir_for(folder)
    try:
        meta = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        _files, digest = _manifest(folder)
    except (OSError, ValueError):
        return False
    if not (
        isinstance(meta, dict)
        and meta.get("version") == INDEX_VERSION
        and meta.get("manifest_sha256") == digest
        and (directory / "search.sqlite").is_file()
    ):
        return False
    try:
        catalog = json.loads((directory / "records" / "catalog.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    entries = catalog.get("entries") if isinstance(catalog, dict) else None
    if not isinstance(entries, list):
        return False
    for entry in entries:
        if (
            not isinstance(entry, dict)
            or not (directory / "records" / f"{entry.get('key')}.npy").is_file()
        ):
            return False
        if entry.get("data") and not (directory / "records" / str(entry["data"])).is_file():
            return False
    return True


def ensure_case_index(
    case_folder: str | Path,
    *,
    encodings: dict[str, str] | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> CaseIndex:
    """Open the case's indexes, building them first when missing or stale."""
    folder = Path(case_folder)
    if not is_current(folder):
        if encodings is None:
            encodings = _sidecar_encodings(folder)
        build_case_index(
            folder, index_dir_for(folder), encodings=encodings, progress=progress, cancel=cancel
        )
    return CaseIndex.open(folder)


def _sidecar_encodings(folder: Path) -> dict[str, str]:
    from inspector_app.casepkg.sources import SIDECAR

    try:
        meta = json.loads((folder / SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    enc = meta.get("encodings") if isinstance(meta, dict) else None
    return {str(k): str(v) for k, v in enc.items()} if isinstance(enc, dict) else {}


def verify_file(case_folder: str | Path, path: str, sha256: str) -> bool:
    """Whether the case file ``path`` still has the SHA-256 its manifest gives."""
    h = hashlib.sha256()
    try:
        with _file(Path(case_folder), path).open("rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
    except OSError:
        return False
    return h.hexdigest() == sha256.lower()
