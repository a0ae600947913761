"""``merge status``: per enterprise project, which experts reported and where they disagree.

Cases are grouped by enterprise project — the enterprise's USCC and the project's
``project_id`` — from the agency's own ``case import`` (table ``cases``) or, failing that, from
the bundle manifests (``sync_cases``). An expert is a name on the trusted cards; the expert's
device identities are grouped under it, and between devices the latest signed finding for a
subject (by ``created_at``, then ``seq``) wins. Within one device, supersession is the store's.

Every project the agency knows is listed — one whose case was imported but that no expert has
reported on yet shows an empty ``experts`` list. Disagreements are reported where at least two experts gave a value and the values differ:

* ``item`` — a question's answer (``score`` of ``Q…``), compared as a set of letters;
* ``scene`` — a scene's level (``score`` of ``S…``);
* ``level`` — the digital level each expert's complete scoring reaches (checklist rule);
* ``flag`` — a flag review's decision (confirmed / dismissed);
* ``conclusion`` — the recommendation (pass / improve / disqualify).

An agency ``decision`` finding that settles the subject is shown beside it.

The result is typed (:class:`MergeStatus` of :class:`Project`, :class:`ExpertStatus`,
:class:`Disagreement`, :class:`Decision`, :class:`PendingBundle`); ``to_json()`` is the
``merge status --json`` object. Findings are read through the store's own API
(:meth:`~inspector_app.findings.FindingsStore.findings`: its supersession), scores and levels
with the home's checklists (the agency's corrections).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from inspector_app.checklist.effective import ChecklistSet, home_checklists
from inspector_app.findings import FindingsStore, open_store
from inspector_app.home import Home
from sync.schema import SYNC


@dataclass(frozen=True)
class _Finding:
    finding_id: str
    signer: str
    seq: int
    case_id: str
    kind: str
    created_at: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ExpertStatus:
    """One expert (a name on the trusted cards) on one project, over all their devices."""

    name: str
    devices: tuple[str, ...]
    findings: int
    items_scored: int
    score: Decimal | None
    level: int | None
    complete: bool
    conclusion: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "devices": list(self.devices),
            "findings": self.findings,
            "items_scored": self.items_scored,
            "score": self.score,
            "level": self.level,
            "complete": self.complete,
            "conclusion": self.conclusion,
        }


@dataclass(frozen=True)
class Disagreement:
    """Where at least two experts gave different values: ``type`` item, scene, level, flag or
    conclusion; ``values`` and ``findings`` by expert; ``settled`` by an agency decision."""

    type: str
    subject: str
    values: dict[str, Any]
    findings: dict[str, str]
    settled: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "subject": self.subject,
            "values": self.values,
            "findings": self.findings,
            "settled": self.settled,
        }


@dataclass(frozen=True)
class Decision:
    """The agency's latest decision finding on one subject."""

    type: str
    subject: str
    value: Any
    finding_id: str
    settles: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "subject": self.subject,
            "value": self.value,
            "finding_id": self.finding_id,
            "settles": self.settles,
        }


@dataclass
class Project:
    """One enterprise project: its cases, experts, disagreements and the agency's decisions."""

    uscc: str | None
    project_id: str | None
    enterprise: str | None
    cases: list[str] = field(default_factory=list)
    experts: list[ExpertStatus] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc,
            "project_id": self.project_id,
            "enterprise": self.enterprise,
            "cases": self.cases,
            "experts": [e.to_json() for e in self.experts],
            "disagreements": [d.to_json() for d in self.disagreements],
            "decisions": [d.to_json() for d in self.decisions],
        }


@dataclass(frozen=True)
class PendingBundle:
    """A bundle held back until its predecessor from the same device arrives."""

    device: str
    expert: str | None
    number: int
    bundle_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "expert": self.expert,
            "number": self.number,
            "bundle_id": self.bundle_id,
        }


@dataclass(frozen=True)
class MergeStatus:
    """What ``merge status`` shows; ``to_json()`` is its ``--json`` object."""

    projects: tuple[Project, ...]
    pending_bundles: tuple[PendingBundle, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "projects": [p.to_json() for p in self.projects],
            "pending_bundles": [p.to_json() for p in self.pending_bundles],
        }


