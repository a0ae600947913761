"""Scoring a set of answers against a checklist, the level rule, and its explanation.

Everything is ``Decimal`` (0.7 × 3 is 2.1, never 2.0999999999999996). The rules:

* A single-choice question scores its option's points; a multi-choice question the sum of the
  ticked options' points. A malformed answer (``INVALID_ANSWER``) or no answer scores 0.
* A question whose ``figures`` are given: the figures derive an option
  (:mod:`inspector_app.checklist.figures`). When an answer is given too and differs, **the
  chosen answer scores** and the question is marked ``contradiction`` (listed in
  ``ScoreResult.contradictions`` and in the explanation): the expert decides, the app shows.
  When no answer is given, the derived option scores (``answer_source == "figures"``).
* Scenes: levels 0–4; an unrated or malformed scene counts as 0.
* An item that draws ``INVALID_ANSWER`` scores 0, whatever the field at fault (a question
  with a ``level``, a scene with an ``answer``).
* Level: the highest *n* whose score, count of scenes at level ≥ *n* and count of constrained
  scenes at level ≥ *n* all reach the checklist's thresholds for *n* (``≥``); 0 when none does.
  The thresholds are data of the checklist file, never constants here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from inspector_app.casepkg.model import SelfAssessment, SelfAssessmentItem
from inspector_app.checklist.answers import AnswerCheck, check_answer, check_items, check_level
from inspector_app.checklist.figures import FigureResult, derive_option
from inspector_app.checklist.loader import get_checklist
from inspector_app.checklist.model import Checklist, LevelThreshold, Scene, SourceNote
from inspector_app.errors import Issue
from inspector_app.i18n import N_, Message, bi, both, join, nbi, verbatim

ZH_NUMERALS = {0: "零", 1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}


def tidy(value: Decimal) -> Decimal:
    """``15.000`` → ``15.0``, ``7.500`` → ``7.5``, ``1.875`` stays: same value, shorter text."""
    if value == value.to_integral_value():
        return value.quantize(Decimal("0.0"))
    return value.normalize()


def show(value: Decimal) -> str:
    """A threshold or maximum as plain text: ``60``, ``7.5``."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def level_name_zh(level: int) -> str:
    return f"{ZH_NUMERALS.get(level, str(level))}级"


def level_name_en(level: int) -> str:
    return f"level {level}"


def level_name(level: int) -> Message:
    """二级 in Chinese, ``level 2`` in English."""
    return both(level_name_zh(level), level_name_en(level))


def bi_level(msgid: str, level: int, **kw: object) -> Message:
    """``bi()`` with ``{level_name}`` as 二级 in Chinese and ``level 2`` in English."""
    return bi(msgid, level_name=level_name(level), **kw)


@dataclass(frozen=True)
class QuestionScore:
    """One question's outcome.

    ``letters``: the normalised answer that scored (``()`` none, ``None`` malformed);
    ``answer_source``: ``answer``, ``figures`` (no answer; the figures' band scored), ``none``
    or ``invalid``.
    """

    question_id: str
    points: Decimal
    max_score: Decimal
    letters: tuple[str, ...] | None
    answer_source: str
    figures: FigureResult | None = None
    contradiction: bool = False
    problem: Message | None = None
    dimension_id: str = ""

    @property
    def answered(self) -> bool:
        return self.answer_source in ("answer", "figures")


@dataclass(frozen=True)
class Subtotal:
    """Points of a dimension, indicator or sub-indicator."""

    id: str
    name: str
    points: Decimal
    max_score: Decimal


