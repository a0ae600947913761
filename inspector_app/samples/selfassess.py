"""The enterprise's self-assessment (附件8) against the ``miit-2024`` checklist.

An honest SME after its pilot reaches level 2 (规范级): about 40–58 points, six or more scenes
at level 2 of which at least three constrained (约束性) ones. The answers vary with the seed
around a realistic profile; the claimed score and level are what the answers give, computed
here from the checklist's option points (the same figures as
``resources/checklists/miit-2024.json``; a test checks them against the checklist engine).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

#: Points of each option of Q1–Q15 in ``miit-2024``; multi-choice questions sum their options.
POINTS: dict[str, dict[str, str]] = {
    "Q1": {"A": "0", "B": "2", "C": "2", "D": "2", "E": "2"},
    "Q2": {"A": "0", "B": "1.5", "C": "3", "D": "4.5", "E": "6"},
    "Q3": {"A": "0", "B": "1.5", "C": "3", "D": "4.5", "E": "6"},
    "Q4": {**dict.fromkeys("BCDEFGHIJKLMN", "0.7"), "A": "0", "O": "0.9"},
    "Q5": {"A": "0", "B": "2.5", "C": "5", "D": "7.5", "E": "10"},
    "Q6": {"A": "0", "B": "1.25", "C": "1.25", "D": "1.25", "E": "1.25"},
    "Q7": {"A": "0", "B": "1.25", "C": "1.25", "D": "1.25", "E": "1.25"},
    "Q8": {"A": "0", "B": "1.5", "C": "3", "D": "4.5", "E": "6", "F": "7.5"},
    "Q9": {"A": "0", "B": "1.875", "C": "1.875", "D": "1.875", "E": "1.875"},
    "Q10": {"A": "0", "B": "1.5", "C": "1.5", "D": "1.5", "E": "1.5", "F": "1.5"},
    "Q11": {"A": "0", "B": "1.875", "C": "3.75", "D": "5.625", "E": "7.5"},
    "Q12": {"A": "0", "B": "3.5", "C": "7"},
    "Q13": {"A": "0", "B": "3.5", "C": "7"},
    "Q14": {"A": "0", "B": "1.5", "C": "3"},
    "Q15": {"A": "0", "B": "1.5", "C": "3"},
}
MULTI = {"Q1", "Q4", "Q6", "Q7", "Q9", "Q10"}
CONSTRAINED = {"S1", "S3", "S6", "S7", "S8", "S9", "S10", "S11", "S12", "S13"}
#: (score, scenes at ≥ n, constrained scenes at ≥ n) for levels 1–4.
THRESHOLDS = {1: (20, 6, 3), 2: (40, 6, 3), 3: (60, 8, 5), 4: (80, 10, 6)}
SCENE_NAMES = {
    "S1": "产品设计",
    "S2": "工艺设计",
    "S3": "营销管理",
    "S4": "售后服务",
    "S5": "计划排程",
    "S6": "生产管控",
    "S7": "质量管理",
    "S8": "设备管理",
    "S9": "安全生产",
    "S10": "能耗管理",
    "S11": "采购管理",
    "S12": "仓储物流",
    "S13": "财务管理",
    "S14": "人力资源",
    "S15": "协同办公",
    "S16": "决策支持",
}

_BANDS = {"A": (3, 10), "B": (12, 19), "C": (22, 38), "D": (42, 58), "E": (62, 95)}


@dataclass
class Answers:
    questions: dict[str, str | list[str]]
    scenes: dict[str, int]
    figures: dict[str, dict[str, int | float]] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)


def question_points(qid: str, answer: str | list[str]) -> Decimal:
    table = POINTS[qid]
    letters = [answer] if isinstance(answer, str) else answer
    return sum((Decimal(table[x]) for x in letters), Decimal(0))


def score(a: Answers) -> Decimal:
    return sum((question_points(q, ans) for q, ans in a.questions.items()), Decimal(0))


def level(a: Answers) -> int:
    total = score(a)
    reached = 0
    for n, (pts, scenes, constrained) in sorted(THRESHOLDS.items()):
        at = [s for s, lv in a.scenes.items() if lv >= n]
        if (
            total >= pts
            and len(at) >= scenes
            and len([s for s in at if s in CONSTRAINED]) >= constrained
        ):
            reached = n
    return reached


def _in_band(band: str, pct: float) -> bool:
    """Whether a percentage answers option ``band`` of a ratio question (A ≤ 10 < B ≤ 20 …)."""
    return {
        "A": pct <= 10,
        "B": 10 < pct <= 20,
        "C": 20 < pct <= 40,
        "D": 40 < pct <= 60,
        "E": 60 < pct <= 100,
    }[band]


def _ratio_figures(
    rng: random.Random, band: str, total_key: str, part_key: str
) -> dict[str, int | float]:
    total = rng.randint(40, 160)
    lo, hi = _BANDS[band]
    while True:
        part = round(total * rng.uniform(lo, hi) / 100)
        if _in_band(band, part * 100 / total):
            return {total_key: total, part_key: part}


def base_answers(rng: random.Random, systems: list[str]) -> Answers:
    """A level-2 self-assessment, varied by ``rng`` and shaped by the deployed systems."""
    q: dict[str, str | list[str]] = {
        "Q1": rng.choice((["B", "C"], ["B", "C"], ["C"], ["B", "C", "E"])),
        "Q2": rng.choice(("C", "C", "D")),
        "Q3": rng.choice(("B", "C", "C")),
        "Q4": sorted(rng.sample("BCDFGHIJLMN", rng.randint(6, 9))),
        "Q5": rng.choice(("C", "C", "D")),
        "Q6": rng.choice((["B", "C"], ["D", "E"], ["B", "C", "E"])),
        "Q7": rng.choice((["B", "C"], ["C", "E"], ["B", "C", "D"])),
        "Q8": rng.choice(("D", "D", "E")),
        "Q9": rng.choice((["B", "C"], ["C", "E"], ["B", "C", "D"])),
        "Q10": rng.choice((["B", "F"], ["B", "D"], ["B", "C", "D"])),
        "Q11": rng.choice(("B", "C")),
        "Q12": rng.choice(("B", "C")),
        "Q13": rng.choice(("B", "C")),
        "Q14": rng.choice(("B", "C")),
        "Q15": rng.choice(("B", "C")),
    }
    scenes = {s: rng.choice((0, 1, 1, 1)) for s in SCENE_NAMES}
    # Scenes the deployed systems lift to level 2 or 3 (all constrained ones).
    lifted = {"S6", "S7", "S13"}
    if "mes" in systems:
        lifted |= {"S6", "S7", "S8"}
    if "erp" in systems:
        lifted |= {"S3", "S11", "S13"}
    if "wms" in systems:
        lifted |= {"S12", "S11"}
    if "qms" in systems:
        lifted |= {"S7"}
    if "eam" in systems:
        lifted |= {"S8", "S9"}
    extra = sorted(CONSTRAINED - lifted)
    rng.shuffle(extra)
    while len(lifted) < 6:
        lifted.add(extra.pop())
    for s in sorted(lifted):
        scenes[s] = rng.choice((2, 2, 3))
    # Never reach level 3: at most 7 scenes at 3.
    a = Answers(q, scenes)
    downgrades: list[tuple[str, str | list[str]]] = [
        ("Q12", "B"),
        ("Q13", "B"),
        ("Q5", "C"),
        ("Q8", "D"),
        ("Q14", "B"),
        ("Q15", "B"),
        ("Q2", "C"),
        ("Q11", "B"),
        ("Q1", ["B", "C"]),
    ]
    for qid, answer in downgrades:
        if score(a) <= Decimal(58):
            break
        q[qid] = answer
    a.figures = {
        "Q2": _ratio_figures(rng, str(q["Q2"]), "devices_total", "devices_digital"),
    }
    total = int(a.figures["Q2"]["devices_total"])
    while True:
        net = _ratio_figures(rng, str(q["Q3"]), "devices_total", "devices_networked")
        if net["devices_total"] == total:
            break
        lo, hi = _BANDS[str(q["Q3"])]
        part = round(total * rng.uniform(lo, hi) / 100)
        if _in_band(str(q["Q3"]), part * 100 / total):
            net = {"devices_total": total, "devices_networked": part}
            break
    a.figures["Q3"] = net
    before = round(rng.uniform(94.0, 97.5), 1)
    after = round(before + (0.2 if q["Q13"] == "B" else rng.uniform(1.5, 2.5)), 1)
    a.figures["Q13"] = {"pass_rate_before": before, "pass_rate_after": after}
    assert level(a) == 2, (score(a), scenes)
    return a


def engine_score(a: Answers) -> tuple[Decimal, int]:
    """Score and level of the answers by the checklist engine (``inspector_app.checklist``)."""
    from inspector_app.casepkg.model import SelfAssessmentItem
    from inspector_app.checklist import get_checklist, score_answers

    items: dict[str, SelfAssessmentItem] = {}
    for qid, ans in a.questions.items():
        figures = {k: Decimal(str(v)) for k, v in a.figures.get(qid, {}).items()}
        answer = ans if isinstance(ans, str) else tuple(ans)
        items[qid] = SelfAssessmentItem(item_id=qid, answer=answer, figures=figures)
    for sid, lv in a.scenes.items():
        items[sid] = SelfAssessmentItem(item_id=sid, level=lv)
    result = score_answers(get_checklist("miit-2024"), items)
    return result.score, result.level
