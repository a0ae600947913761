"""The three report drafts per enterprise, as :class:`~reports.doc.Doc` (``docs/reports.md``).

* :func:`acceptance` — 企业数字化改造项目成效验收报告;
* :func:`assessment` — 企业数字化水平评测报告;
* :func:`financial` — 企业数字化改造项目专项财务审核报告.

Every figure and judgement is registered with :class:`Sources` as it is written, and each report
ends with the 数据来源 appendix listing them: the finding (signer, record id) or the package file
(path, data-record rows). A section with no data says so; an undecided disagreement between the
experts is stated where the value would be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from inspector_app.casepkg.model import CasePackage, Contract
from inspector_app.i18n import _, get_language, nbi
from inspector_app.labels import rule_name
from reports.charts import ScoreBar, ScoreData, UsageData, UsageSeries, weekly
from reports.data import Cited, EnterpriseData, Settled
from reports.doc import Doc
from reports.text import (
    DASH,
    answer_text,
    category_name,
    day,
    decision_name,
    deployment_name,
    evidence_text,
    fingerprint,
    flag_title,
    join,
    level_name,
    num,
    pct,
    recommendation,
    severity_name,
    size_name,
    status_name,
    yuan,
)

REPORTS = ("acceptance", "assessment", "financial")


def report_title(kind: str) -> str:
    return {
        "acceptance": _("Acceptance report on the results of the digital transformation project"),
        "assessment": _("Digital level assessment report"),
        "financial": _("Special financial audit report of the digital transformation project"),
        "plan": _("On-site inspection plan"),
    }[kind]


# --------------------------------------------------------------------------- sources


def _kind_label(c: Cited) -> str:
    subject = str(c.data.get("item") or c.data.get("flag") or "")
    label = {
        "score": _("score"),
        "flag_review": _("flag review"),
        "observation": _("observation"),
        "interview": _("interview"),
        "conclusion": _("conclusion"),
        "decision": _("agency decision"),
    }.get(c.kind, _("record"))
    return f"{label} {subject}".strip()


@dataclass
class Sources:
    """The 数据来源 appendix: what each figure or judgement came from."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def finding(self, what: str, cited: Cited | Sequence[Cited]) -> None:
        for c in [cited] if isinstance(cited, Cited) else cited:
            self.rows.append(
                (
                    what,
                    _("finding"),
                    _(
                        "{kind} signed by {signer} (key {fingerprint}), record {finding_id}, {at}",
                        kind=_kind_label(c),
                        signer=c.signer,
                        fingerprint=fingerprint(c.fingerprint)[:19],
                        finding_id=c.finding_id,
                        at=c.created_at,
                    ),
                )
            )

    def settled(self, what: str, s: Settled) -> None:
        if s.sources:
            self.finding(what, s.sources)

    def file(self, what: str, path: str, rows: Sequence[int] = ()) -> None:
        where = path
        if rows:
            lo, hi = min(rows), max(rows)
            where += " " + (
                _("row {row}", row=lo) if lo == hi else _("rows {first}–{last}", first=lo, last=hi)
            )
        self.rows.append((what, _("package file"), where))

    def analysis(self, what: str, flag_id: str, flag: Mapping[str, Any] | None) -> None:
        self.rows.append((what, _("red-flag analysis"), f"{flag_id}: {evidence_text(flag)}"))

    def append_to(self, doc: Doc) -> None:
        doc.h1(_("Appendix: sources of the figures"))
        doc.p(
            _(
                "Every figure and judgement of this draft, and the signed finding or the file of "
                "the case package it was taken from. Rows are data-record numbers of the CSV "
                "file (the header row not counted)."
            )
        )
        rows = [[str(i), w, k, s] for i, (w, k, s) in enumerate(self.rows, 1)]
        doc.table(
            [_("No."), _("figure or judgement"), _("source"), _("where")],
            rows,
            [0.5, 3, 1.2, 5],
            empty=_("No figure in this draft has a source: there is no data."),
        )


# --------------------------------------------------------------------------- common parts


def _new_doc(kind: str, data: EnterpriseData) -> Doc:
    name = data.enterprise or _("unknown enterprise")
    sub = [name]
    if data.uscc:
        sub.append(_("Unified social credit code: {uscc}", uscc=data.uscc))
    sub.append(
        _(
            "Draft generated {at} from the agency's merged findings; to be reviewed and edited by "
            "the agency",
            at=data.generated_at.isoformat(sep=" ", timespec="minutes"),
        )
    )
    return Doc(report_title(kind), name, sub, created=data.generated_at.date())


def _no_package(doc: Doc) -> None:
    doc.note(
        _(
            "The case package of this enterprise has not been imported at the agency "
            "(case import): the facts of the package are not available to this draft."
        )
    )


