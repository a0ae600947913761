"""A case at a glance: facts, providers, money and the timeline of key dates with the flags.

What the desktop app's 概况 page shows (and what a text face may print): computed from the
opened :class:`~inspector_app.services.cases.CaseSession` (its package and its cached
analysis). Money is ``Decimal`` yuan. Each flag is placed on the timeline at the date its
evidence points to: a finance row's date, a system's go-live, a photo's EXIF date, the usage
window before the application; otherwise at the application date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from inspector_app.analysis.flags import SEVERITY_ORDER, Flag
from inspector_app.i18n import Message, bi
from inspector_app.progress import CancelToken, ProgressFn, check, report
from inspector_app.values import TZ

if TYPE_CHECKING:
    from inspector_app.casepkg.model import CasePackage
    from inspector_app.services.cases import CaseSession

#: timeline kinds, in the order they are drawn when they fall on the same day
KINDS = (
    "registered",
    "diagnosis",
    "contract",
    "go_live",
    "invoice",
    "payment",
    "photo",
    "completed",
    "applied",
    "planned_visit",
)


@dataclass(frozen=True)
class Money:
    """Yuan, exact: contracts signed, invoiced (with tax), paid out by the enterprise, and the
    project's declared investment, subsidy requested and subsidy pre-paid."""

    contracts: Decimal
    invoiced: Decimal
    paid: Decimal
    investment: Decimal
    subsidy_requested: Decimal
    subsidy_prepaid: Decimal


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    kind: str  # one of KINDS
    label: Message
    path: str | None = None  # the evidence to show for it


@dataclass(frozen=True)
class FlagMark:
    """A flag placed at a date on the timeline."""

    day: date
    flag: Flag


@dataclass(frozen=True)
class Overview:
    package: CasePackage
    money: Money
    events: tuple[TimelineEvent, ...]
    marks: tuple[FlagMark, ...]

    @property
    def first_day(self) -> date:
        days = [e.day for e in self.events] + [m.day for m in self.marks]
        return min(days)

    @property
    def last_day(self) -> date:
        days = [e.day for e in self.events] + [m.day for m in self.marks]
        return max(days)


def money(pkg: CasePackage) -> Money:
    project = pkg.project
    return Money(
        contracts=sum((c.amount_yuan for c in pkg.contracts), Decimal(0)),
        invoiced=sum((i.total_yuan for i in pkg.invoices), Decimal(0)),
        paid=sum((p.amount_yuan for p in pkg.payments if p.direction == "out"), Decimal(0)),
        investment=project.total_investment_yuan,
        subsidy_requested=project.subsidy_requested_yuan,
        subsidy_prepaid=project.subsidy_prepaid_yuan,
    )


def _photo_dates(
    pkg: CasePackage, progress: ProgressFn | None, cancel: CancelToken | None
) -> dict[str, date]:
    from inspector_app.imaging import ImageUnreadable, read_exif

    photos = list(pkg.photos)
    found: dict[str, date] = {}
    for n, doc in enumerate(photos, 1):
        check(cancel)
        try:
            with pkg.source.open(doc.path) as fh:
                exif = read_exif(fh)
        except (ImageUnreadable, OSError, ValueError):
            continue
        taken = exif.datetime_original or exif.datetime
        if taken is not None:
            found[doc.path] = (
                (taken if taken.tzinfo else taken.replace(tzinfo=TZ)).astimezone(TZ).date()
            )
        report(progress, n, len(photos), str(bi("Reading photo dates")))
    return found


