"""Unconfirmed points of the checklist (issue 11, item 3): the level thresholds and the
constrained flag of S12 are recorded as unconfirmed, with their sources, in the checklist file,
and the score says so next to the level."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from inspector_app.checklist import get_checklist, score_answers
from inspector_app.checklist.loader import ChecklistInvalid, parse_checklist
from inspector_app.resources import resource_path
from tests.unit.checklist.fixtures import mini

REFERENCE = (
    Path(__file__).resolve().parents[4] / "shared" / "reference" / "miit-2024-indicators.json"
)


def bundled() -> dict[str, Any]:
    return json.loads(resource_path("checklists", "miit-2024.json").read_text(encoding="utf-8"))


def test_bundled_thresholds_are_unconfirmed_with_their_source() -> None:
    c = get_checklist("miit-2024")
    assert c.thresholds_confirmed is False
    src = c.thresholds_source
    assert src is not None
    assert "20/40/60/80" in src.text and "20/40/60/80" in src.text_en
    assert "third-party" in src.text_en and "第三方" in src.text
    assert any("determineOverallLevel" in s for s in src.sources)
    assert any("gov.cn" in s for s in src.sources)  # the official annex, not retrieved


def test_bundled_s12_is_constrained_but_unconfirmed() -> None:
    c = get_checklist("miit-2024")
    s12 = c.scenes["S12"]
    assert s12.name == "仓储物流" and s12.constrained is True
    assert s12.constrained_confirmed is False
    src = s12.constrained_source
    assert src is not None
    assert "sceneType" in src.text_en and "nine" in src.text_en
    assert any("9 个约束性场景" in s for s in src.sources)
    # every other scene is confirmed as the platform's data has it
    assert [s.id for s in c.unconfirmed_constrained] == ["S12"]
    assert sum(1 for s in c.scenes.values() if s.constrained) == 10


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared reference not present")
def test_the_recorded_facts_agree_with_the_reference() -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    c = get_checklist("miit-2024")
    levels = ref["level_thresholds"]["2024"]
    assert levels["status"].startswith("UNVERIFIED")
    assert [
        (t.level, t.min_score, t.min_scenes, t.min_constrained_scenes) for t in c.thresholds
    ] == [
        (
            r["level"],
            Decimal(r["min_score_scored_part"]),
            r["min_scenes_at_or_above_level"],
            r["min_constrained_scenes_at_or_above_level"],
        )
        for r in levels["levels"]
    ]
    business = ref["business_dimension"]
    assert "9 vs 10" in business["constrained_flag_source"]
    ref_scenes = {s["id"]: s for g in business["scene_groups"] for s in g["scenes"]}
    assert ref_scenes["S12"]["constrained"] is c.scenes["S12"].constrained is True


def test_every_existing_key_of_the_file_is_kept() -> None:
    data = bundled()
    assert {
        "status",
        "corroboration",
        "caveat",
        "rule",
        "thresholds",
        "labels_source",
        "thresholds_confirmed",
        "thresholds_source",
    } <= set(data["levels"])
    assert "constrained_flag_source" in data["business"]
    scene = next(s for g in data["business"]["groups"] for s in g["scenes"] if s["id"] == "S12")
    assert {"id", "name", "constrained", "levels", "constrained_confirmed"} <= set(scene)


def _s12_items() -> dict[str, Any]:
    from inspector_app.casepkg.model import SelfAssessmentItem

    return {"S12": SelfAssessmentItem("S12", level=2)}


def test_score_json_says_the_thresholds_are_unconfirmed() -> None:
    out = score_answers(get_checklist("miit-2024"), _s12_items()).to_json()
    assert out["thresholds_confirmed"] is False
    assert "第三方" in out["thresholds_source"]
    assert "third-party" in out["thresholds_source_en"]
    assert out["thresholds_sources"] and all(isinstance(s, str) for s in out["thresholds_sources"])
    s12 = out["constrained_unconfirmed"]["S12"]
    assert s12["constrained"] is True
    assert "仓储物流" in s12["source"] and "nine" in s12["source_en"]
    # the keys of cli.md are all still there
    for key in ("checklist", "score", "scenes", "level", "claimed_score", "blocking_next_level"):
        assert key in out


def test_a_corrected_file_confirms_them() -> None:
    data = bundled()
    data["version"] = "2024.1-agency"
    data["levels"]["thresholds_confirmed"] = True
    data["levels"]["thresholds_source"] = {
        "text": "附件第7页",
        "text_en": "Annex, p. 7",
        "sources": ["工信厅企业〔2024〕56号 附件"],
    }
    for g in data["business"]["groups"]:
        for s in g["scenes"]:
            if s["id"] == "S12":
                s["constrained_confirmed"] = True
                del s["constrained_source"]
    c = parse_checklist(data, "agency.json")
    assert c.thresholds_confirmed is True and c.unconfirmed_constrained == ()
    out = score_answers(c, _s12_items()).to_json()
    assert out["thresholds_confirmed"] is True
    assert out["thresholds_source_en"] == "Annex, p. 7"
    assert out["constrained_unconfirmed"] == {}


def test_a_file_without_the_fields_is_not_taken_as_confirmed() -> None:
    c = parse_checklist(mini(), "mini.json")
    assert c.thresholds_confirmed is False and c.thresholds_source is None
    assert c.unconfirmed_constrained == ()  # a scene is confirmed unless the file says not
    out = score_answers(c, {}).to_json()
    assert out["thresholds_confirmed"] is False
    assert out["thresholds_source"] is None and out["thresholds_sources"] == []


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda d: d["levels"].update(thresholds_confirmed="no"), "/levels/thresholds_confirmed"),
        (
            lambda d: d["levels"].update(thresholds_source="third-party"),
            "/levels/thresholds_source",
        ),
        (
            lambda d: d["levels"].update(thresholds_source={"text": "x", "text_en": "x"}),
            "/levels/thresholds_source/sources",
        ),
        (
            lambda d: d["levels"].update(
                thresholds_source={"text": "x", "text_en": "x", "sources": [""]}
            ),
            "/levels/thresholds_source/sources/0",
        ),
        (
            lambda d: d["business"]["groups"][0]["scenes"][0].update(constrained_confirmed=0),
            "/business/groups/0/scenes/0/constrained_confirmed",
        ),
    ],
)
def test_malformed_confirmation_fields_are_refused(change: Any, pointer: str) -> None:
    data = copy.deepcopy(mini())
    change(data)
    with pytest.raises(ChecklistInvalid) as info:
        parse_checklist(data, "bad.json")
    assert info.value.pointer == pointer