def _project_facts(doc: Doc, pkg: CasePackage, src: Sources) -> None:
    e, p = pkg.enterprise, pkg.project
    rows = [
        [_("Enterprise"), e.name],
        [_("Unified social credit code"), e.uscc],
        [_("District"), e.district],
        [_("Industry"), f"{e.industry_code} {e.industry_name or ''}".strip()],
        [_("Size"), size_name(e.size)],
        [_("Project"), f"{p.project_id} {p.title}"],
        [_("Batch"), p.batch],
        [_("Registered"), day(p.registered_at)],
        [_("Diagnosis completed"), day(p.diagnosis_completed_at)],
        [_("Transformation completed"), day(p.completed_at)],
        [_("Acceptance applied for"), day(p.acceptance_applied_at)],
        [_("Providers"), join(f"{v.name} ({v.uscc})" for v in p.providers) or DASH],
        [_("Total investment (yuan)"), yuan(p.total_investment_yuan)],
        [_("Subsidy requested (yuan)"), yuan(p.subsidy_requested_yuan)],
        [_("Subsidy pre-paid (yuan)"), yuan(p.subsidy_prepaid_yuan)],
    ]
    doc.table([_("item"), _("value")], rows, [1, 3])
    src.file(_("Enterprise facts"), "enterprise.json")
    src.file(_("Project facts, investment and subsidy"), "project.json")


def _settled_note(what: str, s: Settled) -> str | None:
    if s.status != "disputed":
        return None
    values = join(
        f"{name}: {answer_text(_plain(s.subject, c.data))}"
        for name, c in sorted(s.by_expert.items())
    )
    return _(
        "{what}: the experts disagree ({values}) and the agency has not decided yet.",
        what=what,
        values=values,
    )


def _plain(subject: str, data: Mapping[str, Any]) -> Any:
    if subject.startswith("item:"):
        if "level" in data:
            return int(data["level"])
        return data.get("answer")
    if subject.startswith("flag:"):
        return decision_name(data.get("decision"))
    return recommendation(data.get("recommendation"))


def _usage_chart(data: EnterpriseData) -> UsageData | None:
    if data.analysis is None or data.package is None:
        return None
    names = {s.system_id: s.name for s in data.package.systems}
    series = [
        UsageSeries(names.get(sid, sid), weekly(stats.get("daily", [])))
        for sid, stats in data.analysis.get("usage", {}).items()
    ]
    if not series:
        return None
    return UsageData(series, data.package.project.acceptance_applied_at)


def _usage_section(doc: Doc, data: EnterpriseData, src: Sources) -> None:
    pkg = data.package
    usage = (data.analysis or {}).get("usage", {})
    if pkg is None or not usage:
        doc.note(_("No usage log is in the case package: usage cannot be shown from data."))
        return
    rows = []
    for s in pkg.systems:
        st = usage.get(s.system_id)
        if st is None:
            rows.append([s.name, _("no usage log"), DASH, DASH, DASH, DASH, DASH])
            continue
        share = st.get("share_last_30")
        rows.append(
            [
                s.name,
                num(int(st["events"])),
                day(st.get("first_event")),
                day(st.get("last_event")),
                num(int(st["active_days_last_90"])),
                num(int(st["distinct_users_last_90"])),
                DASH if share is None else f"{Decimal(str(share)) * 100:.1f}%",
            ]
        )
        path = pkg.usage_logs.get(s.system_id)
        if path:
            src.file(
                _(
                    "Usage of {system}: {events} events",
                    system=s.name,
                    events=num(int(st["events"])),
                ),
                path,
                (1, int(st["events"])) if st["events"] else (),
            )
    doc.table(
        [
            _("system"),
            _("events"),
            _("first event"),
            _("last event"),
            _("active days (last 90)"),
            _("users (last 90 days)"),
            _("share of the last 30 days"),
        ],
        rows,
        [2, 1, 1.2, 1.2, 1, 1, 1],
        numeric=(1, 4, 5, 6),
    )
    chart = _usage_chart(data)
    if chart is not None:
        doc.chart(
            "usage",
            chart,
            _(
                "Events per week of each system's usage log; the dashed line is the date the "
                "acceptance was applied for."
            ),
        )


def _flags_table(
    doc: Doc, data: EnterpriseData, src: Sources, *, rules: set[str] | None = None
) -> None:
    flags = [f for f in data.flags if rules is None or f.flag_id.split(":")[0] in rules]
    if not flags:
        # two different things: the analysis ran and these rules raised nothing, or there is
        # no analysis (no package imported), so nothing could be checked
        # each rule by its name, its id beside it for the catalogue (突击使用（USAGE_BURST）)
        names = (
            join(_("{name} ({rule})", name=str(rule_name(r)), rule=r) for r in sorted(rules))
            if rules is not None
            else ""
        )
        if data.analysis is None:
            if rules is None:
                doc.note(
                    _(
                        "No red flag could be checked: the case package has not been imported "
                        "and analysed. The experts reviewed no red flag either."
                    )
                )
            else:
                doc.note(
                    _(
                        "The rules {rules} could not be checked: the case package has not been "
                        "imported and analysed. The experts reviewed no red flag of them either.",
                        rules=names,
                    )
                )
        elif rules is None:
            doc.note(_("No red flag was raised on this package or reviewed by the experts."))
        else:
            doc.note(
                _(
                    "The analysis raised no red flag under the rules {rules}, and the experts "
                    "reviewed none.",
                    rules=names,
                )
            )
        return
    rows = []
    notes = []
    for fv in flags:
        review = fv.review
        experts = join(
            f"{name}: {decision_name(c.data.get('decision'))}"
            + (f" ({c.data['reason']})" if c.data.get("reason") else "")
            for name, c in sorted(review.by_expert.items())
        ) or _("not reviewed")
        if review.decision is not None:
            final = _(
                "{decision} (agency: {reason})",
                decision=decision_name(review.value),
                reason=str(review.decision.data.get("reason", "")),
            )
        elif review.status == "agreed":
            final = decision_name(review.value)
        else:
            final = status_name(review.status)
        rows.append(
            [
                fv.flag_id,
                severity_name((fv.flag or {}).get("severity")),
                flag_title(fv.flag, fv.flag_id),
                experts,
                final,
            ]
        )
        if fv.flag is not None:
            src.analysis(_("Red flag {flag}", flag=fv.flag_id), fv.flag_id, fv.flag)
        src.settled(_("Review of red flag {flag}", flag=fv.flag_id), review)
        note = _settled_note(_("Red flag {flag}", flag=fv.flag_id), review)
        if note:
            notes.append(note)
    doc.table(
        [
            _("flag"),
            _("severity"),
            _("what the analysis found"),
            _("experts' decisions and reasons"),
            _("final"),
        ],
        rows,
        [1.8, 0.7, 3, 3, 1.5],
    )
    for note in notes:
        doc.note(note)


