"""The format's ranges (values.DATE_MIN…, docs/formats/case-package.md § Ranges) are refused by
``validate``; values at the edges pass ``validate`` and ``analyze``/``score`` do not crash on
them (issue 16 item 6).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inspector_app.analysis import analyze
from inspector_app.casepkg import open_package, validate_package
from inspector_app.checklist.scoring import score_self_assessment
from inspector_app.values import DATE_MAX, DATE_MIN, MONEY_MAX, NUMBER_MAX, NUMBER_MIN
from tests.unit.casepkg.builders import build_package, json_bytes, usage_rows

Edit = Callable[[dict[str, bytes]], None]


def _json(name: str, change: Callable[[Any], None]) -> Edit:
    def edit(files: dict[str, bytes]) -> None:
        doc = json.loads(files[name])
        change(doc)
        files[name] = json_bytes(doc)

    return edit


def _raw_json(name: str, old: bytes, new: bytes) -> Edit:
    def edit(files: dict[str, bytes]) -> None:
        text = json_bytes(json.loads(files[name]))
        assert old in text
        files[name] = text.replace(old, new, 1)

    return edit


def _csv(name: str, old: bytes, new: bytes) -> Edit:
    def edit(files: dict[str, bytes]) -> None:
        assert old in files[name]
        files[name] = files[name].replace(old, new, 1)

    return edit


def _set(key: str, value: Any) -> Callable[[Any], None]:
    return lambda doc: doc.__setitem__(key, value)


def _usage_first(ts: str) -> Edit:
    def edit(files: dict[str, bytes]) -> None:
        rows = usage_rows()
        rows[1][0] = ts
        files["logs/mes/usage.csv"] = "".join(",".join(r) + "\n" for r in rows).encode()

    return edit


FORTY = "1" * 40 + ".00"
OUT_OF_RANGE: dict[str, tuple[Edit, str, str]] = {
    "40-digit contract amount": (
        _csv("finance/contracts.csv", b"300000.00", FORTY.encode()),
        "CSV_INVALID",
        "finance/contracts.csv",
    ),
    "40-digit investment": (
        _json("project.json", _set("total_investment_yuan", FORTY)),
        "SCHEMA_INVALID",
        "project.json",
    ),
    "claimed_score 1e999": (
        _raw_json("self_assessment.json", b'"claimed_score": 40.5', b'"claimed_score": 1e999'),
        "SCHEMA_INVALID",
        "self_assessment.json",
    ),
    "figures 1e300": (
        _json(
            "self_assessment.json",
            lambda d: d["items"].__setitem__(
                "Q2",
                {"answer": "D", "figures": {"devices_total": 10**300, "devices_digital": 1}},
            ),
        ),
        "SCHEMA_INVALID",
        "self_assessment.json",
    ),
    "tiny figure": (
        _raw_json("self_assessment.json", b'"claimed_score": 40.5', b'"claimed_score": 1e-300'),
        "SCHEMA_INVALID",
        "self_assessment.json",
    ),
    "goal target 1e300": (
        _raw_json("project.json", b'"target": 5', b'"target": 1e300'),
        "SCHEMA_INVALID",
        "project.json",
    ),
    "project date 0001-01-01": (
        _json("project.json", _set("registered_at", "0001-01-01")),
        "SCHEMA_INVALID",
        "project.json",
    ),
    "project date 9999-12-31": (
        _json("project.json", _set("completed_at", "9999-12-31")),
        "SCHEMA_INVALID",
        "project.json",
    ),
    "go_live 1969-12-31": (
        _json("systems.json", lambda d: d[0].__setitem__("go_live", "1969-12-31")),
        "SCHEMA_INVALID",
        "systems.json",
    ),
    "negative employees": (
        _json("enterprise.json", _set("employees", -5)),
        "SCHEMA_INVALID",
        "enterprise.json",
    ),
    "usage row pushed before year 1": (
        _usage_first("0001-01-01T00:00:00+14:00"),
        "CSV_INVALID",
        "logs/mes/usage.csv",
    ),
    "usage row pushed past 9999": (
        _usage_first("9999-12-31T23:59:59-14:00"),
        "CSV_INVALID",
        "logs/mes/usage.csv",
    ),
    "usage row in 1969 (+08:00, the fast path's shape)": (
        _usage_first("1969-12-31T23:00:00+08:00"),
        "CSV_INVALID",
        "logs/mes/usage.csv",
    ),
    "negative record count": (
        _csv("logs/mes/records.csv", b",11,1", b",-11,1"),
        "CSV_INVALID",
        "logs/mes/records.csv",
    ),
    "invoice date 2100-01-01": (
        _csv("finance/invoices.csv", b"2024-05-07", b"2100-01-01"),
        "CSV_INVALID",
        "finance/invoices.csv",
    ),
    "quantity 1e13": (
        _csv("finance/contract_items.csv", b",1,\xe5\xa5\x97", b",10000000000000,\xe5\xa5\x97"),
        "CSV_INVALID",
        "finance/contract_items.csv",
    ),
}


@pytest.mark.parametrize("case", sorted(OUT_OF_RANGE))
def test_out_of_range_is_refused_by_validate(tmp_path: Path, case: str) -> None:
    edit, code, path = OUT_OF_RANGE[case]
    p = build_package(tmp_path / "p.case.zip", edit_files=edit)
    result = validate_package(p)
    assert not result.valid
    assert (code, path) in {(i.code, i.path) for i in result.errors}, result.errors


def _edges(files: dict[str, bytes]) -> None:
    """Every edge of every range at once."""
    top = f"{MONEY_MAX}"
    _csv("finance/contracts.csv", b"300000.00", top.encode())(files)
    _csv("finance/contracts.csv", b"2024-04-22", str(DATE_MIN).encode())(files)
    _csv("finance/invoices.csv", b"2024-05-07", str(DATE_MAX).encode())(files)
    _json("project.json", _set("total_investment_yuan", "-" + top))(files)
    _json("project.json", _set("inspection_planned_at", str(DATE_MAX)))(files)
    _json(
        "self_assessment.json",
        lambda d: d["items"].__setitem__(
            "Q2",
            {
                "answer": "D",
                "figures": {"devices_total": int(NUMBER_MAX), "devices_digital": 1},
            },
        ),
    )(files)
    _raw_json(
        "self_assessment.json", b'"claimed_score": 40.5', f'"claimed_score": {NUMBER_MIN}'.encode()
    )(files)
    _csv("logs/mes/records.csv", b",11,1", b",1000000000000,1")(files)


def test_values_at_the_edges_agree_everywhere(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip", edit_files=_edges)
    result = validate_package(p)
    assert result.valid, result.errors
    with open_package(p) as package:
        analyze(package)  # no crash at the edges
        score_self_assessment(package.self_assessment)
