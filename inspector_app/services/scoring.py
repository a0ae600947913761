"""Scoring: an enterprise's self-assessment, or any answers, with the checklist in effect.

The result is :class:`~inspector_app.checklist.scoring.ScoreResult` (points per question,
sub-indicator, indicator and dimension — ``dimension_points()`` —, scene counts, the level,
``level_checks`` and ``blocking_next_level``); ``to_json()`` is the ``score --json`` object.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from inspector_app.casepkg.model import CasePackage, SelfAssessmentItem
from inspector_app.checklist.effective import home_checklists
from inspector_app.checklist.model import Checklist
from inspector_app.checklist.scoring import ScoreResult, score_self_assessment
from inspector_app.checklist.scoring import score_answers as _score_answers
from inspector_app.home import Home
from inspector_app.progress import CancelToken, ProgressFn
from inspector_app.services.cases import CaseSession


def score_self(source: CaseSession | CasePackage, *, home: Home | None = None) -> ScoreResult:
    """Score the enterprise's own self-assessment (附件8) with the checklist it names, as in
    effect for the home (the agency's corrections), beside its claims.

    Args:
        source: an open case, or a loaded package (then ``home`` says whose corrections apply;
            without it the bundled checklists).

    Raises:
        UnknownChecklist: the checklist is not known (exit 1).
    """
    if isinstance(source, CaseSession):
        package = source.package
        home = source.home
    else:
        package = source
    sa = package.self_assessment
    checklist = home_checklists(home).get(sa.checklist) if home is not None else None
    return score_self_assessment(sa, checklist=checklist)


def score_answers(checklist: Checklist, answers: Mapping[str, SelfAssessmentItem]) -> ScoreResult:
    """Score ``answers`` (item id → answer/level/figures, e.g. from
    :func:`~inspector_app.checklist.make_answers`) against ``checklist``."""
    return _score_answers(checklist, answers, issues_path=None)


def score_package(
    home: Home,
    path: str | Path,
    *,
    identities: Sequence[Any] = (),
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> tuple[str, ScoreResult]:
    """``score PACKAGE --self``: open a package file and score its self-assessment with the
    home's checklist. Returns ``(package_id, result)``.

    Raises:
        PackageRefused: the package is not valid (exit 1).
    """
    from inspector_app.casepkg import open_package
    from inspector_app.services.settings import package_limits

    with open_package(
        Path(path),
        identities=list(identities),
        tmp_dir=home.tmp_dir,
        limits=package_limits(home),
        progress=progress,
        cancel=cancel,
    ) as package:
        return package.package_id, score_self(package, home=home)


__all__ = ["ScoreResult", "score_answers", "score_package", "score_self"]
