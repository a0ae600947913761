"""The words a person sees for the program's ids — one table each, used by every face.

A case's status, a finding's kind, a red-flag rule, a flag's severity, a flag review's decision, a conclusion's
recommendation, an identity's role, what an agency merge finds disputed and the raw figures a
question asks for are stored and
printed in JSON as ids (``in_progress``, ``flag_review``, ``high`` …). Text output, the
expert's app and the agency console show them through these tables, in the chosen language
(``case list`` shows 未开始 / 核查中 / 已结论 / 已导出 / 需复核 as the case list page does).
An id no table knows is shown as it is (never an empty cell).

Each function returns a :class:`~inspector_app.i18n.Message` (``str()`` renders it in the
current language); :func:`ljust` pads a text to a width in terminal columns (a Chinese
character takes two).
"""

from __future__ import annotations

from collections.abc import Mapping

from inspector_app.i18n import N_, Message, bi, verbatim

#: ``CaseSummary.display_status`` → its label (``inspector_app.services.caselist``)
CASE_STATUSES: Mapping[str, str] = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "concluded": N_("Concluded"),
    "exported": N_("Exported"),
    "stale": N_("Needs review"),
}
#: a finding's ``kind`` (``inspector_app.findings.records.KINDS``)
FINDING_KINDS: Mapping[str, str] = {
    "score": N_("Score"),
    "flag_review": N_("Flag review"),
    "observation": N_("Observation"),
    "interview": N_("Interview"),
    "conclusion": N_("Conclusion"),
    "decision": N_("Agency decision"),
}
#: a red flag's severity
SEVERITIES: Mapping[str, str] = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}
#: a flag review's (or an agency decision's) ``decision``
DECISIONS: Mapping[str, str] = {"confirmed": N_("confirmed"), "dismissed": N_("dismissed")}
#: a conclusion's ``recommendation``
RECOMMENDATIONS: Mapping[str, str] = {
    "pass": N_("Pass"),
    "improve": N_("Improve within a deadline"),
    "disqualify": N_("Disqualify"),
}
#: an identity's role
ROLES: Mapping[str, str] = {"expert": N_("expert"), "agency": N_("third-party agency")}
#: what the agency's merge finds disputed between experts (``sync.status``: a disagreement's type)
DISAGREEMENT_TYPES: Mapping[str, str] = {
    "item": N_("question"),
    "scene": N_("scene"),
    "level": N_("level"),
    "flag": N_("flag review"),
    "conclusion": N_("conclusion"),
}

#: a red-flag rule's name (``red-flags.md``'s catalogue: 建而不用 for ``USAGE_DORMANT``)
RULES: Mapping[str, str] = {
    "MATERIALS_MISSING": N_("Materials missing"),
    "DEADLINE_EXCEEDED": N_("Application too late"),
    "DUPLICATE_FUNDING": N_("Already centrally funded"),
    "USAGE_DORMANT": N_("Built but unused"),
    "USAGE_BURST": N_("Usage burst before acceptance"),
    "USAGE_FEW_USERS": N_("Few real users"),
    "LOG_SYNTHETIC": N_("Log looks machine-made"),
    "SYSTEM_PREDATES_PROJECT": N_("Existing system relabelled"),
    "PHOTO_PREDATES_PROJECT": N_("Photo older than the project"),
    "PHOTO_EDITED": N_("Photo looks edited"),
    "DUPLICATE_EVIDENCE": N_("Same evidence used twice"),
    "CONTRACT_INVOICE_MISMATCH": N_("Contract and invoices disagree"),
    "INVOICE_BEFORE_CONTRACT": N_("Invoiced before signing"),
    "PAYMENT_MISMATCH": N_("Payments disagree"),
    "PAYMENT_REFLUX": N_("Money flows back"),
    "PRICE_OUTLIER": N_("Price above the catalogue"),
    "CONTRACT_INCONSISTENT": N_("Contract inconsistent"),
    "PRODUCT_NOT_LISTED": N_("Product not in the catalogue"),
    "INVESTMENT_UNSUPPORTED": N_("Claimed investment not supported"),
    "SUBSIDY_EXCESSIVE": N_("Subsidy above the rules"),
    "TARGET_MISSED": N_("Committed target missed"),
    "GOAL_UNSUPPORTED": N_("Claimed result not in the data"),
    "SELF_ASSESSMENT_INFLATED": N_("Self-assessment inflated"),
    "CROSS_DUPLICATE_PHOTO": N_("Same photo at two enterprises"),
    "CROSS_DUPLICATE_DOCUMENT": N_("Same document at two enterprises"),
    "CROSS_LOG_CLONE": N_("Cloned usage logs"),
    "CROSS_PRICE_OUTLIER": N_("Provider prices inconsistent"),
}

