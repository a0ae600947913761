"""Small formatting helpers shared by the report builders (one language: :func:`_`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from inspector_app.i18n import _
from inspector_app.values import money_str

DASH = "—"


def yuan(value: Decimal | None) -> str:
    """``942040`` → ``942,040.00`` (exact: Decimal, rounded half-even to cents)."""
    if value is None:
        return DASH
    whole, _sep, frac = money_str(value).partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{','.join(groups) or '0'}.{frac or '00'}"


def num(value: Decimal | int | None) -> str:
    """A count with thousands separators, or a decimal without trailing zeros (``3.750`` →
    ``3.75``, ``15.0`` → ``15``)."""
    if value is None:
        return DASH
    if isinstance(value, int):
        return f"{value:,}"
    return format(value.normalize(), "f")


def day(value: date | str | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, str):
        return value[:10]
    return value.isoformat()


def pct(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return DASH
    return f"{(part * 100 / whole).quantize(Decimal('0.1'))}%"


def recommendation(value: str | None) -> str:
    return {
        "pass": _("Pass"),
        "improve": _("Improve within a deadline"),
        "disqualify": _("Disqualified"),
    }.get(value or "", DASH)


def decision_name(value: Any) -> str:
    return {"confirmed": _("confirmed"), "dismissed": _("dismissed")}.get(str(value), DASH)


def status_name(status: str) -> str:
    return {
        "decided": _("decided by the agency"),
        "agreed": _("experts agree"),
        "disputed": _("experts disagree, not decided"),
        "none": _("not reviewed"),
    }[status]


def severity_name(value: Any) -> str:
    return {"high": _("high"), "medium": _("medium"), "low": _("low")}.get(str(value), DASH)


def level_name(level: int | None) -> str:
    if level is None:
        return DASH
    from inspector_app.i18n import get_language

    shown: object = (
        level if get_language() == "en" else "零一二三四五"[level] if 0 <= level <= 5 else level
    )
    return _("level {level}", level=shown)


def answer_text(value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, int):
        return level_name(value)
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value) or DASH
    return str(value)


def fingerprint(fp: str) -> str:
    """A key fingerprint in groups of four, as the identity cards show it."""
    fp = fp.replace(" ", "")
    return " ".join(fp[i : i + 4] for i in range(0, min(len(fp), 32), 4))


def size_name(size: str) -> str:
    return {"medium": _("medium-sized"), "small": _("small"), "micro": _("micro")}.get(size, size)


def deployment_name(value: str) -> str:
    return {
        "saas": _("SaaS"),
        "on_premise": _("on premise"),
        "private_cloud": _("private cloud"),
    }.get(value, value)


def category_name(value: str) -> str:
    return {
        "software": _("software"),
        "saas": _("SaaS"),
        "hardware": _("hardware"),
        "service": _("service"),
        "cloud": _("cloud"),
        "other": _("other"),
    }.get(value, value)


def join(values: Iterable[str]) -> str:
    return _("; ").join(v for v in values if v)


def flag_title(flag: Mapping[str, Any] | None, flag_id: str) -> str:
    """The flag's title in the current language (analysis flags carry ``title`` and
    ``title_en``); the id when the flag is known only from a review."""
    if flag is None:
        return flag_id
    from inspector_app.i18n import get_language

    key = "title_en" if get_language() == "en" else "title"
    return str(flag.get(key) or flag.get("title") or flag_id)


def evidence_text(flag: Mapping[str, Any] | None) -> str:
    if not flag:
        return DASH
    parts = []
    for ev in flag.get("evidence", []):
        text = str(ev.get("path"))
        if ev.get("rows"):
            text += " " + _("rows {first}–{last}", first=ev["rows"][0], last=ev["rows"][1])
        elif ev.get("pointer"):
            text += f" {ev['pointer']}"
        parts.append(text)
    return join(parts) or DASH
