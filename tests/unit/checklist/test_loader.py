"""Loader: malformed files are refused with the pointer of the fault; versions side by side."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from inspector_app.checklist import (
    ChecklistInvalid,
    UnknownChecklist,
    find_checklist,
    get_checklist,
    known_checklists,
    load_checklist,
    load_checklist_dir,
    make_answers,
    parse_checklist,
    register_checklist,
    score_answers,
    unregister_checklist,
)
from inspector_app.i18n import translated
from inspector_app.resources import resource_path

from .fixtures import mini


@pytest.fixture
def mini_registered() -> Iterator[None]:
    register_checklist(parse_checklist(mini(), "mini.json"))
    yield
    unregister_checklist("mini-test")


def test_second_checklist_side_by_side(mini_registered: None) -> None:
    assert {"miit-2024", "mini-test"} <= set(known_checklists())
    small = get_checklist("mini-test")
    big = get_checklist("miit-2024")
    assert (small.version, big.version) == ("0.1", "2024.1")
    r = score_answers(small, make_answers({"Q1": ["B", "C"], "Q2": "B", "S1": 2, "S2": 2}))
    assert r.score == Decimal(10)
    assert r.level == 2
    assert r.checklist_id == "mini-test"
    assert score_answers(big, make_answers({"Q1": ["B", "C"]})).score == Decimal(4)


def test_same_id_other_version_needs_replace(mini_registered: None) -> None:
    other = mini()
    other["version"] = "0.2"
    with pytest.raises(Exception, match="already loaded"):
        register_checklist(parse_checklist(other))
    register_checklist(parse_checklist(other), replace=True)
    assert get_checklist("mini-test").version == "0.2"


def test_load_checklist_dir(tmp_path: Path) -> None:
    (tmp_path / "mini.json").write_text(json.dumps(mini()), encoding="utf-8")
    try:
        loaded = load_checklist_dir(tmp_path)
        assert [c.id for c in loaded] == ["mini-test"]
        assert find_checklist("mini-test") is not None
    finally:
        unregister_checklist("mini-test")
    assert find_checklist("mini-test") is None


def test_unknown_checklist() -> None:
    with pytest.raises(UnknownChecklist, match="miit-2024"):
        get_checklist("nope")


def test_bundled_file_loads() -> None:
    c = load_checklist(resource_path("checklists", "miit-2024.json"))
    assert c.id == "miit-2024"


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(d: dict[str, Any]) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return apply


_DELETE = object()
_Q = ["dimensions", 0, "indicators", 0, "sub_indicators", 0, "questions"]

BROKEN = [
    (_set(["format"], "other"), "/format"),
    (_set(["format_version"], "2"), "/format_version"),
    (_set(["id"], "Bad Id"), "/id"),
    (_set(["version"], _DELETE), "/version"),
    (_set(["max_score"], 10), "/max_score"),  # a number, not a decimal string
    (_set(["max_score"], "11"), "/max_score"),  # sum mismatch
    (_set([*_Q, 0, "options", 1, "points"], "1.6"), "/questions/0/max_score"),
    (_set([*_Q, 0, "options", 1, "points"], "-1"), "/options/1/points"),
    (_set([*_Q, 0, "options", 1, "letter"], "C"), "/options/2/letter"),
    (_set([*_Q, 0, "options", 1, "letter"], "b"), "/options/1/letter"),
    (_set([*_Q, 0, "zero_option"], "B"), "/zero_option"),
    (_set([*_Q, 0, "type"], "many"), "/type"),
    (_set([*_Q, 1, "id"], "Q1"), "/questions/1/id"),
    (_set([*_Q, 1, "figures", "numerator"], "x"), "/figures/numerator"),
    (_set([*_Q, 1, "figures", "bands", 1, "lower_inclusive"], True), "/figures/bands/1"),
    (_set([*_Q, 1, "figures", "bands", 1, "option"], "Z"), "/bands/1/option"),
    (_set([*_Q, 1, "figures", "kind"], "other"), "/figures/kind"),
    (_set(["business", "groups", 0, "scenes", 1, "id"], "S1"), "/scenes/1/id"),
    (_set(["business", "groups", 0, "scenes", 1, "id"], "Q1"), "/scenes/1/id"),
    (_set(["business", "groups", 0, "scenes", 1, "constrained"], "yes"), "/constrained"),
    (_set(["business", "groups", 0, "scenes", 1, "levels"], {"1": "x"}), "/levels"),
    (_set(["levels", "thresholds", 1, "level"], 3), "/thresholds/1/level"),
    (_set(["levels", "thresholds", 1, "min_scenes"], 4), "/thresholds/1/min_scenes"),
    (_set(["levels", "thresholds", 1, "min_constrained_scenes"], 3), "/min_constrained_scenes"),
    (_set(["levels", "thresholds", 1, "min_score"], "11"), "/thresholds/1/min_score"),
    (_set(["settings"], _DELETE), "/settings"),
    (_set(["dimensions"], []), "/dimensions"),
]


@pytest.mark.parametrize(("mutate", "pointer"), BROKEN)
def test_malformed_is_refused_with_pointer(
    mutate: Callable[[dict[str, Any]], None], pointer: str
) -> None:
    data = mini()
    mutate(data)
    with pytest.raises(ChecklistInvalid) as info:
        parse_checklist(data, "broken.json")
    assert pointer in info.value.pointer
    assert "broken.json" in info.value.message
    assert translated(info.value.message)  # a Chinese translation, shown in one language


def test_not_json(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text("{nope", encoding="utf-8")
    with pytest.raises(ChecklistInvalid, match="JSON"):
        load_checklist(p)
    p.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ChecklistInvalid, match="UTF-8"):
        load_checklist(p)


def test_mini_is_valid() -> None:
    c = parse_checklist(mini())
    assert c.max_level == 2
    assert c.flat_tolerance_pct == Decimal(5)
