"""Every scenario trips its own rule and no other (an independent reading of red-flags.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app.samples import SCENARIOS, generate
from tests.unit.samples.rulecheck import fired


@pytest.fixture(scope="module")
def scenario_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scenarios")
    return {s: generate(s, folder / f"{s}.case.zip", seed=0) for s in SCENARIOS}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_trips_exactly_its_rule(scenario_packages: dict[str, Path], scenario: str) -> None:
    flags = fired(scenario_packages[scenario])
    expected = set() if scenario == "clean" else {scenario.upper()}
    assert set(flags) == expected, flags


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_trips_exactly_its_rule_other_seeds(
    tmp_path: Path, scenario: str, seed: int
) -> None:
    path = generate(scenario, tmp_path / "p.case.zip", seed=seed)
    expected = set() if scenario == "clean" else {scenario.upper()}
    assert set(fired(path)) == expected
