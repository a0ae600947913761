"""What every rule reads: the package, the effective settings, and the results of the passes.

The engine (:mod:`inspector_app.analysis.engine`) fills a :class:`Context` once — the usage
pass per system, the records.csv summaries, the image analysis — and every rule is a plain
function ``check(ctx) -> list[Flag]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from inspector_app.analysis.flags import Evidence, Flag
from inspector_app.analysis.settings import Settings
from inspector_app.analysis.usagestats import LogPass, day_number
from inspector_app.casepkg.model import CasePackage
from inspector_app.checklist.model import Checklist
from inspector_app.i18n import Message, bi, both, join
from inspector_app.imaging import ImageInfo
from inspector_app.values import local_date


@dataclass
class RecordsSummary:
    """A system's records.csv: the first date with ``created`` > 0, and daily created counts."""

    path: str
    first_created: date | None = None
    first_created_row: int | None = None
    created_by_date: dict[date, int] = field(default_factory=dict)
    rows_by_date: dict[date, tuple[int, int]] = field(default_factory=dict)

    def created_between(self, first: date, last: date) -> int:
        return sum(v for d, v in self.created_by_date.items() if first <= d <= last)

    def rows_between(self, first: date, last: date) -> tuple[int, int] | None:
        inside = [r for d, r in self.rows_by_date.items() if first <= d <= last]
        if not inside:
            return None
        return min(r[0] for r in inside), max(r[1] for r in inside)


@dataclass
class Context:
    package: CasePackage
    settings: Settings
    usage: Mapping[str, LogPass] = field(default_factory=dict)
    records: Mapping[str, RecordsSummary] = field(default_factory=dict)
    images: Mapping[str, ImageInfo] = field(default_factory=dict)
    #: the self-assessment's checklist as in effect for the home (the agency's corrections);
    #: None: the bundled one of that id
    checklist: Checklist | None = None

    @property
    def applied(self) -> date:
        return self.package.project.acceptance_applied_at

    @property
    def planned(self) -> date | None:
        return self.package.project.inspection_planned_at

    @property
    def created(self) -> date:
        """The package's ``created_at`` as a +08:00 calendar date."""
        return local_date(self.package.manifest.created_at)

    @property
    def registered(self) -> date:
        return self.package.project.registered_at

    def system_index(self, system_id: str) -> int:
        for i, s in enumerate(self.package.systems):
            if s.system_id == system_id:
                return i
        raise KeyError(system_id)

    def system_pointer(self, system_id: str, key: str | None = None) -> Evidence:
        i = self.system_index(system_id)
        return Evidence("systems.json", pointer=f"/{i}" + (f"/{key}" if key else ""))

    def usage_path(self, system_id: str) -> str | None:
        return self.package.usage_logs.get(system_id)

    def usage_evidence(self, system_id: str, rows: tuple[int, int] | None) -> list[Evidence]:
        """The system's usage log at ``rows`` (None: the whole file); empty without a log."""
        path = self.usage_path(system_id)
        return [] if path is None else [Evidence(path, rows=rows)]

    def usage_window_evidence(self, system_id: str, first: date, last: date) -> list[Evidence]:
        """The system's usage-log rows dated ``first`` … ``last``; empty without a log."""
        log = self.usage.get(system_id)
        if log is None:
            return []
        return self.usage_evidence(system_id, log.rows_between(day_number(first), day_number(last)))


def texts(msgid: str, **kw: object) -> Message:
    """The message ``msgid`` (``bi``). A value that is a (Chinese, English) pair goes into each
    language as that language's text; a value that is a message renders in the same language."""
    return bi(msgid, **{k: both(*v) if isinstance(v, tuple) else v for k, v in kw.items()})


def join_details(parts: list[Message]) -> Message:
    """The detail line listing every condition ("；" between them in Chinese, "; " in English)."""
    return join(parts)


def make_flag(  # noqa: PLR0917 - the parts of one flag, in Flag's own order
    rule: str,
    subject: str | None,
    title: Message,
    details: list[Message],
    hint: Message,
    evidence: Iterable[Evidence],
    facts: Mapping[str, object] | None = None,
) -> Flag:
    """A flag titled ``title``, the detail line of ``details`` and each evidence pointer once
    (in the order first given)."""
    return Flag(
        rule,
        subject,
        title,
        join_details(details),
        hint,
        tuple(dict.fromkeys(evidence)),
        dict(facts or {}),
    )


@dataclass
class Conditions:
    """The conditions of one rule that hold for one subject. A rule whose several conditions
    hold raises one flag (red-flags.md): titled by the first, listing every detail and every
    piece of evidence."""

    evidence: list[Evidence] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)
    titles: list[Message] = field(default_factory=list)
    details: list[Message] = field(default_factory=list)

    def add(self, title: Message, detail: Message, *evidence: Evidence) -> None:
        self.titles.append(title)
        self.details.append(detail)
        self.evidence.extend(evidence)

    def flag(self, rule: str, subject: str | None, hint: Message) -> Flag | None:
        """The flag of ``rule``, or None when no condition holds."""
        if not self.titles:
            return None
        return make_flag(
            rule, subject, self.titles[0], self.details, hint, self.evidence, self.facts
        )


def fmt_int(n: int) -> str:
    return f"{n:,}"


def fmt_ratio(value: float) -> str:
    return "∞" if value == float("inf") else f"{value:.1f}"
