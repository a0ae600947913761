"""Comparison helpers: expert vs self-assessment, several experts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.casepkg.model import SelfAssessment
from inspector_app.checklist import (
    compare_expert_to_self,
    compare_experts,
    compare_results,
    get_checklist,
    make_answers,
    parse_checklist,
    score_answers,
    score_self_assessment,
)
from inspector_app.errors import InputRefused

from .fixtures import mini
from .test_scoring import CLEAN_ANSWERS

D = Decimal


def test_compare_results_per_item_totals_level() -> None:
    c = get_checklist()
    a = score_answers(c, make_answers(CLEAN_ANSWERS))
    b = score_answers(c, make_answers({**CLEAN_ANSWERS, "Q5": "B", "Q1": ["B"], "S7": 1}))
    cmp = compare_results(a, b, ("self", "expert"))
    diff = {i.item_id: i for i in cmp.differing}
    assert set(diff) == {"Q1", "Q5", "S7"}
    assert (diff["Q5"].a, diff["Q5"].b, diff["Q5"].delta) == ("C", "B", D("-2.5"))
    assert (diff["Q1"].a, diff["Q1"].b, diff["Q1"].delta) == ("B,C", "B", D(-2))
    assert (diff["S7"].a, diff["S7"].b, diff["S7"].delta) == (2, 1, D(-1))
    assert cmp.score_delta == D("-4.5")
    assert cmp.dimension_deltas["数字化基础"] == D("-4.5")
    assert cmp.dimension_deltas["数字化管理"] == 0
    # S7 down to 1 leaves 5 scenes at level 2: the expert's level is 1
    assert (cmp.a_level, cmp.b_level, cmp.level_delta) == (2, 1, -1)
    assert cmp.to_json()["differing"][0] == {
        "item": "Q1",
        "kind": "question",
        "values": ["B,C", "B"],
        "delta": D(-2),
    }


def test_expert_vs_self_claims() -> None:
    c = get_checklist()
    sa = SelfAssessment("miit-2024", make_answers(CLEAN_ANSWERS), None, D("63.5"), 3)
    self_result = score_self_assessment(sa)
    expert = score_answers(c, make_answers({**CLEAN_ANSWERS, "Q8": "B"}))
    evs = compare_expert_to_self(expert, self_result)
    assert evs.expert_score == D("47.6")
    assert evs.claimed_score_excess == D("15.9")
    assert evs.claimed_level_excess == 1
    assert [i.item_id for i in evs.comparison.differing] == ["Q8"]
    assert evs.comparison.a_label == "self"


def test_several_experts() -> None:
    c = get_checklist()
    results = {
        "fp-a": score_answers(c, make_answers(CLEAN_ANSWERS)),
        "fp-b": score_answers(c, make_answers({**CLEAN_ANSWERS, "Q5": "E", "S6": 3})),
        "fp-c": score_answers(c, make_answers({**CLEAN_ANSWERS, "Q5": "B"})),
    }
    cmp = compare_experts(results)
    assert cmp.experts == ("fp-a", "fp-b", "fp-c")
    dis = {i.item_id: i for i in cmp.disagreements}
    assert set(dis) == {"Q5", "S6"}
    assert dis["Q5"].values == {"fp-a": "C", "fp-b": "E", "fp-c": "B"}
    assert dis["Q5"].spread == D("7.5")
    assert dis["S6"].spread == D(2)
    assert cmp.score_spread == D("7.5")
    assert cmp.dimension_spread("数字化基础") == D("7.5")
    assert cmp.levels == {"fp-a": 2, "fp-b": 2, "fp-c": 2}
    assert cmp.levels_agree
    out = cmp.to_json()
    assert out["score_spread"] == D("7.5")
    assert [d["item"] for d in out["disagreements"]] == ["Q5", "S6"]


def test_different_checklists_refused() -> None:
    a = score_answers(get_checklist(), make_answers({}))
    b = score_answers(parse_checklist(mini()), make_answers({}))
    with pytest.raises(InputRefused, match="different checklists"):
        compare_results(a, b)
    with pytest.raises(InputRefused):
        compare_experts({})
