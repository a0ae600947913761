"""validate_self_assessment and answer normalisation (case-package.md § self_assessment.json)."""

from __future__ import annotations

import pytest

from inspector_app.casepkg.model import SelfAssessment, SelfAssessmentItem
from inspector_app.checklist import check_answer, get_checklist, validate_self_assessment
from inspector_app.i18n import translated


def _sa(items: dict[str, SelfAssessmentItem], checklist: str = "miit-2024") -> SelfAssessment:
    return SelfAssessment(checklist=checklist, items=items)


def _q(item_id: str, answer: object) -> SelfAssessmentItem:
    return SelfAssessmentItem(item_id, answer=answer)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("qid", "answer", "expected"),
    [
        ("Q1", ("B", "C"), ("B", "C")),
        ("Q1", ("C", "B"), ("B", "C")),  # normalised to checklist order
        ("Q1", "B", ("B",)),  # a bare letter is a one-element list for multi
        ("Q1", ("A",), ("A",)),
        ("Q1", (), ()),  # nothing ticked: unanswered
        ("Q1", None, ()),
        ("Q2", "D", ("D",)),
        ("Q2", ("D",), ("D",)),  # a one-element list is accepted for single
        ("Q12", "C", ("C",)),
    ],
)
def test_valid_answers(qid: str, answer: object, expected: tuple[str, ...]) -> None:
    result = check_answer(get_checklist().questions[qid], answer)
    assert result.valid
    assert result.letters == expected


@pytest.mark.parametrize(
    ("qid", "answer", "fragment"),
    [
        ("Q1", ("A", "B"), "may only stand alone"),
        ("Q1", ("B", "B"), "given twice"),
        ("Q1", ("b",), "upper case"),
        ("Q1", ("Z",), "no option Z"),
        ("Q1", ("F",), "no option F"),
        ("Q2", "d", "upper case"),
        ("Q2", ("B", "C"), "exactly one letter"),
        ("Q2", (), "exactly one letter"),
        ("Q2", "F", "no option F"),
        ("Q2", "", "no option"),
        ("Q12", "D", "no option D"),
        ("Q2", 3, "option letter"),
        ("Q1", (1,), "option letter"),
    ],
)
def test_invalid_answers(qid: str, answer: object, fragment: str) -> None:
    result = check_answer(get_checklist().questions[qid], answer)
    assert not result.valid
    assert result.problem is not None and fragment in result.problem
    assert result.problem is not None and translated(result.problem)


def test_validate_self_assessment_codes_and_pointers() -> None:
    sa = _sa(
        {
            "Q1": _q("Q1", ("A", "B")),
            "Q2": _q("Q2", ("C",)),
            "Q3": _q("Q3", "c"),
            "Q99": _q("Q99", "A"),
            "S1": SelfAssessmentItem("S1", level=5),
            "S2": SelfAssessmentItem("S2", level=4),
            "S17": SelfAssessmentItem("S17", level=1),
        }
    )
    issues = validate_self_assessment(sa)
    got = [(i.code, i.pointer) for i in issues]
    assert got == [
        ("INVALID_ANSWER", "/items/Q1/answer"),
        ("INVALID_ANSWER", "/items/Q3/answer"),
        ("UNKNOWN_ITEM", "/items/Q99"),
        ("INVALID_ANSWER", "/items/S1/level"),
        ("UNKNOWN_ITEM", "/items/S17"),
    ]
    assert all(i.path == "self_assessment.json" for i in issues)
    assert all(translated(i.message) for i in issues)
    assert issues[0].extra["item"] == "Q1"


def test_question_with_level_and_scene_with_answer() -> None:
    sa = _sa(
        {
            "Q5": SelfAssessmentItem("Q5", answer="C", level=2),
            "S3": SelfAssessmentItem("S3", answer="B"),
        }
    )
    assert [(i.code, i.pointer) for i in validate_self_assessment(sa)] == [
        ("INVALID_ANSWER", "/items/Q5/level"),
        ("INVALID_ANSWER", "/items/S3/answer"),
    ]


def test_clean_answers_have_no_issue() -> None:
    items = {f"Q{n}": _q(f"Q{n}", "B") for n in range(1, 16)}
    items.update({f"S{n}": SelfAssessmentItem(f"S{n}", level=n % 5) for n in range(1, 17)})
    assert validate_self_assessment(_sa(items)) == []
    assert validate_self_assessment(_sa({})) == []


def test_unknown_checklist_is_one_warning() -> None:
    issues = validate_self_assessment(_sa({"Q1": _q("Q1", "zz")}, checklist="miit-2099"))
    assert len(issues) == 1
    assert issues[0].code == "UNKNOWN_CHECKLIST"
    assert issues[0].pointer == "/checklist"
    assert "miit-2099" in issues[0].message and "miit-2024" in issues[0].message
