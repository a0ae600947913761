"""``SELF_ASSESSMENT_INFLATED:<expert key fingerprint>`` and ``TARGET_MISSED:level:<…>``
(``red-flags.md``).

Once an expert (one device identity) has a current ``score`` finding for **every** question and
scene of a case's checklist, their answers are scored with the checklist engine
(:mod:`inspector_app.checklist`) and compared with what the enterprise claimed in
``self_assessment.json``: the flag fires when the claimed score is more than
``max_expert_score_excess`` (default 10) points above the expert's score, or the claimed level
is above the expert's level. In the same way ``TARGET_MISSED:level:<fingerprint>`` fires when
that complete scoring gives a level below the project's ``level_target`` (a pre-paid subsidy is
then clawed back, so the flag names it). Neither is part of ``analyze``; :func:`expert_flags`
gives both.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.casepkg.model import SelfAssessmentItem
from inspector_app.findings.store import Finding, FindingsStore
from inspector_app.i18n import Message, bi, bilingual, join

if TYPE_CHECKING:
    from inspector_app.checklist.model import Checklist

RULE = "SELF_ASSESSMENT_INFLATED"
DEFAULT_MAX_EXCESS = Decimal(10)


def expert_answers(findings: list[Finding]) -> dict[str, SelfAssessmentItem]:
    """The current ``score`` findings as checklist answers (item id → answer/level/figures)."""
    answers: dict[str, SelfAssessmentItem] = {}
    for f in findings:
        if f.kind != "score" or not f.current:
            continue
        data = f.data
        answer = data.get("answer")
        figures = {k: Decimal(v) for k, v in (data.get("figures") or {}).items()}
        answers[data["item"]] = SelfAssessmentItem(
            data["item"],
            answer=tuple(answer) if isinstance(answer, list) else answer,
            level=data.get("level"),
            figures=figures,
            evidence=tuple(data.get("evidence") or ()),
        )
    return answers


def read_claims(folder: Path) -> tuple[Decimal | None, int | None]:
    """``(claimed_score, claimed_level)`` from an imported case's ``self_assessment.json``."""
    try:
        obj = json.loads(
            (folder / "self_assessment.json").read_text(encoding="utf-8-sig"),
            parse_float=Decimal,
        )
    except (OSError, ValueError):
        return None, None
    if not isinstance(obj, dict):
        return None, None
    raw_score, raw_level = obj.get("claimed_score"), obj.get("claimed_level")
    score = (
        Decimal(raw_score)
        if isinstance(raw_score, int | Decimal) and not isinstance(raw_score, bool)
        else None
    )
    level = raw_level if isinstance(raw_level, int) and not isinstance(raw_level, bool) else None
    return score, level


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f")