@dataclass(frozen=True)
class LevelCheck:
    """Whether each condition of one level holds."""

    level: int
    name: str
    min_score: Decimal
    min_scenes: int
    min_constrained_scenes: int
    score: Decimal
    scenes: int
    constrained: int

    @property
    def score_ok(self) -> bool:
        return self.score >= self.min_score

    @property
    def scenes_ok(self) -> bool:
        return self.scenes >= self.min_scenes

    @property
    def constrained_ok(self) -> bool:
        return self.constrained >= self.min_constrained_scenes

    @property
    def reached(self) -> bool:
        return self.score_ok and self.scenes_ok and self.constrained_ok

    def missing(self) -> list[Message]:
        """The "还差：…" ("needs …") messages, one per condition that does not hold."""
        out: list[Message] = []
        if not self.score_ok:
            out.append(
                bi_level(
                    N_("needs {points} more points ({level_name} requires {min})"),
                    self.level,
                    points=tidy(self.min_score - self.score),
                    min=show(self.min_score),
                )
            )
        if not self.scenes_ok:
            n = self.min_scenes - self.scenes
            out.append(
                nbi(
                    "needs {n} more scene at {level_name}",
                    "needs {n} more scenes at {level_name}",
                    n,
                    level_name=level_name(self.level),
                )
            )
        if not self.constrained_ok:
            n = self.min_constrained_scenes - self.constrained
            out.append(
                nbi(
                    "needs {n} more constrained scene at {level_name}",
                    "needs {n} more constrained scenes at {level_name}",
                    n,
                    level_name=level_name(self.level),
                )
            )
        return out

    def summary(self) -> Message:
        """One line: each condition with its numbers and ✓/✗."""

        def mark(ok: bool) -> str:
            return "✓" if ok else "✗"

        return bi_level(
            N_(
                "{level_name}: score {score} {op1} {min_score} {m1}; scenes at {level_name} or "
                "above {scenes} {op2} {min_scenes} {m2}; constrained scenes at {level_name} or "
                "above {constrained} {op3} {min_constrained} {m3}"
            ),
            self.level,
            score=tidy(self.score),
            min_score=show(self.min_score),
            op1="≥" if self.score_ok else "<",
            m1=mark(self.score_ok),
            scenes=self.scenes,
            min_scenes=self.min_scenes,
            op2="≥" if self.scenes_ok else "<",
            m2=mark(self.scenes_ok),
            constrained=self.constrained,
            min_constrained=self.min_constrained_scenes,
            op3="≥" if self.constrained_ok else "<",
            m3=mark(self.constrained_ok),
        )


