"""SELF_ASSESSMENT_INFLATED:<expert fingerprint> once an expert has answered everything."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from inspector_app.casepkg import import_package
from inspector_app.checklist import get_checklist
from inspector_app.findings import open_store
from inspector_app.findings.selfassess import expert_self_assessment_flag

from .conftest import make_expert


def _answers(folder: Path) -> dict[str, dict[str, Any]]:
    """The enterprise's own answers, completed with the lowest option / level 0."""
    items = json.loads((folder / "self_assessment.json").read_text(encoding="utf-8-sig"))["items"]
    checklist = get_checklist("miit-2024")
    out: dict[str, dict[str, Any]] = {}
    for qid, question in checklist.questions.items():
        own = items.get(qid) or {}
        answer = own.get("answer") or question.lowest_option().letter
        payload: dict[str, Any] = {"kind": "score", "item": qid, "answer": answer}
        if own.get("figures"):
            payload["figures"] = own["figures"]
        out[qid] = payload
    for sid in checklist.scenes:
        out[sid] = {"kind": "score", "item": sid, "level": (items.get(sid) or {}).get("level", 0)}
    return out


def test_expert_comparison(tmp_path: Path, examples: Path) -> None:
    home, me = make_expert(tmp_path / "home")
    imported = import_package(
        examples / "clean.case.zip", home / "workspace", tmp_dir=tmp_path / "t"
    )
    with open_store(home) as store:
        case = store.register_case(
            imported.case_id,
            uscc=imported.uscc,
            enterprise=imported.enterprise,
            checklist="miit-2024",
            folder=str(imported.folder),
        )
        answers = _answers(Path(imported.folder))
        items = list(answers)
        for item in items[:-1]:
            store.add_finding(me, case.case_id, answers[item])
        # not everything answered yet: no flag, whatever the answers
        assert expert_self_assessment_flag(store, case.case_id) is None
        store.add_finding(me, case.case_id, answers[items[-1]])
        # the expert agrees with the enterprise's own answers: 50.6, level 2 as claimed
        assert expert_self_assessment_flag(store, case.case_id) is None
        # the expert finds much less: every question at its lowest option
        checklist = get_checklist("miit-2024")
        for qid, question in checklist.questions.items():
            store.add_finding(
                me,
                case.case_id,
                {"kind": "score", "item": qid, "answer": question.lowest_option().letter},
            )
        flag = expert_self_assessment_flag(store, case.case_id)
        assert flag is not None
        assert flag["id"] == f"SELF_ASSESSMENT_INFLATED:{me.fingerprint}"
        assert flag["rule"] == "SELF_ASSESSMENT_INFLATED" and flag["severity"] == "medium"
        assert flag["claimed_score"] == Decimal("50.6") and flag["claimed_level"] == 2
        assert flag["expert_score"] < Decimal("40.6")
        assert "自评得分" in flag["detail"] and "claimed score" in flag["detail_en"]
        assert "claimed score" not in flag["detail"]  # Chinese, the English beside it
        assert {e["pointer"] for e in flag["evidence"]} == {"/claimed_score", "/claimed_level"}
        # the threshold is the settings' max_expert_score_excess
        assert (
            expert_self_assessment_flag(store, case.case_id, max_excess=Decimal(100)) is not None
        )  # level still
        # another signer has answered nothing
        assert expert_self_assessment_flag(store, case.case_id, "0" * 40) is None


@pytest.mark.parametrize(("excess", "fires"), [("10", False), ("10.1", True)])
def test_score_threshold_is_strictly_more_than_ten(
    tmp_path: Path, excess: str, fires: bool
) -> None:
    from inspector_app.findings.selfassess import expert_inflation_flag

    home, me = make_expert(tmp_path / "home")
    checklist = get_checklist("miit-2024")
    with open_store(home) as store:
        store.register_case("c", uscc=None, enterprise=None, checklist="miit-2024")
        for qid, question in checklist.questions.items():
            best = max(question.options, key=lambda o: o.points).letter
            store.add_finding(
                me,
                "c",
                {
                    "kind": "score",
                    "item": qid,
                    "answer": best if qid == "Q1" else question.lowest_option().letter,
                },
            )
        for sid in checklist.scenes:
            store.add_finding(me, "c", {"kind": "score", "item": sid, "level": 0})
        findings = store.findings("c")
    from inspector_app.checklist.scoring import score_answers
    from inspector_app.findings.selfassess import expert_answers

    expert_score = score_answers(checklist, expert_answers(findings), issues_path=None).score
    assert expert_score > 0
    flag = expert_inflation_flag(
        findings,
        checklist_id="miit-2024",
        signer=me.fingerprint,
        claimed_score=expert_score + Decimal(excess),
        claimed_level=0,
    )
    assert (flag is not None) == fires


def test_expert_level_below_the_target(tmp_path: Path, examples: Path) -> None:
    """TARGET_MISSED:level:<fingerprint>: the expert's complete scoring below level_target (2
    in the clean example), at the target and just below it; a pre-paid subsidy is named."""
    from inspector_app.findings.selfassess import expert_flags, expert_target_flag, read_targets

    home, me = make_expert(tmp_path / "home")
    imported = import_package(
        examples / "clean.case.zip", home / "workspace", tmp_dir=tmp_path / "t"
    )
    folder = Path(imported.folder)
    target, prepaid = read_targets(folder)
    assert target == 2
    checklist = get_checklist("miit-2024")
    with open_store(home) as store:
        case = store.register_case(
            imported.case_id,
            uscc=imported.uscc,
            enterprise=imported.enterprise,
            checklist="miit-2024",
            folder=str(folder),
        )
        answers = _answers(folder)
        items = list(answers)
        for item in items[:-1]:
            store.add_finding(me, case.case_id, answers[item])
        assert expert_flags(store, case.case_id) == []  # incomplete
        store.add_finding(me, case.case_id, answers[items[-1]])
        # the enterprise's own answers reach level 2: at the target, nothing
        assert expert_flags(store, case.case_id) == []
        # every scene one level lower: level 1, just below the target
        for sid in checklist.scenes:
            level = max(0, answers[sid]["level"] - 1)
            store.add_finding(me, case.case_id, {"kind": "score", "item": sid, "level": level})
        flags = {f["rule"]: f for f in expert_flags(store, case.case_id)}
        flag = flags["TARGET_MISSED"]
        assert flag["id"] == f"TARGET_MISSED:level:{me.fingerprint}"
        assert flag["severity"] == "medium"
        assert (flag["expert_level"], flag["level_target"]) == (1, 2)
        assert flag["evidence"] == [{"path": "project.json", "pointer": "/level_target"}]
        assert "committed level 2" in flag["detail_en"]
        assert ("clawed back" in flag["detail_en"]) == (prepaid > 0)
        # the claimed level 2 is now above the expert's level 1 too
        assert "SELF_ASSESSMENT_INFLATED" in flags
        # the pre-paid money is named when there is some; no target, no flag
        findings = store.findings(case.case_id)
        paid = expert_target_flag(
            findings,
            checklist=checklist,
            signer=me.fingerprint,
            level_target=2,
            prepaid=Decimal("120000.00"),
        )
        assert paid is not None and "120000" in paid["detail"]
        assert paid["subsidy_prepaid_yuan"] == Decimal("120000.00")
        assert (
            expert_target_flag(
                findings, checklist=checklist, signer=me.fingerprint, level_target=None
            )
            is None
        )
        assert (
            expert_target_flag(findings, checklist=checklist, signer=me.fingerprint, level_target=1)
            is None
        )
