"""The expert's inspection plan (现场核查计划), from one case package before the visit.

Every red flag of the package's analysis becomes concrete on-site checks — which system to open
and which dates to pick there, which invoice originals and bank slips to ask for, whom to
interview — followed by the checks every visit makes (each system, the attachments). The dates
to pick come from the usage log itself (the busiest day, an ordinary day, the last days before
the application), never from a guess. The usage chart shows the expert the shape of the logs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from inspector_app.casepkg.model import CasePackage
from inspector_app.home import Home
from inspector_app.i18n import _, get_language
from inspector_app.progress import CancelToken, ProgressFn
from reports.charts import UsageData, UsageSeries, weekly
from reports.content import report_title
from reports.doc import Doc
from reports.text import DASH, day, evidence_text, join, severity_name, yuan


def _sample_days(daily: Sequence[Mapping[str, Any]], applied: date) -> list[str]:
    """Three days to open in the system: the busiest, an ordinary (median) one and the last
    active day before the application (distinct, ascending)."""
    rows = [(date.fromisoformat(str(r["date"])), int(r["events"])) for r in daily]
    rows = [r for r in rows if r[0] <= applied]
    if not rows:
        return []
    busiest = max(rows, key=lambda r: (r[1], r[0]))[0]
    ordered = sorted(rows, key=lambda r: (r[1], r[0]))
    median = ordered[len(ordered) // 2][0]
    last = max(r[0] for r in rows)
    return [d.isoformat() for d in sorted({busiest, median, last})]


def _window_days(daily: Sequence[Mapping[str, Any]], first: date, last: date) -> list[str]:
    rows = [
        (date.fromisoformat(str(r["date"])), int(r["events"]))
        for r in daily
        if first <= date.fromisoformat(str(r["date"])) <= last
    ]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return sorted(d.isoformat() for d, _n in rows[:3])


def _system_of(pkg: CasePackage, subject: str | None) -> str | None:
    if not subject:
        return None
    for s in pkg.systems:
        if s.system_id == subject or subject.startswith(s.system_id):
            return s.system_id
    return None


def checks_for(
    flag: Mapping[str, Any], pkg: CasePackage, usage: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """The concrete on-site checks for one flag."""
    rule = str(flag["rule"])
    subject = str(flag["id"]).partition(":")[2] or None
    applied = pkg.project.acceptance_applied_at
    sid = _system_of(pkg, subject)
    system = pkg.system(sid) if sid else None
    sname = system.name if system else (subject or DASH)
    daily = usage.get(sid or "", {}).get("daily", [])
    out: list[str] = []
    if rule in (
        "USAGE_BURST",
        "USAGE_DORMANT",
        "LOG_SYNTHETIC",
        "USAGE_FEW_USERS",
        "SYSTEM_PREDATES_PROJECT",
        "GOAL_UNSUPPORTED",
    ):
        if rule == "USAGE_BURST":
            late = _window_days(daily, applied - timedelta(days=29), applied)
            early = _window_days(daily, applied - timedelta(days=120), applied - timedelta(days=30))
            out.append(
                _(
                    "Open {system} on site and show the business records of the busy days {late} "
                    "and of the earlier days {early}: are the records real transactions, and who "
                    "entered them?",
                    system=sname,
                    late=join(late) or DASH,
                    early=join(early) or DASH,
                )
            )
        elif rule == "USAGE_DORMANT":
            days = _sample_days(daily, applied)
            out.append(
                _(
                    "Open {system} and ask for today's records and those of the last active days "
                    "({days}); ask why use stopped before the application.",
                    system=sname,
                    days=join(days) or DASH,
                )
            )
        elif rule == "LOG_SYNTHETIC":
            days = _sample_days(daily, applied)
            out.append(
                _(
                    "Ask the provider to export the login audit of {system} from the server for "
                    "{days} and compare it with the log in the package; have a user create a "
                    "record now and watch it appear.",
                    system=sname,
                    days=join(days) or DASH,
                )
            )
        elif rule == "USAGE_FEW_USERS":
            out.append(
                _(
                    "List the user accounts of {system} with their last login; interview three "
                    "of the licensed users who never log in.",
                    system=sname,
                )
            )
        elif rule == "SYSTEM_PREDATES_PROJECT":
            out.append(
                _(
                    "Open {system}'s installation and version history (server, licence date, "
                    "first records) and compare with contract {contract}.",
                    system=sname,
                    contract=(system.contract_no if system else None) or DASH,
                )
            )
        else:
            out.append(
                _(
                    "Have the goal's figure computed in {system} in front of you (the report or "
                    "query that gives it), for the months after go-live.",
                    system=sname,
                )
            )
        out.append(
            _(
                "Interview two front-line users of {system} away from management: what they do "
                "in it each day, since when.",
                system=sname,
            )
        )
    elif rule in (
        "CONTRACT_INVOICE_MISMATCH",
        "INVOICE_BEFORE_CONTRACT",
        "CONTRACT_INCONSISTENT",
        "INVESTMENT_UNSUPPORTED",
    ):
        contract = subject or DASH
        invoices = [v for v in pkg.invoices if v.contract_no == subject] or list(pkg.invoices)
        out.append(
            _(
                "Ask for the original contract {contract} with its annexes and the originals of "
                "invoices {invoices}; check each invoice on the national tax platform.",
                contract=contract,
                invoices=join(v.invoice_no for v in invoices) or DASH,
            )
        )
        out.append(_("Interview the finance officer about how the amounts were agreed."))
    elif rule in ("PAYMENT_MISMATCH", "PAYMENT_REFLUX"):
        pays = [
            p
            for p in pkg.payments
            if subject and (p.contract_no == subject or subject in (p.payer, p.payee))
        ]
        pays = pays or [p for p in pkg.payments if p.direction == "in"] or list(pkg.payments)
        out.append(
            _(
                "Ask for the bank slips and the bank statement of the enterprise's account for "
                "{dates} (payments {refs}); compare payer, payee and amounts with the package.",
                dates=join(sorted({day(p.paid_at) for p in pays})) or DASH,
                refs=join(p.bank_ref or yuan(p.amount_yuan) for p in pays) or DASH,
            )
        )
        out.append(
            _(
                "Interview the finance officer and the legal representative about every "
                "incoming payment from a provider."
            )
        )
    elif rule in ("PRICE_OUTLIER", "PRODUCT_NOT_LISTED", "SUBSIDY_EXCESSIVE"):
        out.append(
            _(
                "Ask for the provider's quotation and the catalogue entry of the items concerned; "
                "check on site that the quantities delivered match the contract."
            )
        )
    elif rule in ("PHOTO_PREDATES_PROJECT", "PHOTO_EDITED", "DUPLICATE_EVIDENCE"):
        out.append(
            _(
                "Go to the place shown in {evidence} and take a new photo of it; ask for the "
                "original file from the camera or phone.",
                evidence=evidence_text(flag),
            )
        )
    elif rule == "MATERIALS_MISSING":
        out.append(_("Ask for the missing attachments on paper, signed and stamped."))
    elif rule == "DEADLINE_EXCEEDED":
        out.append(
            _("Ask for the written reason of the late application and the district's approval.")
        )
    elif rule == "DUPLICATE_FUNDING":
        out.append(
            _(
                "Ask for the documents of the earlier funding (little giant central fund or the "
                "2022 pilot) and check that this project is not the same work."
            )
        )
    elif rule == "SELF_ASSESSMENT_INFLATED":
        out.append(
            _(
                "Score the questions and scenes yourself on site and compare item by item with "
                "the self-assessment."
            )
        )
    hint = str(flag.get("hint") or "")
    if hint and get_language() != "en":
        out.append(_("Analysis hint: {hint}", hint=hint))
    if not out:
        out.append(_("Check the evidence listed: {evidence}", evidence=evidence_text(flag)))
    return out


def inspection_plan(pkg: CasePackage, analysis: Mapping[str, Any], *, generated: str) -> Doc:
    e, p = pkg.enterprise, pkg.project
    doc = Doc(
        report_title("plan"),
        e.name,
        [
            e.name,
            _("Unified social credit code: {uscc}", uscc=e.uscc),
            _("Generated {at} from case package {package}", at=generated, package=pkg.package_id),
        ],
    )
    doc.h1(_("1. The project"))
    doc.table(
        [_("item"), _("value")],
        [
            [_("Project"), f"{p.project_id} {p.title}"],
            [_("District"), e.district],
            [_("Acceptance applied for"), day(p.acceptance_applied_at)],
            [_("Planned inspection"), day(p.inspection_planned_at)],
            [_("Contact"), f"{e.contact.name} {e.contact.phone}" if e.contact else DASH],
            [_("Total investment (yuan)"), yuan(p.total_investment_yuan)],
            [_("Subsidy requested (yuan)"), yuan(p.subsidy_requested_yuan)],
        ],
        [1, 3],
    )
    usage = analysis.get("usage", {})
    doc.h1(_("2. Usage of the systems"))
    series = [
        UsageSeries(s.name, weekly(usage[s.system_id].get("daily", [])))
        for s in pkg.systems
        if s.system_id in usage
    ]
    if series:
        doc.chart(
            "usage",
            UsageData(series, p.acceptance_applied_at),
            _("Events per week; the dashed line is the date the acceptance was applied for."),
        )
    else:
        doc.note(_("No usage log is in the case package: usage cannot be shown from data."))
    flags = list(analysis.get("flags", []))
    doc.h1(_("3. Red flags to verify on site"))
    if not flags:
        doc.note(_("The analysis raised no red flag: make the standard checks below."))
    lang_en = get_language() == "en"
    rows = []
    for i, flag in enumerate(flags, 1):
        title = flag.get("title_en") if lang_en else flag.get("title")
        checks = checks_for(flag, pkg, usage)
        rows.append(
            [
                str(i),
                f"{flag['id']}\n{title}",
                severity_name(flag.get("severity")),
                "\n".join(f"□ {c}" for c in checks),
                evidence_text(flag),
            ]
        )
    if rows:
        doc.table(
            [
                _("No."),
                _("flag"),
                _("severity"),
                _("what to check on site"),
                _("evidence in the package"),
            ],
            rows,
            [0.4, 2, 0.7, 4.5, 2],
        )
    doc.h1(_("4. Standard checks"))
    std = []
    for s in pkg.systems:
        days = _sample_days(usage.get(s.system_id, {}).get("daily", []), p.acceptance_applied_at)
        std.append(
            [
                s.name,
                join(s.modules) or DASH,
                _(
                    "open the modules; show the records of {days}; have a user enter a record now",
                    days=join(days) or DASH,
                ),
            ]
        )
    doc.table(
        [_("system"), _("modules"), _("check")],
        std,
        [1.5, 2.5, 4],
        empty=_("The package lists no system."),
    )
    doc.kv(
        _(
            "Ask for the originals of every contract, invoice and bank slip in attachments 4 and 5; "
            "interview the project lead, the finance officer and front-line users."
        )
    )
    return doc


@dataclass(frozen=True)
class PlanResult:
    """What :func:`write_plan` wrote: the PDF's path and how many flags it turns into checks."""

    path: Path
    flags: int


