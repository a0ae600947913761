"""What the report drafts are made of, gathered from the agency's store (``docs/reports.md``).

Per enterprise project (USCC + ``project_id``): the imported case package (the agency's
``case import``), its red-flag analysis, and the merged signed findings — every expert's latest
finding per subject across the expert's devices (by ``created_at``, then ``seq``), and the
agency's ``decision`` findings. The **final** value of an item, a flag or the conclusion is the
agency's decision where there is one, else the experts' value where they all agree; where
they disagree and the agency has not decided, the value is ``disputed`` and the drafts say so
at that place. Nothing is invented: a part with no data is ``None`` or empty.

This module reads the findings through the core's public store API and the experts' names
from the trusted identity cards; it never imports the ``sync`` layer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from inspector_app import identity
from inspector_app.casepkg.model import CasePackage
from inspector_app.checklist import (
    Checklist,
    ScoreResult,
    UnknownChecklist,
    make_answers,
    score_answers,
    score_self_assessment,
)
from inspector_app.checklist.effective import home_checklists
from inspector_app.errors import InputRefused
from inspector_app.findings import CaseRow, Finding, open_store
from inspector_app.home import Home
from inspector_app.i18n import bi
from inspector_app.services.cases import CaseSession
from inspector_app.values import TZ

RECOMMENDATIONS = ("pass", "improve", "disqualify")


@dataclass(frozen=True)
class Signer:
    """A signer of findings: an expert (a name on trusted cards) or the agency."""

    fingerprint: str
    name: str
    device: str
    role: str


@dataclass(frozen=True)
class Cited:
    """One finding as cited in a report: who signed it and its record id."""

    finding_id: str
    signer: str  # the signer's name
    fingerprint: str
    created_at: str
    data: Mapping[str, Any]
    seq: int = 0
    kind: str = ""


@dataclass
class Settled:
    """The final value of one subject (an item, a flag, the conclusion).

    ``status``: ``decided`` (the agency's decision), ``agreed`` (every expert who gave a value
    gave this one), ``disputed`` (experts differ, the agency has not decided; ``value`` None),
    ``none`` (nobody gave a value).
    """

    subject: str
    value: Any
    status: str
    by_expert: dict[str, Cited] = field(default_factory=dict)
    decision: Cited | None = None

    @property
    def sources(self) -> list[Cited]:
        if self.decision is not None:
            return [self.decision]
        return list(self.by_expert.values())


@dataclass
class ExpertView:
    signer: Signer
    devices: list[Signer]
    findings: int
    first_at: str | None
    last_at: str | None


@dataclass
class FlagView:
    """A red flag: from the package analysis (``flag`` is its JSON) and/or from reviews."""

    flag_id: str
    flag: Mapping[str, Any] | None
    review: Settled


@dataclass
class EnterpriseData:
    """Everything the three reports, the archive and the summary of one enterprise need."""

    cases: list[CaseRow]
    uscc: str | None
    project_id: str | None
    enterprise: str | None
    package: CasePackage | None
    package_path: str | None
    analysis: Mapping[str, Any] | None
    checklist: Checklist | None
    experts: list[ExpertView]
    agency: Signer | None
    items: dict[str, Settled]
    flags: list[FlagView]
    conclusion: Settled
    observations: list[Cited]
    interviews: list[Cited]
    final_score: ScoreResult | None
    final_complete: bool
    self_score: ScoreResult | None
    #: the effective ``SUBSIDY_EXCESSIVE`` settings of the case (None: unknown)
    subsidy_settings: Mapping[str, Any] | None
    generated_at: datetime

    @property
    def outcome(self) -> str | None:
        """``pass`` / ``improve`` / ``disqualify`` once settled, else None."""
        value = self.conclusion.value
        return str(value["recommendation"]) if isinstance(value, dict) else None

    @property
    def outcome_date(self) -> str | None:
        src = self.conclusion.sources
        if self.conclusion.status in ("decided", "agreed") and src:
            return max(c.created_at for c in src)[:10]
        return None

    @property
    def confirmed_flags(self) -> list[FlagView]:
        return [f for f in self.flags if f.review.value == "confirmed"]

    def flag(self, flag_id: str) -> FlagView | None:
        for f in self.flags:
            if f.flag_id == flag_id:
                return f
        return None

    @property
    def thresholds_confirmed(self) -> bool | None:
        """Whether the checklist's level thresholds are confirmed (None: unknown)."""
        if self.checklist is None:
            return None
        flag = getattr(self.checklist, "thresholds_confirmed", None)
        if isinstance(flag, bool):
            return flag
        status = str(self.checklist.levels_notes.get("status", ""))
        return not status.upper().startswith("UNVERIFIED") if status else None


# --------------------------------------------------------------------------- signers


def home_signers(home: Home) -> dict[str, Signer]:
    """The signers the home knows: its trusted cards and its own identity, by fingerprint."""
    out: dict[str, Signer] = {}
    try:
        for card in identity.trusted_cards(home):
            out[card.fingerprint] = Signer(card.fingerprint, card.name, card.device, card.role)
    except (OSError, ValueError):  # pragma: no cover - unreadable trust folder
        pass
    try:
        me = identity.load(home)
        out[me.fingerprint] = Signer(me.fingerprint, me.name, me.device, me.role)
    except Exception:
        pass
    return out


