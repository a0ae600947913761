"""Property-based tests of the scoring and the level rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from inspector_app.checklist import get_checklist, level_allowed_by_score, make_answers
from inspector_app.checklist import score_answers as score

CHECKLIST = get_checklist()
QUESTIONS = list(CHECKLIST.questions.values())
SCENES = list(CHECKLIST.scenes)
MULTI = [q for q in QUESTIONS if q.is_multi]


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Any mix of valid answers, malformed answers and scene levels."""
    answers: dict[str, Any] = {}
    for q in QUESTIONS:
        kind = draw(st.sampled_from(["none", "valid", "valid", "junk"]))
        if kind == "valid" and q.is_multi:
            nonzero = [o.letter for o in q.options if o.points > 0]
            picked = draw(st.lists(st.sampled_from(nonzero), unique=True))
            answers[q.id] = picked or ["A"]
        elif kind == "valid":
            answers[q.id] = draw(st.sampled_from(q.letters))
        elif kind == "junk":
            answers[q.id] = draw(
                st.one_of(
                    st.lists(st.sampled_from([*q.letters, "a", "Z"]), max_size=4),
                    st.sampled_from(["", "z", "b", "AA"]),
                )
            )
    for s in SCENES:
        answers[s] = draw(st.integers(min_value=0, max_value=4))
    return answers


@settings(max_examples=100, deadline=None)
@given(answer_sets())
def test_score_within_0_and_100(answers: dict[str, Any]) -> None:
    r = score(CHECKLIST, make_answers(answers))
    assert Decimal(0) <= r.score <= Decimal(100)
    assert r.score == sum(d.points for d in r.dimensions.values())
    for d in r.dimensions.values():
        assert 0 <= d.points <= d.max_score


@settings(max_examples=100, deadline=None)
@given(answer_sets(), st.data())
def test_ticking_one_more_option_never_lowers(answers: dict[str, Any], data: st.DataObject) -> None:
    q = data.draw(st.sampled_from(MULTI))
    current = answers.get(q.id)
    ticked = (
        [x for x in current if x != "A"]
        if isinstance(current, list)
        and all(x in q.letters for x in current)
        and len(set(current)) == len(current)
        else []
    )
    untouched = [o.letter for o in q.options if o.points > 0 and o.letter not in ticked]
    if not untouched:
        return
    before = score(CHECKLIST, make_answers({**answers, q.id: ticked}))
    extra = data.draw(st.sampled_from(untouched))
    after = score(CHECKLIST, make_answers({**answers, q.id: [*ticked, extra]}))
    assert after.score >= before.score
    assert after.score - before.score == q.option(extra).points  # type: ignore[union-attr]


@settings(max_examples=100, deadline=None)
@given(answer_sets(), st.sampled_from(SCENES), st.integers(min_value=1, max_value=4))
def test_raising_a_scene_never_lowers_the_level(
    answers: dict[str, Any], scene: str, raise_by: int
) -> None:
    before = score(CHECKLIST, make_answers(answers))
    raised = {**answers, scene: min(4, answers[scene] + raise_by)}
    after = score(CHECKLIST, make_answers(raised))
    assert after.level >= before.level


@settings(max_examples=100, deadline=None)
@given(answer_sets())
def test_level_never_exceeds_what_the_score_allows(answers: dict[str, Any]) -> None:
    r = score(CHECKLIST, make_answers(answers))
    assert r.level <= level_allowed_by_score(CHECKLIST, r.score)
    # and it is exactly the highest level whose three conditions hold
    reached = [c.level for c in r.level_checks if c.reached]
    assert r.level == max(reached, default=0)
    if r.next_level is not None:
        assert r.blocking_next_level  # something is always missing below the top


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["B", "C", "D", "E", "F", "G", "H"]), min_size=1, unique=True))
def test_decimal_sums_are_exact(letters: list[str]) -> None:
    r = score(CHECKLIST, make_answers({"Q4": letters}))
    assert r.score == Decimal("0.7") * len(letters)
    assert str(r.score) == str(Decimal("0.7") * len(letters))
