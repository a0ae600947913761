"""An imported case's row of the workspace store (:class:`CaseRow`), in a module of its own
that imports nothing of the store: the case list serves its rows from its cache
(:mod:`inspector_app.services.caselist_cache`) without the store's modules.
:mod:`inspector_app.findings.model` re-exports it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class CaseRow:
    case_id: str
    package_id: str
    uscc: str | None
    enterprise: str | None
    project_id: str | None
    checklist: str | None
    folder: str | None
    status: str
    imported_at: str
    warnings: list[Any]
    #: this device's current conclusion of the case lost a ground (``findings.outcome``)
    stale: bool = False

    def marked_stale(self) -> CaseRow:
        """This row as a case whose conclusion went stale shows: ``stale``, back ``in_progress``."""
        return replace(self, stale=True, status="in_progress")

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "package_id": self.package_id,
            "uscc": self.uscc,
            "enterprise": self.enterprise,
            "project_id": self.project_id,
            "checklist": self.checklist,
            "status": self.status,
            "imported_at": self.imported_at,
            "folder": self.folder,
            "warnings": self.warnings,
            "stale": self.stale,
        }


__all__ = ["CaseRow"]
