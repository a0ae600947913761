"""Scoring, figures, the level rule and its explanation."""

from __future__ import annotations

import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from inspector_app.casepkg.model import SelfAssessment, SelfAssessmentItem
from inspector_app.checklist import (
    UnknownChecklist,
    derive_option,
    get_checklist,
    make_answers,
    score_answers,
    score_self_assessment,
)
from inspector_app.i18n import plural_catalog

CLEAN = Path(__file__).resolve().parents[4] / "shared" / "examples" / "clean.case.zip"
D = Decimal

# The answers of the example clean.case.zip (also read from the ZIP below when present).
CLEAN_ANSWERS: dict[str, Any] = {
    "Q1": ["B", "C"], "Q2": "C", "Q3": "C", "Q4": ["B", "C", "D", "F", "G", "H", "J", "M"],
    "Q5": "C", "Q6": ["D", "E"], "Q7": ["C", "E"], "Q8": "D", "Q9": ["C", "E"],
    "Q10": ["B", "F"], "Q11": "C", "Q12": "B", "Q13": "B", "Q14": "B", "Q15": "B",
    "S1": 3, "S2": 1, "S3": 3, "S4": 1, "S5": 0, "S6": 1, "S7": 2, "S8": 3, "S9": 1,
    "S10": 2, "S11": 2, "S12": 1, "S13": 1, "S14": 1, "S15": 0, "S16": 0,
}  # fmt: skip


def _check_clean(r: Any) -> None:
    assert r.score == D("50.6")
    assert r.dimension_points() == {
        "数字化基础": D("25.6"),
        "数字化管理": D("15.0"),
        "数字化成效": D("10.0"),
    }
    assert r.scenes_at_or_above == {1: 13, 2: 6, 3: 3, 4: 0}
    assert r.constrained_at_or_above == {1: 10, 2: 6, 3: 3, 4: 0}
    assert r.level == 2


def test_clean_example_answers() -> None:
    _check_clean(score_answers(get_checklist(), make_answers(CLEAN_ANSWERS)))


@pytest.mark.skipif(not CLEAN.is_file(), reason="shared examples not present")
def test_clean_example_zip() -> None:
    raw = json.loads(
        subprocess.check_output(["unzip", "-p", str(CLEAN), "self_assessment.json"]),
        parse_float=Decimal,
    )
    items = {
        k: SelfAssessmentItem(
            k,
            answer=tuple(v["answer"]) if isinstance(v.get("answer"), list) else v.get("answer"),
            level=v.get("level"),
        )
        for k, v in raw["items"].items()
    }
    sa = SelfAssessment(raw["checklist"], items, None, raw["claimed_score"], raw["claimed_level"])
    r = score_self_assessment(sa)
    _check_clean(r)
    assert (r.claimed_score, r.claimed_level) == (D("50.6"), 2)
    assert r.issues == ()
    out = r.to_json()
    assert out["dimensions"] == {
        "数字化基础": D("25.6"),
        "数字化管理": D("15.0"),
        "数字化成效": D("10.0"),
    }
    assert out["scenes_at_or_above"] == {"1": 13, "2": 6, "3": 3, "4": 0}
    assert out["blocking_next_level"][-1] == "还差：约束性场景达到三级 2 个"
    assert out["blocking_next_level_en"][-1] == "needs 2 more constrained scenes at level 3"


def test_decimal_exactness() -> None:
    r = score_answers(get_checklist(), make_answers({"Q4": ["B", "C", "D"]}))
    assert r.questions["Q4"].points == D("2.1")
    assert str(r.score) == "2.1"
    r = score_answers(get_checklist(), make_answers({"Q9": ["B", "C", "D", "E"], "Q11": "D"}))
    assert r.score == D("13.125")


def test_invalid_answers_score_zero_and_warn() -> None:
    r = score_answers(
        get_checklist(),
        make_answers({"Q1": ["A", "B"], "Q2": ["B", "C"], "Q3": "e", "Q5": "E", "Q99": "A"}),
    )
    assert r.score == D(10)
    assert r.questions["Q1"].answer_source == "invalid"
    assert r.questions["Q1"].points == 0
    assert [i.code for i in r.issues] == ["INVALID_ANSWER"] * 3 + ["UNKNOWN_ITEM"]


def test_bare_letter_multi_and_singleton_list_single() -> None:
    r = score_answers(get_checklist(), make_answers({"Q1": "B", "Q2": ["E"]}))
    assert r.questions["Q1"].points == D(2)
    assert r.questions["Q2"].points == D(6)
    assert r.issues == ()