@dataclass(frozen=True)
class ScoreResult:
    """Everything the scoring produced; plain data for the CLI, the UI and the reports."""

    checklist_id: str
    checklist_version: str
    max_score: Decimal
    score: Decimal
    questions: Mapping[str, QuestionScore]
    dimensions: Mapping[str, Subtotal]
    indicators: Mapping[str, Subtotal]
    sub_indicators: Mapping[str, Subtotal]
    scenes: Mapping[str, int]
    constrained: frozenset[str]
    scenes_at_or_above: Mapping[int, int]
    constrained_at_or_above: Mapping[int, int]
    level: int
    level_checks: tuple[LevelCheck, ...]
    issues: tuple[Issue, ...] = ()
    claimed_score: Decimal | None = None
    claimed_level: int | None = None
    #: the checklist's word on its own level thresholds and constrained scenes
    thresholds_confirmed: bool = False
    thresholds_source: SourceNote | None = None
    unconfirmed_constrained: tuple[Scene, ...] = ()

    def confirmation_json(self) -> dict[str, object]:
        """``thresholds_confirmed``, where the thresholds come from (Chinese and English, and
        the sources), and the scenes whose constrained flag is unconfirmed."""
        src = self.thresholds_source
        return {
            "thresholds_confirmed": self.thresholds_confirmed,
            "thresholds_source": src.text if src else None,
            "thresholds_source_en": src.text_en if src else None,
            "thresholds_sources": list(src.sources) if src else [],
            "constrained_unconfirmed": {
                s.id: {
                    "constrained": s.constrained,
                    "source": s.constrained_source.text if s.constrained_source else None,
                    "source_en": s.constrained_source.text_en if s.constrained_source else None,
                    "sources": list(s.constrained_source.sources) if s.constrained_source else [],
                }
                for s in self.unconfirmed_constrained
            },
        }

    def confirmation_lines(self) -> list[Message]:
        """What the checklist does not confirm, said beside the level: its level thresholds,
        and the scenes whose constrained flag is disputed, each with its source."""
        out: list[Message] = []
        if not self.thresholds_confirmed:
            src = self.thresholds_source
            out.append(
                bi(
                    "The level thresholds are not confirmed: {source}",
                    source=both(src.text, src.text_en) if src else bi("no source is given"),
                )
            )
        for scene in self.unconfirmed_constrained:
            note = scene.constrained_source
            out.append(
                bi(
                    "Scene {scene} is counted as {kind}, which is not confirmed: {source}",
                    scene=scene.id,
                    kind=bi("constrained") if scene.constrained else bi("not constrained"),
                    source=both(note.text, note.text_en) if note else bi("no source is given"),
                )
            )
        return out

    @property
    def next_level(self) -> int | None:
        levels = [c.level for c in self.level_checks]
        return self.level + 1 if self.level + 1 in levels else None

    @property
    def blocking_next_level(self) -> list[Message]:
        """What is missing for the next level (empty at the top level)."""
        nxt = self.next_level
        if nxt is None:
            return []
        check = next(c for c in self.level_checks if c.level == nxt)
        return check.missing()

    @property
    def contradictions(self) -> list[QuestionScore]:
        return [q for q in self.questions.values() if q.contradiction]

    def dimension_points(self) -> dict[str, Decimal]:
        """Points per dimension, keyed by the dimension's (Chinese) name, as ``score`` prints."""
        return {d.name: d.points for d in self.dimensions.values()}

    def _in(self, dimension_key: str) -> list[QuestionScore]:
        return [q for q in self.questions.values() if q.dimension_id == dimension_key]

    @staticmethod
    def _question_text(q: QuestionScore) -> str:
        if q.letters is None:
            answer = "?"
        elif not q.letters:
            answer = "-"
        else:
            answer = ",".join(q.letters) + ("(=)" if q.answer_source == "figures" else "")
        flag = "!" if q.contradiction else ""
        return f"{q.question_id} {answer}{flag} {show(q.points)}/{show(q.max_score)}"

    def explanation(self) -> list[Message]:
        """The explanation lines the ``score`` command prints."""
        lines: list[Message] = [
            bi(
                "Checklist {id}, version {version}",
                id=self.checklist_id,
                version=self.checklist_version,
            ),
            bi("Score {score} of {max}", score=tidy(self.score), max=show(self.max_score)),
        ]
        for key, d in self.dimensions.items():
            lines.append(verbatim(f"  {d.name} {tidy(d.points)} / {show(d.max_score)}"))
            lines.append(
                verbatim("    " + "; ".join(self._question_text(q) for q in self._in(key)))
            )
        counts = ", ".join(
            f"≥{n}: {self.scenes_at_or_above[n]} ({self.constrained_at_or_above[n]})"
            for n in sorted(self.scenes_at_or_above)
        )
        lines.append(
            bi(
                "Scenes at or above each level (of which constrained): {counts}",
                counts=counts,
            )
        )
        scenes = ", ".join(
            f"{sid} {lvl}{'*' if sid in self.constrained else ''}"
            for sid, lvl in self.scenes.items()
        )
        lines.append(join([verbatim(f"  {scenes}"), bi("(* constrained)")], sep=verbatim("  ")))
        for c in self.level_checks:
            lines.append(c.summary().indented(2))
        lines.append(bi_level(N_("Level reached: {level_name}"), self.level))
        lines.extend(m.indented(2) for m in self.confirmation_lines())
        if self.next_level is not None:
            for text in self.blocking_next_level:
                lines.append(text.indented(2))
        else:
            lines.append(bi("the highest level is reached").indented(2))
        for q in self.contradictions:
            assert q.figures is not None
            msgid = N_(
                "{item}: the answer {answer} contradicts the figures ({working}); "
                "the chosen answer is scored"
            )
            lines.append(
                bi(
                    msgid,
                    item=q.question_id,
                    answer=",".join(q.letters or ()),
                    working=q.figures.note,
                )
            )
        for issue in self.issues:
            lines.append(
                join([verbatim(f"{issue.code} {issue.pointer}"), issue.message], sep=verbatim(": "))
            )
        if self.claimed_score is not None or self.claimed_level is not None:
            lines.append(
                bi(
                    "Claimed: score {score}, level {level}",
                    score="-" if self.claimed_score is None else tidy(self.claimed_score),
                    level="-" if self.claimed_level is None else self.claimed_level,
                )
            )
        return lines

    def to_json(self) -> dict[str, object]:
        """The JSON object of ``score --json`` (``cli.md``) plus per-question detail."""
        return {
            "checklist": self.checklist_id,
            "checklist_version": self.checklist_version,
            "score": tidy(self.score),
            "dimensions": {k: tidy(v) for k, v in self.dimension_points().items()},
            "scenes": dict(self.scenes),
            "scenes_at_or_above": {str(k): v for k, v in self.scenes_at_or_above.items()},
            "constrained_at_or_above": {str(k): v for k, v in self.constrained_at_or_above.items()},
            "level": self.level,
            **self.confirmation_json(),
            "claimed_score": self.claimed_score,
            "claimed_level": self.claimed_level,
            "blocking_next_level": [m.render("zh_CN") for m in self.blocking_next_level],
            "blocking_next_level_en": [m.render("en") for m in self.blocking_next_level],
            "questions": {
                q.question_id: {
                    "answer": list(q.letters) if q.letters is not None else None,
                    "answer_source": q.answer_source,
                    "points": tidy(q.points),
                    "max": tidy(q.max_score),
                    "figures_option": q.figures.option if q.figures else None,
                    "contradiction": q.contradiction,
                }
                for q in self.questions.values()
            },
            "contradictions": [q.question_id for q in self.contradictions],
            "levels": [
                {
                    "level": c.level,
                    "reached": c.reached,
                    "score_ok": c.score_ok,
                    "scenes_ok": c.scenes_ok,
                    "constrained_ok": c.constrained_ok,
                }
                for c in self.level_checks
            ],
            "warnings": [i.to_json() for i in self.issues],
        }


