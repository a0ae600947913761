"""The list of imported cases (``case list``, the desktop app's first page): each case as a
:class:`CaseSummary` — its store row, the enterprise's district and providers from its folder,
the status a list shows, the red flags of its cached analysis that no review answers.

Read for the desktop app's start, so it imports little. What the list derives from the signed
findings (a stale conclusion, local findings, a conclusion, the last one's number, the flags
reviewed) comes from a small validated cache in the workspace (:mod:`.caselist_cache`): when
the store did not change since the last listing, the list reads the case rows and the cache's
fingerprint through the standard library and imports none of the findings store's modules nor
decodes any finding. Otherwise (a miss) the store is opened as before
(``open_store(read_only=True)``, no sqlite-utils), every value computed from the findings, and
the cache written again; the results are the same either way. The cached analysis's flags come
from the small file beside it (``AnalysisCache.peek_flags``, :mod:`.analysis_cache`: no rule
engine, no numpy, no rule settings); ``tests/gui/test_startup_imports.py`` and
``tests/unit/services/test_startup_imports.py`` guard it. :mod:`inspector_app.services.cases`
re-exports these names.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.findings.caserow import CaseRow
from inspector_app.findings.reading import case_matches
from inspector_app.home import Home
from inspector_app.services import caselist_cache
from inspector_app.services.analysis_cache import AnalysisCache
from inspector_app.services.caselist_cache import Derived

if TYPE_CHECKING:
    from inspector_app.findings.store import FindingsStore

log = logging.getLogger("inspector_app.services.caselist")

#: what a list of cases shows for each case (``CaseSummary.display_status``)
DISPLAY_STATUSES = ("not_started", "in_progress", "concluded", "exported", "stale")


@dataclass(frozen=True)
class CaseSummary:
    """One imported case as a list shows it.

    ``status`` is the store's (``imported``, ``in_progress``, ``concluded``, ``decided``);
    ``display_status`` is one of :data:`DISPLAY_STATUSES`; ``open_flags`` counts the cached
    analysis's flags that no current ``flag_review`` of the case answers (0 before the first
    analysis, see ``analysed``).
    """

    case_id: str
    package_id: str
    uscc: str | None
    enterprise: str | None
    district: str | None
    providers: tuple[str, ...]
    project_id: str | None
    checklist: str | None
    folder: str | None
    status: str
    display_status: str
    open_flags: int
    analysed: bool
    imported_at: str
    warnings: tuple[Any, ...] = ()
    #: the store's row (``case list --json`` prints its ``to_json()``)
    row: CaseRow | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "package_id": self.package_id,
            "uscc": self.uscc,
            "enterprise": self.enterprise,
            "district": self.district,
            "providers": list(self.providers),
            "project_id": self.project_id,
            "checklist": self.checklist,
            "folder": self.folder,
            "status": self.status,
            "display_status": self.display_status,
            "open_flags": self.open_flags,
            "analysed": self.analysed,
            "imported_at": self.imported_at,
        }


def read_case_json(folder: Path, name: str) -> dict[str, Any]:
    """The JSON object ``name`` of an imported case's folder ({} when missing or not one).
    Read as bytes: ``json`` takes UTF-8 with or without a byte order mark."""
    try:
        obj = json.loads((folder / name).read_bytes())
    except (OSError, ValueError):
        return {}
    return obj if isinstance(obj, dict) else {}


def _derive(store: FindingsStore, case: CaseRow) -> Derived:
    """What the list derives from the findings of ``case`` (a row of ``store.cases()``, its
    stale flag marked)."""
    local = [
        f
        for f in store.findings(case.case_id, include_superseded=True, stale=False)
        if f.origin == "local"
    ]
    return Derived(
        stale=case.stale,
        local=bool(local),
        concluded=any(f.kind in ("conclusion", "decision") for f in local),
        last_seq=max((f.record.seq for f in local), default=None),
        # the current ones: nothing of the same signer supersedes them
        reviewed=frozenset(
            str(f.data.get("flag")) for f in local if f.kind == "flag_review" and f.current
        ),
    )


def _display_status(derived: Derived, exported_through: int | None) -> str:
    """One of :data:`DISPLAY_STATUSES`: ``stale`` when the store marks the case's conclusion
    stale (a ground withdrawn since), ``exported`` when concluded and every local finding of
    the case is in a bundle this device wrote."""
    if derived.stale:
        return "stale"
    if not derived.local:
        return "not_started"
    if not derived.concluded:
        return "in_progress"
    last = derived.last_seq
    if exported_through is not None and last is not None and last <= exported_through:
        return "exported"
    return "concluded"


def _summary(
    cache: AnalysisCache, case: CaseRow, derived: Derived, exported: int | None
) -> CaseSummary:
    folder = Path(case.folder) if case.folder else None
    enterprise = read_case_json(folder, "enterprise.json") if folder else {}
    project = read_case_json(folder, "project.json") if folder else {}
    providers = tuple(
        str(p.get("name"))
        for p in project.get("providers") or ()
        if isinstance(p, dict) and p.get("name")
    )
    flags = cache.peek_flags(case.case_id)
    open_flags = 0
    if flags is not None:
        open_flags = sum(1 for flag in flags if flag not in derived.reviewed)
    district = enterprise.get("district")
    return CaseSummary(
        case_id=case.case_id,
        package_id=case.package_id,
        uscc=case.uscc,
        enterprise=case.enterprise,
        district=district if isinstance(district, str) else None,
        providers=providers,
        project_id=case.project_id,
        checklist=case.checklist,
        folder=case.folder,
        status=case.status,
        display_status=_display_status(derived, exported),
        open_flags=open_flags,
        analysed=flags is not None,
        imported_at=case.imported_at,
        warnings=tuple(case.warnings),
        row=case,
    )


def _cached(home: Home) -> tuple[list[tuple[CaseRow, Derived]], int | None] | None:
    """The case rows (stale marked) with their cached values and the last exported number,
    when the cache matches the store; None for a miss."""
    try:
        snapshot = caselist_cache.read_snapshot(home.workspace)
    except (sqlite3.Error, OSError, ValueError) as exc:
        log.debug("case list: store not read directly (%s); opening it", exc)
        return None
    if snapshot is None:
        return None
    derived = caselist_cache.load(home.workspace, snapshot.fingerprint)
    if derived is None or set(derived) != {r.case_id for r in snapshot.rows}:
        return None
    rows = [r.marked_stale() if derived[r.case_id].stale else r for r in snapshot.rows]
    return [(r, derived[r.case_id]) for r in rows], snapshot.exported


def _fingerprint(conn: sqlite3.Connection) -> str | None:
    """The cache's fingerprint of the store, or None (then nothing is cached) when reading it
    fails: the listing itself reports the store's problems, as without the cache."""
    try:
        return caselist_cache.fingerprint(conn)
    except sqlite3.Error as exc:
        log.debug("case list: no fingerprint of the store (%s)", exc)
        return None


