"""``score`` says beside the level that the checklist's level thresholds (and S12's constrained
flag) are unconfirmed, with the source; an agency's corrected checklist confirms them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from inspector_app.cli import run
from inspector_app.resources import resource_path

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
CLEAN = EXAMPLES / "clean.case.zip"

pytestmark = pytest.mark.skipif(not CLEAN.is_file(), reason="shared examples not present")


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_json_says_the_thresholds_are_unconfirmed(tmp_path: Path) -> None:
    code, out, err = _run("score", str(CLEAN), "--self", "--json", "--home", str(tmp_path))
    assert code == 0, err
    got = json.loads(out)
    assert got["level"] == 2
    assert got["thresholds_confirmed"] is False
    assert "第三方" in got["thresholds_source"]
    assert "third-party" in got["thresholds_source_en"]
    assert any("gov.cn" in s for s in got["thresholds_sources"])
    assert list(got["constrained_unconfirmed"]) == ["S12"]
    assert got["constrained_unconfirmed"]["S12"]["constrained"] is True


@pytest.mark.parametrize(
    ("lang", "level_line", "thresholds", "scene"),
    [
        (
            "zh_CN",
            "评定等级：二级",
            "  等级阈值未经核实：等级阈值（",
            "  场景S12按约束性场景计，未经核实：",
        ),
        (
            "en",
            "Level reached: level 2",
            "  The level thresholds are not confirmed: The level thresholds (",
            "  Scene S12 is counted as constrained, which is not confirmed: ",
        ),
    ],
)
def test_text_says_so_next_to_the_level(
    tmp_path: Path, lang: str, level_line: str, thresholds: str, scene: str
) -> None:
    code, out, err = _run("score", str(CLEAN), "--self", "--home", str(tmp_path), "--lang", lang)
    assert code == 0, err
    lines = out.splitlines()
    at = lines.index(level_line)
    assert lines[at + 1].startswith(thresholds)
    assert lines[at + 2].startswith(scene)


def _corrected() -> dict[str, Any]:
    data = json.loads(resource_path("checklists", "miit-2024.json").read_text(encoding="utf-8"))
    data["version"] = "2024.1-annex"
    data["levels"]["thresholds_confirmed"] = True
    data["levels"]["thresholds_source"] = {
        "text": "《评测指标（2024年版）》附件第7页",
        "text_en": "The 2024 indicators, annex p. 7",
        "sources": ["工信厅企业〔2024〕56号 附件"],
    }
    for group in data["business"]["groups"]:
        for s in group["scenes"]:
            if s["id"] == "S12":
                s["constrained_confirmed"] = True
    return data


def test_an_agency_correction_in_the_home_confirms_them(tmp_path: Path) -> None:
    folder = tmp_path / "settings" / "checklists"
    folder.mkdir(parents=True)
    (folder / "miit-2024.json").write_text(
        json.dumps(_corrected(), ensure_ascii=False), encoding="utf-8"
    )
    code, out, err = _run("score", str(CLEAN), "--self", "--json", "--home", str(tmp_path))
    assert code == 0, err
    got = json.loads(out)
    assert got["checklist_version"] == "2024.1-annex"
    assert got["thresholds_confirmed"] is True
    assert got["thresholds_source_en"] == "The 2024 indicators, annex p. 7"
    assert got["constrained_unconfirmed"] == {}
    code, out, err = _run("score", str(CLEAN), "--self", "--home", str(tmp_path), "--lang", "en")
    assert code == 0, err
    assert "not confirmed" not in out
