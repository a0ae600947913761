"""The agency's corrected checklist in ``<home>/settings/checklists`` is the one every caller
uses: ``score``, ``analyze`` (a package or an imported case, whose cached analysis is then a
miss), ``findings flags`` and ``merge status`` (they used to disagree: only ``score`` loaded
it)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from inspector_app import cli, services
from inspector_app.checklist import get_checklist, make_answers, score_answers
from inspector_app.checklist.effective import home_checklists
from inspector_app.home import Home
from inspector_app.resources import resource_path
from sync import services as sync_services

from .conftest import PASSPHRASE, make_home


def corrected_checklist(folder: Path) -> None:
    """The bundled miit-2024 with every level's minimum score raised to 100: nobody below
    full marks reaches a level."""
    data = json.loads(
        Path(resource_path("checklists", "miit-2024.json")).read_text(encoding="utf-8")
    )
    data["version"] = "2024.1-corrected"
    for threshold in data["levels"]["thresholds"]:
        threshold["min_score"] = "100"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "miit-2024.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def cli_json(home: Home, *argv: str) -> Any:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run([*argv, "--home", str(home.root), "--json"], out, err)
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def enterprise_answers(case: services.CaseSession) -> list[dict[str, Any]]:
    """Score findings that repeat the enterprise's own answers, one per checklist item."""
    payloads: list[dict[str, Any]] = []
    for item_id, item in case.package.self_assessment.items.items():
        payload: dict[str, Any] = {"kind": "score", "item": item_id}
        if item.level is not None:
            payload["level"] = item.level
        else:
            payload["answer"] = list(item.answer) if isinstance(item.answer, tuple) else item.answer
            if item.figures:
                payload["figures"] = {k: str(v) for k, v in item.figures.items()}
        payloads.append(payload)
    return payloads


def test_score_findings_flags_and_merge_status_use_the_corrected_checklist(
    tmp_path: Path, clean_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", PASSPHRASE)
    expert = make_home(tmp_path, "expert", "expert")
    agency = make_home(tmp_path, "agency", "agency")
    services.trust_card(expert, agency.identity_dir / "card.json")
    services.trust_card(agency, expert.identity_dir / "card.json")
    bundled = get_checklist("miit-2024")

    # without a correction: the bundled checklist everywhere
    before = cli_json(expert, "score", str(clean_package), "--self")
    assert before["level"] > 0
    summary = services.import_case(expert, clean_package)
    rules = [f["rule"] for f in cli_json(expert, "analyze", summary.case_id)["flags"]]
    assert "SELF_ASSESSMENT_INFLATED" not in rules

    for home in (expert, agency):
        corrected_checklist(home.settings_dir / "checklists")
    corrected = home_checklists(expert).get("miit-2024")
    assert corrected.version == "2024.1-corrected" and bundled.version != corrected.version

    # score
    after = cli_json(expert, "score", str(clean_package), "--self")
    assert after["score"] == before["score"]
    assert after["level"] == 0
    assert after["checklist_version"] == "2024.1-corrected"

    # analyze (a package, and the case: its cached analysis is a miss after the correction)
    for target in (str(clean_package), summary.case_id):
        flags = cli_json(expert, "analyze", target)["flags"]
        assert "SELF_ASSESSMENT_INFLATED" in [f["rule"] for f in flags], target

    # findings flags: the expert agrees with every answer of the enterprise; with the
    # bundled checklist the claimed level is reached, with the corrected one it is not
    case = services.open_case(expert, summary.case_id)
    signer = services.unlock_identity(expert, PASSPHRASE)
    payloads = enterprise_answers(case)
    for payload in payloads:
        services.add_finding(expert, case, payload, signer=signer)
    answers = make_answers(
        {p["item"]: p.get("level", p.get("answer")) for p in payloads},
        {p["item"]: p["figures"] for p in payloads if "figures" in p},
    )
    assert score_answers(bundled, answers).level >= before["claimed_level"]
    flags = cli_json(expert, "findings", "flags", summary.case_id)
    (inflated,) = [f for f in flags if f["rule"] == "SELF_ASSESSMENT_INFLATED"]
    assert inflated["expert_level"] == 0
    assert inflated["claimed_level"] == before["claimed_level"]

    # merge status at the agency
    services.import_case(agency, clean_package)
    bundle = sync_services.export_bundle(expert, tmp_path / "out", signer=signer)
    assert bundle.written is not None
    agency_signer = services.unlock_identity(agency, PASSPHRASE)
    imported = sync_services.import_bundles(agency, [bundle.written.path], signer=agency_signer)
    assert not imported.refused
    status = cli_json(agency, "merge", "status")
    (project,) = status["projects"]
    (one,) = project["experts"]
    assert one["complete"] is True
    assert one["level"] == 0
    assert str(one["score"]) == str(after["score"])
