"""The digital-level checklist: data loader, answer checks, scoring, level rule, comparisons.

Public interface (see ``docs/scoring.md``):

* :func:`get_checklist` / :func:`find_checklist` / :func:`register_checklist` — checklists by id
  (``resources/checklists/*.json``; several versions side by side, keyed by ``id``).
* :func:`validate_self_assessment` — the ``UNKNOWN_ITEM`` / ``INVALID_ANSWER`` warnings (or one
  ``UNKNOWN_CHECKLIST``) of a :class:`~inspector_app.casepkg.model.SelfAssessment`.
* :func:`score_answers` / :func:`score_self_assessment` → :class:`ScoreResult` (points per
  question, sub-indicator, indicator, dimension; scene counts; level; explanation).
* :func:`compare_results`, :func:`compare_expert_to_self`, :func:`compare_experts`.
"""

from __future__ import annotations

from inspector_app.checklist.answers import (
    AnswerCheck,
    check_answer,
    check_items,
    validate_self_assessment,
)
from inspector_app.checklist.compare import (
    Comparison,
    ExpertsComparison,
    ExpertVsSelf,
    ItemDiff,
    ItemSpread,
    compare_expert_to_self,
    compare_experts,
    compare_results,
)
from inspector_app.checklist.figures import FigureResult, derive_option
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
from inspector_app.checklist.scoring import (
    LevelCheck,
    QuestionScore,
    ScoreResult,
    Subtotal,
    level_allowed_by_score,
    make_answers,
    score_answers,
    score_self_assessment,
    tidy,
)

__all__ = [
    "DEFAULT_CHECKLIST",
    "AnswerCheck",
    "Checklist",
    "ChecklistInvalid",
    "Comparison",
    "ExpertVsSelf",
    "ExpertsComparison",
    "FigureResult",
    "ItemDiff",
    "ItemSpread",
    "LevelCheck",
    "Question",
    "QuestionScore",
    "Scene",
    "ScoreResult",
    "Subtotal",
    "UnknownChecklist",
    "check_answer",
    "check_items",
    "compare_expert_to_self",
    "compare_experts",
    "compare_results",
    "derive_option",
    "find_checklist",
    "get_checklist",
    "known_checklists",
    "level_allowed_by_score",
    "load_checklist",
    "load_checklist_dir",
    "make_answers",
    "parse_checklist",
    "register_checklist",
    "score_answers",
    "score_self_assessment",
    "tidy",
    "unregister_checklist",
    "validate_self_assessment",
]