def _grounds_text(data: EnterpriseData, grounds: Mapping[str, Any]) -> list[str]:
    out = []
    for fid in grounds.get("flags", []) or []:
        fv = data.flag(str(fid))
        out.append(
            _(
                "red flag {flag}: {title}",
                flag=fid,
                title=flag_title(fv.flag if fv else None, str(fid)),
            )
        )
    by_id = {c.finding_id: c for c in (*data.observations, *data.interviews)}
    for fid in grounds.get("findings", []) or []:
        c = by_id.get(str(fid))
        if c is None:
            out.append(_("finding {finding_id}", finding_id=fid))
        elif "text" in c.data:
            out.append(
                _("observation by {signer}: {text}", signer=c.signer, text=str(c.data["text"]))
            )
        else:
            out.append(
                _(
                    "interview of {person} by {signer}",
                    person=str(c.data.get("person", "")),
                    signer=c.signer,
                )
            )
    return out


def _conclusion(doc: Doc, data: EnterpriseData, src: Sources) -> None:
    s = data.conclusion
    if s.status == "none":
        doc.note(_("No expert has signed a conclusion yet: this draft has no conclusion."))
        return
    if s.status == "disputed":
        doc.note(_settled_note(_("Conclusion"), s) or _("The conclusion is not settled."))
        for name, c in sorted(s.by_expert.items()):
            doc.kv(
                _(
                    "{signer}: {recommendation} — {summary}",
                    signer=name,
                    recommendation=recommendation(str(c.data.get("recommendation"))),
                    summary=str(c.data.get("summary", "")),
                )
            )
        src.settled(_("Conclusions of the experts (not settled)"), s)
        return
    value = s.value
    assert isinstance(value, dict)
    rec = str(value["recommendation"])
    doc.kv(_("Recommendation: {recommendation}", recommendation=recommendation(rec)))
    doc.kv(_("Basis: {status}", status=status_name(s.status)))
    if value.get("summary"):
        doc.p(str(value["summary"]))
    if rec == "improve":
        reqs = value.get("requirements") or []
        doc.kv(_("Requirements to meet before applying again:"))
        if reqs:
            for i, r in enumerate(reqs, 1):
                doc.kv(f"{i}. {r}")
        else:
            doc.note(_("The conclusion lists no requirement."))
    if rec == "disqualify":
        grounds = value.get("grounds")
        doc.kv(_("Grounds:"))
        if isinstance(grounds, dict) and (grounds.get("flags") or grounds.get("findings")):
            for i, g in enumerate(_grounds_text(data, grounds), 1):
                doc.kv(f"{i}. {g}")
        else:
            doc.note(
                _(
                    "The signed conclusion names no grounds (it was signed before grounds were "
                    "recorded): the agency must state them."
                )
            )
    src.settled(_("Conclusion: {recommendation}", recommendation=recommendation(rec)), s)


def _experts_block(doc: Doc, data: EnterpriseData) -> None:
    if not data.experts:
        doc.note(_("No expert's findings have been imported for this enterprise."))
        return
    rows = [
        [
            e.signer.name,
            join(d.device for d in e.devices) or DASH,
            join(fingerprint(d.fingerprint) for d in e.devices)
            or fingerprint(e.signer.fingerprint),
            num(e.findings),
            f"{day(e.first_at)} – {day(e.last_at)}",
        ]
        for e in data.experts
    ]
    doc.table(
        [_("expert"), _("device"), _("key fingerprint"), _("findings"), _("dates")],
        rows,
        [1, 1.2, 3.2, 0.8, 1.8],
        numeric=(3,),
    )


# --------------------------------------------------------------------------- 成效验收报告