def _cite(f: Finding, signers: Mapping[str, Signer]) -> Cited:
    r = f.record
    who = signers.get(r.signer)
    name = who.name if who else r.signer[:16]
    return Cited(r.finding_id, name, r.signer, r.created_at, r.data, r.seq, r.kind)


# --------------------------------------------------------------------------- grouping


def project_key(case: CaseRow) -> tuple[str, str]:
    if case.uscc or case.project_id:
        return (case.uscc or "", case.project_id or "")
    return (case.case_id, "")


def group_cases(cases: Sequence[CaseRow]) -> dict[tuple[str, str], list[CaseRow]]:
    groups: dict[tuple[str, str], list[CaseRow]] = {}
    for case in cases:
        groups.setdefault(project_key(case), []).append(case)
    return dict(sorted(groups.items()))


def _subject(f: Finding) -> str | None:
    d = f.data
    if f.kind == "score":
        return f"item:{d['item']}"
    if f.kind == "flag_review":
        return f"flag:{d['flag']}"
    if f.kind == "conclusion":
        return "conclusion"
    if f.kind == "decision":
        if "item" in d:
            return f"item:{d['item']}"
        if "flag" in d:
            return f"flag:{d['flag']}"
        if "recommendation" in d:
            return "conclusion"
    return None


def _value(kind_subject: str, data: Mapping[str, Any]) -> Any:
    if kind_subject.startswith("item:"):
        if "level" in data:
            return int(data["level"])
        answer = data.get("answer")
        if answer is None:
            return None
        return tuple(sorted(answer)) if isinstance(answer, list) else (str(answer),)
    if kind_subject.startswith("flag:"):
        return data.get("decision")
    out = {
        "recommendation": data.get("recommendation"),
        "summary": data.get("summary", ""),
        "requirements": list(data.get("requirements", [])),
    }
    if "grounds" in data:
        out["grounds"] = data["grounds"]
    return out


def _comparable(subject: str, value: Any) -> str:
    if subject == "conclusion" and isinstance(value, dict):
        return str(value.get("recommendation"))
    return json.dumps(value, sort_keys=True, default=str)


def settle(subject: str, by_expert: dict[str, Cited], decision: Cited | None) -> Settled:
    """The final value of a subject (see :class:`Settled`)."""
    if decision is not None:
        return Settled(subject, _value(subject, decision.data), "decided", by_expert, decision)
    if not by_expert:
        return Settled(subject, None, "none", by_expert)
    values = {_comparable(subject, _value(subject, c.data)) for c in by_expert.values()}
    if len(values) > 1:
        return Settled(subject, None, "disputed", by_expert)
    latest = max(by_expert.values(), key=lambda c: c.created_at)
    return Settled(subject, _value(subject, latest.data), "agreed", by_expert)


# --------------------------------------------------------------------------- gathering


@dataclass
class _Collected:
    experts: dict[str, dict[str, Cited]] = field(default_factory=dict)  # subject -> name -> c
    decisions: dict[str, Cited] = field(default_factory=dict)
    observations: list[Cited] = field(default_factory=list)
    interviews: list[Cited] = field(default_factory=list)
    counts: dict[str, list[Cited]] = field(default_factory=dict)
    devices: dict[str, dict[str, Signer]] = field(default_factory=dict)


def _collect(findings: Sequence[Finding], signers: Mapping[str, Signer]) -> _Collected:
    col = _Collected()
    for f in findings:
        cited = _cite(f, signers)
        who = signers.get(f.record.signer)
        if f.kind == "decision":
            subject = _subject(f)
            if subject is not None:
                old = col.decisions.get(subject)
                if old is None or (cited.created_at, cited.seq) > (old.created_at, old.seq):
                    col.decisions[subject] = cited
            continue
        name = cited.signer
        col.counts.setdefault(name, []).append(cited)
        if who is not None:
            col.devices.setdefault(name, {})[who.fingerprint] = who
        if f.kind == "observation":
            col.observations.append(cited)
            continue
        if f.kind == "interview":
            col.interviews.append(cited)
            continue
        subject = _subject(f)
        if subject is None:
            continue
        mine = col.experts.setdefault(subject, {})
        old = mine.get(name)
        if old is None or (cited.created_at, cited.seq) > (old.created_at, old.seq):
            mine[name] = cited
    return col


def _final_scoring(
    checklist: Checklist | None, items: Mapping[str, Settled]
) -> tuple[ScoreResult | None, bool]:
    if checklist is None:
        return None, False
    values: dict[str, object] = {}
    figures: dict[str, dict[str, object]] = {}
    for subject, settled in items.items():
        if settled.status not in ("decided", "agreed") or settled.value is None:
            continue
        item = subject.split(":", 1)[1]
        values[item] = settled.value
        src = settled.decision or next(iter(settled.by_expert.values()), None)
        if src is not None and isinstance(src.data.get("figures"), dict) and src.data["figures"]:
            figures[item] = dict(src.data["figures"])
    if not values:
        return None, False
    result = score_answers(checklist, make_answers(values, figures), issues_path=None)
    complete = set(checklist.questions) | set(checklist.scenes) <= set(values)
    return result, complete