def write_plan(
    home: Home,
    source: str,
    out: Path,
    *,
    identities: Sequence[Any] = (),
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> PlanResult:
    """The inspection plan (现场核查计划) of ``source`` — a package path (opened as ``analyze``
    opens it, ``identities`` for an encrypted one; an existing path wins) or an imported case
    (id or prefix) — written as ``<uscc>-现场核查计划.pdf`` in ``out``.

    Raises:
        InputRefused: the package is refused, the case is unknown or has no package folder,
            or the PDF cannot be written (``services.files.cannot_write``).
    """
    from inspector_app.analysis import analyze
    from inspector_app.casepkg import load_case, open_package
    from inspector_app.errors import InputRefused
    from inspector_app.findings import open_store
    from inspector_app.i18n import bi
    from inspector_app.services.files import cannot_write
    from inspector_app.values import now
    from reports.doc import render_pdf
    from reports.generate import file_stem, write_atomic

    generated = now().isoformat(sep=" ", timespec="minutes")
    path = Path(source)
    if path.is_file():
        with open_package(
            path,
            identities=list(identities),
            tmp_dir=home.tmp_dir,
            progress=progress,
            cancel=cancel,
        ) as package:
            analysis = analyze(package, progress=progress, cancel=cancel).to_json()
            doc = inspection_plan(package, analysis, generated=generated)
    else:
        with open_store(home) as store:
            case = store.resolve_case(source)
        if not case.folder or not Path(case.folder).is_dir():
            raise InputRefused(
                bi("The case {case} has no imported package folder.", case=case.case_id)
            )
        package = load_case(case.folder)
        analysis = analyze(package, progress=progress, cancel=cancel).to_json()
        doc = inspection_plan(package, analysis, generated=generated)
    target = out / f"{package.enterprise.uscc}-{file_stem('plan')}.pdf"
    try:
        write_atomic(target, render_pdf(doc))
    except OSError as exc:
        raise cannot_write(exc, target) from exc
    return PlanResult(target, len(analysis.get("flags", [])))