def acceptance(data: EnterpriseData) -> Doc:
    doc = _new_doc("acceptance", data)
    src = Sources()
    pkg = data.package
    doc.h1(_("1. Project facts"))
    if pkg is None:
        _no_package(doc)
    else:
        _project_facts(doc, pkg, src)

    doc.h1(_("2. Basis of the acceptance"))
    doc.p(
        _(
            "The notice on the SME digital transformation city pilots (财建〔2023〕117号) and the "
            "city's rules for the acceptance of pilot projects; the indicators of the digital "
            "level (《中小企业数字化水平评测指标（2024年版）》, 工信厅企业〔2024〕56号); the "
            "enterprise's application with its attachments 1–8."
        )
    )
    if data.checklist is not None:
        doc.kv(
            _(
                "Checklist used: {title} (version {version})",
                title=data.checklist.title,
                version=data.checklist.version,
            )
        )

    doc.h1(_("3. Inspection process"))
    _experts_block(doc, data)
    methods = []
    if pkg is not None and (data.analysis or {}).get("usage"):
        methods.append(
            _(
                "usage logs and historical data of {count} systems reviewed",
                count=len(data.analysis["usage"] if data.analysis else {}),
            )
        )
    if data.interviews:
        methods.append(
            _(
                "staff interviewed: {people}",
                people=join(
                    f"{c.data.get('person', '')}（{c.data.get('role', '')}）"
                    if c.data.get("role")
                    else str(c.data.get("person", ""))
                    for c in data.interviews
                ),
            )
        )
    if data.observations:
        methods.append(
            str(
                nbi(
                    "{count} on-site observation recorded",
                    "{count} on-site observations recorded",
                    len(data.observations),
                    count=len(data.observations),
                )
            )
        )
    scored = len(data.items)
    if scored:
        methods.append(
            str(
                nbi(
                    "{count} checklist item scored",
                    "{count} checklist items scored",
                    scored,
                    count=scored,
                )
            )
        )
    if methods:
        doc.kv(_("Methods: {methods}", methods=join(methods)))
    else:
        doc.note(_("No on-site record (interview, observation, score) has been imported yet."))
    for c in data.observations:
        doc.kv(
            _(
                "Observation by {signer} ({at}): {text}",
                signer=c.signer,
                at=day(c.created_at),
                text=str(c.data.get("text", "")),
            )
        )
        src.finding(_("On-site observation"), c)
    for c in data.interviews:
        notes = join(f"{n.get('q', '')} — {n.get('a', '')}" for n in c.data.get("notes", []))
        doc.kv(
            _(
                "Interview of {person} by {signer} ({at}): {notes}",
                person=str(c.data.get("person", "")),
                signer=c.signer,
                at=day(c.created_at),
                notes=notes,
            )
        )
        src.finding(_("Interview"), c)

    doc.h1(_("4. Transformation content checked against the contracts"))
    if pkg is None:
        _no_package(doc)
    else:
        contracts = {c.contract_no: c for c in pkg.contracts}
        rows = []
        for s in pkg.systems:
            contract = contracts.get(s.contract_no or "")
            rows.append(
                [
                    s.name,
                    join(s.modules) or DASH,
                    deployment_name(s.deployment),
                    day(s.go_live),
                    s.vendor or DASH,
                    s.contract_no or DASH,
                    yuan(contract.amount_yuan) if contract else _("no such contract"),
                ]
            )
        doc.table(
            [
                _("system"),
                _("modules"),
                _("deployment"),
                _("go-live"),
                _("vendor"),
                _("contract"),
                _("contract amount (yuan)"),
            ],
            rows,
            [26, 40, 14, 18, 28, 22, 22],
            numeric=(6,),
            empty=_("The package lists no system."),
        )
        src.file(_("Systems, modules, go-live"), "systems.json")
        if pkg.contracts:
            src.file(_("Contract amounts"), "finance/contracts.csv", [c.row for c in pkg.contracts])

    doc.h1(_("5. Usage evidence"))
    _usage_section(doc, data, src)

    doc.h1(_("6. Performance goals"))
    if pkg is None:
        _no_package(doc)
    else:
        _goals(doc, data, pkg, src)

    doc.h1(_("7. Red flags and the experts' decisions"))
    _flags_table(doc, data, src)

    doc.h1(_("8. Conclusion"))
    _conclusion(doc, data, src)

    doc.h1(_("9. Experts"))
    if data.experts:
        for e in data.experts:
            doc.kv(
                _(
                    "{name}, key fingerprint {fingerprint}",
                    name=e.signer.name,
                    fingerprint=join(fingerprint(d.fingerprint) for d in e.devices)
                    or fingerprint(e.signer.fingerprint),
                )
            )
    else:
        doc.note(_("No expert's findings have been imported for this enterprise."))
    src.append_to(doc)
    return doc


def _goals(doc: Doc, data: EnterpriseData, pkg: CasePackage, src: Sources) -> None:
    usage = (data.analysis or {}).get("usage", {})
    rows = []
    for g in pkg.project.goals:
        verified = _("not verified by a finding")
        if g.key == "active_users" and g.system_id and g.system_id in usage:
            verified = _(
                "{users} distinct users in the log (last 90 days)",
                users=usage[g.system_id]["distinct_users_last_90"],
            )
        unsupported = [
            f
            for f in data.flags
            if f.flag_id.startswith("GOAL_UNSUPPORTED") and (g.key or "") in f.flag_id
        ]
        for f in unsupported:
            verified += "; " + _(
                "flag {flag}: {final}",
                flag=f.flag_id,
                final=decision_name(f.review.value)
                if f.review.value
                else status_name(f.review.status),
            )
        met = g.claimed >= g.target if g.target >= g.baseline else g.claimed <= g.target
        rows.append(
            [
                f"{g.metric}（{g.unit}）",
                num(g.baseline),
                num(g.target),
                num(g.claimed),
                _("yes") if met else _("no"),
                verified,
            ]
        )
    doc.table(
        [
            _("goal"),
            _("baseline"),
            _("target"),
            _("claimed"),
            _("claimed meets target"),
            _("verified"),
        ],
        rows,
        [2.4, 0.8, 0.8, 0.8, 0.9, 2.6],
        numeric=(1, 2, 3),
        empty=_("The project states no performance goal."),
    )
    if pkg.project.goals:
        src.file(_("Performance goals: baseline, target, claimed"), "project.json")


