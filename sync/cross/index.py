"""The persistent, incremental index of the cross-enterprise rules.

``<workspace>/sync/cross.sqlite3`` holds what is costly to compute and never changes for a
given input: each photo's pHash (by SHA-256), each evidence document's n-gram set, each usage
log's token array and its winnowed fingerprints (per ``k``/``w``), and the contract prices.
A case is indexed once (keyed by the SHA-256 of its package manifest); the rules then run on
the index. The file is derived data: deleting it only costs a re-index.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from inspector_app.casepkg.logs import package_usage
from inspector_app.casepkg.model import CasePackage
from inspector_app.home import Home
from inspector_app.parties import party_key
from inspector_app.progress import CancelToken, ProgressFn, check, report
from sync.cross import documents as docmod
from sync.cross import logs as logmod
from sync.cross.photos import phash_bytes
from sync.schema import sync_dir

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cases_indexed (case_id TEXT PRIMARY KEY, uscc TEXT,"
    " package_sha256 TEXT, enterprise TEXT)",
    "CREATE TABLE IF NOT EXISTS photos (case_id TEXT NOT NULL, uscc TEXT NOT NULL,"
    " path TEXT NOT NULL, sha256 TEXT NOT NULL, source TEXT NOT NULL,"
    " PRIMARY KEY (case_id, path))",
    "CREATE TABLE IF NOT EXISTS phashes (sha256 TEXT PRIMARY KEY, phash TEXT)",
    "CREATE TABLE IF NOT EXISTS docs (case_id TEXT NOT NULL, uscc TEXT NOT NULL,"
    " path TEXT NOT NULL, sha256 TEXT NOT NULL, attachment INTEGER, kind TEXT,"
    " PRIMARY KEY (case_id, path))",
    "CREATE TABLE IF NOT EXISTS doc_grams (case_id TEXT NOT NULL, path TEXT NOT NULL,"
    " n INTEGER NOT NULL, grams BLOB NOT NULL, PRIMARY KEY (case_id, path, n))",
    "CREATE TABLE IF NOT EXISTS logs (case_id TEXT NOT NULL, uscc TEXT NOT NULL,"
    " system_id TEXT NOT NULL, path TEXT NOT NULL, tokens BLOB NOT NULL, heads BLOB NOT NULL,"
    " PRIMARY KEY (case_id, system_id))",
    "CREATE TABLE IF NOT EXISTS log_fps (case_id TEXT NOT NULL, system_id TEXT NOT NULL,"
    " k INTEGER NOT NULL, w INTEGER NOT NULL, hash INTEGER NOT NULL, pos INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS log_fps_hash ON log_fps (k, w, hash)",
    "CREATE TABLE IF NOT EXISTS log_fps_done (case_id TEXT, system_id TEXT, k INTEGER,"
    " w INTEGER, PRIMARY KEY (case_id, system_id, k, w))",
    "CREATE TABLE IF NOT EXISTS prices (case_id TEXT NOT NULL, uscc TEXT NOT NULL,"
    " provider TEXT NOT NULL, provider_name TEXT NOT NULL, catalog_code TEXT NOT NULL,"
    " unit_price TEXT NOT NULL, contract_no TEXT NOT NULL, line_no INTEGER NOT NULL)",
)


def open_index(home: Home) -> sqlite3.Connection:
    path = sync_dir(home) / "cross.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    for stmt in SCHEMA:
        conn.execute(stmt)
    return conn


def _hash_one(item: bytes | str) -> int | None:
    """pHash of image bytes, or of the file at a path (read in the worker)."""
    if isinstance(item, str):
        try:
            with open(item, "rb") as fh:  # noqa: PTH123 - runs in a worker process
                item = fh.read()
        except OSError:
            return None
    return phash_bytes(item)


def _store_phashes(conn: sqlite3.Connection, hashes: Mapping[str, int | None]) -> None:
    """Remember each photo's pHash (16 hex digits; NULL for a file that is not an image)."""
    conn.executemany(
        "INSERT OR REPLACE INTO phashes (sha256, phash) VALUES (?, ?)",
        [(s, None if h is None else f"{h:016x}") for s, h in hashes.items()],
    )


def hash_photos(
    items: Sequence[tuple[str, bytes | str | Callable[[], bytes]]],
    *,
    workers: int = 2,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, int | None]:
    """pHash of each ``(sha256, source)``: bytes, a file path (str) or a reader.

    Decoding dominates (even with JPEG draft decoding at 1/8 scale, every coefficient is
    entropy-decoded), so it runs in ``workers`` processes; files are read by the workers.
    """
    out: dict[str, int | None] = {}
    if not items:
        return out

    def payload(src: bytes | str | Callable[[], bytes]) -> bytes | str:
        return src() if callable(src) else src

    if workers <= 1 or len(items) < 4:
        for i, (sha, src) in enumerate(items):
            check(cancel)
            out[sha] = _hash_one(payload(src))
            report(progress, i + 1, len(items), sha[:12])
        return out
    with ProcessPoolExecutor(max_workers=workers) as pool:
        batch = 64
        for start in range(0, len(items), batch):
            check(cancel)
            chunk = items[start : start + batch]
            results = pool.map(_hash_one, [payload(src) for _sha, src in chunk], chunksize=4)
            for (sha, _src), value in zip(chunk, results, strict=True):
                out[sha] = value
            report(progress, len(out), len(items), "")
    return out


