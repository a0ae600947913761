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
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlite_utils

from inspector_app.checklist.effective import ChecklistSet, home_checklists
from inspector_app.home import Home
from sync.schema import open_db


@dataclass
class _Finding:
    finding_id: str
    signer: str
    seq: int
    case_id: str
    kind: str
    skey: str | None
    created_at: str
    data: dict[str, Any]


@dataclass
class Project:
    uscc: str | None
    project_id: str | None
    enterprise: str | None
    cases: list[str] = field(default_factory=list)
    experts: list[dict[str, Any]] = field(default_factory=list)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc,
            "project_id": self.project_id,
            "enterprise": self.enterprise,
            "cases": self.cases,
            "experts": self.experts,
            "disagreements": self.disagreements,
            "decisions": self.decisions,
        }


def _current(db: sqlite_utils.Database) -> list[_Finding]:
    rows = db.execute(
        "SELECT f.finding_id, f.signer, f.seq, f.case_id, f.kind, f.skey, f.created_at, f.body"
        " FROM findings f WHERE NOT EXISTS (SELECT 1 FROM findings g"
        " WHERE g.supersedes = f.finding_id AND g.signer = f.signer)"
        " ORDER BY f.signer, f.seq"
    ).fetchall()
    out = []
    for fid, signer, seq, case_id, kind, skey, created_at, body in rows:
        data = json.loads(body).get("data", {})
        out.append(_Finding(fid, signer, int(seq), case_id, kind, skey, created_at, data))
    return out


def _case_map(db: sqlite_utils.Database) -> dict[str, tuple[str | None, str | None, str | None]]:
    cases: dict[str, tuple[str | None, str | None, str | None]] = {}
    for cid, uscc, pid, name in db.execute(
        "SELECT case_id, uscc, project_id, enterprise FROM sync_cases"
    ).fetchall():
        cases[cid] = (uscc, pid, name)
    for cid, uscc, pid, name in db.execute(
        "SELECT case_id, uscc, project_id, enterprise FROM cases"
    ).fetchall():
        old = cases.get(cid, (None, None, None))
        cases[cid] = (uscc or old[0], pid or old[1], name or old[2])
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


def merge_status(home: Home) -> dict[str, Any]:
    """The ``merge status --json`` object (see the module docstring)."""
    checklists = home_checklists(home)
    db = open_db(home)
    try:
        return _merge_status(db, checklists)
    finally:
        db.conn.close()


def _merge_status(db: sqlite_utils.Database, home_lists: ChecklistSet) -> dict[str, Any]:
    devices = {
        fp: (expert, device)
        for fp, expert, device in db.execute(
            "SELECT fingerprint, expert, device FROM sync_devices"
        ).fetchall()
    }
    checklists = dict(db.execute("SELECT case_id, checklist FROM cases").fetchall())
    cases = _case_map(db)
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
    for f in _current(db):
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
                {
                    "name": expert,
                    "devices": sorted(expert_devices[pk][expert]),
                    "findings": counts[pk][expert],
                    "items_scored": len(answers),
                    "score": score,
                    "level": level,
                    "complete": complete,
                    "conclusion": conclusion.data.get("recommendation") if conclusion else None,
                }
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
                {
                    "type": "level",
                    "subject": "level",
                    "values": dict(sorted(levels.items())),
                    "findings": {},
                    "settled": None,
                }
            )
        proj.decisions = [
            {
                "type": s[0],
                "subject": s[1],
                "value": _value(f),
                "finding_id": f.finding_id,
                "settles": f.data.get("settles", []),
            }
            for s, f in sorted(decisions[pk].items())
        ]
    pending = [
        {"device": d, "expert": devices.get(d, (None, None))[0], "number": n, "bundle_id": b}
        for b, d, n in db.execute(
            "SELECT bundle_id, device, number FROM sync_pending ORDER BY device, number"
        ).fetchall()
    ]
    ordered = sorted(
        projects.values(), key=lambda p: (p.uscc or "", p.project_id or "", p.cases[0])
    )
    return {
        "projects": [p.to_json() for p in ordered],
        "pending_bundles": pending,
    }


def _natural(subject: str) -> tuple[str, int, str]:
    head = subject.rstrip("0123456789")
    tail = subject[len(head) :]
    return (head, int(tail) if tail else -1, subject)


def _disagreement(
    subject: tuple[str, str], values: dict[str, _Finding], decision: _Finding | None
) -> dict[str, Any]:
    return {
        "type": subject[0],
        "subject": subject[1],
        "values": {e: _value(f) for e, f in sorted(values.items())},
        "findings": {e: f.finding_id for e, f in sorted(values.items())},
        "settled": (
            {"finding_id": decision.finding_id, "value": _value(decision)} if decision else None
        ),
    }
