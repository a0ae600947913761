"""Reading answers as ``case-package.md`` § self_assessment.json defines them.

* Single choice: one option letter; a one-element list is accepted. A longer list, an empty one,
  or anything else is malformed.
* Multi choice: a list of distinct upper-case letters; a bare letter is a one-element list; the
  zero-point option (``A``, 无) may only stand alone. An empty list means nothing was ticked and
  is read as *unanswered* (scores 0, no warning).
* Letters are never case-folded: ``"b"`` is malformed.
* A scene carries ``level``, an integer 0-4.

A malformed answer is the warning ``INVALID_ANSWER`` (pointer ``/items/<id>/answer`` or
``/items/<id>/level``) and the item scores 0; an id the checklist does not have is
``UNKNOWN_ITEM`` (pointer ``/items/<id>``). A self-assessment naming a checklist this app does
not know gives a single warning ``UNKNOWN_CHECKLIST`` (pointer ``/checklist``) and nothing else:
its items cannot be checked, and scoring it is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from inspector_app.casepkg.model import SelfAssessment, SelfAssessmentItem
from inspector_app.checklist.loader import find_checklist, known_checklists
from inspector_app.checklist.model import Checklist, Question, Scene
from inspector_app.errors import Issue
from inspector_app.i18n import Message, bi

SELF_ASSESSMENT_PATH = "self_assessment.json"

#: What an item's ``answer`` may be as written: a letter, a list of letters, or nothing.
RawAnswer = str | tuple[str, ...] | list[str] | None


@dataclass(frozen=True)
class AnswerCheck:
    """The outcome of reading one question's answer.

    ``letters`` is the normalised answer (sorted as in the checklist), ``()`` when unanswered,
    ``None`` when malformed; ``problem`` is the reason (a message) when malformed.
    """

    letters: tuple[str, ...] | None
    problem: Message | None = None

    @property
    def valid(self) -> bool:
        return self.letters is not None


def check_answer(question: Question, answer: object) -> AnswerCheck:
    """Normalise ``answer`` for ``question``, or say why it is malformed."""
    if answer is None:
        return AnswerCheck(())
    if isinstance(answer, str):
        letters: list[object] = [answer]
    elif isinstance(answer, list | tuple):
        letters = list(answer)
    else:
        return AnswerCheck(None, bi("an option letter or a list of letters was expected"))
    if not question.is_multi and len(letters) != 1:
        return AnswerCheck(
            None,
            bi(
                "a single-choice question takes exactly one letter, not {count}",
                count=len(letters),
            ),
        )
    seen: list[str] = []
    for letter in letters:
        if not isinstance(letter, str):
            return AnswerCheck(None, bi("an option letter or a list of letters was expected"))
        if letter != letter.upper() and question.option(letter.upper()) is not None:
            return AnswerCheck(None, bi("option letters are upper case: {letter}", letter=letter))
        if question.option(letter) is None:
            return AnswerCheck(
                None,
                bi(
                    "no option {letter} (options: {options})",
                    letter=letter,
                    options=", ".join(question.letters),
                ),
            )
        if letter in seen:
            return AnswerCheck(None, bi("option {letter} is given twice", letter=letter))
        seen.append(letter)
    if question.zero_option is not None and question.zero_option in seen and len(seen) > 1:
        return AnswerCheck(
            None,
            bi("option {letter} (none) may only stand alone", letter=question.zero_option),
        )
    order = {letter: i for i, letter in enumerate(question.letters)}
    return AnswerCheck(tuple(sorted(seen, key=order.__getitem__)))


def check_level(scene: Scene, level: object, max_level: int = 4) -> int | None:
    """The scene level if it is an integer 0..``max_level``, else None."""
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= max_level:
        return None
    return level


def _invalid(item_id: str, field: str, problem: Message, path: str | None) -> Issue:
    return Issue(
        code="INVALID_ANSWER",
        path=path,
        pointer=f"/items/{item_id}/{field}",
        message=bi(
            "Malformed answer to {item} (it scores 0): {problem}", item=item_id, problem=problem
        ),
        extra={"item": item_id, "severity": "warning"},
    )


def check_items(
    checklist: Checklist,
    items: Mapping[str, SelfAssessmentItem],
    path: str | None = SELF_ASSESSMENT_PATH,
) -> list[Issue]:
    """``UNKNOWN_ITEM`` and ``INVALID_ANSWER`` warnings for ``items`` against ``checklist``."""
    issues: list[Issue] = []
    for item_id, item in items.items():
        question = checklist.questions.get(item_id)
        scene = checklist.scenes.get(item_id)
        if question is None and scene is None:
            issues.append(
                Issue(
                    code="UNKNOWN_ITEM",
                    path=path,
                    pointer=f"/items/{item_id}",
                    message=bi(
                        "Checklist {checklist} has no item {item}; it is ignored",
                        checklist=checklist.id,
                        item=item_id,
                    ),
                    extra={"item": item_id, "severity": "warning"},
                )
            )
            continue
        if question is not None:
            result = check_answer(question, item.answer)
            if not result.valid:
                assert result.problem is not None
                issues.append(_invalid(item_id, "answer", result.problem, path))
            elif item.level is not None:
                issues.append(
                    _invalid(item_id, "level", bi("a question has an answer, not a level"), path)
                )
        elif scene is not None:
            if item.level is not None and check_level(scene, item.level) is None:
                issues.append(
                    _invalid(item_id, "level", bi("a scene level is an integer from 0 to 4"), path)
                )
            elif item.answer is not None:
                issues.append(
                    _invalid(item_id, "answer", bi("a scene has a level, not an answer"), path)
                )
    return issues


def unknown_checklist_issue(checklist_id: str) -> Issue:
    return Issue(
        code="UNKNOWN_CHECKLIST",
        path=SELF_ASSESSMENT_PATH,
        pointer="/checklist",
        message=bi(
            "Unknown checklist {id}: the self-assessment cannot be checked or scored "
            "(this app knows: {known})",
            id=checklist_id,
            known=", ".join(known_checklists()) or "-",
        ),
        extra={"checklist": checklist_id, "severity": "warning"},
    )


def validate_self_assessment(sa: SelfAssessment) -> list[Issue]:
    """The warnings of ``sa`` against the checklist it names (``case-package.md``).

    Returns ``UNKNOWN_ITEM`` / ``INVALID_ANSWER`` issues (path ``self_assessment.json``), in
    item order; or a single ``UNKNOWN_CHECKLIST`` issue when the checklist id is unknown.
    All are warnings: the package still loads.
    """
    checklist = find_checklist(sa.checklist)
    if checklist is None:
        return [unknown_checklist_issue(sa.checklist)]
    return check_items(checklist, sa.items)