# --------------------------------------------------------------------------- 数字化水平评测报告


def _score_chart(data: EnterpriseData) -> ScoreData | None:
    cl = data.checklist
    if cl is None or (data.final_score is None and data.self_score is None):
        return None
    bars = []
    for d in cl.dimensions:
        final = data.final_score.dimensions[d.id].points if data.final_score else None
        claimed = data.self_score.dimensions[d.id].points if data.self_score else None
        bars.append(
            ScoreBar(d.name_en if get_language() == "en" else d.name, final, claimed, d.max_score)
        )
    total_final = data.final_score.score if data.final_score else None
    total_claimed = data.self_score.score if data.self_score else None
    bars.append(ScoreBar(_("total"), total_final, total_claimed, cl.max_score))
    return ScoreData(bars)


def assessment(data: EnterpriseData) -> Doc:
    doc = _new_doc("assessment", data)
    src = Sources()
    cl = data.checklist
    final, own = data.final_score, data.self_score
    pkg = data.package

    doc.h1(_("1. Result"))
    if cl is None:
        doc.note(_("The case's checklist is unknown: it cannot be scored."))
        src.append_to(doc)
        return doc
    if final is None:
        doc.note(_("No item has a settled score yet: there is no final score."))
    rows = [
        [
            _("score (of {max})", max=num(cl.max_score)),
            num(final.score) if final else DASH,
            num(own.score) if own else DASH,
            num(own.claimed_score) if own and own.claimed_score is not None else DASH,
        ],
        [
            _("level"),
            level_name(final.level)
            if final and data.final_complete
            else (_("incomplete: {level}", level=level_name(final.level)) if final else DASH),
            level_name(own.level) if own else DASH,
            level_name(own.claimed_level) if own and own.claimed_level is not None else DASH,
        ],
    ]
    doc.table(
        [
            "",
            _("final (experts / agency)"),
            _("self-assessment recomputed"),
            _("self-assessment claimed"),
        ],
        rows,
        [1.5, 1.5, 1.5, 1.5],
        numeric=(1, 2, 3),
    )
    if final is not None and not data.final_complete:
        missing = sorted(
            (set(cl.questions) | set(cl.scenes))
            - {
                s.split(":", 1)[1]
                for s, v in data.items.items()
                if v.status in ("agreed", "decided")
            },
            key=lambda x: (x[0], int(x[1:]) if x[1:].isdigit() else 0),
        )
        doc.note(
            _(
                "The final scoring is incomplete: {count} items have no settled answer ({items}); "
                "the level shown counts them as 0.",
                count=len(missing),
                items=", ".join(missing),
            )
        )
    if pkg is not None:
        doc.kv(
            _(
                "Level before the transformation: {before}; target: {target}; after (final): {after}",
                before=level_name(pkg.project.level_before),
                target=level_name(pkg.project.level_target),
                after=level_name(final.level) if final else DASH,
            )
        )
        src.file(_("Level before and target level"), "project.json")
        src.file(_("Self-assessment"), "self_assessment.json")
    chart = _score_chart(data)
    if chart is not None:
        doc.chart("score", chart, _("Points per dimension: final / self-assessment / maximum."))

    doc.h1(_("2. The level and the rule that gave it"))
    if data.thresholds_confirmed is not True:
        doc.note(
            _(
                "The level thresholds of this checklist are not confirmed against the official "
                "annex (they come from third-party tools); the level is provisional."
            )
        )
    if final is not None:
        rows = []
        for chk in final.level_checks:
            rows.append(
                [
                    f"{level_name(chk.level)} {chk.name}",
                    f"{num(chk.score)} / {num(chk.min_score)}",
                    f"{chk.scenes} / {chk.min_scenes}",
                    f"{chk.constrained} / {chk.min_constrained_scenes}",
                    _("reached") if chk.reached else _("not reached"),
                ]
            )
        doc.table(
            [
                _("level"),
                _("score / needed"),
                _("scenes at level / needed"),
                _("constrained scenes / needed"),
                _("result"),
            ],
            rows,
            [1.5, 1.2, 1.3, 1.5, 1],
        )
        doc.kv(
            _(
                "Rule: the highest level whose score, number of scenes at that level or above and "
                "number of constrained scenes at that level or above all reach the thresholds."
            )
        )
        doc.h2(_("What the enterprise needs for the next level"))
        nxt = next((c for c in final.level_checks if c.level == final.level + 1), None)
        if nxt is None:
            doc.kv(_("The highest level is reached."))
        else:
            needs = []
            if not nxt.score_ok:
                needs.append(_("{points} more points", points=num(nxt.min_score - nxt.score)))
            if not nxt.scenes_ok:
                needs.append(
                    str(
                        nbi(
                            "{count} more scene at {level} or above",
                            "{count} more scenes at {level} or above",
                            nxt.min_scenes - nxt.scenes,
                            count=nxt.min_scenes - nxt.scenes,
                            level=level_name(nxt.level),
                        )
                    )
                )
            if not nxt.constrained_ok:
                needs.append(
                    str(
                        nbi(
                            "{count} more constrained scene at {level} or above",
                            "{count} more constrained scenes at {level} or above",
                            nxt.min_constrained_scenes - nxt.constrained,
                            count=nxt.min_constrained_scenes - nxt.constrained,
                            level=level_name(nxt.level),
                        )
                    )
                )
            doc.kv(_("For {level}: {needs}", level=level_name(nxt.level), needs=join(needs)))

    doc.h1(_("3. Scores per dimension, indicator and question"))
    notes: list[str] = []
    rows = []
    for d in cl.dimensions:
        for ind in d.indicators:
            for sub in ind.sub_indicators:
                for qid in sub.question_ids:
                    q = cl.questions[qid]
                    s = data.items.get(f"item:{qid}")
                    qs = final.questions.get(qid) if final else None
                    sq = own.questions.get(qid) if own else None
                    rows.append(
                        [
                            qid,
                            f"{d.name} / {ind.name} / {q.name}",
                            answer_text(s.value) if s and s.value is not None else DASH,
                            num(qs.points) if qs and s and s.value is not None else DASH,
                            num(q.max_score),
                            answer_text(sq.letters) if sq and sq.letters else DASH,
                            num(sq.points) if sq else DASH,
                            status_name(s.status) if s else status_name("none"),
                        ]
                    )
                    if s is not None:
                        src.settled(_("Score of {item}", item=qid), s)
                        note = _settled_note(_("Question {item}", item=qid), s)
                        if note:
                            notes.append(note)
    doc.table(
        [
            _("item"),
            _("dimension / indicator / question"),
            _("final answer"),
            _("points"),
            _("max"),
            _("self answer"),
            _("self points"),
            _("status"),
        ],
        rows,
        [0.6, 3.6, 0.8, 0.7, 0.6, 0.8, 0.7, 1.4],
        numeric=(3, 4, 6),
    )
    for d in cl.dimensions:
        if final is not None:
            doc.kv(
                _(
                    "{dimension}: {points} of {max} points",
                    dimension=d.name,
                    points=num(final.dimensions[d.id].points),
                    max=num(d.max_score),
                )
            )
    for note in notes:
        doc.note(note)

    doc.h1(_("4. Scene levels"))
    rows = []
    notes = []
    for sid, scene in cl.scenes.items():
        s = data.items.get(f"item:{sid}")
        own_level = own.scenes.get(sid) if own else None
        rows.append(
            [
                sid,
                f"{scene.group_name} / {scene.name}",
                _("constrained") if scene.constrained else _("guiding"),
                level_name(s.value) if s and isinstance(s.value, int) else DASH,
                level_name(own_level) if own_level is not None else DASH,
                status_name(s.status) if s else status_name("none"),
            ]
        )
        if s is not None:
            src.settled(_("Level of scene {item}", item=sid), s)
            note = _settled_note(_("Scene {item}", item=sid), s)
            if note:
                notes.append(note)
    doc.table(
        [
            _("scene"),
            _("group / scene"),
            _("type"),
            _("final level"),
            _("self-assessed level"),
            _("status"),
        ],
        rows,
        [0.6, 3.4, 0.9, 1, 1, 1.5],
    )
    for note in notes:
        doc.note(note)
    src.append_to(doc)
    return doc


