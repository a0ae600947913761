"""What a red flag carries (``red-flags.md`` § What a flag carries).

A :class:`Flag` is a pointer for the expert, never a verdict: a stable ``id`` (rule id, and the
subject after a colon), a severity, a ``title`` that states the number, a ``detail`` line, an
on-site ``hint`` — three messages (:class:`~inspector_app.i18n.Message`) rendered in the
language where they are shown; JSON carries each in Chinese with an English ``*_en`` sibling —
and evidence pointers (path plus inclusive data-record ``rows``, or a JSON ``pointer``, or a
path alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from inspector_app.i18n import Message, bilingual

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}

#: rule id -> severity (the catalogue's table)
SEVERITIES: dict[str, str] = {
    "MATERIALS_MISSING": MEDIUM,
    "DEADLINE_EXCEEDED": MEDIUM,
    "DUPLICATE_FUNDING": HIGH,
    "USAGE_DORMANT": HIGH,
    "USAGE_BURST": HIGH,
    "USAGE_FEW_USERS": MEDIUM,
    "LOG_SYNTHETIC": HIGH,
    "SYSTEM_PREDATES_PROJECT": HIGH,
    "PHOTO_PREDATES_PROJECT": MEDIUM,
    "PHOTO_EDITED": LOW,
    "DUPLICATE_EVIDENCE": MEDIUM,
    "CONTRACT_INVOICE_MISMATCH": HIGH,
    "INVOICE_BEFORE_CONTRACT": MEDIUM,
    "PAYMENT_MISMATCH": HIGH,
    "PAYMENT_REFLUX": HIGH,
    "PRICE_OUTLIER": MEDIUM,
    "CONTRACT_INCONSISTENT": MEDIUM,
    "PRODUCT_NOT_LISTED": MEDIUM,
    "INVESTMENT_UNSUPPORTED": HIGH,
    "SUBSIDY_EXCESSIVE": MEDIUM,
    "TARGET_MISSED": MEDIUM,
    "GOAL_UNSUPPORTED": MEDIUM,
    "SELF_ASSESSMENT_INFLATED": MEDIUM,
}

#: the cross-enterprise rules' severities (``red-flags.md`` § Across packages; ``sync.cross``
#: raises them, the findings store's outcome rules read them)
CROSS_SEVERITIES: dict[str, str] = {
    "CROSS_DUPLICATE_PHOTO": HIGH,
    "CROSS_DUPLICATE_DOCUMENT": MEDIUM,
    "CROSS_LOG_CLONE": HIGH,
    "CROSS_PRICE_OUTLIER": MEDIUM,
}

#: every per-package rule id, in the catalogue's order
RULE_IDS: tuple[str, ...] = tuple(SEVERITIES)
_RULE_ORDER = {rule: i for i, rule in enumerate(RULE_IDS)}


@dataclass(frozen=True)
class Evidence:
    """Where the expert can check: a path, with data-record ``rows`` or a JSON ``pointer``;
    ``extra`` keys say more (a cross-enterprise flag's ``uscc``, a contract line)."""

    path: str
    rows: tuple[int, int] | None = None
    pointer: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.rows is not None:
            out["rows"] = [self.rows[0], self.rows[1]]
        if self.pointer is not None:
            out["pointer"] = self.pointer
        out.update(self.extra)
        return out

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Evidence:
        """The evidence of a flag's JSON object (the inverse of :meth:`to_json`)."""
        rows = obj.get("rows")
        pair = (int(rows[0]), int(rows[1])) if isinstance(rows, list | tuple) else None
        return cls(
            str(obj["path"]),
            pair,
            obj.get("pointer"),
            {k: v for k, v in obj.items() if k not in ("path", "rows", "pointer")},
        )


#: where a flag comes from: a package's analysis, the agency's cross-enterprise rules, or the
#: findings store (an expert's complete scoring)
PACKAGE, CROSS, EXPERT = "package", "cross", "expert"


@dataclass(frozen=True)
class Flag:
    """The one flag type: per-package (``analyze``), cross-enterprise (``merge flags``,
    ``scope`` CROSS, with the ``usccs`` it involves) and store-raised (``findings flags``,
    ``scope`` EXPERT, whose ``facts`` are part of its JSON)."""

    rule: str
    subject: str | None
    title: Message
    detail: Message
    hint: Message
    evidence: tuple[Evidence, ...] = ()
    #: the numbers behind the flag, for the UI and reports (not part of the cli.md shape of a
    #: per-package flag; a store-raised flag's JSON carries them)
    facts: dict[str, Any] = field(default_factory=dict, compare=False)
    scope: str = PACKAGE
    usccs: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.rule if self.subject is None else f"{self.rule}:{self.subject}"

    @property
    def severity(self) -> str:
        return SEVERITIES.get(self.rule) or CROSS_SEVERITIES[self.rule]

    @property
    def title_en(self) -> str:
        return self.title.render("en")

    def texts(self) -> dict[str, Any]:
        """``title``, ``detail`` and ``hint`` in Chinese, each with its English ``*_en``."""
        return {
            **bilingual("title", self.title),
            **bilingual("detail", self.detail),
            **bilingual("hint", self.hint),
        }

    def to_json(self) -> dict[str, Any]:
        """The flag's JSON: ``analyze``'s shape; a cross flag adds ``subject`` and ``usccs``,
        a store-raised one its facts. The texts do not depend on the language chosen."""
        if self.scope == CROSS:
            return {
                "id": self.id,
                "rule": self.rule,
                "subject": self.subject,
                "severity": self.severity,
                **self.texts(),
                "evidence": [e.to_json() for e in self.evidence],
                "usccs": list(self.usccs),
            }
        out = {
            "id": self.id,
            "rule": self.rule,
            "severity": self.severity,
            **self.texts(),
            "evidence": [e.to_json() for e in self.evidence],
        }
        if self.scope == EXPERT:
            out.update(self.facts)
        return out


def sort_flags(flags: list[Flag]) -> list[Flag]:
    """Severity first, then catalogue order, then subject: a stable, readable order."""
    return sorted(
        flags, key=lambda f: (SEVERITY_ORDER[f.severity], _RULE_ORDER[f.rule], f.subject or "")
    )


def pct(value: float) -> str:
    """``0.812`` → ``"81%"`` (whole percent, as titles state numbers)."""
    return f"{round(value * 100):d}%"
