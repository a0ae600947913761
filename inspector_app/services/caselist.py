"""The list of imported cases (``case list``, the desktop app's first page): each case as a
:class:`CaseSummary` — its store row, the enterprise's district and providers from its folder,
the status a list shows, the red flags of its cached analysis that no review answers.

Read for the desktop app's start, so it imports little: the store is read through the standard
library (``open_store(read_only=True)``, no sqlite-utils) and the cached analysis's flags from
the small file beside it (``AnalysisCache.peek_flags``, :mod:`.analysis_cache`: no rule
engine, no numpy, no rule settings); ``tests/gui/test_startup_imports.py`` and
``tests/unit/services/test_startup_imports.py`` guard it. :mod:`inspector_app.services.cases`
re-exports these names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector_app.findings.store import CaseRow, FindingsStore, open_store
from inspector_app.home import Home
from inspector_app.services.analysis_cache import AnalysisCache

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


def _exported_through(store: FindingsStore) -> int | None:
    """The last finding number in a bundle this device wrote (the sync layer's table, read
    here without importing it), or None when nothing was exported."""
    db = store.db
    if "sync_exports" not in db.table_names():
        return None
    row = db.execute("SELECT MAX(last_seq) FROM sync_exports").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _display_status(store: FindingsStore, case: CaseRow, exported_through: int | None) -> str:
    """One of :data:`DISPLAY_STATUSES`: ``stale`` when the store marks the case's conclusion
    stale (a ground withdrawn since), ``exported`` when concluded and every local finding of
    the case is in a bundle this device wrote."""
    if getattr(case, "stale", False):
        return "stale"
    local = [
        f for f in store.findings(case.case_id, include_superseded=True) if f.origin == "local"
    ]
    if not local:
        return "not_started"
    if not any(f.kind in ("conclusion", "decision") for f in local):
        return "in_progress"
    if exported_through is not None and max(f.record.seq for f in local) <= exported_through:
        return "exported"
    return "concluded"


def _summary(
    store: FindingsStore, cache: AnalysisCache, case: CaseRow, exported: int | None
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
        reviewed = {
            str(f.data.get("flag"))
            for f in store.findings(case.case_id, kind="flag_review")
            if f.origin == "local"
        }
        open_flags = sum(1 for flag in flags if flag not in reviewed)
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
        display_status=_display_status(store, case, exported),
        open_flags=open_flags,
        analysed=flags is not None,
        imported_at=case.imported_at,
        warnings=tuple(case.warnings),
        row=case,
    )


def list_cases(home: Home) -> list[CaseSummary]:
    """Every imported case, in import order, as :class:`CaseSummary` (the store read only)."""
    cache = AnalysisCache(home.workspace)
    with open_store(home, read_only=True) as store:
        exported = _exported_through(store)
        return [_summary(store, cache, c, exported) for c in store.cases()]


def case_summary(home: Home, case_ref: str) -> CaseSummary:
    """The :class:`CaseSummary` of the case ``case_ref`` (id or unique prefix)."""
    cache = AnalysisCache(home.workspace)
    with open_store(home, read_only=True) as store:
        case = store.resolve_case(case_ref)
        return _summary(store, cache, case, _exported_through(store))


__all__ = ["DISPLAY_STATUSES", "CaseSummary", "case_summary", "list_cases"]