def gather(
    home: Home,
    cases: Sequence[CaseRow],
    *,
    now: datetime | None = None,
    signers: Mapping[str, Signer] | None = None,
) -> EnterpriseData:
    """The report data of one enterprise project (its cases, as grouped by :func:`group_cases`).

    ``signers``: the home's signers as :func:`home_signers` reads them (a batch reads them
    once), else read here."""
    signers = home_signers(home) if signers is None else signers
    case_ids = [c.case_id for c in cases]
    with open_store(home) as store:
        # (the drafts do not show withdrawn grounds: the stale check is not needed)
        findings = [f for cid in case_ids for f in store.findings(cid, stale=False)]
    col = _collect(findings, signers)
    package, package_path, analysis = None, None, None
    checklist: Checklist | None = None
    subsidy: dict[str, Any] | None = None
    for case in cases:
        if case.folder and Path(case.folder).is_dir():
            session = CaseSession(home, case)
            package = session.package
            analysis = session.analysis().to_json()
            package_path = case.folder
            try:
                checklist = session.checklist
            except UnknownChecklist:
                checklist = None
            try:
                subsidy = dict(session.settings["SUBSIDY_EXCESSIVE"])
            except KeyError:
                subsidy = None
            break
    else:
        checklist_id = next((c.checklist for c in cases if c.checklist), None)
        try:
            checklist = home_checklists(home).get(checklist_id)
        except UnknownChecklist:
            checklist = None
    subjects = set(col.experts) | set(col.decisions)
    items = {
        s: settle(s, col.experts.get(s, {}), col.decisions.get(s))
        for s in sorted(subjects, key=_natural)
        if s.startswith("item:")
    }
    flag_ids: list[str] = []
    if analysis is not None:
        flag_ids = [str(f["id"]) for f in analysis["flags"]]
    for s in sorted(subjects):
        if s.startswith("flag:") and s[5:] not in flag_ids:
            flag_ids.append(s[5:])
    flag_json = {str(f["id"]): f for f in (analysis or {}).get("flags", [])}
    flags = [
        FlagView(
            fid,
            flag_json.get(fid),
            settle(
                f"flag:{fid}", col.experts.get(f"flag:{fid}", {}), col.decisions.get(f"flag:{fid}")
            ),
        )
        for fid in flag_ids
    ]
    conclusion = settle(
        "conclusion", col.experts.get("conclusion", {}), col.decisions.get("conclusion")
    )
    final_score, complete = _final_scoring(checklist, items)
    self_score = None
    if package is not None:
        try:
            self_score = score_self_assessment(package.self_assessment, checklist=checklist)
        except UnknownChecklist:
            self_score = None
    experts: list[ExpertView] = []
    agency = next((s for s in signers.values() if s.role == "agency"), None)
    for name in sorted(col.counts):
        cited = col.counts[name]
        devices = sorted(col.devices.get(name, {}).values(), key=lambda s: s.device)
        signer = devices[0] if devices else Signer(cited[0].fingerprint, name, "", "expert")
        dates = sorted(c.created_at for c in cited)
        experts.append(ExpertView(signer, devices, len(cited), dates[0], dates[-1]))
    first = cases[0]
    return EnterpriseData(
        cases=list(cases),
        uscc=package.enterprise.uscc if package else first.uscc,
        project_id=package.project.project_id if package else first.project_id,
        enterprise=package.enterprise.name if package else first.enterprise,
        package=package,
        package_path=package_path,
        analysis=analysis,
        checklist=checklist,
        experts=experts,
        agency=agency,
        items=items,
        flags=flags,
        conclusion=conclusion,
        observations=sorted(col.observations, key=lambda c: c.created_at),
        interviews=sorted(col.interviews, key=lambda c: c.created_at),
        final_score=final_score,
        final_complete=complete,
        self_score=self_score,
        subsidy_settings=subsidy,
        generated_at=(now or datetime.now(TZ)).astimezone(TZ),
    )


def _natural(subject: str) -> tuple[str, int, str]:
    head = subject.rstrip("0123456789")
    tail = subject[len(head) :]
    return (head, int(tail) if tail else -1, subject)


# --------------------------------------------------------------------------- selection


def select_projects(home: Home, case: str | None) -> list[list[CaseRow]]:
    """The enterprise projects to report on: the one of ``case`` (an id or unique prefix), or all.

    Raises:
        InputRefused: no case matches, or there is no case at all.
    """
    with open_store(home) as store:
        cases = store.cases()
        if case is not None:
            row = store.resolve_case(case)
            key = project_key(row)
            return [[c for c in cases if project_key(c) == key]]
    if not cases:
        raise InputRefused(bi("No case has been imported: nothing to report on."))
    return list(group_cases(cases).values())
