"""One pass over a package: container, names, manifest, every entry hashed and every file checked.

Each entry is inflated once: the blocks go through the SHA-256 hasher (and, on import, into the
extraction folder) and on to the parser of that entry (JSON, CSV, usage log). Entries nothing
parses (documents, photos) are hashed on a worker thread while the main thread checks the CSVs:
``zlib`` and ``hashlib`` release the GIL, so the two cores both work.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import threading
import tomllib
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from inspector_app import safejson
from inspector_app.casepkg import jsonfiles
from inspector_app.casepkg.csvfiles import (
    RECORDS_COLUMNS,
    TABLES,
    NeedRestart,
    TableParser,
)
from inspector_app.casepkg.folderarc import FolderArchive
from inspector_app.casepkg.issues import IssueLog, pointer
from inspector_app.casepkg.limits import Limits, SizeBudget
from inspector_app.casepkg.model import Document, ManifestFile
from inspector_app.casepkg.names import fold_key, name_problem
from inspector_app.casepkg.textio import StreamProblem, gunzip_chunks, prefetch, split_lines
from inspector_app.casepkg.usagecheck import UsageChecker
from inspector_app.casepkg.zipfmt import (
    DEFLATED,
    STORED,
    ZipArchive,
    ZipEntry,
    ZipProblem,
    unsupported_message,
)
from inspector_app.i18n import Message, bi, exc_message, verbatim
from inspector_app.progress import CancelToken, ProgressFn, check, report

REQUIRED_JSON = ("enterprise.json", "project.json", "self_assessment.json", "systems.json")
_LOG_FILE = re.compile(r"logs/([^/]+)/(usage\.csv|usage\.csv\.gz|records\.csv)")
_ATTACHMENT_DIR = re.compile(r"附件\s*([1-8])(?!\d)")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


@dataclass
class LogStats:
    """What validation saw of one usage log."""

    path: str
    rows: int = 0
    first_ts: int | None = None
    last_ts: int | None = None


@dataclass
class _EntryState:
    entry: ZipEntry
    listed: ManifestFile | None
    sha: Any = field(default_factory=hashlib.sha256)
    size: int = 0
    out: IO[bytes] | None = None
    failed: bool = False


def classify(name: str) -> str:
    """The role of an entry in the layout (``unknown`` → warning ``UNKNOWN_ENTRY``)."""
    if name == "manifest.json":
        return "manifest"
    if name in REQUIRED_JSON:
        return "json"
    if name in TABLES:
        return "table"
    m = _LOG_FILE.fullmatch(name)
    if m is not None:
        return {"usage.csv": "usage", "usage.csv.gz": "usage_gz", "records.csv": "records"}[
            m.group(2)
        ]
    if name == "settings/rules.toml":
        return "rules"
    if name.startswith("docs/"):
        return "doc"
    if name.startswith("photos/"):
        return "photo"
    return "unknown"


def attachment_of(path: str, listed: ManifestFile | None) -> int | None:
    """The manifest's attachment number, else the ``附件N`` folder the document lies under."""
    if listed is not None and listed.attachment is not None:
        return listed.attachment
    for segment in path.split("/")[:-1]:
        m = _ATTACHMENT_DIR.search(segment)
        if m is not None:
            return int(m.group(1))
    return None