def _resolve(rows: Sequence[CaseRow], text: str) -> CaseRow | None:
    """``StoreCore.resolve_case`` over ``rows``, or None where it raises (the full path
    raises the same then)."""
    matches = case_matches(rows, text) if text.strip() else []
    return matches[0] if len(matches) == 1 else None


def list_cases(home: Home) -> list[CaseSummary]:
    """Every imported case, in import order, as :class:`CaseSummary` (the store read only)."""
    cache = AnalysisCache(home.workspace)
    hit = _cached(home)
    if hit is not None:
        pairs, exported = hit
        return [_summary(cache, case, derived, exported) for case, derived in pairs]
    from inspector_app.findings.store import open_store

    with open_store(home, read_only=True) as store:
        conn = store.db.conn
        conn.execute("BEGIN")  # one snapshot: the fingerprint and what it covers
        try:
            found = _fingerprint(conn)
            exported = caselist_cache.exported_through(conn)
            pairs = [(c, _derive(store, c)) for c in store.cases()]
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    if found is not None:
        caselist_cache.save(home.workspace, found, {c.case_id: d for c, d in pairs})
    return [_summary(cache, case, derived, exported) for case, derived in pairs]


def case_summary(home: Home, case_ref: str) -> CaseSummary:
    """The :class:`CaseSummary` of the case ``case_ref`` (id or unique prefix)."""
    cache = AnalysisCache(home.workspace)
    hit = _cached(home)
    if hit is not None:
        pairs, exported = hit
        case = _resolve([c for c, _ in pairs], case_ref)
        if case is not None:
            derived = next(d for c, d in pairs if c is case)
            return _summary(cache, case, derived, exported)
    from inspector_app.findings.store import open_store

    with open_store(home, read_only=True) as store:
        case = store.resolve_case(case_ref)
        derived = _derive(store, case)
        exported = caselist_cache.exported_through(store.db.conn)
    return _summary(cache, case, derived, exported)


__all__ = ["DISPLAY_STATUSES", "CaseSummary", "case_summary", "list_cases"]