#: the raw figures a question asks for (``checklist`` ``figures.keys``): a name, and the unit
#: the figure is entered in
FIGURES: Mapping[str, tuple[str, str]] = {
    "devices_total": (N_("Equipment in total"), N_("units")),
    "devices_digital": (N_("Digitised equipment"), N_("units")),
    "devices_networked": (N_("Networked equipment"), N_("units")),
    "digital_spend_avg_wan": (N_("Average yearly digital spend"), N_("10,000 yuan")),
    "revenue_avg_wan": (N_("Average yearly revenue"), N_("10,000 yuan")),
    "energy_tce_before": (N_("Energy use before"), N_("tce")),
    "revenue_wan_before": (N_("Revenue before"), N_("10,000 yuan")),
    "energy_tce_after": (N_("Energy use after"), N_("tce")),
    "revenue_wan_after": (N_("Revenue after"), N_("10,000 yuan")),
    "pass_rate_before": (N_("Monthly pass rate before"), N_("%")),
    "pass_rate_after": (N_("Monthly pass rate after"), N_("%")),
    "revenue_wan_prev2": (N_("Revenue the year before last"), N_("10,000 yuan")),
    "employees_prev2": (N_("Employees the year before last"), N_("people")),
    "revenue_wan_prev1": (N_("Revenue last year"), N_("10,000 yuan")),
    "employees_prev1": (N_("Employees last year"), N_("people")),
    "cost_wan_prev2": (N_("Costs the year before last"), N_("10,000 yuan")),
    "cost_wan_prev1": (N_("Costs last year"), N_("10,000 yuan")),
}

DASH = "—"


def label(table: Mapping[str, str], value: object) -> Message:
    """``value``'s label in ``table``; an unknown id as it is, nothing as a dash."""
    if value is None or value == "":
        return verbatim(DASH)
    msgid = table.get(value) if isinstance(value, str) else None
    return bi(msgid) if msgid else verbatim(str(value))


def case_status(value: object) -> Message:
    return label(CASE_STATUSES, value)


def finding_kind(value: object) -> Message:
    return label(FINDING_KINDS, value)


def severity(value: object) -> Message:
    return label(SEVERITIES, value)


def decision(value: object) -> Message:
    return label(DECISIONS, value)


def recommendation(value: object) -> Message:
    return label(RECOMMENDATIONS, value)


def role(value: object) -> Message:
    return label(ROLES, value)


def disagreement_type(value: object) -> Message:
    return label(DISAGREEMENT_TYPES, value)


def rule_name(value: object) -> Message:
    """A red-flag rule's name (突击使用 for ``USAGE_BURST``); a flag id (``RULE:subject``)
    names its rule; an unknown rule as it is."""
    rule = value.split(":", 1)[0] if isinstance(value, str) else value
    return label(RULES, rule)


def figure(key: str) -> Message:
    """A raw figure's name (设备总数 for ``devices_total``); an unknown key as it is."""
    found = FIGURES.get(key)
    return bi(found[0]) if found else verbatim(key)


def figure_caption(key: str) -> Message:
    """A raw figure's name with its unit (设备总数（台/套）), as a form labels its field."""
    found = FIGURES.get(key)
    if not found:
        return verbatim(key)
    return bi("{name} ({unit})", name=bi(found[0]), unit=bi(found[1]))


def with_figure_names(text: str) -> str:
    """``text`` (a checklist's description of its figures) with each figure key replaced by
    its name in the current language."""
    for key in sorted(FIGURES, key=len, reverse=True):
        if key in text:
            text = text.replace(key, str(figure(key)))
    return text


def width(text: str) -> int:
    """``text``'s width in terminal columns (wide and full-width characters take two)."""
    import unicodedata  # the command line's tables only, not the desktop app's start

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def ljust(text: object, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (as ``str.ljust`` would
    for ASCII)."""
    shown = str(text)
    return shown + " " * max(0, columns - width(shown))