# --------------------------------------------------------------------------- 专项财务审核报告

FINANCE_RULES = {
    "CONTRACT_INVOICE_MISMATCH",
    "INVOICE_BEFORE_CONTRACT",
    "PAYMENT_MISMATCH",
    "PAYMENT_REFLUX",
    "PRICE_OUTLIER",
    "CONTRACT_INCONSISTENT",
    "PRODUCT_NOT_LISTED",
    "INVESTMENT_UNSUPPORTED",
    "SUBSIDY_EXCESSIVE",
    "TARGET_MISSED",
    "DUPLICATE_FUNDING",
    "CROSS_PRICE_OUTLIER",
}


def _party_matches(contract: Contract, name: str | None, uscc: str | None) -> bool:
    if uscc and contract.party_b_uscc:
        return uscc == contract.party_b_uscc
    return bool(name) and name == contract.party_b


def financial(data: EnterpriseData) -> Doc:
    doc = _new_doc("financial", data)
    src = Sources()
    pkg = data.package
    doc.h1(_("1. Scope and basis"))
    doc.p(
        _(
            "The audit covers the contracts, contract items, invoices and payments of the "
            "enterprise's transformation project as filed in attachments 3–5 of its application, "
            "the providers' catalogue prices, and the subsidy requested. Basis: the pilot's "
            "funding rules (财建〔2023〕117号) and the settings of the red-flag rules."
        )
    )
    if pkg is None:
        _no_package(doc)
        doc.h1(_("Conclusion"))
        _conclusion(doc, data, src)
        src.append_to(doc)
        return doc
    catalog = {c.catalog_code: c for c in pkg.catalog}

    doc.h1(_("2. Contracts and items"))
    doc.table(
        [_("contract"), _("signed"), _("party B"), _("subject"), _("amount (yuan)")],
        [
            [c.contract_no, day(c.signed_at), c.party_b, c.subject or DASH, yuan(c.amount_yuan)]
            for c in pkg.contracts
        ],
        [26, 21, 43, 48, 32],
        numeric=(4,),
        empty=_("The package holds no contract."),
    )
    if pkg.contracts:
        src.file(_("Contracts"), "finance/contracts.csv", [c.row for c in pkg.contracts])
    rows = []
    for it in pkg.contract_items:
        listed = catalog.get(it.catalog_code or "")
        dev = DASH
        if listed is not None and listed.listed_unit_price_yuan:
            dev = pct(
                it.unit_price_yuan - listed.listed_unit_price_yuan, listed.listed_unit_price_yuan
            )
        rows.append(
            [
                f"{it.contract_no}-{it.line_no}",
                it.item,
                category_name(it.category),
                num(it.quantity),
                yuan(it.unit_price_yuan),
                yuan(it.amount_yuan),
                it.catalog_code or DASH,
                yuan(listed.listed_unit_price_yuan) if listed else DASH,
                dev,
            ]
        )
    doc.table(
        [
            _("line"),
            _("item"),
            _("category"),
            _("qty"),
            _("unit price"),
            _("amount"),
            _("catalogue code"),
            _("listed price"),
            _("over listed"),
        ],
        rows,
        [22, 30, 11, 8, 19, 19, 23, 19, 11],
        numeric=(3, 4, 5, 7, 8),
        empty=_("The package lists no contract item."),
    )
    if pkg.contract_items:
        src.file(
            _("Contract items"), "finance/contract_items.csv", [i.row for i in pkg.contract_items]
        )
    if pkg.catalog:
        src.file(_("Catalogue prices"), "finance/catalog.csv", [c.row for c in pkg.catalog])

    doc.h1(_("3. Invoices"))
    doc.table(
        [
            _("invoice"),
            _("issued"),
            _("seller"),
            _("contract"),
            _("excl. tax"),
            _("tax"),
            _("total (yuan)"),
        ],
        [
            [
                v.invoice_no,
                day(v.issued_at),
                v.seller,
                v.contract_no or DASH,
                yuan(v.amount_excl_tax_yuan),
                yuan(v.tax_yuan),
                yuan(v.total_yuan),
            ]
            for v in pkg.invoices
        ],
        [35, 19, 33, 22, 22, 17, 22],
        numeric=(4, 5, 6),
        empty=_("The package holds no invoice."),
    )
    if pkg.invoices:
        src.file(_("Invoices"), "finance/invoices.csv", [v.row for v in pkg.invoices])

    doc.h1(_("4. Payments"))
    doc.table(
        [
            _("date"),
            _("direction"),
            _("payer"),
            _("payee"),
            _("amount (yuan)"),
            _("bank reference"),
            _("contract"),
        ],
        [
            [
                day(p.paid_at),
                _("out") if p.direction == "out" else _("in"),
                p.payer,
                p.payee,
                yuan(p.amount_yuan),
                p.bank_ref or DASH,
                p.contract_no or DASH,
            ]
            for p in pkg.payments
        ],
        [19, 9, 28, 28, 22, 35, 24],
        numeric=(4,),
        empty=_("The package holds no payment."),
    )
    if pkg.payments:
        src.file(_("Payments"), "finance/payments.csv", [p.row for p in pkg.payments])

    doc.h1(_("5. Reconciliation: contract, invoices, payments"))
    rows = []
    inv_total = Decimal(0)
    paid_total = Decimal(0)
    for c in pkg.contracts:
        invs = [
            v
            for v in pkg.invoices
            if v.contract_no == c.contract_no
            or (v.contract_no is None and _party_matches(c, v.seller, v.seller_uscc))
        ]
        pays = [
            p
            for p in pkg.payments
            if p.direction == "out"
            and (
                p.contract_no == c.contract_no
                or (p.contract_no is None and _party_matches(c, p.payee, None))
            )
        ]
        invoiced = sum((v.total_yuan for v in invs), Decimal(0))
        paid = sum((p.amount_yuan for p in pays), Decimal(0))
        inv_total += invoiced
        paid_total += paid
        if invoiced == c.amount_yuan and paid == c.amount_yuan:
            result = _("consistent")
        elif invoiced == c.amount_yuan and paid < c.amount_yuan:
            result = _("{amount} not paid yet", amount=yuan(c.amount_yuan - paid))
        else:
            result = _("differs")
        rows.append(
            [
                c.contract_no,
                yuan(c.amount_yuan),
                yuan(invoiced),
                yuan(paid),
                yuan(invoiced - c.amount_yuan),
                yuan(paid - c.amount_yuan),
                result,
            ]
        )
    doc.table(
        [
            _("contract"),
            _("contract amount"),
            _("invoiced"),
            _("paid to party B"),
            _("invoiced − contract"),
            _("paid − contract"),
            _("result"),
        ],
        rows,
        [24, 22, 22, 22, 22, 22, 36],
        numeric=(1, 2, 3, 4, 5),
        empty=_("No contract to reconcile."),
    )
    _flags_table(
        doc,
        data,
        src,
        rules={
            "CONTRACT_INVOICE_MISMATCH",
            "INVOICE_BEFORE_CONTRACT",
            "PAYMENT_MISMATCH",
            "CONTRACT_INCONSISTENT",
        },
    )

    doc.h1(_("6. Price reasonableness"))
    _flags_table(
        doc, data, src, rules={"PRICE_OUTLIER", "PRODUCT_NOT_LISTED", "CROSS_PRICE_OUTLIER"}
    )

    doc.h1(_("7. Money flowing back"))
    provider_names = {c.party_b for c in pkg.contracts} | {v.name for v in pkg.project.providers}
    back = [p for p in pkg.payments if p.direction == "in" and p.payer in provider_names]
    doc.table(
        [_("date"), _("payer"), _("payee"), _("amount (yuan)"), _("memo")],
        [[day(p.paid_at), p.payer, p.payee, yuan(p.amount_yuan), p.memo or DASH] for p in back],
        [1, 2.5, 2.5, 1.2, 2],
        numeric=(3,),
        empty=_("No payment from a provider to the enterprise is in its payment records."),
    )
    _flags_table(doc, data, src, rules={"PAYMENT_REFLUX"})

    doc.h1(_("8. Claimed investment against contracts, invoices and payments"))
    contract_total = sum((c.amount_yuan for c in pkg.contracts), Decimal(0))
    claimed = pkg.project.total_investment_yuan
    doc.table(
        [_("figure"), _("amount (yuan)"), _("claimed − figure")],
        [
            [_("claimed total investment"), yuan(claimed), DASH],
            [_("contracts"), yuan(contract_total), yuan(claimed - contract_total)],
            [_("invoices"), yuan(inv_total), yuan(claimed - inv_total)],
            [_("payments to providers"), yuan(paid_total), yuan(claimed - paid_total)],
        ],
        [2, 1.5, 1.5],
        numeric=(1, 2),
    )
    _flags_table(doc, data, src, rules={"INVESTMENT_UNSUPPORTED"})

    doc.h1(_("9. Subsidy requested against the eligible amount"))
    _subsidy(doc, data, pkg, contract_total, src)

    doc.h1(_("10. Pre-paid subsidy at risk"))
    prepaid = pkg.project.subsidy_prepaid_yuan
    missed = [
        g
        for g in pkg.project.goals
        if (g.claimed < g.target if g.target >= g.baseline else g.claimed > g.target)
    ]
    target_flags = [f for f in data.flags if f.flag_id.startswith("TARGET_MISSED")]
    final = data.final_score
    missed_names = [g.metric for g in missed]
    if final is not None and final.level < pkg.project.level_target:
        missed_names.insert(
            0,
            _(
                "target level {target} (final level {level})",
                target=level_name(pkg.project.level_target),
                level=level_name(final.level),
            ),
        )
    if not prepaid:
        doc.kv(_("No subsidy was pre-paid: nothing is at risk."))
    elif missed_names or any(f.review.value == "confirmed" for f in target_flags):
        doc.note(
            _(
                "{amount} yuan were pre-paid and a target was missed ({goals}): the pre-paid money is at risk of being clawed back.",
                amount=yuan(prepaid),
                goals=join(missed_names) or join(f.flag_id for f in target_flags),
            )
        )
    else:
        doc.kv(
            _("{amount} yuan were pre-paid; no missed target is recorded.", amount=yuan(prepaid))
        )
    _flags_table(doc, data, src, rules={"TARGET_MISSED"})

    doc.h1(_("11. Conclusion"))
    confirmed = [f for f in data.confirmed_flags if f.flag_id.split(":")[0] in FINANCE_RULES]
    if confirmed:
        doc.kv(
            _(
                "Financial red flags confirmed: {flags}",
                flags=join(f"{f.flag_id} {flag_title(f.flag, f.flag_id)}" for f in confirmed),
            )
        )
    else:
        doc.kv(_("No financial red flag is confirmed."))
    _conclusion(doc, data, src)
    src.append_to(doc)
    return doc


