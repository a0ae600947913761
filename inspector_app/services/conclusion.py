"""The review before signing a conclusion: what is still open and why the rules would refuse.

A face shows this beside the conclusion being written (the desktop app's 结论 page; a text face
may print it): the questions and scenes this device has not answered, the flags it has not
decided, the grounds a disqualification may cite (its confirmed flags, its current observations
and interviews) and the outcome rules' refusals of the conclusion as typed now
(:func:`~inspector_app.findings.outcome.check_conclusion`). Nothing here signs anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from inspector_app import identity
from inspector_app.findings.outcome import Refusal, check_conclusion, expert_basis
from inspector_app.i18n import Message, bi, verbatim

if TYPE_CHECKING:
    from inspector_app.services.cases import CaseSession

#: the draft key the faces autosave a conclusion under
CONCLUSION_DRAFT = "conclusion"


@dataclass(frozen=True)
class Ground:
    """Something a disqualification may cite: a confirmed flag or a current observation or
    interview of this device."""

    ref: str  # the flag id or the finding id
    kind: str  # "flag", "observation" or "interview"
    label: Message


@dataclass(frozen=True)
class ConclusionReview:
    unanswered: tuple[str, ...]
    undecided_flags: tuple[str, ...]
    grounds: tuple[Ground, ...]
    refusals: tuple[Refusal, ...]
    level: int | None
    current: dict[str, Any] | None  # the current signed conclusion's data, if any
    stale: bool

    @property
    def ready(self) -> bool:
        """Nothing blocks signing the conclusion as typed."""
        return not self.refusals


def conclusion_payload(
    recommendation: str,
    summary: str,
    requirements: list[str],
    flag_grounds: list[str],
    finding_grounds: list[str],
) -> dict[str, Any]:
    """A ``conclusion`` finding's JSON from what the expert chose (cli.md's shape)."""
    payload: dict[str, Any] = {
        "kind": "conclusion",
        "recommendation": recommendation,
        "summary": summary,
    }
    if recommendation == "improve" or requirements:
        payload["requirements"] = [r for r in requirements if r.strip()]
    if recommendation == "disqualify":
        payload["grounds"] = {"flags": list(flag_grounds), "findings": list(finding_grounds)}
    return payload


def review_conclusion(
    session: CaseSession, payload: dict[str, Any], flag_ids: list[str] | None = None
) -> ConclusionReview:
    """What is open for this device in ``session``'s case, and why ``payload`` would be refused.

    ``flag_ids`` are the case's flags (the analysis's, by default).
    """
    if flag_ids is None:
        flag_ids = [f.id for f in session.analysis().flags]
    titles = {f.id: f.title for f in (session.cached_analysis() or session.analysis()).flags}
    signer = identity.load(session.home).fingerprint
    with session.store() as store:
        basis = expert_basis(store, session.case_id, signer)
        refusals = check_conclusion(store, session.case_id, signer, payload)
        current = [
            f
            for f in store.findings(session.case_id, signer=signer)
            if f.kind in ("flag_review", "observation", "interview", "conclusion")
        ]
    decided = {str(f.data["flag"]) for f in current if f.kind == "flag_review"}
    grounds = [
        Ground(flag_id, "flag", verbatim(f"{flag_id} {titles.get(flag_id, '')}".strip()))
        for flag_id in sorted(basis.confirmed)
    ]
    for f in current:
        if f.finding_id not in basis.citable:
            continue
        if f.kind == "observation":
            label = bi("Observation: {text}", text=str(f.data.get("text", ""))[:60])
        else:
            label = bi("Interview with {person}", person=str(f.data.get("person", "")))
        grounds.append(Ground(f.finding_id, f.kind, label))
    conclusions = [f for f in current if f.kind == "conclusion"]
    return ConclusionReview(
        unanswered=tuple(basis.unanswered()),
        undecided_flags=tuple(i for i in flag_ids if i not in decided),
        grounds=tuple(grounds),
        refusals=tuple(refusals),
        level=basis.level(),
        current=dict(conclusions[-1].data) if conclusions else None,
        stale=bool(conclusions and conclusions[-1].stale),
    )


__all__ = [
    "CONCLUSION_DRAFT",
    "ConclusionReview",
    "Ground",
    "conclusion_payload",
    "review_conclusion",
]
