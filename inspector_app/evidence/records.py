"""Record-offset indexes of a case's CSV files: any row range without reading the whole file.

A usage log can hold tens of millions of rows. At import, every CSV of the package (finance
tables, usage logs and record counts, CSVs among the documents) is scanned once and the byte
offset of every data record is kept in a numpy array file; a table view then reads rows *n* to
*m* by seeking to ``offsets[n - 1]`` and decoding only those bytes.

* Records are found by quote parity, exactly as :class:`~inspector_app.casepkg.csvcore.
  RecordSplitter` groups lines: a line break ends a record when the number of ``"`` seen since
  the start of the file is even; blank lines between records are skipped; CRLF or LF.
  Both accepted encodings (UTF-8, GB18030) are ASCII-compatible and never use ``\\n``, ``\\r``
  or ``"`` inside a multi-byte character, so the scan runs on raw bytes with numpy.
* A UTF-8 BOM is skipped (the offsets stay offsets into the file as stored).
* ``usage.csv.gz``: the log is inflated once into the index folder and the offsets point into
  that copy (``data_file``); row numbers count the decompressed records, as evidence does.
* Row numbers are the 1-based data-record numbers of ``case-package.md`` (the header is not
  counted) — the numbers red flags cite.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from inspector_app.casepkg.csvcore import CellProblem, parse_record
from inspector_app.casepkg.textio import BOM, StreamProblem, gunzip_chunks, read_chunks, split_lines
from inspector_app.i18n import bi
from inspector_app.progress import CancelToken, ProgressFn, check, report

I64 = npt.NDArray[np.int64]
#: bytes per scanned block
SCAN_BLOCK = 4 << 20
INDEX_FORMAT = "inspector-record-index"
_NL, _CR, _QUOTE = 10, 13, 34


@dataclass(frozen=True)
class RecordIndex:
    """The data records of one CSV entry: ``offsets[i]`` is where record ``i + 1`` starts in
    ``data_file``; ``offsets[rows]`` is the end of the data."""

    path: str
    data_file: Path
    encoding: str
    header: tuple[str, ...]
    offsets: I64

    @property
    def rows(self) -> int:
        return int(len(self.offsets) - 1)

    def raw(self, first: int, count: int) -> list[bytes]:
        """The raw bytes of records ``first`` … ``first + count - 1`` (1-based, clipped)."""
        lo = max(first, 1)
        hi = min(first + count - 1, self.rows)
        if hi < lo:
            return []
        starts = self.offsets[lo - 1 : hi + 1]
        begin, end = int(starts[0]), int(starts[-1])
        with self.data_file.open("rb") as f:
            f.seek(begin)
            blob = f.read(end - begin)
        cuts = (starts - begin).tolist()
        return [blob[cuts[k] : cuts[k + 1]] for k in range(len(cuts) - 1)]

    def texts(self, first: int, count: int) -> list[str]:
        """Records as text (line breaks inside quoted fields kept as ``\\n``)."""
        out = []
        for chunk in self.raw(first, count):
            text = chunk.decode(self.encoding, errors="replace")
            text = text.replace("\r\n", "\n").rstrip("\n")
            out.append(text)
        return out

    def rows_between(self, first: int, count: int) -> list[list[str]]:
        """Records ``first`` … as lists of fields (a malformed record: its text in one field)."""
        out: list[list[str]] = []
        for text in self.texts(first, count):
            try:
                out.append(parse_record(text))
            except CellProblem:
                out.append([text])
        return out


def _key(path: str) -> str:
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:24]


class _Scanner:
    """Finds record starts in line-aligned blocks; offsets are global positions."""

    def __init__(self, base: int, sink: BinaryIO | None = None) -> None:
        self.pos = base  # global position of the next block
        self.odd = False  # inside a quoted field at the block boundary
        self.parts: list[I64] = []
        #: with a sink, the starts are written to it (raw int64) instead of being kept
        self.sink = sink
        self.count = 0

    def feed(self, block: bytes) -> None:
        arr = np.frombuffer(block, np.uint8)
        n = len(arr)
        if not n:
            return
        odd_before = int(self.odd)
        nl = np.flatnonzero(arr == _NL)
        if odd_before or block.find(b'"') >= 0:
            cum = np.cumsum(arr == _QUOTE, dtype=np.int64)
            ends = nl[((cum[nl] + odd_before) & 1) == 0]
            self.odd = bool((int(cum[-1]) + odd_before) & 1)
        else:
            ends = nl
        # a record starts at the block start (unless inside a quoted field) and after each
        # line break that ends a record
        starts = ends + 1
        if not odd_before:
            starts = np.concatenate((np.zeros(1, np.int64), starts))
        starts = starts[starts < n]
        if len(starts):
            b0 = arr[starts]
            b1 = arr[np.minimum(starts + 1, n - 1)]
            blank = (b0 == _NL) | ((b0 == _CR) & (b1 == _NL))
            starts = starts[~blank]
        found = starts.astype(np.int64) + self.pos
        self.count += len(found)
        if self.sink is not None:
            found.tofile(self.sink)
        else:
            self.parts.append(found)
        self.pos += n

    def result(self) -> I64:
        if not self.parts:
            return np.zeros(0, np.int64)
        return np.concatenate(self.parts)


def scan_offsets(blocks: Iterator[bytes], base: int = 0) -> tuple[I64, int]:
    """Record starts (header included) of line-aligned ``blocks`` and the end position."""
    scanner = _Scanner(base)
    for block in blocks:
        scanner.feed(block)
    return scanner.result(), scanner.pos


def _line_blocks(
    stream: Iterator[bytes], cancel: CancelToken | None, on_block: Any = None
) -> Iterator[bytes]:
    for block in split_lines(stream):
        check(cancel)
        if on_block is not None:
            on_block(len(block))
        yield block


def build_record_index(
    source_file: Path,
    path: str,
    out_dir: Path,
    *,
    encoding: str | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, Any]:
    """Scan one CSV entry (``source_file``, the package path ``path``) and write its offsets
    (and, for ``*.gz``, the inflated copy) into ``out_dir``; returns its catalogue entry."""
    key = _key(path)
    out_dir.mkdir(parents=True, exist_ok=True)
    total = source_file.stat().st_size
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        report(progress, min(done, total), total, bi("Indexing {path}", path=path))

    starts_file = out_dir / f"{key}.starts"
    with starts_file.open("wb") as sink:
        scanner = _Scanner(0, sink)
        if path.endswith(".gz"):
            data_file = out_dir / f"{key}.csv"
            base = 0
            with source_file.open("rb") as raw, data_file.open("wb") as copy:

                def counted() -> Iterator[bytes]:
                    for chunk in read_chunks(raw, SCAN_BLOCK):
                        step(len(chunk))
                        yield chunk

                for block in _line_blocks(gunzip_chunks(counted()), cancel):
                    copy.write(block)
                    scanner.feed(block)
            stored_data: str | None = data_file.name
        else:
            data_file = source_file
            with source_file.open("rb") as raw:
                base = 3 if raw.read(3) == BOM else 0
                raw.seek(base)
                scanner.pos = base
                for block in _line_blocks(read_chunks(raw, SCAN_BLOCK), cancel, step):
                    scanner.feed(block)
            stored_data = None
    end = scanner.pos
    enc = encoding or _sniff_encoding(data_file, base)
    rows = max(scanner.count - 1, 0)
    # offsets[i] = start of data record i + 1; offsets[rows] = the end (copied from the raw
    # starts file in slices, so that memory stays flat whatever the number of records)
    offsets = np.lib.format.open_memmap(
        out_dir / f"{key}.npy", mode="w+", dtype=np.int64, shape=(rows + 1,)
    )
    header: tuple[str, ...] = ()
    if scanner.count:
        starts = np.memmap(starts_file, dtype=np.int64, mode="r")
        for lo in range(1, scanner.count, 1 << 20):
            hi = min(lo + (1 << 20), scanner.count)
            offsets[lo - 1 : hi - 1] = starts[lo:hi]
        first = int(starts[0])
        stop = int(starts[1]) if scanner.count > 1 else end
        del starts
        with data_file.open("rb") as f:
            f.seek(first)
            text = f.read(stop - first).decode(enc, errors="replace")
        try:
            header = tuple(n.strip() for n in parse_record(text.replace("\r\n", "\n").rstrip("\n")))
        except CellProblem:
            header = (text.strip(),)
    offsets[rows] = end
    offsets.flush()
    del offsets
    starts_file.unlink()
    return {
        "path": path,
        "key": key,
        "data": stored_data,
        "encoding": enc,
        "header": list(header),
        "rows": rows,
        "source_size": total,
    }


def _sniff_encoding(data_file: Path, base: int) -> str:
    """UTF-8 when the file decodes as UTF-8, else GB18030 (``case-package.md`` § CSV files)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    with data_file.open("rb") as f:
        f.seek(base)
        try:
            for chunk in read_chunks(f, SCAN_BLOCK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


class RecordIndexes:
    """The record indexes of one case (``<index dir>/records/``), opened lazily."""

    def __init__(self, index_dir: Path, case_folder: Path) -> None:
        self.dir = Path(index_dir) / "records"
        self.case_folder = Path(case_folder)
        try:
            meta = json.loads((self.dir / "catalog.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        entries = meta.get("entries") if isinstance(meta, dict) else None
        self._entries: dict[str, dict[str, Any]] = {
            e["path"]: e for e in (entries or []) if isinstance(e, dict) and "path" in e
        }
        self._open: dict[str, RecordIndex] = {}

    def paths(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, path: object) -> bool:
        return path in self._entries

    def get(self, path: str) -> RecordIndex | None:
        """The index of the CSV entry ``path``, memory-mapped (None when not indexed)."""
        if path in self._open:
            return self._open[path]
        entry = self._entries.get(path)
        if entry is None:
            return None
        try:
            offsets = np.load(self.dir / f"{entry['key']}.npy", mmap_mode="r")
        except (OSError, ValueError):  # removed or damaged: the caller rebuilds the index
            return None
        data = (
            self.dir / entry["data"]
            if entry.get("data")
            else self.case_folder.joinpath(*path.split("/"))
        )
        index = RecordIndex(
            path=path,
            data_file=data,
            encoding=str(entry.get("encoding") or "utf-8"),
            header=tuple(entry.get("header") or ()),
            offsets=offsets,
        )
        self._open[path] = index
        return index


def is_csv(path: str) -> bool:
    low = path.lower()
    return low.endswith((".csv", ".csv.gz"))


__all__ = [
    "RecordIndex",
    "RecordIndexes",
    "StreamProblem",
    "build_record_index",
    "is_csv",
    "scan_offsets",
]
