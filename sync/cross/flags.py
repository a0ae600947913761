"""Cross-enterprise flags: the one :class:`~inspector_app.analysis.flags.Flag` type with ``scope``
CROSS, its JSON the per-package shape plus ``subject`` and ``usccs`` (``red-flags.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inspector_app.analysis.flags import CROSS, CROSS_SEVERITIES, SEVERITY_ORDER, Evidence, Flag
from inspector_app.i18n import Message

SEVERITIES = CROSS_SEVERITIES
RULE_IDS = tuple(SEVERITIES)


def CrossFlag(
    *,
    rule: str,
    subject: str,
    title: Message,
    detail: Message,
    hint: Message,
    evidence: tuple[Mapping[str, Any], ...] = (),
    usccs: tuple[str, ...] = (),
) -> Flag:
    """A cross-enterprise :class:`~inspector_app.analysis.flags.Flag` (``scope`` CROSS)."""
    return Flag(
        rule=rule,
        subject=subject,
        title=title,
        detail=detail,
        hint=hint,
        evidence=tuple(Evidence.from_json(e) for e in evidence),
        scope=CROSS,
        usccs=usccs,
    )


def sort_flags(flags: list[Flag]) -> list[Flag]:
    return sorted(
        flags, key=lambda f: (SEVERITY_ORDER[f.severity], RULE_IDS.index(f.rule), f.subject)
    )
