"""Typed, immutable form of a checklist file (``resources/checklists/*.json``).

The checklist is data, never code: questions, options and their points, the figures a question
asks for and the bands they imply, the scenes, and the level thresholds all come from the file
(see ``resources/checklists/README.md`` and ``checklist.schema.json``). Points are ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Option:
    letter: str
    text: str
    points: Decimal


@dataclass(frozen=True)
class Band:
    """A percentage band of a ratio question, e.g. ``(10%,20%]`` → option ``B``."""

    option: str
    lower: Decimal
    lower_inclusive: bool
    upper: Decimal
    upper_inclusive: bool

    def contains(self, pct_num: int | Decimal, pct_den: int | Decimal = 1) -> bool:
        """Whether the percentage ``pct_num / pct_den`` lies in the band (exact arithmetic)."""
        from fractions import Fraction

        value = Fraction(pct_num) / Fraction(pct_den)
        lo, hi = Fraction(self.lower), Fraction(self.upper)
        above = value >= lo if self.lower_inclusive else value > lo
        below = value <= hi if self.upper_inclusive else value < hi
        return above and below

    def label(self) -> str:
        left = "[" if self.lower_inclusive else "("
        right = "]" if self.upper_inclusive else ")"
        return f"{left}{self.lower}%,{self.upper}%{right}"


@dataclass(frozen=True)
class Quotient:
    """``numerator ÷ denominator`` (or the numerator alone) of figure keys."""

    numerator: str
    denominator: str | None = None


@dataclass(frozen=True)
class FigureSpec:
    """The raw figures a question asks for and how they imply an option.

    ``kind`` is ``ratio`` (``numerator ÷ denominator`` in percent, placed in ``bands``) or
    ``change`` (the relative change of ``after`` against ``before``; within ±the checklist's
    flat tolerance it is 持平, and ``directions`` maps ``increase``/``flat``/``decrease`` to
    options).
    """

    kind: str
    keys: tuple[str, ...]
    description: str
    description_en: str
    numerator: str | None = None
    denominator: str | None = None
    bands: tuple[Band, ...] = ()
    before: Quotient | None = None
    after: Quotient | None = None
    directions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    id: str
    name: str
    type: str  # "single" | "multi"
    max_score: Decimal
    options: tuple[Option, ...]
    dimension_id: str
    indicator_id: str
    sub_indicator_id: str
    zero_option: str | None = None
    figures: FigureSpec | None = None
    notes: str | None = None

    @property
    def is_multi(self) -> bool:
        return self.type == "multi"

    def option(self, letter: str) -> Option | None:
        for o in self.options:
            if o.letter == letter:
                return o
        return None

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(o.letter for o in self.options)

    def lowest_option(self) -> Option:
        """The option with the fewest points (the first of them on a tie)."""
        return min(self.options, key=lambda o: o.points)


@dataclass(frozen=True)
class SubIndicator:
    id: str
    name: str
    max_score: Decimal
    question_ids: tuple[str, ...]


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    max_score: Decimal
    sub_indicators: tuple[SubIndicator, ...]

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q for s in self.sub_indicators for q in s.question_ids)


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    name_en: str
    max_score: Decimal
    indicators: tuple[Indicator, ...]

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q for i in self.indicators for q in i.question_ids)


@dataclass(frozen=True)
class SourceNote:
    """Where an unconfirmed fact of the checklist comes from (``text`` in Chinese, ``text_en``
    in English) and its ``sources``, kept in the file so that the agency can correct it there."""

    text: str
    text_en: str
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "text_en": self.text_en, "sources": list(self.sources)}


@dataclass(frozen=True)
class Scene:
    id: str
    name: str
    group_id: str
    group_name: str
    constrained: bool
    levels: Mapping[int, str]
    #: False when the official annex could not confirm whether the scene is constrained
    constrained_confirmed: bool = True
    constrained_source: SourceNote | None = None


@dataclass(frozen=True)
class LevelThreshold:
    level: int
    name: str
    min_score: Decimal
    min_scenes: int
    min_constrained_scenes: int


@dataclass(frozen=True)
class Checklist:
    """One checklist version. ``id`` names it (``miit-2024``); ``version`` is its data revision."""

    id: str
    version: str
    title: str
    title_en: str
    max_score: Decimal
    flat_tolerance_pct: Decimal
    dimensions: tuple[Dimension, ...]
    questions: Mapping[str, Question]
    scenes: Mapping[str, Scene]
    thresholds: tuple[LevelThreshold, ...]
    #: the ``source``/``levels`` notes of the file, kept verbatim (caveats included)
    source: Mapping[str, Any] = field(default_factory=dict)
    levels_notes: Mapping[str, Any] = field(default_factory=dict)
    max_scene_level: int = 4
    #: whether the level thresholds are confirmed against the official annex (the file's
    #: ``levels.thresholds_confirmed``; absent: not confirmed), and where they come from
    thresholds_confirmed: bool = False
    thresholds_source: SourceNote | None = None

    def item_ids(self) -> tuple[str, ...]:
        return (*self.questions, *self.scenes)

    def dimension_of(self, question_id: str) -> Dimension:
        return next(d for d in self.dimensions if question_id in d.question_ids)

    def threshold(self, level: int) -> LevelThreshold | None:
        for t in self.thresholds:
            if t.level == level:
                return t
        return None

    @property
    def unconfirmed_constrained(self) -> tuple[Scene, ...]:
        """Scenes whose constrained flag the official annex has not confirmed."""
        return tuple(s for s in self.scenes.values() if not s.constrained_confirmed)

    @property
    def max_level(self) -> int:
        return max((t.level for t in self.thresholds), default=0)