def _question_score(
    checklist: Checklist, qid: str, item: SelfAssessmentItem | None, tolerance: Decimal
) -> QuestionScore:
    question = checklist.questions[qid]
    zero = Decimal(0)
    dim = question.dimension_id
    if item is None:
        return QuestionScore(qid, zero, question.max_score, (), "none", dimension_id=dim)
    check = check_answer(question, item.answer)
    if check.valid and item.level is not None:  # INVALID_ANSWER at /items/<id>/level
        check = AnswerCheck(None, bi("a question has an answer, not a level"))
    derived = derive_option(question, item.figures, tolerance)
    if not check.valid:
        return QuestionScore(
            qid,
            zero,
            question.max_score,
            None,
            "invalid",
            derived,
            problem=check.problem,
            dimension_id=dim,
        )
    letters = check.letters or ()
    source = "answer"
    if not letters and derived is not None and derived.option is not None:
        letters, source = (derived.option,), "figures"
    elif not letters:
        source = "none"
    points = sum((o.points for o in question.options if o.letter in letters), zero)
    contradiction = (
        source == "answer"
        and derived is not None
        and derived.option is not None
        and letters != (derived.option,)
    )
    return QuestionScore(
        qid, points, question.max_score, letters, source, derived, contradiction, None, dim
    )


def score_answers(
    checklist: Checklist,
    answers: Mapping[str, SelfAssessmentItem],
    *,
    flat_tolerance_pct: Decimal | None = None,
    issues_path: str | None = "self_assessment.json",
) -> ScoreResult:
    """Score ``answers`` (item id → answer/level/figures) against ``checklist``.

    Unknown ids and malformed answers become warnings in ``ScoreResult.issues`` (with
    ``issues_path`` as their path) and score 0.
    """
    # exact sums whatever decimal context the caller has set
    with localcontext(Context(prec=60, rounding=ROUND_HALF_EVEN)):
        return _score(checklist, answers, flat_tolerance_pct, issues_path)