class Validation:
    """One validation run over an opened archive (see :func:`run`)."""

    def __init__(
        self,
        archive: ZipArchive | FolderArchive,
        *,
        limits: Limits,
        progress: ProgressFn | None,
        cancel: CancelToken | None,
        content: bool = True,
        extract_to: Path | None = None,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        self.archive = archive
        self.skip = skip
        self.limits = limits
        self.progress = progress
        self.cancel = cancel
        self.content = content
        self.extract_to = extract_to
        self.log = IssueLog()
        self.budget = SizeBudget(limits.max_total_size)
        self.manifest_data: Any = None
        self.manifest: Any = None
        self.parsed: dict[str, Any] = {}
        self.tables: dict[str, list[Any]] = {}
        self.table_lines: dict[str, list[int]] = {}
        self.usage: dict[str, LogStats] = {}
        self.records: dict[str, str] = {}
        self.encodings: dict[str, str] = {}
        self.rules: dict[str, Any] | None = None
        self.hashes: dict[str, tuple[str, int]] = {}
        self.files: dict[str, ZipEntry] = {}
        self._done = 0
        self._reported = 0
        self._total = 0
        self._lock = threading.Lock()

    # ================================================================== entry points
    def run(self) -> None:
        usable = self._check_entries()
        if self.log.failed and any(
            i.code in ("TOO_LARGE",) for i in self.log.errors
        ):  # nothing more to learn from a bomb
            return
        self._total = sum(e.size for e in usable)
        manifest_entry = self.files.get("manifest.json")
        if manifest_entry is None:
            self._manifest_missing()
        else:
            self._process(manifest_entry, "manifest")
        self._check_listing()
        parsed = [
            e
            for e in usable
            if e.name != "manifest.json" and self._parses(e) and classify(e.name) not in self.skip
        ]
        hashed = (
            []
            if "hash" in self.skip
            else [e for e in usable if e.name != "manifest.json" and not self._parses(e)]
        )
        # big hash-only entries first, so the worker is busy while CSVs are parsed
        hashed.sort(key=lambda e: -e.size)
        workers = max(1, min(2, (os.cpu_count() or 1)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="casepkg-hash") as pool:
            futures = [pool.submit(self._process_all, batch) for batch in _batches(hashed)]
            try:
                for entry in sorted(parsed, key=_parse_order):
                    self._process(entry, classify(entry.name))
            finally:
                if self.cancel is not None and self.cancel.cancelled:
                    for f in futures:
                        f.cancel()
            for f in futures:
                f.result()
        check(self.cancel)
        report(self.progress, self._total, self._total, bi("Checked."))

    def _process_all(self, entries: list[ZipEntry]) -> None:
        for entry in entries:
            if self.cancel is not None and self.cancel.cancelled:
                return
            self._process(entry, "hash")

    def _parses(self, entry: ZipEntry) -> bool:
        if not self.content:
            return False
        return classify(entry.name) in ("json", "table", "usage", "usage_gz", "records", "rules")

    # ================================================================== container checks
    def _check_entries(self) -> list[ZipEntry]:
        """Names, symlinks, methods, duplicates; returns the file entries safe to read."""
        log = self.log
        usable: list[ZipEntry] = []
        keys: dict[int, str] = {}  # entry index → fold_key(name), computed once
        seen: dict[str, ZipEntry] = {}
        dirs: dict[str, str] = {}
        declared = 0
        for e in self.archive.entries:
            if e.name_problem is not None:
                log.add_error("UNSAFE_PATH", e.name, e.name_problem)
                continue
            problem = name_problem(e.name)
            if problem is not None:
                log.add_error("UNSAFE_PATH", e.name, problem)
                continue
            if e.is_symlink:
                log.add_error("SYMLINK", e.name, bi("Symbolic links are not allowed in a package."))
                continue
            key = keys[e.index] = fold_key(e.name)
            if key in seen:
                log.add_error(
                    "DUPLICATE_ENTRY",
                    e.name,
                    bi(
                        "The entry has the same name as {other} (after Unicode normalisation and case folding).",
                        other=seen[key].name,
                    ),
                )
                continue
            seen[key] = e
            parts = key.split("/")
            for i in range(1, len(parts)):
                dirs.setdefault("/".join(parts[:i]), e.name)
            if e.is_dir:
                continue
            if e.encrypted or e.method not in (STORED, DEFLATED):
                log.add_error("UNSUPPORTED_ENTRY", e.name, unsupported_message(e))
                continue
            declared += e.size
            usable.append(e)
        for e in usable:
            key = keys[e.index]
            if key in dirs:
                log.add_error(
                    "DUPLICATE_ENTRY",
                    e.name,
                    bi(
                        "The name is used both as a file and as a folder ({other}).",
                        other=dirs[key],
                    ),
                )
        usable = [e for e in usable if keys[e.index] not in dirs]
        if declared > self.limits.max_total_size:
            log.add_error(
                "TOO_LARGE",
                None,
                bi(
                    "The package declares {size} bytes uncompressed; the limit is {limit}.",
                    size=declared,
                    limit=self.limits.max_total_size,
                ),
            )
        for e in usable:
            self.files[e.name] = e
        return usable

    def _manifest_missing(self) -> None:
        tops = {e.name.split("/", 1)[0] for e in self.archive.entries}
        inner = [
            e.name for e in self.archive.entries if re.fullmatch(r"[^/]+/manifest\.json", e.name)
        ]
        if len(tops) == 1 and inner:
            message = bi(
                "No manifest.json at the archive root: the archive holds a single folder {folder}/ that contains one. Zip the folder's contents, not the folder.",
                folder=inner[0].split("/", 1)[0],
            )
        else:
            message = bi("No manifest.json at the archive root.")
        self.log.add_error("MANIFEST_MISSING", "manifest.json", message)

    def _check_listing(self) -> None:
        if self.manifest is None:
            return
        listed = {f.path for f in self.manifest.files}
        for name in self.files:
            if name != "manifest.json" and name not in listed:
                self.log.add_error(
                    "FILE_UNLISTED", name, bi("The entry is not listed in manifest.json.")
                )
        for i, f in enumerate(self.manifest.files):
            if f.path not in self.files:
                self.log.add_error(
                    "FILE_MISSING",
                    f.path,
                    bi("The file listed in manifest.json is not in the archive."),
                    pointer=pointer("files", i),
                )

    # ================================================================== streaming
    def _listed(self, name: str) -> ManifestFile | None:
        return self.manifest.file(name) if self.manifest is not None else None

    def _advance(self, n: int) -> None:
        with self._lock:
            self._done += n
            done = self._done
            due = done - self._reported >= (16 << 20)
            if due:
                self._reported = done
        if due:
            report(self.progress, min(done, self._total), self._total, bi("Checking the package…"))

    def _hashed(self, state: _EntryState) -> Generator[bytes, None, None]:
        entry = state.entry
        limit = state.listed.size if state.listed is not None else None
        chunks = self.archive.chunks(
            entry,
            on_output=self.budget.add,
            max_ratio=self.limits.max_ratio,
            ratio_free=self.limits.ratio_free,
        )
        for block in chunks:
            check(self.cancel)
            state.sha.update(block)
            state.size += len(block)
            if limit is not None and state.size > limit:
                raise StreamProblem(
                    "SIZE_MISMATCH",
                    bi(
                        "The entry is larger than the {size} bytes manifest.json says.",
                        size=limit,
                    ),
                )
            if state.out is not None:
                state.out.write(block)
            self._advance(len(block))
            yield block

    def _extract_file(self, name: str) -> IO[bytes] | None:
        if self.extract_to is None:
            return None
        root = self.extract_to
        dest = root.joinpath(*name.split("/"))
        resolved = dest.resolve()
        if root.resolve() not in resolved.parents:  # pragma: no cover - names are checked
            raise ZipProblem("UNSAFE_PATH", bi("Unsafe entry name."), name)
        _private_dirs(root, dest.parent)
        # private whatever the umask (0600); exclusive: an entry is never written twice
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        return os.fdopen(os.open(dest, flags, 0o600), "wb")

    def _process(self, entry: ZipEntry, kind: str) -> None:
        state = _EntryState(entry, self._listed(entry.name))
        try:
            state.out = self._extract_file(entry.name)
        except FileExistsError:
            self.log.add_error("DUPLICATE_ENTRY", entry.name, bi("The entry is written twice."))
            return
        except OSError as exc:
            if exc.errno not in (errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL):
                raise  # disk full, read-only…: an environment problem, not the package's
            self.log.add_error(
                "UNSAFE_PATH",
                entry.name,
                bi(
                    "The name cannot be used as a file name on this computer: {error}",
                    error=exc.strerror,
                ),
            )
            return
        gen = self._hashed(state)
        # the big logs: read, inflate and hash on a helper thread while this one checks rows
        stream = prefetch(gen) if kind in ("usage", "usage_gz") else gen
        try:
            try:
                self._consume(kind, entry.name, stream, "utf-8")
                _drain(stream)
            except NeedRestart:
                _drain(stream)
                if not state.failed:
                    self._consume(kind, entry.name, self._fresh(entry), "gb18030")
        except (StreamProblem, ZipProblem) as exc:
            state.failed = True
            self.log.add_error(exc.code, entry.name, exc.message)
            with contextlib.suppress(StreamProblem, ZipProblem):
                _drain(stream)
        finally:
            if stream is not gen:
                stream.close()  # type: ignore[attr-defined]
            gen.close()
            if state.out is not None:
                state.out.close()
        self._verify(state)

    def _fresh(self, entry: ZipEntry) -> Iterator[bytes]:
        """The entry again (second pass for a GB18030 file; not counted twice)."""
        return self.archive.chunks(
            entry, max_ratio=self.limits.max_ratio, ratio_free=self.limits.ratio_free
        )

    def _verify(self, state: _EntryState) -> None:
        name = state.entry.name
        digest = state.sha.hexdigest()
        self.hashes[name] = (digest, state.size)
        if state.failed or state.listed is None:
            return
        if state.size != state.listed.size:
            self.log.add_error(
                "SIZE_MISMATCH",
                name,
                bi(
                    "Size mismatch: the entry has {actual} bytes, manifest.json says {listed}.",
                    actual=state.size,
                    listed=state.listed.size,
                ),
            )
        elif digest != state.listed.sha256:
            self.log.add_error(
                "HASH_MISMATCH",
                name,
                bi("SHA-256 mismatch: the entry's content differs from manifest.json."),
            )

    # ================================================================== content
    def _consume(self, kind: str, name: str, chunks: Iterator[bytes], encoding: str) -> None:
        if kind == "hash":
            return
        if kind in ("manifest", "json", "rules"):
            data = self._collect(chunks, name)
            if kind == "manifest":
                self._manifest(data)
            elif kind == "json":
                self._json(name, data)
            else:
                self._rules(data)
            return
        blocks: Iterator[bytes]
        if kind == "usage_gz":
            blocks = split_lines(
                gunzip_chunks(
                    chunks,
                    on_output=self.budget.add,
                    max_ratio=self.limits.max_ratio,
                    ratio_free=self.limits.ratio_free,
                )
            )
        else:
            blocks = split_lines(chunks)
        if kind in ("usage", "usage_gz"):
            checker = UsageChecker(name, self.log, encoding=encoding)
            for block in blocks:
                checker.feed(block)
            checker.finish()
            system = name.split("/")[1]
            self.usage[system] = LogStats(name, checker.rows, checker.first_ts, checker.last_ts)
            if checker.no_offset:
                self.log.add_warning(
                    "NO_OFFSET",
                    name,
                    bi("Timestamps without an offset were read as +08:00."),
                )
        else:
            if kind == "records":
                parser = TableParser(name, RECORDS_COLUMNS, self.log, encoding=encoding)
                self.records[name.split("/")[1]] = name
            else:
                make, columns = TABLES[name]
                parser = TableParser(name, columns, self.log, make=make, encoding=encoding)
            for block in blocks:
                parser.feed(block)
            parser.finish()
            if kind == "table":
                self.tables[name] = parser.rows
                self.table_lines[name] = parser.lines
        self.encodings[name] = encoding

    def _collect(self, chunks: Iterator[bytes], name: str) -> bytes:
        parts: list[bytes] = []
        size = 0
        for block in chunks:
            size += len(block)
            if size > self.limits.max_json_size:
                raise StreamProblem(
                    "TOO_LARGE",
                    bi(
                        "{name} is larger than {limit} bytes.",
                        name=name,
                        limit=self.limits.max_json_size,
                    ),
                )
            parts.append(block)
        return b"".join(parts)

    def _manifest(self, data: bytes) -> None:
        try:
            raw = jsonfiles.loads(data)
        except jsonfiles.JsonProblem as exc:
            code = "DUPLICATE_KEY" if exc.code == "DUPLICATE_KEY" else "MANIFEST_INVALID"
            self.log.add_error(code, "manifest.json", exc_message(exc))
            return
        self.manifest_data = raw
        self.manifest = jsonfiles.parse_manifest(raw, self.log)
        created = raw.get("created_at") if isinstance(raw, dict) else None
        if self.manifest is not None and isinstance(created, str) and not _OFFSET.search(created):
            self.log.add_warning(
                "NO_OFFSET",
                "manifest.json",
                bi("Timestamps without an offset were read as +08:00."),
                pointer="/created_at",
            )

    def _json(self, name: str, data: bytes) -> None:
        try:
            raw = jsonfiles.loads(data)
        except jsonfiles.JsonProblem as exc:
            self.log.add_error(exc.code, name, exc_message(exc))
            return
        self.parsed[name] = jsonfiles.PARSERS[name](raw, self.log)

    def _rules(self, data: bytes) -> None:
        name = "settings/rules.toml"
        try:
            rules = tomllib.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            self.log.add_error("SCHEMA_INVALID", name, bi("Not valid TOML: {error}", error=exc))
            return
        except RecursionError:
            self.log.add_error(
                "SCHEMA_INVALID",
                name,
                bi("The file is nested more than {limit} levels deep.", limit=safejson.MAX_DEPTH),
            )
            return
        try:
            safejson.check_value(rules)
        except safejson.JsonRefused as exc:
            self.log.add_error(
                "SCHEMA_INVALID", name, bi("Not valid TOML: {error}", error=exc.detail)
            )
            return
        validate_layer = _settings_validator()
        if validate_layer is not None:
            problems = validate_layer(rules)
            for p in problems:
                self.log.add_error(
                    "SCHEMA_INVALID",
                    name,
                    p.message
                    if isinstance(getattr(p, "message", None), Message)
                    else verbatim(str(p)),
                    pointer=getattr(p, "pointer", None),
                )
            if problems:
                return
        self.rules = rules


def _private_dirs(root: Path, folder: Path) -> None:
    """Create ``folder`` and the folders between ``root`` and it, each 0700 (not the umask)."""
    missing: list[Path] = []
    current = folder
    while current != root and not current.is_dir():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
        if os.name == "posix":
            path.chmod(0o700)  # mkdir's mode is filtered by the umask


def _settings_validator() -> Callable[[Any], list[Any]] | None:
    """``inspector_app.analysis.settings.validate_layer`` when the analysis package has it."""
    try:
        from inspector_app.analysis import settings
    except ImportError:
        return None
    fn = getattr(settings, "validate_layer", None)
    return fn if callable(fn) else None


def _batches(entries: list[ZipEntry], size: int = 1 << 20, most: int = 512) -> list[list[ZipEntry]]:
    """``entries`` (biggest first) in tasks for the pool: a big entry alone, small ones
    together (up to ``most`` entries or ``size`` bytes), so that 100,000 tiny entries are not
    100,000 futures."""
    out: list[list[ZipEntry]] = []
    small: list[ZipEntry] = []
    total = 0
    for e in entries:
        if e.size >= size:
            out.append([e])
            continue
        small.append(e)
        total += e.size
        if len(small) >= most or total >= size:
            out.append(small)
            small, total = [], 0
    if small:
        out.append(small)
    return out


def _parse_order(entry: ZipEntry) -> tuple[int, str]:
    order = {"json": 0, "table": 1, "records": 2, "rules": 3, "usage": 4, "usage_gz": 4}
    return order.get(classify(entry.name), 5), entry.name


def _drain(gen: Iterator[bytes]) -> None:
    for _ in gen:
        pass


def documents(v: Validation) -> tuple[Document, ...]:
    """The documents and photos of a validated package, with their manifest metadata."""
    out: list[Document] = []
    for name, entry in v.files.items():
        if classify(name) not in ("doc", "photo"):
            continue
        listed = v._listed(name)
        digest, size = v.hashes.get(name, ("", entry.size))
        out.append(
            Document(
                path=name,
                sha256=listed.sha256 if listed is not None else digest,
                size=size,
                attachment=attachment_of(name, listed),
                kind=listed.kind if listed is not None else None,
                title=listed.title if listed is not None else None,
                phase=listed.phase if listed is not None else None,
            )
        )
    return tuple(sorted(out, key=lambda d: d.path))