def package_names(pkg: CasePackage) -> set[str]:
    """Names to remove from document text: the enterprise's, contacts', providers', parties'."""
    names = {pkg.enterprise.name}
    if pkg.enterprise.contact is not None:
        names.add(pkg.enterprise.contact.name)
    names.update(p.name for p in pkg.project.providers)
    names.update(s.vendor for s in pkg.systems if s.vendor)
    for c in pkg.contracts:
        names.update((c.party_a, c.party_b))
    for inv in pkg.invoices:
        names.update((inv.seller, inv.buyer))
    for pay in pkg.payments:
        names.update((pay.payer, pay.payee))
    return {n for n in names if n}


def _read(pkg: CasePackage, path: str) -> bytes:
    with pkg.source.open(path) as fh:
        return fh.read()


def index_package(
    conn: sqlite3.Connection,
    case_id: str,
    package_sha256: str | None,
    pkg: CasePackage,
    *,
    ngram: int,
    min_run: int,
    workers: int = 2,
    cancel: CancelToken | None = None,
) -> bool:
    """Index one case package (no-op when already indexed with the same manifest hash)."""
    row = conn.execute(
        "SELECT package_sha256 FROM cases_indexed WHERE case_id = ?", (case_id,)
    ).fetchone()
    if row is not None and row[0] == package_sha256:
        ensure_fingerprints(conn, min_run)
        ensure_grams(conn, ngram, lambda cid: pkg if cid == case_id else None)
        return False
    uscc = pkg.enterprise.uscc
    photos = [d for d in pkg.documents if d.is_image]
    known = (
        {
            r[0]
            for r in conn.execute(
                "SELECT sha256 FROM phashes WHERE sha256 IN ({})".format(
                    ",".join("?" * len(photos))
                ),
                [d.sha256 for d in photos],
            )
        }
        if photos
        else set()
    )
    todo = [(d.sha256, (lambda p=d.path: _read(pkg, p))) for d in photos if d.sha256 not in known]
    hashes = hash_photos(list(dict(todo).items()), workers=workers, cancel=cancel)
    names = package_names(pkg)
    texts: list[tuple[str, frozenset[int]]] = []
    docs = [d for d in pkg.documents if d.path.startswith("docs/") and not d.is_photo]
    for d in docs:
        check(cancel)
        if (
            d.attachment in (6, 7)
            and d.kind != "contract"
            and d.path.lower().endswith(docmod.TEXT_SUFFIXES)
        ):
            text = docmod.normalise(docmod.extract_text(d.path, _read(pkg, d.path)), names)
            texts.append((d.path, docmod.shingles(text, ngram)))
    log_rows = []
    for system in pkg.systems:
        path = pkg.usage_logs.get(system.system_id)
        if path is None:
            continue
        check(cancel)
        toks, heads = logmod.tokenize(
            (e.ts, e.action, e.object) for e in package_usage(pkg, system.system_id)
        )
        log_rows.append((system.system_id, path, toks, heads))
    contracts = {c.contract_no: c for c in pkg.contracts}
    price_rows = []
    for item in pkg.contract_items:
        contract = contracts.get(item.contract_no)
        if item.catalog_code and contract is not None:
            price_rows.append(
                (
                    party_key(contract.party_b, contract.party_b_uscc),
                    contract.party_b,
                    item.catalog_code,
                    str(item.unit_price_yuan),
                    item.contract_no,
                    item.line_no,
                )
            )
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table in ("photos", "docs", "doc_grams", "logs", "log_fps", "log_fps_done", "prices"):
            conn.execute(f"DELETE FROM {table} WHERE case_id = ?", (case_id,))
        _store_phashes(conn, hashes)
        conn.executemany(
            "INSERT INTO photos (case_id, uscc, path, sha256, source) VALUES (?, ?, ?, ?, 'package')",
            [(case_id, uscc, d.path, d.sha256) for d in photos],
        )
        conn.executemany(
            "INSERT INTO docs (case_id, uscc, path, sha256, attachment, kind) VALUES (?, ?, ?, ?, ?, ?)",
            [(case_id, uscc, d.path, d.sha256, d.attachment, d.kind) for d in docs],
        )
        conn.executemany(
            "INSERT INTO doc_grams (case_id, path, n, grams) VALUES (?, ?, ?, ?)",
            [(case_id, p, ngram, array("I", sorted(g)).tobytes()) for p, g in texts],
        )
        conn.executemany(
            "INSERT INTO logs (case_id, uscc, system_id, path, tokens, heads)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (case_id, uscc, sid, path, toks.tobytes(), heads.tobytes())
                for sid, path, toks, heads in log_rows
            ],
        )
        conn.executemany(
            "INSERT INTO prices (case_id, uscc, provider, provider_name, catalog_code, unit_price,"
            " contract_no, line_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(case_id, uscc, *r) for r in price_rows],
        )
        conn.execute(
            "INSERT OR REPLACE INTO cases_indexed (case_id, uscc, package_sha256, enterprise)"
            " VALUES (?, ?, ?, ?)",
            (case_id, uscc, package_sha256, pkg.enterprise.name),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    ensure_fingerprints(conn, min_run)
    return True


def ensure_grams(
    conn: sqlite3.Connection, ngram: int, loader: Callable[[str], CasePackage | None]
) -> None:
    """Compute n-gram sets for another ``n`` when the setting changed (needs the package)."""
    missing = conn.execute(
        "SELECT DISTINCT d.case_id FROM docs d WHERE d.attachment IN (6, 7)"
        " AND COALESCE(d.kind, '') <> 'contract' AND NOT EXISTS (SELECT 1 FROM doc_grams g"
        " WHERE g.case_id = d.case_id AND g.n = ?)",
        (ngram,),
    ).fetchall()
    for (case_id,) in missing:
        pkg = loader(case_id)
        if pkg is None:
            continue
        names = package_names(pkg)
        rows = []
        for d in pkg.documents:
            if (
                d.path.startswith("docs/")
                and d.attachment in (6, 7)
                and d.kind != "contract"
                and d.path.lower().endswith(docmod.TEXT_SUFFIXES)
            ):
                text = docmod.normalise(docmod.extract_text(d.path, _read(pkg, d.path)), names)
                rows.append(
                    (
                        case_id,
                        d.path,
                        ngram,
                        array("I", sorted(docmod.shingles(text, ngram))).tobytes(),
                    )
                )
        conn.executemany(
            "INSERT OR REPLACE INTO doc_grams (case_id, path, n, grams) VALUES (?, ?, ?, ?)", rows
        )


def ensure_fingerprints(conn: sqlite3.Connection, min_run: int) -> None:
    """Winnowed fingerprints of every log for the ``(k, w)`` that ``min_run`` needs."""
    k, w = logmod.window_sizes(min_run)
    todo = conn.execute(
        "SELECT l.case_id, l.system_id, l.tokens FROM logs l WHERE NOT EXISTS (SELECT 1 FROM"
        " log_fps_done d WHERE d.case_id = l.case_id AND d.system_id = l.system_id"
        " AND d.k = ? AND d.w = ?)",
        (k, w),
    ).fetchall()
    for case_id, system_id, blob in todo:
        toks: array[int] = array("I")
        toks.frombytes(blob)
        rows = [(case_id, system_id, k, w, h, pos) for h, pos in logmod.fingerprints(toks, k, w)]
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT INTO log_fps (case_id, system_id, k, w, hash, pos) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute(
                "INSERT INTO log_fps_done (case_id, system_id, k, w) VALUES (?, ?, ?, ?)",
                (case_id, system_id, k, w),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def index_bundle_photos(
    conn: sqlite3.Connection,
    items: Iterable[tuple[str, str, str, str, Path]],
    *,
    workers: int = 2,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> int:
    """Index photos that experts attached to findings: ``(case_id, uscc, name, sha256, file)``."""
    items = list(items)
    known = {r[0] for r in conn.execute("SELECT sha256 FROM phashes")}
    todo = {
        sha: (lambda f=file: f.read_bytes()) for _c, _u, _n, sha, file in items if sha not in known
    }
    hashes = hash_photos(list(todo.items()), workers=workers, progress=progress, cancel=cancel)
    conn.execute("BEGIN IMMEDIATE")
    try:
        _store_phashes(conn, hashes)
        conn.executemany(
            "INSERT OR REPLACE INTO photos (case_id, uscc, path, sha256, source)"
            " VALUES (?, ?, ?, ?, 'bundle')",
            [(c, u, f"bundle:{sha[:12]}/{name}", sha) for c, u, name, sha, _f in items],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(hashes)


def load_log(conn: sqlite3.Connection, case_id: str, system_id: str) -> logmod.Log:
    row = conn.execute(
        "SELECT uscc, path, tokens, heads FROM logs WHERE case_id = ? AND system_id = ?",
        (case_id, system_id),
    ).fetchone()
    toks: array[int] = array("I")
    heads: array[int] = array("I")
    toks.frombytes(row[2])
    heads.frombytes(row[3])
    return logmod.Log(row[0], system_id, row[1], toks, heads)


def rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    return list(conn.execute(sql, params).fetchall())
