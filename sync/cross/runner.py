"""Run the cross-enterprise rules over the agency's store (``merge flags``).

1. Every case imported at the agency (``case import``) is indexed once (:mod:`sync.cross.index`).
2. Every image that an expert attached to a finding (bundle attachments) is hashed and filed
   under its case's enterprise.
3. The four rules run on the index; the result has the shape of ``analyze --json``'s flags.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from inspector_app.analysis.flags import Flag
from inspector_app.analysis.settings import layer, load_rules_file, settings_sha256
from inspector_app.home import Home
from inspector_app.i18n import bi
from inspector_app.progress import CancelToken, ProgressFn, check, report
from sync.cross import documents as docmod
from sync.cross import index as idx
from sync.cross import logs as logmod
from sync.cross import photos as photomod
from sync.cross import prices as pricemod
from sync.cross.flags import CrossFlag, sort_flags
from sync.schema import open_db

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


@dataclass(frozen=True)
class CrossResult:
    """What ``merge flags`` found: the settings' digest, the cases indexed now and in all, and
    the cross-enterprise flags (the one :class:`~inspector_app.analysis.flags.Flag` type);
    ``to_json()`` is the ``merge flags --json`` object."""

    settings_sha256: str
    indexed_now: int
    cases: int
    flags: tuple[Flag, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "settings_sha256": self.settings_sha256,
            "indexed_now": self.indexed_now,
            "cases": self.cases,
            "flags": [f.to_json() for f in self.flags],
        }


def run_cross_rules(
    home: Home,
    *,
    rules_file: str | None = None,
    workers: int = 2,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> CrossResult:
    settings = layer(load_rules_file(rules_file) if rules_file else None)
    ngram = int(settings["CROSS_DUPLICATE_DOCUMENT"]["ngram"])
    min_run = int(settings["CROSS_LOG_CLONE"]["min_run"])
    conn = idx.open_index(home)
    db = open_db(home)
    try:
        cases = db.execute(
            "SELECT case_id, uscc, folder FROM cases WHERE folder IS NOT NULL ORDER BY case_id"
        ).fetchall()
        from inspector_app.casepkg import load_case
        from sync.expert import package_sha256

        indexed = 0
        for i, (case_id, _uscc, folder) in enumerate(cases):
            check(cancel)
            report(progress, i, len(cases), bi("Indexing case {case}", case=case_id))
            pkg = load_case(folder)
            if idx.index_package(
                conn,
                case_id,
                package_sha256(folder),
                pkg,
                ngram=ngram,
                min_run=min_run,
                workers=workers,
                cancel=cancel,
            ):
                indexed += 1
        folders = {c: f for c, _u, f in cases}

        def loader(case_id: str) -> Any:
            from inspector_app.casepkg import load_case

            folder = folders.get(case_id)
            return load_case(folder) if folder else None

        idx.ensure_grams(conn, ngram, loader)
        idx.ensure_fingerprints(conn, min_run)
        bundle_photos = _bundle_photos(home, db)
        idx.index_bundle_photos(
            conn, bundle_photos, workers=workers, progress=progress, cancel=cancel
        )
    finally:
        db.conn.close()
    try:
        flags = evaluate(conn, settings)
    finally:
        conn.close()
    return CrossResult(
        settings_sha256=settings_sha256(settings),
        indexed_now=indexed,
        cases=len(cases),
        flags=tuple(sort_flags(flags)),
    )


def _bundle_photos(home: Home, db: Any) -> list[tuple[str, str, str, str, Path]]:
    from sync.attachments import store_of

    store = store_of(home)
    rows = db.execute(
        "SELECT DISTINCT f.case_id, COALESCE(c.uscc, s.uscc), a.sha256, f.body"
        " FROM sync_finding_attachments a JOIN findings f ON f.finding_id = a.finding_id"
        " LEFT JOIN cases c ON c.case_id = f.case_id LEFT JOIN sync_cases s ON s.case_id = f.case_id"
    ).fetchall()
    out = []
    import json

    for case_id, uscc, sha, body in rows:
        if not uscc:
            continue
        path = store.path_of(sha)
        try:
            with path.open("rb") as fh:
                head = fh.read(8)
        except OSError:
            continue
        if not head.startswith(_IMAGE_MAGIC):
            continue
        name = sha[:12]
        for ref in json.loads(body).get("data", {}).get("attachments", []):
            if isinstance(ref, dict) and ref.get("sha256") == sha:
                name = str(ref.get("name") or name)
        out.append((case_id, uscc, name, sha, path))
    return out


def evaluate(conn: Any, settings: Any) -> list[Flag]:
    """Run the four rules on the index."""
    flags: list[Flag] = []
    flags += _photos(conn, int(settings["CROSS_DUPLICATE_PHOTO"]["max_phash_distance"]))
    flags += _documents(
        conn,
        float(settings["CROSS_DUPLICATE_DOCUMENT"]["min_similarity"]),
        int(settings["CROSS_DUPLICATE_DOCUMENT"]["ngram"]),
    )
    flags += _logs(conn, int(settings["CROSS_LOG_CLONE"]["min_run"]))
    flags += _prices(conn, Decimal(str(settings["CROSS_PRICE_OUTLIER"]["max_ratio"])))
    return flags


def _photos(conn: Any, max_distance: int) -> list[Flag]:
    photos = [
        photomod.Photo(uscc, path, sha, int(h, 16) if h else None, source)
        for uscc, path, sha, source, h in conn.execute(
            "SELECT p.uscc, p.path, p.sha256, p.source, h.phash FROM photos p"
            " LEFT JOIN phashes h ON h.sha256 = p.sha256"
        ).fetchall()
    ]
    out = []
    for a, b, dist in photomod.duplicate_pairs(photos, max_distance):
        same = a.sha256 == b.sha256
        title_msg = (
            "Same photo at two enterprises: identical file"
            if same
            else "Same photo at two enterprises: near-identical (pHash distance {distance})"
        )
        out.append(
            CrossFlag(
                rule="CROSS_DUPLICATE_PHOTO",
                subject=f"{a.uscc}:{a.path}|{b.uscc}:{b.path}",
                title=bi(title_msg, distance=dist),
                detail=bi(
                    "{uscc_a} {path_a} and {uscc_b} {path_b}",
                    uscc_a=a.uscc,
                    path_a=a.path,
                    uscc_b=b.uscc,
                    path_b=b.path,
                ),
                hint=bi(
                    "Ask both enterprises for the original photo files and the device that took them."
                ),
                evidence=({"path": a.path, "uscc": a.uscc}, {"path": b.path, "uscc": b.uscc}),
                usccs=(a.uscc, b.uscc),
            )
        )
    return out


def _documents(conn: Any, min_similarity: float, ngram: int) -> list[Flag]:
    out: list[Flag] = []
    by_sha: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for uscc, path, sha in conn.execute(
        "SELECT uscc, path, sha256 FROM docs ORDER BY uscc, path"
    ).fetchall():
        by_sha[sha].append((uscc, path))
    pairs: dict[tuple[str, str, str, str], float] = {}
    for entries in by_sha.values():
        for i, (ua, pa) in enumerate(entries):
            for ub, pb in entries[i + 1 :]:
                if ua != ub:
                    pairs[(ua, pa, ub, pb)] = 1.0
    docs = []
    for uscc, path, blob in conn.execute(
        "SELECT d.uscc, g.path, g.grams FROM doc_grams g JOIN docs d ON d.case_id = g.case_id"
        " AND d.path = g.path WHERE g.n = ?",
        (ngram,),
    ).fetchall():
        grams: array[int] = array("I")
        grams.frombytes(blob)
        docs.append(docmod.Doc(uscc, path, "", frozenset(grams)))
    for a, b, sim in docmod.similar_pairs(docs, min_similarity):
        key = (a.uscc, a.path, b.uscc, b.path)
        pairs.setdefault(key, sim)
    for (ua, pa, ub, pb), sim in sorted(pairs.items()):
        identical = sim >= 1.0 and any((ua, pa) in e and (ub, pb) in e for e in by_sha.values())
        msg = (
            "Same document at two enterprises: identical file"
            if identical
            else "Same document at two enterprises: {similarity} of the text is shared"
        )
        share = f"{round(sim * 100)}%"
        out.append(
            CrossFlag(
                rule="CROSS_DUPLICATE_DOCUMENT",
                subject=f"{ua}:{pa}|{ub}:{pb}",
                title=bi(msg, similarity=share),
                detail=bi(
                    "{uscc_a} {path_a} and {uscc_b} {path_b}",
                    uscc_a=ua,
                    path_a=pa,
                    uscc_b=ub,
                    path_b=pb,
                ),
                hint=bi(
                    "Ask who wrote the document; compare the details it claims with what you see on site."
                ),
                evidence=({"path": pa, "uscc": ua}, {"path": pb, "uscc": ub}),
                usccs=(ua, ub),
            )
        )
    return out


def _logs(conn: Any, min_run: int) -> list[Flag]:
    k, w = logmod.window_sizes(min_run)
    meta = {
        (c, s): (u, p)
        for c, s, u, p in conn.execute("SELECT case_id, system_id, uscc, path FROM logs").fetchall()
    }
    candidates = conn.execute(
        "SELECT a.case_id, a.system_id, a.pos, b.case_id, b.system_id, b.pos FROM log_fps a"
        " JOIN log_fps b ON b.k = a.k AND b.w = a.w AND b.hash = a.hash"
        " AND (a.case_id < b.case_id OR (a.case_id = b.case_id AND a.system_id < b.system_id))"
        " WHERE a.k = ? AND a.w = ?",
        (k, w),
    ).fetchall()
    cache: dict[tuple[str, str], logmod.Log] = {}

    def log(key: tuple[str, str]) -> logmod.Log:
        if key not in cache:
            cache[key] = idx.load_log(conn, *key)
        return cache[key]

    best: dict[tuple[tuple[str, str], tuple[str, str]], tuple[int, int, int]] = {}
    for ca, sa, pa, cb, sb, pb in candidates:
        la, lb = (ca, sa), (cb, sb)
        if meta[la][0] == meta[lb][0]:
            continue
        first_a, first_b, events = logmod.run_events(log(la), pa, log(lb), pb)
        if (meta[la][0], la[1]) > (meta[lb][0], lb[1]):  # subjects in USCC order
            la, lb, first_a, first_b = lb, la, first_b, first_a
        if events >= min_run and ((la, lb) not in best or best[(la, lb)][2] < events):
            best[(la, lb)] = (first_a, first_b, events)
    out = []
    for (la, lb), (first_a, first_b, events) in sorted(best.items()):
        (ua, path_a), (ub, path_b) = meta[la], meta[lb]
        # event i is data record i + 1 of usage.csv (the header is not counted)
        rows_a = (first_a + 1, first_a + events)
        rows_b = (first_b + 1, first_b + events)
        out.append(
            CrossFlag(
                rule="CROSS_LOG_CLONE",
                subject=f"{ua}:{la[1]}|{ub}:{lb[1]}",
                title=bi("Cloned usage logs: {events} consecutive identical events", events=events),
                detail=bi(
                    "{uscc_a} {system_a} rows {a1}–{a2} repeat {uscc_b} {system_b} rows {b1}–{b2} (actions, objects and gaps, shifted in time)",
                    uscc_a=ua,
                    system_a=la[1],
                    a1=rows_a[0],
                    a2=rows_a[1],
                    uscc_b=ub,
                    system_b=lb[1],
                    b1=rows_b[0],
                    b2=rows_b[1],
                ),
                hint=bi(
                    "Ask both enterprises to show the records behind these events in the live system."
                ),
                evidence=(
                    {"path": path_a, "rows": list(rows_a), "uscc": ua},
                    {"path": path_b, "rows": list(rows_b), "uscc": ub},
                ),
                usccs=(ua, ub),
            )
        )
    return out


def _prices(conn: Any, max_ratio: Decimal) -> list[Flag]:
    prices = [
        pricemod.Price(u, prov, name, code, Decimal(price), cno, int(line))
        for u, prov, name, code, price, cno, line in conn.execute(
            "SELECT uscc, provider, provider_name, catalog_code, unit_price, contract_no, line_no"
            " FROM prices"
        ).fetchall()
    ]
    out = []
    for o in pricemod.outliers(prices, max_ratio):
        p = o.price
        ratio = f"{(o.enterprise_price / o.median):.2f}"
        out.append(
            CrossFlag(
                rule="CROSS_PRICE_OUTLIER",
                subject=f"{p.provider}:{p.catalog_code}:{p.uscc}",
                title=bi(
                    "Provider price inconsistent: {ratio} × its median for {code}",
                    ratio=ratio,
                    code=p.catalog_code,
                ),
                detail=bi(
                    "{provider} sells {code} to {uscc} at {price} yuan; its median over {count} enterprises is {median} yuan",
                    provider=p.provider_name,
                    code=p.catalog_code,
                    uscc=p.uscc,
                    price=o.enterprise_price,
                    count=o.enterprises,
                    median=o.median,
                ),
                hint=bi(
                    "Ask the enterprise what exactly was delivered under this line and compare it with the other enterprises' contracts."
                ),
                evidence=(
                    {
                        "path": "finance/contract_items.csv",
                        "uscc": p.uscc,
                        "contract_no": p.contract_no,
                        "line_no": p.line_no,
                    },
                ),
                usccs=(p.uscc,),
            )
        )
    return out