def test_unknown_checklist_refused() -> None:
    with pytest.raises(UnknownChecklist):
        score_self_assessment(SelfAssessment("other-2030", {}))


# ---------------------------------------------------------------- figures
def _derive(qid: str, **figures: str) -> Any:
    q = get_checklist().questions[qid]
    return derive_option(q, {k: D(v) for k, v in figures.items()}, D(1))


@pytest.mark.parametrize(
    ("digital", "total", "option"),
    [
        ("0", "120", "A"),
        ("12", "120", "A"),  # exactly 10 % is in [0-10%]
        ("13", "120", "B"),
        ("24", "120", "B"),  # exactly 20 %
        ("25", "120", "C"),
        ("62", "120", "D"),
        ("72", "120", "D"),  # exactly 60 %
        ("73", "120", "E"),
        ("120", "120", "E"),
        ("5", "0", "A"),  # zero denominator: lowest band
    ],
)
def test_ratio_bands(digital: str, total: str, option: str) -> None:
    result = _derive("Q2", devices_total=total, devices_digital=digital)
    assert result.option == option


def test_ratio_above_range_is_top_band() -> None:
    result = _derive("Q3", devices_total="10", devices_networked="12")
    assert (result.status, result.option) == ("above_range", "E")


def test_ratio_note_shows_working() -> None:
    result = _derive("Q2", devices_total="120", devices_digital="62")
    assert result.value == D("51.6667")
    assert "62 ÷ 120 = 51.67% → D (40%,60%]" in result.note


@pytest.mark.parametrize(
    ("before", "after", "option"),
    [
        ("95", "95", "B"),
        ("95", "95.95", "B"),  # +1 % exactly: 持平
        ("95", "96", "C"),  # +1.05 %
        ("95", "94.05", "B"),  # -1 % exactly
        ("95", "94", "A"),
        ("0", "90", "A"),  # zero baseline: lowest band
    ],
)
def test_change_pass_rate(before: str, after: str, option: str) -> None:
    assert _derive("Q13", pass_rate_before=before, pass_rate_after=after).option == option


def test_change_energy_per_revenue_lower_is_better() -> None:
    # 100 tce / 1000 wan before, 90 tce / 1000 wan after: energy intensity down 10 % → C (降低)
    r = _derive(
        "Q12",
        energy_tce_before="100",
        revenue_wan_before="1000",
        energy_tce_after="90",
        revenue_wan_after="1000",
    )
    assert (r.direction, r.option) == ("decrease", "C")
    r = _derive(
        "Q12",
        energy_tce_before="100",
        revenue_wan_before="0",
        energy_tce_after="90",
        revenue_wan_after="1000",
    )
    assert (r.status, r.option) == ("zero_denominator", "A")


def test_change_q14_q15() -> None:
    r = _derive(
        "Q14",
        revenue_wan_prev2="1000",
        employees_prev2="50",
        revenue_wan_prev1="1100",
        employees_prev1="50",
    )
    assert (r.direction, r.option) == ("increase", "C")
    r = _derive(
        "Q15",
        cost_wan_prev2="800",
        revenue_wan_prev2="1000",
        cost_wan_prev1="880",
        revenue_wan_prev1="1100",
    )
    assert (r.direction, r.option) == ("flat", "B")


def test_incomplete_and_invalid_figures() -> None:
    r = _derive("Q2", devices_total="100")
    assert (r.status, r.option, r.missing) == ("incomplete", None, ("devices_digital",))
    r = _derive("Q2", devices_total="100", devices_digital="-1")
    assert (r.status, r.option) == ("invalid", None)
    assert derive_option(get_checklist().questions["Q1"], {"x": D(1)}, D(1)) is None


def test_contradiction_scores_the_chosen_answer() -> None:
    answers = make_answers({"Q2": "E"}, {"Q2": {"devices_total": 120, "devices_digital": 62}})
    r = score_answers(get_checklist(), answers)
    q = r.questions["Q2"]
    assert (q.points, q.contradiction, q.figures.option if q.figures else None) == (D(6), True, "D")
    assert [c.question_id for c in r.contradictions] == ["Q2"]
    assert any("Q2" in line and "contradicts" in line for line in r.explanation())
    assert r.to_json()["contradictions"] == ["Q2"]


def test_consistent_figures_no_contradiction() -> None:
    answers = make_answers({"Q2": "D"}, {"Q2": {"devices_total": 120, "devices_digital": 62}})
    q = score_answers(get_checklist(), answers).questions["Q2"]
    assert (q.points, q.contradiction) == (D("4.5"), False)


