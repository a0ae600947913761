"""From the raw figures a question asks for to the option (band) they imply.

Exact arithmetic (``fractions.Fraction``), so a value on a band boundary is never misplaced by a
rounding: 12 of 120 devices is exactly 10 %, which is in ``[0-10%]``.

* ``ratio`` questions (Q2, Q3, Q11): ``numerator ÷ denominator × 100`` placed in the option
  bands; a value above the top band (more digitised devices than devices) falls in the top band
  and is flagged ``above_range``.
* ``change`` questions (Q12–Q15): the relative change of ``after`` against ``before`` (each a
  figure or a quotient of two figures); within ±``flat_tolerance_pct`` % (inclusive) it is
  持平, above it ``increase``, below it ``decrease``.
* A zero denominator anywhere (including a ``before`` value of 0 in a change) gives the lowest
  band: the option with the fewest points (``case-package.md``).
* Missing keys give ``incomplete`` and negative values ``invalid``: no option is derived.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from inspector_app import labels
from inspector_app.checklist.model import FigureSpec, Question, Quotient
from inspector_app.i18n import N_, Message, bi, both, en, zh

#: ``status`` values of :class:`FigureResult`
OK, ABOVE_RANGE, ZERO_DENOMINATOR, INCOMPLETE, INVALID = (
    "ok",
    "above_range",
    "zero_denominator",
    "incomplete",
    "invalid",
)


@dataclass(frozen=True)
class FigureResult:
    """What a question's figures imply.

    ``option`` is the derived letter (None when ``incomplete``/``invalid``); ``value`` the ratio
    in percent or the relative change in percent (rounded to 4 decimals, display only; the
    band is chosen on the exact value); ``direction`` is ``increase``/``flat``/``decrease`` for a
    change; ``note`` is the working as a message (``note_zh``/``note_en`` its two languages)
    (``62 ÷ 120 = 51.67 % → D``).
    """

    question_id: str
    status: str
    option: str | None
    value: Decimal | None
    direction: str | None
    note_zh: str
    note_en: str
    missing: tuple[str, ...] = ()

    @property
    def note(self) -> Message:
        """The working, shown in one language."""
        return both(self.note_zh, self.note_en)


def _dec(value: Fraction, places: int = 4) -> Decimal:
    q = Decimal(value.numerator) / Decimal(value.denominator)
    return q.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def _show(value: Fraction, places: int = 2) -> str:
    text = format(_dec(value, places), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _note(msgid: str, **kw: object) -> tuple[str, str]:
    return zh(msgid, **kw), en(msgid, **kw)


def _num(value: object) -> Fraction | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return Fraction(value) if value.is_finite() else None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        try:
            d = Decimal(value)
        except ArithmeticError:
            return None
        return Fraction(d) if d.is_finite() else None
    return None


def _quotient(q: Quotient, values: Mapping[str, Fraction]) -> Fraction | None:
    """The quotient's value, or None for a zero denominator."""
    top = values[q.numerator]
    if q.denominator is None:
        return top
    bottom = values[q.denominator]
    if bottom == 0:
        return None
    return top / bottom


def derive_option(
    question: Question,
    figures: Mapping[str, object] | None,
    flat_tolerance_pct: Decimal,
) -> FigureResult | None:
    """The option ``figures`` imply for ``question``; None when it asks for none or none given."""
    spec = question.figures
    if spec is None or not figures or not any(k in figures for k in spec.keys):
        return None
    missing = tuple(k for k in spec.keys if figures.get(k) is None)
    if missing:
        return FigureResult(
            question.id,
            INCOMPLETE,
            None,
            None,
            None,
            *_note(N_("figures incomplete, missing: {keys}"), keys=", ".join(missing)),
            missing,
        )
    values: dict[str, Fraction] = {}
    for key in spec.keys:
        number = _num(figures[key])
        if number is None or number < 0:
            return FigureResult(
                question.id,
                INVALID,
                None,
                None,
                None,
                *_note(
                    N_("figure {key} is not a number of 0 or more: {value}"),
                    key=key,
                    value=figures[key],
                ),
            )
        values[key] = number
    if spec.kind == "ratio":
        return _ratio(question, spec, values)
    return _change(question, spec, values, Fraction(flat_tolerance_pct))


def _lowest(question: Question, working: Message) -> FigureResult:
    lowest = question.lowest_option().letter
    return FigureResult(
        question.id,
        ZERO_DENOMINATOR,
        lowest,
        None,
        None,
        *_note(
            N_("{working}: zero denominator, lowest band {option}"), working=working, option=lowest
        ),
    )


def _ratio(question: Question, spec: FigureSpec, values: Mapping[str, Fraction]) -> FigureResult:
    assert spec.numerator is not None and spec.denominator is not None
    top, bottom = values[spec.numerator], values[spec.denominator]
    working = bi(
        "{numerator} ÷ {denominator} = {top} ÷ {bottom}",
        numerator=labels.figure(spec.numerator),
        denominator=labels.figure(spec.denominator),
        top=_show(top),
        bottom=_show(bottom),
    )
    if bottom == 0:
        return _lowest(question, working)
    pct = top * 100 / bottom
    for band in spec.bands:
        if band.contains(pct.numerator, pct.denominator):
            return FigureResult(
                question.id,
                OK,
                band.option,
                _dec(pct),
                None,
                *_note(
                    N_("{working} = {pct}% → {option} {band}"),
                    working=working,
                    pct=_show(pct),
                    option=band.option,
                    band=band.label(),
                ),
            )
    top_band = max(spec.bands, key=lambda b: b.upper)
    return FigureResult(
        question.id,
        ABOVE_RANGE,
        top_band.option,
        _dec(pct),
        None,
        *_note(
            N_("{working} = {pct}%, above every band; top band {option}"),
            working=working,
            pct=_show(pct),
            option=top_band.option,
        ),
    )


def _side(q: Quotient) -> Message:
    """The figures' names: ``改造前综合能耗 ÷ 改造前营业收入``."""
    if q.denominator is None:
        return labels.figure(q.numerator)
    return bi(
        "{numerator} ÷ {denominator}",
        numerator=labels.figure(q.numerator),
        denominator=labels.figure(q.denominator),
    )


def _change(
    question: Question, spec: FigureSpec, values: Mapping[str, Fraction], tolerance: Fraction
) -> FigureResult:
    assert spec.before is not None and spec.after is not None
    working = bi("({after}) vs ({before})", after=_side(spec.after), before=_side(spec.before))
    before = _quotient(spec.before, values)
    after = _quotient(spec.after, values)
    if before is None or after is None or before == 0:
        return _lowest(question, working)
    change = (after - before) * 100 / before
    if abs(change) <= tolerance:
        direction = "flat"
    elif change > 0:
        direction = "increase"
    else:
        direction = "decrease"
    option = spec.directions[direction]
    sign = "+" if change > 0 else ""
    return FigureResult(
        question.id,
        OK,
        option,
        _dec(change),
        direction,
        *_note(
            N_("{working}: {after} vs {before}, change {change}% (flat within ±{tol}%) → {option}"),
            working=working,
            after=_show(after, 4),
            before=_show(before, 4),
            change=f"{sign}{_show(change)}",
            tol=_show(tolerance),
            option=option,
        ),
    )