def _current(store: FindingsStore) -> list[_Finding]:
    """Every current finding (the store's own supersession), in signing order."""
    return [
        _Finding(
            f.finding_id,
            f.record.signer,
            int(f.record.seq),
            f.record.case_id,
            f.kind,
            f.record.created_at,
            f.data,
        )
        for f in store.findings(stale=False)
    ]


def _case_map(store: FindingsStore) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Case id -> (USCC, project_id, enterprise): the agency's own imports over the bundles'."""
    cases: dict[str, tuple[str | None, str | None, str | None]] = {}
    for cid, uscc, pid, name in store.db.execute(
        "SELECT case_id, uscc, project_id, enterprise FROM sync_cases"
    ).fetchall():
        cases[cid] = (uscc, pid, name)
    for case in store.cases():
        old = cases.get(case.case_id, (None, None, None))
        cases[case.case_id] = (
            case.uscc or old[0],
            case.project_id or old[1],
            case.enterprise or old[2],
        )
    return cases


def _value(f: _Finding) -> Any:
    d = f.data
    if f.kind in ("score", "decision") and "level" in d:
        return d["level"]
    if f.kind in ("score", "decision") and "answer" in d:
        answer = d["answer"]
        return sorted(answer) if isinstance(answer, list) else [answer]
    if f.kind in ("flag_review",) or (f.kind == "decision" and "flag" in d):
        return d.get("decision")
    if "recommendation" in d:
        return d["recommendation"]
    return None


def _subject(f: _Finding) -> tuple[str, str] | None:
    """``(type, subject)`` of a finding that can disagree, else None."""
    if f.kind == "score" and "item" in f.data:
        item = str(f.data["item"])
        return ("scene" if "level" in f.data else "item", item)
    if f.kind == "flag_review":
        return ("flag", str(f.data.get("flag")))
    if f.kind == "conclusion":
        return ("conclusion", "conclusion")
    return None


def _decision_subject(f: _Finding) -> tuple[str, str] | None:
    d = f.data
    if "item" in d:
        return ("scene" if "level" in d else "item", str(d["item"]))
    if "flag" in d:
        return ("flag", str(d["flag"]))
    if "recommendation" in d:
        return ("conclusion", "conclusion")
    return None


def _score_level(
    checklists: ChecklistSet, checklist_id: str | None, answers: dict[str, _Finding]
) -> tuple[Decimal | None, int | None, bool]:
    """The score and level of one expert's answers; ``complete`` when every item is answered.

    ``checklists`` are the home's (the agency's corrections over the bundled ones).
    """
    from inspector_app.checklist import make_answers, score_answers

    checklist = checklists.find(checklist_id or "miit-2024")
    if checklist is None:  # no level to compare
        return None, None, False
    values: dict[str, object] = {}
    figures: dict[str, dict[str, object]] = {}
    for item, f in answers.items():
        if "level" in f.data:
            values[item] = int(f.data["level"])
        elif "answer" in f.data:
            a = f.data["answer"]
            values[item] = tuple(a) if isinstance(a, list) else a
        if isinstance(f.data.get("figures"), dict):
            figures[item] = f.data["figures"]
    result = score_answers(checklist, make_answers(values, figures), issues_path=None)
    complete = set(checklist.questions) | set(checklist.scenes) <= set(values)
    return result.score, result.level, complete


def merge_status(home: Home) -> MergeStatus:
    """The agency's merged view (see the module docstring)."""
    checklists = home_checklists(home)
    with open_store(home, extra=(SYNC,)) as store:
        return _merge_status(store, checklists)