def test_figures_alone_score_their_band() -> None:
    answers = make_answers({}, {"Q2": {"devices_total": 120, "devices_digital": 62}})
    q = score_answers(get_checklist(), answers).questions["Q2"]
    assert (q.points, q.answer_source, q.letters) == (D("4.5"), "figures", ("D",))


def test_flat_tolerance_is_a_setting() -> None:
    answers = make_answers({}, {"Q13": {"pass_rate_before": 90, "pass_rate_after": 92}})
    c = get_checklist()
    assert score_answers(c, answers).questions["Q13"].letters == ("C",)
    wider = score_answers(c, answers, flat_tolerance_pct=D(3))
    assert wider.questions["Q13"].letters == ("B",)


# ---------------------------------------------------------------- level rule
def _scenes(levels: dict[str, int]) -> dict[str, Any]:
    return {f"S{n}": levels.get(f"S{n}", 0) for n in range(1, 17)}


def test_level_blocked_by_constrained_scenes() -> None:
    # 45 points; 6 scenes at level 2 but only 2 constrained (S1, S3) → level 1
    answers = {"Q5": "E", "Q8": "F", "Q11": "E", "Q12": "C", "Q13": "C", "Q14": "C", "Q15": "C"}
    scenes = {"S1": 2, "S3": 2, "S2": 2, "S4": 2, "S5": 2, "S14": 2, "S6": 1, "S7": 1}
    r = score_answers(get_checklist(), make_answers({**answers, **_scenes(scenes)}))
    assert r.score == D(45)
    assert r.level == 1
    assert [m.render("zh_CN") for m in r.blocking_next_level] == ["还差：约束性场景达到二级 1 个"]
    # the plural form follows the number in English
    assert [m.render("en") for m in r.blocking_next_level] == [
        "needs 1 more constrained scene at level 2"
    ]


def test_level_zero_when_nothing_reached() -> None:
    r = score_answers(get_checklist(), make_answers({"Q5": "E"}))
    assert r.level == 0
    assert r.blocking_next_level[0].render("zh_CN").startswith("还差：得分 10.0 分（一级需 20 分）")


def test_top_level_has_nothing_blocking() -> None:
    c = get_checklist()
    answers: dict[str, Any] = {q.id: q.options[-1].letter for q in c.questions.values()}
    for q in c.questions.values():
        if q.is_multi:
            answers[q.id] = [o.letter for o in q.options if o.points > 0]
    answers.update(dict.fromkeys(c.scenes, 4))
    r = score_answers(c, make_answers(answers))
    assert (r.score, r.level, r.blocking_next_level) == (D(100), 4, [])


def test_explanation_lines_are_translated() -> None:
    r = score_answers(get_checklist(), make_answers(CLEAN_ANSWERS))
    zh_lines = [line.render("zh_CN") for line in r.explanation()]
    en_lines = [line.render("en") for line in r.explanation()]
    for zh_line, en_line in zip(zh_lines, en_lines, strict=True):
        assert not re.search(r"[\u4e00-\u9fff].* / [A-Za-z]", zh_line), zh_line  # one language
        # per-question points and the dimensions' names are the same in both languages
        assert zh_line != en_line or zh_line.startswith("  "), zh_line
    assert "    Q1 B,C 4/8; Q2 C 3/6; Q3 C 3/6; Q4 B,C,D,F,G,H,J,M 5.6/10; Q5 C 5/10; " in (
        "\n".join(zh_lines)
    )
    assert "得分 50.6（满分 100）" in zh_lines
    assert "Score 50.6 of 100" in en_lines
    assert "needs {n} more constrained scene at {level_name}" in plural_catalog("zh_CN")


def test_misplaced_fields_score_zero() -> None:
    answers = {
        "Q5": SelfAssessmentItem("Q5", answer="E", level=2),
        "S1": SelfAssessmentItem("S1", answer="B", level=3),
        "S2": SelfAssessmentItem("S2", level=3),
    }
    r = score_answers(get_checklist(), answers)
    assert r.questions["Q5"].points == 0
    assert r.questions["Q5"].answer_source == "invalid"
    assert (r.scenes["S1"], r.scenes["S2"]) == (0, 3)
    assert [(i.code, i.pointer) for i in r.issues] == [
        ("INVALID_ANSWER", "/items/Q5/level"),
        ("INVALID_ANSWER", "/items/S1/answer"),
    ]


def test_exact_whatever_the_callers_decimal_context() -> None:
    import decimal

    with decimal.localcontext() as ctx:
        ctx.prec = 2
        r = score_answers(get_checklist(), make_answers(CLEAN_ANSWERS))
    assert r.score == D("50.6")
    assert r.dimensions["D1"].points == D("25.6")