def _score(
    checklist: Checklist,
    answers: Mapping[str, SelfAssessmentItem],
    flat_tolerance_pct: Decimal | None,
    issues_path: str | None,
) -> ScoreResult:
    tolerance = checklist.flat_tolerance_pct if flat_tolerance_pct is None else flat_tolerance_pct
    questions = {
        qid: _question_score(checklist, qid, answers.get(qid), tolerance)
        for qid in checklist.questions
    }
    subs: dict[str, Subtotal] = {}
    inds: dict[str, Subtotal] = {}
    dims: dict[str, Subtotal] = {}
    for d in checklist.dimensions:
        for ind in d.indicators:
            for s in ind.sub_indicators:
                pts = sum((questions[q].points for q in s.question_ids), Decimal(0))
                subs[s.id] = Subtotal(s.id, s.name, pts, s.max_score)
            pts = sum((subs[s.id].points for s in ind.sub_indicators), Decimal(0))
            inds[ind.id] = Subtotal(ind.id, ind.name, pts, ind.max_score)
        pts = sum((inds[i.id].points for i in d.indicators), Decimal(0))
        dims[d.id] = Subtotal(d.id, d.name, pts, d.max_score)
    score = sum((d.points for d in dims.values()), Decimal(0))

    scenes: dict[str, int] = {}
    for sid, scene in checklist.scenes.items():
        item = answers.get(sid)
        level = None
        if item is not None and item.answer is None:  # an answer on a scene is malformed
            level = check_level(scene, item.level, checklist.max_scene_level)
        scenes[sid] = level or 0
    constrained = frozenset(s for s, sc in checklist.scenes.items() if sc.constrained)
    top = checklist.max_scene_level
    at_or_above = {n: sum(1 for v in scenes.values() if v >= n) for n in range(1, top + 1)}
    c_at_or_above = {
        n: sum(1 for s, v in scenes.items() if v >= n and s in constrained)
        for n in range(1, top + 1)
    }
    checks = tuple(_level_check(t, score, at_or_above, c_at_or_above) for t in checklist.thresholds)
    level = max((c.level for c in checks if c.reached), default=0)
    return ScoreResult(
        checklist_id=checklist.id,
        checklist_version=checklist.version,
        max_score=checklist.max_score,
        score=score,
        questions=questions,
        dimensions=dims,
        indicators=inds,
        sub_indicators=subs,
        scenes=scenes,
        constrained=constrained,
        scenes_at_or_above=at_or_above,
        constrained_at_or_above=c_at_or_above,
        level=level,
        level_checks=checks,
        issues=tuple(check_items(checklist, answers, issues_path)),
        thresholds_confirmed=checklist.thresholds_confirmed,
        thresholds_source=checklist.thresholds_source,
        unconfirmed_constrained=checklist.unconfirmed_constrained,
    )


def _level_check(
    t: LevelThreshold, score: Decimal, scenes: Mapping[int, int], constrained: Mapping[int, int]
) -> LevelCheck:
    return LevelCheck(
        level=t.level,
        name=t.name,
        min_score=t.min_score,
        min_scenes=t.min_scenes,
        min_constrained_scenes=t.min_constrained_scenes,
        score=score,
        scenes=scenes.get(t.level, 0),
        constrained=constrained.get(t.level, 0),
    )


def score_self_assessment(
    sa: SelfAssessment,
    *,
    flat_tolerance_pct: Decimal | None = None,
    checklist: Checklist | None = None,
) -> ScoreResult:
    """Score an enterprise's self-assessment with the checklist it names, beside its claims.

    ``checklist`` is that checklist as in effect for the home (the agency's corrections,
    :func:`~inspector_app.checklist.effective.home_checklists`); the bundled one when None.

    Raises :class:`~inspector_app.checklist.loader.UnknownChecklist` when the checklist is not
    known.
    """
    if checklist is None:
        checklist = get_checklist(sa.checklist)
    result = score_answers(checklist, sa.items, flat_tolerance_pct=flat_tolerance_pct)
    return replace(result, claimed_score=sa.claimed_score, claimed_level=sa.claimed_level)


def make_answers(
    values: Mapping[str, object],
    figures: Mapping[str, Mapping[str, object]] | None = None,
) -> dict[str, SelfAssessmentItem]:
    """Build answers from plain values: ``{"Q1": ["B", "C"], "Q2": "D", "S6": 2}``.

    A list becomes a tuple; an ``int`` is a scene level; ``figures`` adds raw figures per id
    (converted to ``Decimal`` via ``str``).
    """
    out: dict[str, SelfAssessmentItem] = {}
    figures = figures or {}
    for item_id in dict.fromkeys([*values, *figures]):
        value = values.get(item_id)
        figs = {k: Decimal(str(v)) for k, v in (figures.get(item_id) or {}).items()}
        if isinstance(value, int) and not isinstance(value, bool):
            out[item_id] = SelfAssessmentItem(item_id, level=value, figures=figs)
        elif isinstance(value, list | tuple):
            out[item_id] = SelfAssessmentItem(item_id, answer=tuple(value), figures=figs)
        else:
            out[item_id] = SelfAssessmentItem(
                item_id,
                answer=value if isinstance(value, str) else None,
                figures=figs,
            )
    return out


def level_allowed_by_score(checklist: Checklist, score: Decimal) -> int:
    """The highest level whose score threshold ``score`` reaches (scenes ignored)."""
    return max((t.level for t in checklist.thresholds if score >= t.min_score), default=0)


def iter_option_points(checklist: Checklist) -> Iterable[tuple[str, str, Decimal]]:
    """(question id, letter, points) of every option, in checklist order."""
    for q in checklist.questions.values():
        for o in q.options:
            yield q.id, o.letter, o.points
