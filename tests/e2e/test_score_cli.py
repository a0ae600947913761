"""``inspector-app score PACKAGE --self [--json]`` end to end (cli.md)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from inspector_app.cli import run

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
CLEAN = EXAMPLES / "clean.case.zip"

pytestmark = pytest.mark.skipif(not CLEAN.is_file(), reason="shared examples not present")


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _json(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def _repack(tmp_path: Path, change: dict[str, Any]) -> Path:
    """clean.case.zip with self_assessment.json changed and the manifest's hash/size updated."""
    with zipfile.ZipFile(CLEAN) as src:
        entries = {i.filename: src.read(i) for i in src.infolist() if not i.is_dir()}
    sa = json.loads(entries["self_assessment.json"])
    items = change.pop("items", {})
    sa["items"].update(items)
    sa.update(change)
    data = json.dumps(sa, ensure_ascii=False, indent=1).encode("utf-8")
    entries["self_assessment.json"] = data
    manifest = json.loads(entries["manifest.json"])
    for f in manifest["files"]:
        if f["path"] == "self_assessment.json":
            f["sha256"] = hashlib.sha256(data).hexdigest()
            f["size"] = len(data)
    entries["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    out = tmp_path / "changed.case.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, blob in entries.items():
            dst.writestr(name, blob)
    return out


def test_clean_json_exact() -> None:
    code, out, err = _run("score", str(CLEAN), "--self", "--json")
    assert code == 0, err
    got = _json(out)
    assert got["checklist"] == "miit-2024"
    assert got["checklist_version"] == "2024.1"
    assert got["score"] == Decimal("50.6")
    assert got["dimensions"] == {
        "数字化基础": Decimal("25.6"),
        "数字化管理": Decimal("15.0"),
        "数字化成效": Decimal("10.0"),
    }
    assert got["scenes"] == {
        "S1": 3, "S2": 1, "S3": 3, "S4": 1, "S5": 0, "S6": 1, "S7": 2, "S8": 3,
        "S9": 1, "S10": 2, "S11": 2, "S12": 1, "S13": 1, "S14": 1, "S15": 0, "S16": 0,
    }  # fmt: skip
    assert got["scenes_at_or_above"] == {"1": 13, "2": 6, "3": 3, "4": 0}
    assert got["constrained_at_or_above"] == {"1": 10, "2": 6, "3": 3, "4": 0}
    assert got["level"] == 2
    assert got["claimed_score"] == Decimal("50.6")
    assert got["claimed_level"] == 2
    assert got["blocking_next_level"] == [
        "还差：得分 9.4 分（三级需 60 分）",
        "还差：场景达到三级 5 个",
        "还差：约束性场景达到三级 2 个",
    ]
    assert got["blocking_next_level_en"] == [
        "needs 9.4 more points (level 3 requires 60)",
        "needs 5 more scenes at level 3",
        "needs 2 more constrained scenes at level 3",
    ]
    assert '"score": 50.6,' in out  # an exact decimal, not 50.60000000000001


def test_clean_text_explanation() -> None:
    code, out, _ = _run("score", str(CLEAN), "--self")
    assert code == 0
    assert "评定等级：二级\n" in out
    assert "企业自报：得分 50.6，等级 2\n" in out
    assert "Level reached" not in out
    code, out, _ = _run("score", str(CLEAN), "--self", "--lang", "en")
    assert code == 0
    assert "Level reached: level 2\n" in out
    assert "Claimed: score 50.6, level 2\n" in out
    assert "评定等级" not in out and "还差" not in out


def test_encrypted_with_identity() -> None:
    code, out, err = _run(
        "score",
        str(EXAMPLES / "clean.case.zip.age"),
        "--self",
        "--json",
        "--identity",
        str(EXAMPLES / "example-expert.agekey"),
    )
    assert code == 0, err
    assert _json(out)["score"] == Decimal("50.6")


def test_malformed_answers_score_zero_and_are_reported(tmp_path: Path) -> None:
    pkg = _repack(
        tmp_path,
        {
            "items": {"Q5": {"answer": "c", "evidence": []}, "Q99": {"answer": "A"}},
            "claimed_score": 63.5,
            "claimed_level": 3,
        },
    )
    code, out, err = _run("score", str(pkg), "--self", "--json")
    assert code == 0, err
    got = _json(out)
    assert got["score"] == Decimal("45.6")  # Q5 (5 points) is malformed and scores 0
    assert got["dimensions"]["数字化基础"] == Decimal("20.6")
    assert (got["claimed_score"], got["claimed_level"], got["level"]) == (Decimal("63.5"), 3, 2)
    assert {(w["code"], w["pointer"]) for w in got["warnings"]} == {
        ("INVALID_ANSWER", "/items/Q5/answer"),
        ("UNKNOWN_ITEM", "/items/Q99"),
    }


def test_unknown_checklist_refused(tmp_path: Path) -> None:
    pkg = _repack(tmp_path, {"checklist": "miit-2099"})
    code, _, err = _run("score", str(pkg), "--self", "--json")
    assert code == 1
    assert "miit-2099" in err


def test_usage_errors() -> None:
    assert _run("score", str(CLEAN))[0] == 2  # --self is required
    code, _, err = _run("score", "/nonexistent/x.case.zip", "--self")
    assert code == 1 and "x.case.zip" in err
