"""A cross-enterprise flag: the same JSON shape as a per-package flag (``red-flags.md``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inspector_app.analysis.flags import CROSS_SEVERITIES, SEVERITY_ORDER
from inspector_app.i18n import Message, bilingual

SEVERITIES = CROSS_SEVERITIES
RULE_IDS = tuple(SEVERITIES)


@dataclass(frozen=True)
class CrossFlag:
    rule: str
    subject: str
    title: str
    title_en: str
    detail: Message
    hint: str
    evidence: tuple[dict[str, Any], ...] = ()
    usccs: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.subject}"

    @property
    def severity(self) -> str:
        return SEVERITIES[self.rule]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "subject": self.subject,
            "severity": self.severity,
            "title": self.title,
            "title_en": self.title_en,
            **bilingual("detail", self.detail),
            "hint": self.hint,
            "evidence": [dict(e) for e in self.evidence],
            "usccs": list(self.usccs),
        }


def sort_flags(flags: list[CrossFlag]) -> list[CrossFlag]:
    return sorted(
        flags, key=lambda f: (SEVERITY_ORDER[f.severity], RULE_IDS.index(f.rule), f.subject)
    )
