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

from typing import TYPE_CHECKING

from inspector_app.lazy import lazy_exports

if TYPE_CHECKING:
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

#: where each public name lives: imported on first use (PEP 562), so importing the package
#: (or one light submodule of it) does not import every module behind it
_LAZY: dict[str, str] = {
    "AnswerCheck": "inspector_app.checklist.answers",
    "check_answer": "inspector_app.checklist.answers",
    "check_items": "inspector_app.checklist.answers",
    "validate_self_assessment": "inspector_app.checklist.answers",
    "Comparison": "inspector_app.checklist.compare",
    "ExpertVsSelf": "inspector_app.checklist.compare",
    "ExpertsComparison": "inspector_app.checklist.compare",
    "ItemDiff": "inspector_app.checklist.compare",
    "ItemSpread": "inspector_app.checklist.compare",
    "compare_expert_to_self": "inspector_app.checklist.compare",
    "compare_experts": "inspector_app.checklist.compare",
    "compare_results": "inspector_app.checklist.compare",
    "FigureResult": "inspector_app.checklist.figures",
    "derive_option": "inspector_app.checklist.figures",
    "ChecklistInvalid": "inspector_app.checklist.loader",
    "DEFAULT_CHECKLIST": "inspector_app.checklist.loader",
    "UnknownChecklist": "inspector_app.checklist.loader",
    "find_checklist": "inspector_app.checklist.loader",
    "get_checklist": "inspector_app.checklist.loader",
    "known_checklists": "inspector_app.checklist.loader",
    "load_checklist": "inspector_app.checklist.loader",
    "load_checklist_dir": "inspector_app.checklist.loader",
    "parse_checklist": "inspector_app.checklist.loader",
    "register_checklist": "inspector_app.checklist.loader",
    "unregister_checklist": "inspector_app.checklist.loader",
    "Checklist": "inspector_app.checklist.model",
    "Question": "inspector_app.checklist.model",
    "Scene": "inspector_app.checklist.model",
    "LevelCheck": "inspector_app.checklist.scoring",
    "QuestionScore": "inspector_app.checklist.scoring",
    "ScoreResult": "inspector_app.checklist.scoring",
    "Subtotal": "inspector_app.checklist.scoring",
    "level_allowed_by_score": "inspector_app.checklist.scoring",
    "make_answers": "inspector_app.checklist.scoring",
    "score_answers": "inspector_app.checklist.scoring",
    "score_self_assessment": "inspector_app.checklist.scoring",
    "tidy": "inspector_app.checklist.scoring",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)


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