def timeline(pkg: CasePackage, photo_dates: dict[str, date]) -> list[TimelineEvent]:
    """The key dates of the case, in date order."""
    project = pkg.project
    events = [
        TimelineEvent(project.registered_at, "registered", bi("Project registered"), "project.json")
    ]
    if project.diagnosis_completed_at:
        events.append(
            TimelineEvent(
                project.diagnosis_completed_at, "diagnosis", bi("Diagnosis"), "project.json"
            )
        )
    for c in pkg.contracts:
        events.append(
            TimelineEvent(
                c.signed_at,
                "contract",
                bi("Contract {no} signed", no=c.contract_no),
                "finance/contracts.csv",
            )
        )
    for s in pkg.systems:
        if s.go_live:
            events.append(
                TimelineEvent(
                    s.go_live, "go_live", bi("{system} goes live", system=s.name), "systems.json"
                )
            )
    for i in pkg.invoices:
        events.append(
            TimelineEvent(
                i.issued_at,
                "invoice",
                bi("Invoice {no}", no=i.invoice_no),
                "finance/invoices.csv",
            )
        )
    for p in pkg.payments:
        events.append(
            TimelineEvent(
                p.paid_at,
                "payment",
                bi("Payment {amount} yuan", amount=f"{p.amount_yuan:,.2f}"),
                "finance/payments.csv",
            )
        )
    for path, day in photo_dates.items():
        events.append(
            TimelineEvent(day, "photo", bi("Photo {name}", name=path.rsplit("/", 1)[-1]), path)
        )
    events.append(TimelineEvent(project.completed_at, "completed", bi("Completed"), "project.json"))
    events.append(
        TimelineEvent(
            project.acceptance_applied_at, "applied", bi("Acceptance applied for"), "project.json"
        )
    )
    if project.inspection_planned_at:
        events.append(
            TimelineEvent(
                project.inspection_planned_at,
                "planned_visit",
                bi("Planned visit"),
                "project.json",
            )
        )
    events.sort(key=lambda e: (e.day, KINDS.index(e.kind)))
    return events


def _finance_day(pkg: CasePackage, path: str, row: int) -> date | None:
    tables: dict[str, Iterable[tuple[int, date]]] = {
        "finance/contracts.csv": ((c.row, c.signed_at) for c in pkg.contracts),
        "finance/invoices.csv": ((i.row, i.issued_at) for i in pkg.invoices),
        "finance/payments.csv": ((p.row, p.paid_at) for p in pkg.payments),
    }
    for row_no, day in tables.get(path, ()):
        if row_no == row:
            return day
    return None


def flag_day(pkg: CasePackage, flag: Flag, photo_dates: dict[str, date]) -> date:
    """Where ``flag`` falls on the timeline (see the module docstring)."""
    applied = pkg.project.acceptance_applied_at
    for ev in flag.evidence:
        if ev.rows is not None:
            day = _finance_day(pkg, ev.path, ev.rows[0])
            if day is not None:
                return day
        if ev.path in photo_dates:
            return photo_dates[ev.path]
    if flag.subject:
        system = pkg.system(flag.subject)
        if system is not None and flag.rule == "SYSTEM_PREDATES_PROJECT" and system.go_live:
            return system.go_live
        if flag.subject in photo_dates:
            return photo_dates[flag.subject]
    return applied


def case_overview(
    session: CaseSession,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Overview:
    """Facts, money and the timeline of ``session``'s case (reads the photos' EXIF dates)."""
    pkg = session.package
    analysis = session.analysis(progress=progress, cancel=cancel)
    photo_dates = _photo_dates(pkg, progress, cancel)
    marks = sorted(
        (FlagMark(flag_day(pkg, f, photo_dates), f) for f in analysis.flags),
        key=lambda m: (m.day, SEVERITY_ORDER.get(m.flag.severity, 9)),
    )
    return Overview(
        package=pkg,
        money=money(pkg),
        events=tuple(timeline(pkg, photo_dates)),
        marks=tuple(marks),
    )


def yuan(amount: Decimal) -> str:
    """``¥1,234,567.80``: two decimals, thousands separated, exact (never through float)."""
    q = amount.quantize(Decimal("0.01"))
    sign = "-" if q < 0 else ""
    whole, _, cents = f"{abs(q):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}¥{','.join(groups)}.{cents or '00'}"


__all__ = [
    "KINDS",
    "FlagMark",
    "Money",
    "Overview",
    "TimelineEvent",
    "case_overview",
    "flag_day",
    "money",
    "timeline",
    "yuan",
]
