"""The outcome rules of a conclusion (``cli.md`` § Outcome rules) and stale conclusions.

The seed notice: below level 2 an enterprise gets 限期优化提升 (``improve``), the listed fraud
patterns 取消资格 (``disqualify``). So a conclusion must not contradict what its signer
recorded:

* ``pass`` needs the signer's **complete scoring** (a current answer for every question and
  scene of the case's checklist) reaching level :data:`PASS_MIN_LEVEL` or above, and no
  high-severity flag the signer confirmed;
* ``improve`` needs at least one entry in ``requirements``;
* ``disqualify`` needs ``grounds``: flag ids the signer confirmed and/or ids of the signer's
  current ``observation`` or ``interview`` findings of the same case (every id named must be
  one of those).

For the agency's ``decision`` on a conclusion the same rules apply to the **merged** view of
the enterprise project (every case of the same USCC and ``project_id``): item by item, the
agency's own item decision where there is one, else the experts' answer where every expert
who answered the item gave the same one (else the item is unanswered); a flag is confirmed
when the agency's flag decision says ``confirmed``, or, with no such decision, when every
expert who reviewed it confirmed it; grounds may cite any expert's current observation or
interview of the project.

The rules are checked when a finding is signed (:meth:`StoreCore.add_finding`, ``sign_drafts``),
never when a bundle is imported. A conclusion whose ground is later withdrawn (its flag no
longer confirmed, its observation superseded) is **stale**: it stays signed and unchanged, and
:func:`withdrawn_grounds` names what was withdrawn.

:func:`check_conclusion` is what a face calls before signing, to show why a conclusion would be
refused (typed :class:`Refusal` objects with their messages).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from inspector_app.errors import InputRefused, Issue
from inspector_app.i18n import Message, bi, bilingual, join

if TYPE_CHECKING:
    from inspector_app.casepkg.model import SelfAssessmentItem
    from inspector_app.checklist.model import Checklist
    from inspector_app.findings.core import StoreCore
    from inspector_app.findings.model import Finding

OUTCOME_REFUSED = "OUTCOME_REFUSED"
FINDING_INVALID = "FINDING_INVALID"
#: the programme's bar: a pass needs this level or above
PASS_MIN_LEVEL = 2
#: unanswered items named in a message (the refusal's ``subjects`` lists them all)
_SHOW_ITEMS = 12

#: what blocks a conclusion (``Refusal.reason``)
INCOMPLETE = "incomplete"
LEVEL = "level"
CONFIRMED_HIGH_FLAGS = "confirmed_high_flags"
NO_REQUIREMENTS = "no_requirements"
NO_GROUNDS = "no_grounds"
FLAGS_NOT_CONFIRMED = "grounds_flags_not_confirmed"
FINDINGS_NOT_CITABLE = "grounds_findings_not_citable"
UNKNOWN_CHECKLIST = "unknown_checklist"
INVALID = "invalid"


@dataclass(frozen=True)
class Refusal:
    """One reason a conclusion cannot be signed.

    ``code`` is ``OUTCOME_REFUSED`` (an outcome rule) or ``FINDING_INVALID`` (the JSON's
    shape, from :func:`~inspector_app.findings.kinds.validate_payload`); ``reason`` one of the
    constants of this module; ``subjects`` the items, flag ids or finding ids concerned;
    ``level`` the level the scoring reaches, when that is the reason.
    """

    code: str
    reason: str
    message: Message
    subjects: tuple[str, ...] = ()
    level: int | None = None
    pointer: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "reason": self.reason,
            **bilingual("message", self.message),
            "subjects": list(self.subjects),
            "level": self.level,
            "pointer": self.pointer,
        }

    def issue(self) -> Issue:
        return Issue(
            code=self.code,
            path=None,
            pointer=self.pointer,
            message=self.message,
            extra={"reason": self.reason, "subjects": list(self.subjects), "level": self.level},
        )


class OutcomeRefused(InputRefused):
    """A conclusion (or the agency's decision on one) breaks the outcome rules (exit 1)."""

    code = OUTCOME_REFUSED

    def __init__(self, recommendation: str, refusals: Sequence[Refusal]) -> None:
        super().__init__(
            bi(
                "{code}: the {recommendation} conclusion cannot be signed: {reasons}",
                code=OUTCOME_REFUSED,
                recommendation=recommendation,
                reasons=join([r.message for r in refusals]),
            ),
            [r.issue() for r in refusals],
        )
        self.refusals = list(refusals)


@dataclass(frozen=True)
class Basis:
    """What a conclusion is judged on.

    ``answers`` item id → answer (the checklist engine's shape); ``confirmed`` the confirmed
    flag ids; ``citable`` the ids of the current observations and interviews a ``disqualify``
    may cite.
    """

    checklist: Checklist | None
    checklist_id: str
    answers: dict[str, SelfAssessmentItem] = field(default_factory=dict)
    confirmed: frozenset[str] = frozenset()
    citable: frozenset[str] = frozenset()
    merged: bool = False

    def unanswered(self) -> list[str]:
        if self.checklist is None:
            return []
        return [i for i in self.checklist.item_ids() if i not in self.answers]

    def level(self) -> int | None:
        """The level of a complete scoring (None while an item is unanswered)."""
        if self.checklist is None or self.unanswered():
            return None
        from inspector_app.checklist.scoring import score_answers

        return score_answers(self.checklist, self.answers, issues_path=None).level


def flag_severity(flag_id: str) -> str | None:
    """The severity of a flag id's rule (per-package or cross-enterprise), None if unknown."""
    from inspector_app.analysis.flags import CROSS_SEVERITIES, SEVERITIES

    rule = flag_id.split(":", 1)[0]
    return SEVERITIES.get(rule) or CROSS_SEVERITIES.get(rule)


def _answer(item: str, data: dict[str, Any]) -> SelfAssessmentItem:
    from inspector_app.casepkg.model import SelfAssessmentItem

    answer = data.get("answer")
    return SelfAssessmentItem(
        item,
        answer=tuple(answer) if isinstance(answer, list) else answer,
        level=data.get("level"),
        figures={k: Decimal(v) for k, v in (data.get("figures") or {}).items()},
        evidence=tuple(data.get("evidence") or ()),
    )


def _value(data: dict[str, Any]) -> tuple[Any, ...]:
    """What two experts must share to agree on an item."""
    answer = data.get("answer")
    return (
        tuple(answer) if isinstance(answer, list) else answer,
        data.get("level"),
        tuple(sorted((data.get("figures") or {}).items())),
    )


def _checklist(store: StoreCore, checklist_id: str | None) -> Checklist | None:
    from inspector_app.checklist.effective import home_checklists

    return home_checklists(store.workspace.parent).find(checklist_id)


def expert_basis(store: StoreCore, case_id: str, signer: str) -> Basis:
    """The signer's own current scores, confirmed flags and observations/interviews of the case."""
    case = store.case(case_id, stale=False)
    checklist_id = (case.checklist if case else None) or "miit-2024"
    answers: dict[str, SelfAssessmentItem] = {}
    confirmed: set[str] = set()
    citable: set[str] = set()
    for f in store.findings(case_id, signer=signer, stale=False):
        d = f.data
        if f.kind == "score":
            answers[d["item"]] = _answer(d["item"], d)
        elif f.kind == "flag_review" and d.get("decision") == "confirmed":
            confirmed.add(d["flag"])
        elif f.kind in ("observation", "interview"):
            citable.add(f.finding_id)
    return Basis(
        _checklist(store, checklist_id),
        checklist_id,
        answers,
        frozenset(confirmed),
        frozenset(citable),
    )


def merged_basis(store: StoreCore, case_id: str, agency: str) -> Basis:
    """The agency's view of the enterprise project ``case_id`` belongs to (module doc)."""
    case = store.case(case_id, stale=False)
    checklist_id = (case.checklist if case else None) or "miit-2024"
    decided_items: dict[str, dict[str, Any]] = {}
    decided_flags: dict[str, str] = {}
    expert_items: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = defaultdict(dict)
    expert_flags: dict[str, set[str]] = defaultdict(set)
    citable: set[str] = set()
    for cid in store.project_cases(case_id):
        for f in store.findings(cid, stale=False):
            d = f.data
            if f.record.signer == agency:
                if f.kind == "decision" and "item" in d:
                    decided_items[d["item"]] = d
                elif f.kind == "decision" and "flag" in d:
                    decided_flags[d["flag"]] = d["decision"]
                continue
            if f.kind == "score":
                expert_items[d["item"]][_value(d)] = d
            elif f.kind == "flag_review":
                expert_flags[d["flag"]].add(d["decision"])
            elif f.kind in ("observation", "interview"):
                citable.add(f.finding_id)
    answers = {item: _answer(item, d) for item, d in decided_items.items()}
    for item, values in expert_items.items():
        if item not in answers and len(values) == 1:
            answers[item] = _answer(item, next(iter(values.values())))
    confirmed = {flag for flag, decision in decided_flags.items() if decision == "confirmed"}
    confirmed |= {
        flag
        for flag, decisions in expert_flags.items()
        if flag not in decided_flags and decisions == {"confirmed"}
    }
    return Basis(
        _checklist(store, checklist_id),
        checklist_id,
        answers,
        frozenset(confirmed),
        frozenset(citable),
        merged=True,
    )


def basis_for(store: StoreCore, case_id: str, signer: str, kind: str) -> Basis:
    """The expert's own basis for a ``conclusion``, the merged one for a ``decision``."""
    if kind == "decision":
        return merged_basis(store, case_id, signer)
    return expert_basis(store, case_id, signer)


def _refuse(reason: str, message: Message, subjects: Iterable[str] = (), **kw: Any) -> Refusal:
    return Refusal(OUTCOME_REFUSED, reason, message, tuple(subjects), **kw)


def judge(basis: Basis, data: dict[str, Any]) -> list[Refusal]:
    """The outcome rules over a validated conclusion's ``data`` (``recommendation``,
    ``requirements``, ``grounds``); an empty list when it may be signed."""
    recommendation = data.get("recommendation")
    out: list[Refusal] = []
    if recommendation == "pass":
        if basis.checklist is None:
            return [
                _refuse(
                    UNKNOWN_CHECKLIST,
                    bi(
                        "the case's checklist {checklist} is not known, so its scoring cannot be checked",
                        checklist=basis.checklist_id,
                    ),
                    [basis.checklist_id],
                )
            ]
        missing = basis.unanswered()
        if missing:
            shown = ", ".join(missing[:_SHOW_ITEMS]) + (" …" if len(missing) > _SHOW_ITEMS else "")
            out.append(
                _refuse(
                    INCOMPLETE,
                    bi(
                        "a pass needs a complete scoring: {count} items are unanswered ({items})",
                        count=len(missing),
                        items=shown,
                    ),
                    missing,
                    pointer="/recommendation",
                )
            )
        else:
            level = basis.level()
            if level is not None and level < PASS_MIN_LEVEL:
                out.append(
                    _refuse(
                        LEVEL,
                        bi(
                            "a pass needs level {minimum} or above; the scoring reaches level {level}",
                            minimum=PASS_MIN_LEVEL,
                            level=level,
                        ),
                        level=level,
                        pointer="/recommendation",
                    )
                )
        high = sorted(f for f in basis.confirmed if flag_severity(f) == "high")
        if high:
            out.append(
                _refuse(
                    CONFIRMED_HIGH_FLAGS,
                    bi(
                        "a pass is blocked by confirmed high-severity flags: {flags}",
                        flags=", ".join(high),
                    ),
                    high,
                    pointer="/recommendation",
                )
            )
    elif recommendation == "improve":
        if not data.get("requirements"):
            out.append(
                _refuse(
                    NO_REQUIREMENTS,
                    bi("an improve needs at least one requirement"),
                    pointer="/requirements",
                )
            )
    elif recommendation == "disqualify":
        grounds = data.get("grounds") or {}
        flags = list(grounds.get("flags") or ())
        findings = list(grounds.get("findings") or ())
        if not flags and not findings:
            out.append(
                _refuse(
                    NO_GROUNDS,
                    bi(
                        "a disqualify needs grounds: a confirmed flag, or an observation or interview of the case"
                    ),
                    pointer="/grounds",
                )
            )
        out.extend(_ground_refusals(basis, flags, findings))
    return out


def _ground_refusals(basis: Basis, flags: list[str], findings: list[str]) -> list[Refusal]:
    out: list[Refusal] = []
    unconfirmed = [f for f in flags if f not in basis.confirmed]
    if unconfirmed:
        out.append(
            _refuse(
                FLAGS_NOT_CONFIRMED,
                bi(
                    "the grounds name flags that are not confirmed: {flags}",
                    flags=", ".join(unconfirmed),
                )
                if not basis.merged
                else bi(
                    "the grounds name flags that neither the agency's decision nor every expert confirmed: {flags}",
                    flags=", ".join(unconfirmed),
                ),
                unconfirmed,
                pointer="/grounds/flags",
            )
        )
    foreign = [f for f in findings if f not in basis.citable]
    if foreign:
        out.append(
            _refuse(
                FINDINGS_NOT_CITABLE,
                bi(
                    "the grounds name findings that are not current observations or interviews of the signer in this case: {ids}",
                    ids=", ".join(foreign),
                )
                if not basis.merged
                else bi(
                    "the grounds name findings that are not current observations or interviews of this enterprise project: {ids}",
                    ids=", ".join(foreign),
                ),
                foreign,
                pointer="/grounds/findings",
            )
        )
    return out


def is_conclusion(kind: str, data: dict[str, Any]) -> bool:
    """A ``conclusion``, or the agency's ``decision`` on the conclusion."""
    return kind == "conclusion" or (kind == "decision" and "recommendation" in data)


def enforce(store: StoreCore, case_id: str, signer: str, kind: str, data: dict[str, Any]) -> None:
    """Refuse (:class:`OutcomeRefused`) a validated conclusion that breaks the rules.

    Called by the store while signing, inside its transaction: the findings signed earlier
    in the same transaction (``sign_drafts``) count.
    """
    if not is_conclusion(kind, data):
        return
    refusals = judge(basis_for(store, case_id, signer, kind), data)
    if refusals:
        raise OutcomeRefused(str(data.get("recommendation")), refusals)


def check_conclusion(
    store: StoreCore, case_id: str, signer: str, payload: Any, *, role: str | None = None
) -> list[Refusal]:
    """Why ``payload`` (a ``conclusion``, or the agency's ``decision`` on one) would be refused
    if ``signer`` signed it now; an empty list when it would be accepted.

    For the faces, before signing: shape problems come back as ``FINDING_INVALID`` refusals
    (with their JSON pointers), the outcome rules as ``OUTCOME_REFUSED`` ones. ``role`` is the
    signer's (``expert`` or ``agency``); by default taken from the payload's kind.
    """
    from inspector_app.findings.kinds import validate_payload

    case = store.case(case_id, stale=False)
    if case is None:
        raise InputRefused(bi("No imported case matches {case}.", case=case_id))
    kind = payload.get("kind") if isinstance(payload, dict) else None
    if role is None:
        role = "agency" if kind == "decision" else "expert"
    try:
        validated = validate_payload(
            payload,
            checklist_id=case.checklist,
            checklist=_checklist(store, case.checklist) if case.checklist else None,
            role=role,
        )
    except InputRefused as exc:
        if not exc.issues:
            return [Refusal(FINDING_INVALID, INVALID, exc.message)]
        return [Refusal(FINDING_INVALID, INVALID, i.message, pointer=i.pointer) for i in exc.issues]
    if not is_conclusion(validated.kind, validated.data):
        return [
            Refusal(
                FINDING_INVALID,
                INVALID,
                bi(
                    "Not a conclusion: a conclusion, or a decision on the conclusion, was expected."
                ),
            )
        ]
    return judge(basis_for(store, case_id, signer, validated.kind), validated.data)


def withdrawn_grounds(
    store: StoreCore, finding: Finding, cache: dict[tuple[str, str, str], Basis] | None = None
) -> list[str]:
    """The grounds of a signed conclusion that are no longer confirmed or current (stale when
    not empty); ``[]`` for anything without grounds. ``cache`` shares bases between calls."""
    data = finding.data
    grounds = data.get("grounds")
    if not isinstance(grounds, dict) or not is_conclusion(finding.kind, data):
        return []
    key = (finding.record.case_id, finding.record.signer, finding.kind)
    basis = cache.get(key) if cache is not None else None
    if basis is None:
        basis = basis_for(store, *key)
        if cache is not None:
            cache[key] = basis
    flags = [f for f in grounds.get("flags") or () if f not in basis.confirmed]
    findings = [f for f in grounds.get("findings") or () if f not in basis.citable]
    return [*flags, *findings]
