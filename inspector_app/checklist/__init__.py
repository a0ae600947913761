"""The digital-level checklist: data loader, answer checks, scoring, level rule, comparisons.

Public interface (see ``docs/scoring.md``):

* :func:`get_checklist` / :func:`find_checklist` / :func:`register_checklist` — checklists by id.
* :func:`validate_self_assessment` — the ``UNKNOWN_ITEM`` / ``INVALID_ANSWER`` warnings.
"""

from __future__ import annotations

from inspector_app.checklist.answers import (
    AnswerCheck,
    check_answer,
    check_items,
    validate_self_assessment,
)
from inspector_app.checklist.loader import (
    DEFAULT_CHECKLIST,
    ChecklistInvalid,
    UnknownChecklist,
    find_checklist,
    get_checklist,
    known_checklists,
    load_checklist,
    load_checklist_dir,
    parse_checklist,
    register_checklist,
    unregister_checklist,
)
from inspector_app.checklist.model import Checklist, Question, Scene

__all__ = [
    "DEFAULT_CHECKLIST",
    "AnswerCheck",
    "Checklist",
    "ChecklistInvalid",
    "Question",
    "Scene",
    "UnknownChecklist",
    "check_answer",
    "check_items",
    "find_checklist",
    "get_checklist",
    "known_checklists",
    "load_checklist",
    "load_checklist_dir",
    "parse_checklist",
    "register_checklist",
    "unregister_checklist",
    "validate_self_assessment",
]
