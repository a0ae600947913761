"""The bundled miit-2024 checklist, pinned option by option against the reference data."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from inspector_app.checklist import get_checklist
from inspector_app.resources import resource_path

REFERENCE = (
    Path(__file__).resolve().parents[4] / "shared" / "reference" / "miit-2024-indicators.json"
)

# (question, type, max, "letter=points ...") — transcribed by hand from the reference.
OPTION_TABLE = [
    ("Q1", "multi", "8", "A=0 B=2 C=2 D=2 E=2"),
    ("Q2", "single", "6", "A=0 B=1.5 C=3 D=4.5 E=6"),
    ("Q3", "single", "6", "A=0 B=1.5 C=3 D=4.5 E=6"),
    ("Q4", "multi", "10",
     "A=0 B=0.7 C=0.7 D=0.7 E=0.7 F=0.7 G=0.7 H=0.7 I=0.7 J=0.7 K=0.7 L=0.7 M=0.7 N=0.7 O=0.9"),
    ("Q5", "single", "10", "A=0 B=2.5 C=5 D=7.5 E=10"),
    ("Q6", "multi", "5", "A=0 B=1.25 C=1.25 D=1.25 E=1.25"),
    ("Q7", "multi", "5", "A=0 B=1.25 C=1.25 D=1.25 E=1.25"),
    ("Q8", "single", "7.5", "A=0 B=1.5 C=3 D=4.5 E=6 F=7.5"),
    ("Q9", "multi", "7.5", "A=0 B=1.875 C=1.875 D=1.875 E=1.875"),
    ("Q10", "multi", "7.5", "A=0 B=1.5 C=1.5 D=1.5 E=1.5 F=1.5"),
    ("Q11", "single", "7.5", "A=0 B=1.875 C=3.75 D=5.625 E=7.5"),
    ("Q12", "single", "7", "A=0 B=3.5 C=7"),
    ("Q13", "single", "7", "A=0 B=3.5 C=7"),
    ("Q14", "single", "3", "A=0 B=1.5 C=3"),
    ("Q15", "single", "3", "A=0 B=1.5 C=3"),
]  # fmt: skip

CONSTRAINED = {"S1", "S3", "S6", "S7", "S8", "S9", "S10", "S11", "S12", "S13"}


@pytest.mark.parametrize(("qid", "qtype", "max_score", "options"), OPTION_TABLE)
def test_every_option_points(qid: str, qtype: str, max_score: str, options: str) -> None:
    q = get_checklist().questions[qid]
    assert q.type == qtype
    assert q.max_score == Decimal(max_score)
    got = {o.letter: o.points for o in q.options}
    want = {k: Decimal(v) for k, v in (p.split("=") for p in options.split())}
    assert got == want
    if q.is_multi:
        assert q.zero_option == "A"
        assert sum(got.values()) == q.max_score
    else:
        assert max(got.values()) == q.max_score


def test_totals_50_30_20_100() -> None:
    c = get_checklist()
    assert [(d.name, d.max_score) for d in c.dimensions] == [
        ("数字化基础", Decimal(50)),
        ("数字化管理", Decimal(30)),
        ("数字化成效", Decimal(20)),
    ]
    assert c.max_score == Decimal(100)
    assert sum(q.max_score for q in c.questions.values()) == Decimal(100)
    assert list(c.questions) == [f"Q{n}" for n in range(1, 16)]


def test_scenes_and_thresholds() -> None:
    c = get_checklist()
    assert list(c.scenes) == [f"S{n}" for n in range(1, 17)]
    assert {s for s, sc in c.scenes.items() if sc.constrained} == CONSTRAINED
    assert all(sorted(sc.levels) == [1, 2, 3, 4] for sc in c.scenes.values())
    got = [(t.level, t.min_score, t.min_scenes, t.min_constrained_scenes) for t in c.thresholds]
    assert got == [
        (1, Decimal(20), 6, 3),
        (2, Decimal(40), 6, 3),
        (3, Decimal(60), 8, 5),
        (4, Decimal(80), 10, 6),
    ]
    assert c.flat_tolerance_pct == Decimal(1)
    assert "UNVERIFIED" in c.levels_notes["status"]
    assert "caveat" in c.source["provenance"]


def test_figure_keys_follow_case_package_table() -> None:
    c = get_checklist()
    keys = {qid: q.figures.keys for qid, q in c.questions.items() if q.figures}
    assert keys == {
        "Q2": ("devices_total", "devices_digital"),
        "Q3": ("devices_total", "devices_networked"),
        "Q11": ("digital_spend_avg_wan", "revenue_avg_wan"),
        "Q12": ("energy_tce_before", "revenue_wan_before", "energy_tce_after", "revenue_wan_after"),
        "Q13": ("pass_rate_before", "pass_rate_after"),
        "Q14": ("revenue_wan_prev2", "employees_prev2", "revenue_wan_prev1", "employees_prev1"),
        "Q15": ("cost_wan_prev2", "revenue_wan_prev2", "cost_wan_prev1", "revenue_wan_prev1"),
    }


_BAND_TEXT = re.compile(r"^([\[(])(\d+)%?[-,](\d+)%([\])])$")


@pytest.mark.parametrize("qid", ["Q2", "Q3", "Q11"])
def test_bands_are_the_option_texts(qid: str) -> None:
    q = get_checklist().questions[qid]
    assert q.figures is not None
    for band in q.figures.bands:
        option = q.option(band.option)
        assert option is not None
        m = _BAND_TEXT.match(option.text)
        assert m, option.text
        assert band.lower_inclusive == (m.group(1) == "[")
        assert band.lower == Decimal(m.group(2))
        assert band.upper == Decimal(m.group(3))
        assert band.upper_inclusive == (m.group(4) == "]")


def test_change_directions_follow_option_texts() -> None:
    names = {"increase": "增加", "flat": "持平", "decrease": "降低"}
    c = get_checklist()
    for qid in ("Q12", "Q13", "Q14", "Q15"):
        q = c.questions[qid]
        assert q.figures is not None
        for direction, letter in q.figures.directions.items():
            option = q.option(letter)
            assert option is not None and option.text == names[direction]


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared reference not present")
def test_matches_reference_file() -> None:
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    c = get_checklist()
    seen = 0
    for dim in ref["scored_dimensions"]:
        for ind in dim["indicators"]:
            for sub in ind["sub_indicators"]:
                for item in sub["items"]:
                    q = c.questions[item["id"]]
                    assert q.name == item["name"]
                    assert q.dimension_id == dim["id"]
                    assert q.sub_indicator_id == sub["id"]
                    for o_ref, o in zip(item["options"], q.options, strict=True):
                        assert o.letter == o_ref["prefix"]
                        assert o.text == o_ref["text"]
                        assert o.points == Decimal(repr(o_ref["score"]))
                    seen += 1
    assert seen == 15
    for group in ref["business_dimension"]["scene_groups"]:
        for s in group["scenes"]:
            scene = c.scenes[s["id"]]
            assert scene.name == s["name"]
            assert scene.constrained == s["constrained"]
            assert {str(k): v for k, v in scene.levels.items()} == s["levels"]


def test_points_are_decimal_strings_in_the_file() -> None:
    data = json.loads(resource_path("checklists", "miit-2024.json").read_text(encoding="utf-8"))
    for dim in data["dimensions"]:
        assert isinstance(dim["max_score"], str)
        for ind in dim["indicators"]:
            for sub in ind["sub_indicators"]:
                for q in sub["questions"]:
                    assert all(isinstance(o["points"], str) for o in q["options"])