def _subsidy(
    doc: Doc, data: EnterpriseData, pkg: CasePackage, contract_total: Decimal, src: Sources
) -> None:
    settings = _subsidy_settings(data)
    requested = pkg.project.subsidy_requested_yuan
    if settings is None:
        doc.note(
            _(
                "The SUBSIDY_EXCESSIVE settings are not available: the eligible amount is not computed."
            )
        )
        doc.kv(_("Subsidy requested: {amount} yuan", amount=yuan(requested)))
        return
    categories = set(settings.get("eligible_categories", []))
    ratio = Decimal(str(settings.get("max_ratio", "0")))
    cap = Decimal(str(settings.get("cap_yuan", "0")))
    eligible_base = sum(
        (i.amount_yuan for i in pkg.contract_items if i.category in categories), Decimal(0)
    )
    eligible = min((eligible_base * ratio).quantize(Decimal("0.01")), cap)
    doc.table(
        [_("figure"), _("value")],
        [
            [_("eligible categories"), join(category_name(c) for c in sorted(categories))],
            [_("contract items in eligible categories (yuan)"), yuan(eligible_base)],
            [_("maximum ratio"), f"{ratio * 100:.0f}%"],
            [_("cap (yuan)"), yuan(cap)],
            [_("eligible subsidy (yuan)"), yuan(eligible)],
            [_("subsidy requested (yuan)"), yuan(requested)],
            [_("requested − eligible (yuan)"), yuan(requested - eligible)],
        ],
        [2.5, 2],
        numeric=(1,),
    )
    if requested > eligible:
        doc.note(
            _(
                "The subsidy requested exceeds the eligible amount by {amount} yuan.",
                amount=yuan(requested - eligible),
            )
        )
    src.file(_("Subsidy requested"), "project.json")
    if pkg.contract_items:
        src.file(
            _("Eligible contract items"),
            "finance/contract_items.csv",
            [i.row for i in pkg.contract_items if i.category in categories],
        )
    _flags_table(doc, data, src, rules={"SUBSIDY_EXCESSIVE"})


def _subsidy_settings(data: EnterpriseData) -> Mapping[str, Any] | None:
    return data.subsidy_settings
