"""The checklists in effect for one home: the bundled ones, overridden by the agency's.

An agency may correct a checklist (a threshold, an option's points) or ship a newer version by
putting checklist files in ``<home>/settings/checklists/*.json``. Every caller that scores or
checks answers — ``score``, the findings store's validation of ``score`` findings,
``SELF_ASSESSMENT_INFLATED`` of an expert, ``merge status`` — resolves a checklist id through
:func:`home_checklists`, so one case is never scored against two different checklists.

The corrections are layered per home, not registered in the process-wide registry: a process
that serves two homes (the tests, a UI switching profiles) sees each home's own. The folder is
read again only when one of its files changes (name, size, modification time).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from inspector_app.checklist.loader import (
    DEFAULT_CHECKLIST,
    SCHEMA_FILE,
    UnknownChecklist,
    checklists_by_id,
    load_checklist,
)
from inspector_app.checklist.model import Checklist
from inspector_app.home import Home

#: the folder of a home that holds the agency's corrected checklists
CORRECTED_FOLDER = "checklists"


@dataclass(frozen=True)
class ChecklistSet:
    """The checklists by id: the bundled ones with a home's corrections over them."""

    corrected: Mapping[str, Checklist]

    def find(self, checklist_id: str | None) -> Checklist | None:
        """The checklist ``checklist_id`` (the default one for None), or None when unknown."""
        cid = checklist_id or DEFAULT_CHECKLIST
        found = self.corrected.get(cid)
        if found is not None:
            return found
        return checklists_by_id().get(cid)

    def get(self, checklist_id: str | None) -> Checklist:
        """The checklist ``checklist_id`` (the default one for None), else
        :class:`~inspector_app.checklist.loader.UnknownChecklist` (exit 1)."""
        found = self.find(checklist_id)
        if found is None:
            known = sorted({*checklists_by_id(), *self.corrected})
            raise UnknownChecklist(checklist_id or DEFAULT_CHECKLIST, known)
        return found

    def is_corrected(self, checklist_id: str | None) -> bool:
        """Whether the home overrides ``checklist_id``."""
        return (checklist_id or DEFAULT_CHECKLIST) in self.corrected


_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], ChecklistSet]] = {}


_digests: dict[int, tuple[Checklist, str]] = {}


def checklist_digest(checklist: Checklist | None) -> str:
    """SHA-256 of everything a checklist says (its data as loaded): two checklists with the same
    digest score alike. ``"none"`` for no checklist."""
    if checklist is None:
        return "none"
    with _lock:
        held = _digests.get(id(checklist))
        if held is not None and held[0] is checklist:
            return held[1]
    digest = hashlib.sha256(repr(checklist).encode("utf-8")).hexdigest()
    with _lock:
        _digests[id(checklist)] = (checklist, digest)
    return digest


def corrected_folder(home: Home | Path) -> Path:
    """``<home>/settings/checklists``."""
    root = home.root if isinstance(home, Home) else Path(home)
    return root / "settings" / CORRECTED_FOLDER


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    try:
        paths = sorted(folder.glob("*.json"))
    except OSError:
        return ()
    for path in paths:
        if path.name == SCHEMA_FILE:
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((path.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


def home_checklists(home: Home | Path) -> ChecklistSet:
    """The checklists in effect for ``home`` (see the module docstring).

    Raises:
        ChecklistInvalid: a corrected checklist file is not a valid checklist (exit 1).
    """
    folder = corrected_folder(home)
    signature = _signature(folder) if folder.is_dir() else ()
    key = folder.absolute()
    with _lock:
        held = _cache.get(key)
        if held is not None and held[0] == signature:
            return held[1]
    corrected: dict[str, Checklist] = {}
    for name, _mtime, _size in signature:
        checklist = load_checklist(folder / name)
        corrected[checklist.id] = checklist
    result = ChecklistSet(corrected)
    with _lock:
        _cache[key] = (signature, result)
    return result


def effective_checklist(home: Home | Path, checklist_id: str | None) -> Checklist:
    """The checklist ``checklist_id`` in effect for ``home`` (see :class:`ChecklistSet`)."""
    return home_checklists(home).get(checklist_id)
