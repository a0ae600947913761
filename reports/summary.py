"""The batch summary workbook for the city office (openpyxl).

Sheets: the enterprises (one row each: district, provider, level, score, recommendation,
confirmed flags, subsidy requested and recommended — with an auto-filter, a frozen header and
number formats), the providers (enterprises per provider and their outcomes) and the flags
(every flag of every enterprise with its final review). Money cells are numbers with two
decimals written from ``Decimal``. The recommended subsidy is the requested one for a pass
(capped at the eligible amount when the ``SUBSIDY_EXCESSIVE`` settings are known), 0 for a
disqualification or an improvement, and empty while the conclusion is not settled.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inspector_app.i18n import _
from reports.content import _subsidy_settings
from reports.data import EnterpriseData
from reports.text import decision_name, flag_title, recommendation, status_name

MONEY = "#,##0.00"
SCORE = "0.0"


def eligible_subsidy(d: EnterpriseData) -> Decimal | None:
    if d.package is None:
        return None
    settings = _subsidy_settings(d)
    if settings is None:
        return None
    categories = set(settings.get("eligible_categories", []))
    base = sum(
        (i.amount_yuan for i in d.package.contract_items if i.category in categories), Decimal(0)
    )
    ratio = Decimal(str(settings.get("max_ratio", "0")))
    cap = Decimal(str(settings.get("cap_yuan", "0")))
    return min((base * ratio).quantize(Decimal("0.01")), cap)


def recommended_subsidy(d: EnterpriseData) -> Decimal | None:
    """See the module docstring."""
    if d.package is None or d.outcome is None:
        return None
    if d.outcome != "pass":
        return Decimal("0.00")
    requested = d.package.project.subsidy_requested_yuan
    eligible = eligible_subsidy(d)
    return requested if eligible is None else min(requested, eligible)


def _providers(d: EnterpriseData) -> list[str]:
    if d.package is None:
        return []
    return [p.name for p in d.package.project.providers]


@dataclass(frozen=True)
class SummaryEntry:
    """One enterprise's rows of the batch summary, made where its data was gathered (a worker
    process sends these few rows back, not the whole :class:`EnterpriseData`)."""

    #: the row of sheet 企业
    row: list[Any]
    #: per provider: (name, outcome column 2–5, contract amount with this provider)
    providers: list[tuple[str, int, Decimal]]
    #: the rows of sheet 疑点
    flags: list[list[Any]]


def summary_entry(d: EnterpriseData) -> SummaryEntry:
    pkg = d.package
    row = [
        d.enterprise,
        d.uscc,
        pkg.enterprise.district if pkg else None,
        "、".join(_providers(d)) or None,
        d.final_score.level if d.final_score is not None else None,
        d.final_score.score if d.final_score is not None else None,
        _("yes") if d.final_complete else _("no"),
        recommendation(d.outcome) if d.outcome else status_name(d.conclusion.status),
        "、".join(f.flag_id for f in d.confirmed_flags) or None,
        pkg.project.subsidy_requested_yuan if pkg else None,
        recommended_subsidy(d),
        ", ".join(e.signer.name for e in d.experts) or None,
    ]
    col = {"pass": 2, "improve": 3, "disqualify": 4}.get(d.outcome or "", 5)
    providers = [
        (
            name,
            col,
            sum((c.amount_yuan for c in pkg.contracts if c.party_b == name), Decimal(0))
            if pkg is not None
            else Decimal(0),
        )
        for name in _providers(d) or [_("(no package)")]
    ]
    flags = [
        [
            d.enterprise,
            d.uscc,
            f.flag_id,
            (f.flag or {}).get("severity"),
            flag_title(f.flag, f.flag_id),
            decision_name(f.review.value) if f.review.value else status_name(f.review.status),
            "；".join(
                f"{n}: {decision_name(c.data.get('decision'))}"
                for n, c in sorted(f.review.by_expert.items())
            )
            or None,
        ]
        for f in d.flags
    ]
    return SummaryEntry(row, providers, flags)


def summary_xlsx(items: Sequence[EnterpriseData | SummaryEntry]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    entries = [e if isinstance(e, SummaryEntry) else summary_entry(e) for e in items]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Enterprises")
    header = [
        _("enterprise"),
        _("USCC"),
        _("district"),
        _("providers"),
        _("level"),
        _("score"),
        _("scoring complete"),
        _("recommendation"),
        _("confirmed flags"),
        _("subsidy requested (yuan)"),
        _("subsidy recommended (yuan)"),
        _("experts"),
    ]
    ws.append(header)
    for e in entries:
        ws.append(e.row)
        r = ws.max_row
        ws.cell(r, 6).number_format = SCORE
        ws.cell(r, 10).number_format = MONEY
        ws.cell(r, 11).number_format = MONEY
    _finish(ws, [30, 22, 12, 36, 8, 8, 10, 20, 36, 18, 18, 20], Font, PatternFill, Alignment)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"

    wp = wb.create_sheet(_("Providers"))
    wp.append(
        [
            _("provider"),
            _("enterprises"),
            _("pass"),
            _("improve"),
            _("disqualify"),
            _("not settled"),
            _("contract amount (yuan)"),
        ]
    )
    per: dict[str, list[Any]] = {}
    for e in entries:
        for name, col, amount in e.providers:
            prow = per.setdefault(name, [name, 0, 0, 0, 0, 0, Decimal(0)])
            prow[1] += 1
            prow[col] += 1
            prow[6] += amount
    for prow in sorted(per.values(), key=lambda r: (-r[1], r[0])):
        wp.append(prow)
        wp.cell(wp.max_row, 7).number_format = MONEY
    _finish(wp, [36, 12, 10, 10, 10, 10, 20], Font, PatternFill, Alignment)
    wp.auto_filter.ref = f"A1:G{max(wp.max_row, 1)}"

    wf = wb.create_sheet(_("Flags"))
    wf.append(
        [
            _("enterprise"),
            _("USCC"),
            _("flag"),
            _("severity"),
            _("title"),
            _("final review"),
            _("experts' decisions"),
        ]
    )
    for e in entries:
        for frow in e.flags:
            wf.append(frow)
    _finish(wf, [30, 22, 40, 10, 50, 20, 40], Font, PatternFill, Alignment)
    wf.auto_filter.ref = f"A1:G{max(wf.max_row, 1)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _finish(ws: Any, widths: list[int], font: Any, fill: Any, alignment: Any) -> None:
    from openpyxl.utils import get_column_letter

    for cell in ws[1]:
        cell.font = font(bold=True)
        cell.fill = fill("solid", fgColor="E3E8EF")
        cell.alignment = alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A2"
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
