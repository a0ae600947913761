"""Strict validation of each finding kind (cli.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from inspector_app.errors import InputRefused
from inspector_app.findings import load_payload, validate_payload

FID = "0b6f4bbf-3c4e-4a43-9d52-0d7a3f3b8e01"


def ok(payload: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return validate_payload(payload, checklist_id="miit-2024", **kw).data


def refused(payload: Any, *pointers: str, **kw: Any) -> None:
    with pytest.raises(InputRefused) as info:
        validate_payload(payload, checklist_id="miit-2024", **kw)
    got = {i.pointer for i in info.value.issues}
    for pointer in pointers:
        assert pointer in got, (pointer, got, info.value.message)


def test_cli_md_examples_are_valid(tmp_path: Path) -> None:
    photo = tmp_path / "onsite-photo.jpg"
    photo.write_bytes(b"\xff\xd8jpeg")
    assert ok(
        {
            "kind": "score",
            "item": "Q1",
            "answer": ["C", "B"],
            "figures": {},
            "comment": "…",
            "evidence": ["docs/a.pdf"],
        }
    ) == {"item": "Q1", "answer": ["B", "C"], "comment": "…", "evidence": ["docs/a.pdf"]}
    assert (
        ok({"kind": "score", "item": "S6", "level": 2, "comment": "…", "evidence": []})["level"]
        == 2
    )
    assert (
        ok(
            {
                "kind": "flag_review",
                "flag": "USAGE_BURST:mes",
                "decision": "confirmed",
                "reason": "…",
            }
        )["decision"]
        == "confirmed"
    )
    v = validate_payload({"kind": "observation", "text": "…", "attachments": [str(photo)]})
    assert v.attachment_files == [photo]
    assert (
        ok(
            {
                "kind": "interview",
                "person": "…",
                "role": "车间主任",
                "notes": [{"q": "…", "a": "…"}],
            }
        )["role"]
        == "车间主任"
    )
    assert ok(
        {"kind": "conclusion", "recommendation": "improve", "summary": "…", "requirements": ["…"]}
    )["requirements"] == ["…"]
    # cli.md's disqualify: grounds kept with both lists
    grounds = ok(
        {
            "kind": "conclusion",
            "recommendation": "disqualify",
            "summary": "…",
            "grounds": {"flags": ["PAYMENT_REFLUX:91530100MA6K0X1234"], "findings": [FID]},
        }
    )["grounds"]
    assert grounds == {"flags": ["PAYMENT_REFLUX:91530100MA6K0X1234"], "findings": [FID]}
    assert ok(
        {
            "kind": "conclusion",
            "recommendation": "disqualify",
            "summary": "…",
            "grounds": {"findings": [FID]},
        }
    )["grounds"] == {"flags": [], "findings": [FID]}
    d = ok(
        {"kind": "decision", "settles": [FID], "item": "Q5", "answer": "C", "reason": "…"},
        role="agency",
    )
    assert d == {"settles": [FID], "item": "Q5", "answer": "C", "reason": "…"}


def test_grounds_belong_to_the_conclusion_form_of_a_decision() -> None:
    item = {"kind": "decision", "settles": [FID], "reason": "r", "item": "S1", "level": 1}
    refused({**item, "grounds": {"flags": []}}, "/grounds", role="agency")
    final = {"kind": "decision", "settles": [FID], "reason": "r", "summary": "…"}
    refused({**final, "recommendation": "pass", "grounds": {}}, "/grounds", role="agency")
    d = ok({**final, "recommendation": "disqualify", "grounds": {"findings": [FID]}}, role="agency")
    assert d["grounds"] == {"flags": [], "findings": [FID]}


def test_figures_become_decimal_strings_never_floats() -> None:
    payload = load_payload(
        '{"kind": "score", "item": "Q2", "answer": "D", "figures": {"devices_total": 120, "devices_digital": 62.50}}'
    )
    data = ok(payload)
    assert data["figures"] == {"devices_total": "120", "devices_digital": "62.5"}
    assert isinstance(payload["figures"]["devices_digital"], Decimal)
    refused(
        {"kind": "score", "item": "Q2", "answer": "D", "figures": {"devices_total": "1e5"}},
        "/figures/devices_total",
    )
    refused(
        {"kind": "score", "item": "Q2", "answer": "D", "figures": {"revenue": 1}},
        "/figures/revenue",
    )
    refused(
        {"kind": "score", "item": "Q2", "answer": "D", "figures": {"devices_total": True}},
        "/figures/devices_total",
    )


@pytest.mark.parametrize(
    ("payload", "pointers"),
    [
        ({"kind": "score", "item": "Q1", "answer": ["B"], "colour": "red"}, ["/colour"]),
        ({"kind": "score", "item": "Q99", "answer": "A"}, ["/item"]),
        ({"kind": "score", "item": "q1", "answer": "A"}, ["/item"]),
        ({"kind": "score", "item": "Q1", "answer": ["b"]}, ["/answer"]),
        ({"kind": "score", "item": "Q1", "answer": ["B", "B"]}, ["/answer"]),
        ({"kind": "score", "item": "Q1", "answer": []}, ["/answer"]),
        ({"kind": "score", "item": "Q1"}, ["/answer"]),
        ({"kind": "score", "item": "Q1", "answer": "B", "level": 2}, ["/level"]),
        ({"kind": "score", "item": "S6", "level": 5}, ["/level"]),
        ({"kind": "score", "item": "S6", "level": True}, ["/level"]),
        ({"kind": "score", "item": "S6", "level": 2, "answer": "B"}, ["/answer"]),
        ({"kind": "score", "item": "Q1", "answer": "B", "evidence": "docs/a.pdf"}, ["/evidence"]),
        ({"kind": "flag_review", "flag": "USAGE_BURST:mes", "decision": "maybe"}, ["/decision"]),
        ({"kind": "flag_review", "flag": "usage burst", "decision": "confirmed"}, ["/flag"]),
        ({"kind": "flag_review", "flag": "USAGE_BURST:mes", "decision": "dismissed"}, ["/reason"]),
        ({"kind": "observation", "text": "   "}, ["/text"]),
        (
            {"kind": "observation", "text": "x", "attachments": ["/no/such/file.jpg"]},
            ["/attachments/0"],
        ),
        ({"kind": "interview", "person": "x", "notes": []}, ["/notes"]),
        ({"kind": "interview", "person": "x", "notes": [{"q": "a"}]}, ["/notes/0"]),
        # an improve without requirements is an outcome rule (findings.outcome), not a shape
        (
            {"kind": "conclusion", "recommendation": "pass", "summary": "x", "grounds": {}},
            ["/grounds"],
        ),
        (
            {"kind": "conclusion", "recommendation": "disqualify", "summary": "x", "grounds": []},
            ["/grounds"],
        ),
        ({"kind": "conclusion", "recommendation": "fail", "summary": "x"}, ["/recommendation"]),
        ({"kind": "conclusion", "recommendation": "pass"}, ["/summary"]),
        ({"kind": "observation", "text": "x", "supersedes": "not-an-id"}, ["/supersedes"]),
    ],
)
def test_refusals_name_the_field(payload: dict[str, Any], pointers: list[str]) -> None:
    refused(payload, *pointers)


def test_messages_are_bilingual_and_list_every_problem() -> None:
    with pytest.raises(InputRefused) as info:
        validate_payload({"kind": "conclusion", "recommendation": "fail", "x": 1})
    message = info.value.message
    assert "核查意见无效" in message and "finding is invalid" in message
    assert {i.pointer for i in info.value.issues} == {"/x", "/recommendation", "/summary"}


def test_unknown_kind_and_roles() -> None:
    with pytest.raises(InputRefused, match="Unknown finding kind"):
        validate_payload({"kind": "verdict"})
    with pytest.raises(InputRefused):
        validate_payload([1, 2])
    with pytest.raises(InputRefused, match="Only the agency"):
        validate_payload(
            {
                "kind": "decision",
                "settles": [FID],
                "reason": "x",
                "recommendation": "pass",
                "summary": "x",
            }
        )
    with pytest.raises(InputRefused, match="decision findings only"):
        validate_payload({"kind": "observation", "text": "x"}, role="agency")


def test_decision_forms() -> None:
    flag = ok(
        {
            "kind": "decision",
            "settles": [FID],
            "flag": "USAGE_BURST:mes",
            "decision": "dismissed",
            "reason": "退款",
        },
        role="agency",
    )
    assert flag["decision"] == "dismissed"
    concl = ok(
        {
            "kind": "decision",
            "settles": [FID],
            "recommendation": "pass",
            "summary": "x",
            "reason": "y",
        },
        role="agency",
    )
    assert concl["recommendation"] == "pass"
    refused(
        {"kind": "decision", "settles": [FID], "item": "Q5", "flag": "X", "reason": "r"},
        "/",
        role="agency",
    )
    refused(
        {"kind": "decision", "settles": [], "item": "Q5", "answer": "C", "reason": "r"},
        "/settles",
        role="agency",
    )
    refused(
        {
            "kind": "decision",
            "settles": [FID],
            "item": "Q5",
            "answer": "C",
            "summary": "s",
            "reason": "r",
        },
        "/summary",
        role="agency",
    )