def case_max_excess(folder: Path) -> Decimal:
    """``max_expert_score_excess``: the defaults layered with the package's settings."""
    from inspector_app.analysis.settings import layer, parse_toml

    package_layer: dict[str, Any] | None = None
    rules = folder / "settings" / "rules.toml"
    if rules.is_file():
        try:
            package_layer = parse_toml(rules.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            package_layer = None
    try:
        settings = layer(package_layer)
    except ValueError:
        settings = layer()
    return Decimal(settings[RULE]["max_expert_score_excess"])


def expert_inflation_flag(
    findings: list[Finding],
    *,
    checklist_id: str,
    signer: str,
    claimed_score: Decimal | None,
    claimed_level: int | None,
    max_excess: Decimal = DEFAULT_MAX_EXCESS,
    checklist: Checklist | None = None,
) -> dict[str, Any] | None:
    """The flag dict (analysis shape) when the expert's complete answers fire the rule, else None.

    ``findings`` are that signer's findings of the case (current ones are used). Returns None
    too while some question or scene is still unanswered. ``checklist`` is the checklist in
    effect for the home (with the agency's corrections); the bundled ``checklist_id`` when None.
    """
    from inspector_app.checklist import get_checklist
    from inspector_app.checklist.scoring import score_answers

    if checklist is None:
        checklist = get_checklist(checklist_id)
    mine = [f for f in findings if f.record.signer == signer]
    answers = expert_answers(mine)
    if any(item not in answers for item in checklist.item_ids()):
        return None
    result = score_answers(checklist, answers, issues_path=None)
    reasons: list[Message] = []
    if claimed_score is not None and claimed_score - result.score > max_excess:
        reasons.append(
            bi(
                "claimed score {claimed} is more than {limit} points above the expert's {expert}",
                claimed=_show(claimed_score),
                expert=_show(result.score),
                limit=_show(max_excess),
            )
        )
    if claimed_level is not None and claimed_level > result.level:
        reasons.append(
            bi(
                "claimed level {claimed} is above the expert's level {expert}",
                claimed=claimed_level,
                expert=result.level,
            )
        )
    if not reasons:
        return None
    evidence: list[dict[str, Any]] = []
    if claimed_score is not None:
        evidence.append({"path": "self_assessment.json", "pointer": "/claimed_score"})
    if claimed_level is not None:
        evidence.append({"path": "self_assessment.json", "pointer": "/claimed_level"})
    return {
        "id": f"{RULE}:{signer}",
        "rule": RULE,
        "severity": "medium",
        **bilingual("title", bi("Self-assessment inflated against the expert's scoring")),
        **bilingual("detail", join(reasons)),
        **bilingual(
            "hint",
            bi(
                "Go through the items where the expert's answer is below the enterprise's and ask for the evidence of each."
            ),
        ),
        "evidence": evidence,
        "expert_score": result.score,
        "expert_level": result.level,
        "claimed_score": claimed_score,
        "claimed_level": claimed_level,
    }


def expert_self_assessment_flag(
    store: FindingsStore,
    case_id: str,
    signer: str | None = None,
    *,
    max_excess: Decimal | None = None,
) -> dict[str, Any] | None:
    """The rule for one case and one expert device (default: this device's signer).

    Reads the claims from the imported case folder and the checklist the case names;
    ``max_excess`` defaults to the settings (app defaults layered with the package's own).
    """
    case = store.case(case_id)
    if case is None or case.folder is None:
        return None
    signer = signer or store.local_signer
    if signer is None:
        return None
    claimed_score, claimed_level = read_claims(Path(case.folder))
    if claimed_score is None and claimed_level is None:
        return None
    from inspector_app.checklist.effective import home_checklists

    checklist_id = case.checklist or "miit-2024"
    return expert_inflation_flag(
        store.findings(case_id, signer=signer),
        checklist_id=checklist_id,
        checklist=home_checklists(store.workspace.parent).get(checklist_id),
        signer=signer,
        claimed_score=claimed_score,
        claimed_level=claimed_level,
        max_excess=case_max_excess(Path(case.folder)) if max_excess is None else max_excess,
    )


TARGET_RULE = "TARGET_MISSED"


def read_targets(folder: Path) -> tuple[int | None, Decimal]:
    """``(level_target, subsidy_prepaid_yuan)`` from an imported case's ``project.json``."""
    try:
        obj = json.loads(
            (folder / "project.json").read_text(encoding="utf-8-sig"), parse_float=Decimal
        )
    except (OSError, ValueError):
        return None, Decimal(0)
    if not isinstance(obj, dict):
        return None, Decimal(0)
    target = obj.get("level_target")
    level = target if isinstance(target, int) and not isinstance(target, bool) else None
    try:
        prepaid = Decimal(str(obj.get("subsidy_prepaid_yuan") or "0"))
    except ArithmeticError:
        prepaid = Decimal(0)
    return level, prepaid if prepaid.is_finite() else Decimal(0)


def expert_target_flag(
    findings: list[Finding],
    *,
    checklist: Checklist,
    signer: str,
    level_target: int | None,
    prepaid: Decimal = Decimal(0),
) -> dict[str, Any] | None:
    """``TARGET_MISSED:level:<signer>`` when the signer's complete scoring gives a level below
    ``level_target`` (``red-flags.md``); None while an item is unanswered, or without a target.
    """
    from inspector_app.checklist.scoring import score_answers

    if level_target is None:
        return None
    answers = expert_answers([f for f in findings if f.record.signer == signer])
    if any(item not in answers for item in checklist.item_ids()):
        return None
    level = score_answers(checklist, answers, issues_path=None).level
    if level >= level_target:
        return None
    args: dict[str, Any] = {"level": level, "target": level_target}
    reasons = [
        bi(
            "the expert's complete scoring gives level {level}, below the committed level {target}",
            **args,
        )
    ]
    if prepaid > 0:
        reasons.append(
            bi("the pre-paid subsidy of {prepaid} yuan is clawed back", prepaid=_show(prepaid))
        )
    return {
        "id": f"{TARGET_RULE}:level:{signer}",
        "rule": TARGET_RULE,
        "severity": "medium",
        **bilingual(
            "title",
            bi(
                "Committed level {target} not reached: the expert's scoring gives level {level}",
                **args,
            ),
        ),
        **bilingual("detail", join(reasons)),
        **bilingual(
            "hint",
            bi(
                "Go through the scenes and questions that keep the level down with the enterprise, and note what it still has to build."
            ),
        ),
        "evidence": [{"path": "project.json", "pointer": "/level_target"}],
        "expert_level": level,
        "level_target": level_target,
        "subsidy_prepaid_yuan": prepaid,
    }


def expert_flags(
    store: FindingsStore, case_id: str, signer: str | None = None
) -> list[dict[str, Any]]:
    """The flags the store raises for one case and one expert device (default: this device):
    ``SELF_ASSESSMENT_INFLATED:<fingerprint>`` and ``TARGET_MISSED:level:<fingerprint>``."""
    flags: list[dict[str, Any]] = []
    case = store.case(case_id)
    signer = signer or store.local_signer
    if case is None or case.folder is None or signer is None:
        return flags
    inflated = expert_self_assessment_flag(store, case_id, signer)
    if inflated is not None:
        flags.append(inflated)
    from inspector_app.checklist.effective import home_checklists

    checklist = home_checklists(store.workspace.parent).find(case.checklist or "miit-2024")
    level_target, prepaid = read_targets(Path(case.folder))
    if checklist is not None:
        missed = expert_target_flag(
            store.findings(case_id, signer=signer),
            checklist=checklist,
            signer=signer,
            level_target=level_target,
            prepaid=prepaid,
        )
        if missed is not None:
            flags.append(missed)
    return flags
