"""Comparisons of scorings: expert against self-assessment, and several experts on one enterprise.

Plain functions over :class:`~inspector_app.checklist.scoring.ScoreResult` (scored with the same
checklist). Differences are ``other − reference``, in points for questions and totals and in
levels for scenes and the overall level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inspector_app.checklist.scoring import ScoreResult
from inspector_app.errors import InputRefused
from inspector_app.i18n import bi


@dataclass(frozen=True)
class ItemDiff:
    """One item in two scorings. For a question, ``a``/``b`` are the answers as text
    (``"B,C"``; ``""`` unanswered; ``"?"`` malformed) and ``delta`` the points ``b − a``; for a
    scene, ``a``/``b`` are the levels and ``delta`` their difference."""

    item_id: str
    kind: str  # "question" | "scene"
    a: str | int
    b: str | int
    a_points: Decimal | None
    b_points: Decimal | None
    delta: Decimal

    @property
    def differs(self) -> bool:
        return self.a != self.b


@dataclass(frozen=True)
class Comparison:
    """Two scorings side by side (``b`` against ``a``)."""

    a_label: str
    b_label: str
    items: tuple[ItemDiff, ...]
    a_score: Decimal
    b_score: Decimal
    dimension_deltas: Mapping[str, Decimal]
    a_level: int
    b_level: int

    @property
    def score_delta(self) -> Decimal:
        return self.b_score - self.a_score

    @property
    def level_delta(self) -> int:
        return self.b_level - self.a_level

    @property
    def differing(self) -> list[ItemDiff]:
        return [i for i in self.items if i.differs]

    def to_json(self) -> dict[str, Any]:
        return {
            "labels": [self.a_label, self.b_label],
            "score": [self.a_score, self.b_score],
            "score_delta": self.score_delta,
            "dimension_deltas": dict(self.dimension_deltas),
            "level": [self.a_level, self.b_level],
            "level_delta": self.level_delta,
            "differing": [
                {"item": i.item_id, "kind": i.kind, "values": [i.a, i.b], "delta": i.delta}
                for i in self.differing
            ],
        }


def _answer_text(letters: tuple[str, ...] | None) -> str:
    return "?" if letters is None else ",".join(letters)


def _same_checklist(results: list[ScoreResult]) -> None:
    ids = {(r.checklist_id, r.checklist_version) for r in results}
    if len(ids) > 1:
        raise InputRefused(
            bi(
                "Scorings made with different checklists cannot be compared: {ids}",
                ids=", ".join(f"{i} {v}" for i, v in sorted(ids)),
            )
        )


def compare_results(
    a: ScoreResult, b: ScoreResult, labels: tuple[str, str] = ("a", "b")
) -> Comparison:
    """Every question and scene of ``a`` and ``b``, with points and level differences."""
    _same_checklist([a, b])
    items: list[ItemDiff] = []
    for qid, qa in a.questions.items():
        qb = b.questions[qid]
        items.append(
            ItemDiff(
                qid,
                "question",
                _answer_text(qa.letters),
                _answer_text(qb.letters),
                qa.points,
                qb.points,
                qb.points - qa.points,
            )
        )
    for sid, la in a.scenes.items():
        lb = b.scenes[sid]
        items.append(ItemDiff(sid, "scene", la, lb, None, None, Decimal(lb - la)))
    dims = {d.name: b.dimensions[key].points - d.points for key, d in a.dimensions.items()}
    return Comparison(labels[0], labels[1], tuple(items), a.score, b.score, dims, a.level, b.level)


@dataclass(frozen=True)
class ExpertVsSelf:
    """An expert's scoring against the enterprise's own answers and its claims.

    ``comparison`` is expert − self per item; ``claimed_score_excess`` is the claimed score minus
    the expert's score (positive: the enterprise claimed more), ``claimed_level_excess`` likewise.
    """

    comparison: Comparison
    claimed_score: Decimal | None
    claimed_level: int | None
    expert_score: Decimal
    expert_level: int

    @property
    def claimed_score_excess(self) -> Decimal | None:
        return None if self.claimed_score is None else self.claimed_score - self.expert_score

    @property
    def claimed_level_excess(self) -> int | None:
        return None if self.claimed_level is None else self.claimed_level - self.expert_level


def compare_expert_to_self(expert: ScoreResult, self_result: ScoreResult) -> ExpertVsSelf:
    """``self_result`` is :func:`score_self_assessment`'s result (it carries the claims)."""
    return ExpertVsSelf(
        compare_results(self_result, expert, ("self", "expert")),
        self_result.claimed_score,
        self_result.claimed_level,
        expert.score,
        expert.level,
    )


@dataclass(frozen=True)
class ItemSpread:
    """One item across several experts: each expert's value and points, and the spread
    (largest minus smallest points for a question, levels for a scene)."""

    item_id: str
    kind: str
    values: Mapping[str, str | int]
    points: Mapping[str, Decimal]
    spread: Decimal

    @property
    def agree(self) -> bool:
        return len(set(self.values.values())) <= 1


@dataclass(frozen=True)
class ExpertsComparison:
    """Several experts' scorings of one enterprise."""

    experts: tuple[str, ...]
    items: tuple[ItemSpread, ...]
    scores: Mapping[str, Decimal]
    dimensions: Mapping[str, Mapping[str, Decimal]]
    levels: Mapping[str, int]

    @property
    def score_spread(self) -> Decimal:
        return max(self.scores.values()) - min(self.scores.values())

    @property
    def level_spread(self) -> int:
        return max(self.levels.values()) - min(self.levels.values())

    @property
    def levels_agree(self) -> bool:
        return self.level_spread == 0

    @property
    def disagreements(self) -> list[ItemSpread]:
        return [i for i in self.items if not i.agree]

    def dimension_spread(self, name: str) -> Decimal:
        values = self.dimensions[name].values()
        return max(values) - min(values)

    def to_json(self) -> dict[str, Any]:
        return {
            "experts": list(self.experts),
            "scores": dict(self.scores),
            "score_spread": self.score_spread,
            "levels": dict(self.levels),
            "level_spread": self.level_spread,
            "dimension_spreads": {n: self.dimension_spread(n) for n in self.dimensions},
            "disagreements": [
                {"item": i.item_id, "kind": i.kind, "values": dict(i.values), "spread": i.spread}
                for i in self.disagreements
            ],
        }


def compare_experts(results: Mapping[str, ScoreResult]) -> ExpertsComparison:
    """Where experts (keyed by a label, e.g. a key fingerprint) differ, and by how much."""
    if not results:
        raise InputRefused(bi("No scorings to compare"))
    labels = tuple(results)
    _same_checklist(list(results.values()))
    first = results[labels[0]]
    items: list[ItemSpread] = []
    for qid in first.questions:
        values: dict[str, str | int] = {
            e: _answer_text(results[e].questions[qid].letters) for e in labels
        }
        points = {e: results[e].questions[qid].points for e in labels}
        items.append(
            ItemSpread(qid, "question", values, points, max(points.values()) - min(points.values()))
        )
    for sid in first.scenes:
        levels = {e: results[e].scenes[sid] for e in labels}
        items.append(
            ItemSpread(
                sid,
                "scene",
                dict(levels),
                {},
                Decimal(max(levels.values()) - min(levels.values())),
            )
        )
    dims: dict[str, dict[str, Decimal]] = {}
    for key, d in first.dimensions.items():
        dims[d.name] = {e: results[e].dimensions[key].points for e in labels}
    return ExpertsComparison(
        labels,
        tuple(items),
        {e: results[e].score for e in labels},
        dims,
        {e: results[e].level for e in labels},
    )
