"""``merge status``: experts grouped by name over their devices (latest signed finding wins),
disagreements on items, scenes, flags and conclusions, and the agency's decisions."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from inspector_app import identity
from inspector_app.findings.store import open_store
from sync.status import merge_status

from .conftest import CASE_A, PASSPHRASE, USCC_A, World, copy_in


def test_status_groups_devices_and_reports_disagreements(
    make_world: Callable[[], World], tmp_path: Path
) -> None:
    world = make_world()
    alice1 = world.expert("alice-laptop", person="王丽")
    alice2 = world.expert("alice-desktop", person="王丽")
    bob = world.expert("bob", person="赵强")
    q1_alice = alice1.add({"kind": "score", "item": "Q1", "answer": ["B"]})
    alice1.add({"kind": "score", "item": "S6", "level": 2})
    alice1.add({"kind": "flag_review", "flag": "USAGE_BURST:mes", "decision": "confirmed"})
    alice1.add(
        {
            "kind": "conclusion",
            "recommendation": "improve",
            "summary": "质检仍用表格",
            "requirements": ["上线质检模块"],
        }
    )
    time.sleep(1.1)  # the second device's score is signed later: it wins for 王丽
    alice2.add({"kind": "score", "item": "S6", "level": 3})
    q1_bob = bob.add({"kind": "score", "item": "Q1", "answer": ["C"]})
    bob.add({"kind": "score", "item": "S6", "level": 3})
    bob.add({"kind": "score", "item": "S7", "level": 1})
    bob.add(
        {
            "kind": "flag_review",
            "flag": "USAGE_BURST:mes",
            "decision": "dismissed",
            "reason": "旺季订单",
        }
    )
    seen = bob.add({"kind": "observation", "text": "质检数据为补录"})
    bob.add(
        {
            "kind": "conclusion",
            "recommendation": "disqualify",
            "summary": "数据补录",
            "grounds": {"findings": [seen]},
        }
    )
    home, store = world.new_agency(tmp_path)
    for ex in (alice1, alice2, bob):
        assert store.import_file(copy_in(ex.export(), tmp_path)).status == "merged"

    status = merge_status(home).to_json()
    (project,) = status["projects"]
    assert project["uscc"] == USCC_A
    experts = {e["name"]: e for e in project["experts"]}
    assert set(experts) == {"王丽", "赵强"}
    assert len(experts["王丽"]["devices"]) == 2
    assert experts["王丽"]["conclusion"] == "improve"
    found = {(d["type"], d["subject"]): d["values"] for d in project["disagreements"]}
    assert found == {
        ("item", "Q1"): {"王丽": ["B"], "赵强": ["C"]},
        ("flag", "USAGE_BURST:mes"): {"王丽": "confirmed", "赵强": "dismissed"},
        ("conclusion", "conclusion"): {"王丽": "improve", "赵强": "disqualify"},
    }  # S6 agrees (3 each: the later device wins); S7 was scored by one expert only

    # the agency settles Q1 with a signed decision citing both experts' findings
    with open_store(home) as agency_store:
        agency_store.register_case(
            CASE_A, uscc=USCC_A, enterprise="甲公司", project_id="P-甲公司", checklist="miit-2024"
        )
        decision = agency_store.add_finding(
            identity.unlock(home, PASSPHRASE),
            CASE_A,
            {
                "kind": "decision",
                "settles": [q1_alice, q1_bob],
                "item": "Q1",
                "answer": ["C"],
                "reason": "现场核实为应用系统网络",
            },
        )
    status = merge_status(home).to_json()
    q1 = next(d for d in status["projects"][0]["disagreements"] if d["subject"] == "Q1")
    assert q1["settled"] == {"finding_id": decision.finding_id, "value": ["C"]}
    assert status["projects"][0]["decisions"][0]["settles"] == [q1_alice, q1_bob]


def test_level_disagreement_between_complete_scorings(
    make_world: Callable[[], World], tmp_path: Path
) -> None:
    from inspector_app.checklist import get_checklist

    checklist = get_checklist("miit-2024")
    world = make_world()
    experts = {
        "甲专家": world.expert("x-laptop", person="甲专家"),
        "乙专家": world.expert("y-laptop", person="乙专家"),
    }
    for (_name, ex), scene_level in zip(experts.items(), (2, 3), strict=True):
        for qid, q in checklist.questions.items():
            letters = [o.letter for o in q.options if o.letter != q.zero_option]
            ex.add({"kind": "score", "item": qid, "answer": letters if q.is_multi else letters[-1]})
        for sid in checklist.scenes:
            ex.add({"kind": "score", "item": sid, "level": scene_level})
    home, store = world.new_agency(tmp_path)
    for ex in experts.values():
        assert store.import_file(copy_in(ex.export(), tmp_path)).status == "merged"
    (project,) = merge_status(home).to_json()["projects"]
    levels = {e["name"]: (e["level"], e["complete"]) for e in project["experts"]}
    assert levels == {"甲专家": (2, True), "乙专家": (3, True)}
    kinds = {(d["type"], d["subject"]) for d in project["disagreements"]}
    assert ("level", "level") in kinds
    assert {s for t, s in kinds if t == "scene"} == set(checklist.scenes)
    assert not {s for t, s in kinds if t == "item"}