def _merge_status(store: FindingsStore, home_lists: ChecklistSet) -> MergeStatus:
    db = store.db
    devices = {
        fp: (expert, device)
        for fp, expert, device in db.execute(
            "SELECT fingerprint, expert, device FROM sync_devices"
        ).fetchall()
    }
    checklists = {c.case_id: c.checklist for c in store.cases()}
    cases = _case_map(store)
    projects: dict[tuple[str | None, str | None], Project] = {}

    def project_of(case_id: str) -> Project:
        uscc, pid, name = cases.get(case_id, (None, None, None))
        key = (uscc, pid) if uscc or pid else (case_id, None)
        if key not in projects:
            projects[key] = Project(uscc, pid, name)
        proj = projects[key]
        if case_id not in proj.cases:
            proj.cases.append(case_id)
        return proj

    # (project) -> expert -> (type, subject) -> latest finding across the expert's devices
    latest: dict[int, dict[str, dict[tuple[str, str], _Finding]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    expert_devices: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    decisions: dict[int, dict[tuple[str, str], _Finding]] = defaultdict(dict)
    for cid in cases:
        project_of(cid)
    for f in _current(store):
        proj = project_of(f.case_id)
        pk = id(proj)
        if f.signer not in devices:
            if f.kind == "decision":
                subject = _decision_subject(f)
                if subject is not None:
                    old = decisions[pk].get(subject)
                    if old is None or (f.created_at, f.seq) > (old.created_at, old.seq):
                        decisions[pk][subject] = f
            continue
        expert = devices[f.signer][0]
        counts[pk][expert] += 1
        expert_devices[pk][expert].add(f.signer)
        subject = _subject(f)
        if subject is None:
            continue
        old = latest[pk][expert].get(subject)
        if old is None or (f.created_at, f.seq, f.signer) > (old.created_at, old.seq, old.signer):
            latest[pk][expert][subject] = f
    for proj in projects.values():
        pk = id(proj)
        experts = sorted(counts[pk])
        checklist_id = next((checklists.get(c) for c in proj.cases if checklists.get(c)), None)
        levels: dict[str, int] = {}
        for expert in experts:
            mine = latest[pk][expert]
            answers = {s[1]: f for s, f in mine.items() if s[0] in ("item", "scene")}
            score, level, complete = (
                _score_level(home_lists, checklist_id, answers) if answers else (None, None, False)
            )
            conclusion = mine.get(("conclusion", "conclusion"))
            proj.experts.append(
                ExpertStatus(
                    name=expert,
                    devices=tuple(sorted(expert_devices[pk][expert])),
                    findings=counts[pk][expert],
                    items_scored=len(answers),
                    score=score,
                    level=level,
                    complete=complete,
                    conclusion=conclusion.data.get("recommendation") if conclusion else None,
                )
            )
            if complete and level is not None:
                levels[expert] = level
        subjects = sorted(
            {s for e in experts for s in latest[pk][e]},
            key=lambda s: (
                ("item", "scene", "flag", "conclusion").index(s[0]),
                _natural(s[1]),
            ),
        )
        for subject in subjects:
            values = {e: latest[pk][e][subject] for e in experts if subject in latest[pk][e]}
            distinct = {json.dumps(_value(f), sort_keys=True) for f in values.values()}
            if len(values) >= 2 and len(distinct) > 1:
                proj.disagreements.append(
                    _disagreement(subject, values, decisions[pk].get(subject))
                )
        if len(levels) >= 2 and len(set(levels.values())) > 1:
            proj.disagreements.append(
                Disagreement("level", "level", dict(sorted(levels.items())), {}, None)
            )
        proj.decisions = [
            Decision(s[0], s[1], _value(f), f.finding_id, list(f.data.get("settles", [])))
            for s, f in sorted(decisions[pk].items())
        ]
    pending = tuple(
        PendingBundle(d, devices.get(d, (None, None))[0], int(n), b)
        for b, d, n in db.execute(
            "SELECT bundle_id, device, number FROM sync_pending ORDER BY device, number"
        ).fetchall()
    )
    ordered = sorted(
        projects.values(), key=lambda p: (p.uscc or "", p.project_id or "", p.cases[0])
    )
    return MergeStatus(tuple(ordered), pending)


def _natural(subject: str) -> tuple[str, int, str]:
    head = subject.rstrip("0123456789")
    tail = subject[len(head) :]
    return (head, int(tail) if tail else -1, subject)


def _disagreement(
    subject: tuple[str, str], values: dict[str, _Finding], decision: _Finding | None
) -> Disagreement:
    return Disagreement(
        type=subject[0],
        subject=subject[1],
        values={e: _value(f) for e, f in sorted(values.items())},
        findings={e: f.finding_id for e, f in sorted(values.items())},
        settled=(
            {"finding_id": decision.finding_id, "value": _value(decision)} if decision else None
        ),
    )
