"""Every scenario trips its own rule and no other (an independent reading of red-flags.md)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from inspector_app.samples import SCENARIOS, VARIANTS, generate, scenario_rule
from tests.unit.samples.rulecheck import fired


@pytest.fixture(scope="module")
def scenario_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scenarios")
    return {s: generate(s, folder / f"{s}.case.zip", seed=0) for s in SCENARIOS}


def _expected(scenario: str) -> set[str]:
    """The rules a scenario's package must trip: its own, or none for ``clean``."""
    rule = scenario_rule(scenario)
    return set() if rule is None else {rule}


def _assert_valid_and_flags_only_its_rule(
    path: Path, scenario: str, tmp_path: Path, identities: Sequence[Any] = ()
) -> None:
    """The package validates without a warning and the analysis flags exactly its rule."""
    from inspector_app.analysis.engine import analyze
    from inspector_app.casepkg.api import open_package, validate_package

    result = validate_package(path, identities=identities, tmp_dir=tmp_path)
    assert result.valid, [e.to_json() for e in result.errors]
    assert not result.warnings, [w.to_json() for w in result.warnings]
    with open_package(path, identities=identities, tmp_dir=tmp_path) as package:
        flags = analyze(package).flags
    assert {f.rule for f in flags} == _expected(scenario), [(f.id, f.detail) for f in flags]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_trips_exactly_its_rule(scenario_packages: dict[str, Path], scenario: str) -> None:
    flags = fired(scenario_packages[scenario])
    assert set(flags) == _expected(scenario), flags


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_validates_and_analysis_agrees(
    scenario_packages: dict[str, Path], scenario: str, tmp_path: Path
) -> None:
    _assert_valid_and_flags_only_its_rule(scenario_packages[scenario], scenario, tmp_path)


_DIAGONAL = [(s, VARIANTS[i % len(VARIANTS)]) for i, s in enumerate(SCENARIOS)]


@pytest.mark.slow
@pytest.mark.parametrize(("scenario", "variant"), _DIAGONAL)
def test_scenarios_in_every_variant_validate(tmp_path: Path, scenario: str, variant: str) -> None:
    """Each scenario in one variant (every variant is used twice or more): valid, no warning."""
    import pyrage

    ident = pyrage.x25519.Identity.generate()
    recipients = [str(ident.to_public())] if variant == "encrypted" else []
    path = generate(
        scenario, tmp_path / "p.case.zip", seed=5, variant=variant, recipients=recipients
    )
    identities = [ident] if variant == "encrypted" else []
    _assert_valid_and_flags_only_its_rule(path, scenario, tmp_path, identities)
