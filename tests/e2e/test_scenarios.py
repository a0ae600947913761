"""Every sample scenario fires its planted rule and no other; clean packages raise nothing.

Over packages written by ``inspector_app.samples`` (two seeds per scenario, different seeds
for different scenarios), every export variant of ``clean``, and the independent producer's
examples in ``../shared/examples``. Each case generates its own small package, so pytest-xdist
spreads them over the cores.

``python -m tests.e2e.test_scenarios`` prints the Markdown table of rules fired per scenario
that ``docs/red-flags.md`` shows (the same code as the tests).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from inspector_app.analysis import RULE_IDS, AnalysisResult, analyze
from inspector_app.casepkg import open_package
from inspector_app.samples import SCENARIOS, VARIANTS, generate, scenario_rule

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
CLEAN_VARIANTS = tuple(v for v in VARIANTS if v != "encrypted")
RULE_SCENARIOS = tuple(s for s in SCENARIOS if s != "clean")


def seeds_for(scenario: str) -> tuple[int, int]:
    """Two seeds per scenario, different across scenarios (52 seeds in all)."""
    i = SCENARIOS.index(scenario)
    return i, i + len(SCENARIOS)


def run(path: Path, tmp: Path) -> AnalysisResult:
    with open_package(path, tmp_dir=tmp) as package:
        return analyze(package)


def analyse_sample(
    scenario: str, seed: int, tmp: Path, variant: str | None = None
) -> AnalysisResult:
    name = f"{scenario}-{seed}-{variant or 'plain'}.case.zip"
    path = generate(scenario, tmp / name, seed=seed, variant=variant)
    return run(path, tmp)


def describe(result: AnalysisResult) -> str:
    return "\n".join(f"{f.id}: {f.title_en} — {f.detail}" for f in result.flags) or "(none)"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("scenario", "seed"),
    [(s, seed) for s in RULE_SCENARIOS for seed in seeds_for(s)],
)
def test_planted_rule_fires_alone(scenario: str, seed: int, tmp_path: Path) -> None:
    result = analyse_sample(scenario, seed, tmp_path)
    rule = scenario_rule(scenario)
    assert rule in RULE_IDS
    fired = {f.rule for f in result.flags}
    assert fired == {rule}, describe(result)
    for flag in result.flags:
        assert flag.id.startswith(rule)
        assert flag.title and flag.title_en and flag.detail and flag.hint
        assert flag.title != flag.title_en  # translated
        assert flag.evidence, flag.id


@pytest.mark.slow
@pytest.mark.parametrize("seed", seeds_for("clean"))
def test_clean_raises_nothing(seed: int, tmp_path: Path) -> None:
    result = analyse_sample("clean", seed, tmp_path)
    assert result.flags == [], describe(result)
    assert result.usage, "a clean sample has usage logs"
    for stats in result.usage.values():
        assert stats["events"] > 0
        assert 0 < stats["share_last_30"] < 1


@pytest.mark.slow
@pytest.mark.parametrize("variant", CLEAN_VARIANTS)
def test_clean_variants_raise_nothing(variant: str, tmp_path: Path) -> None:
    seed = 3 + CLEAN_VARIANTS.index(variant)
    result = analyse_sample("clean", seed, tmp_path, variant)
    assert result.flags == [], describe(result)
    assert result.usage and all(s["events"] > 0 for s in result.usage.values())


@pytest.mark.parametrize(
    ("example", "expected"),
    [
        ("clean.case.zip", set()),
        ("clean-gbk-names.case.zip", set()),
        ("payment-reflux.case.zip", {"PAYMENT_REFLUX"}),
    ],
)
def test_independent_examples(example: str, expected: set[str], tmp_path: Path) -> None:
    path = EXAMPLES / example
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    result = run(path, tmp_path)
    assert {f.rule for f in result.flags} == expected, describe(result)
    if expected:
        (flag,) = result.flags
        rows = [e.rows for e in flag.evidence if e.path == "finance/payments.csv"]
        assert rows and all(r is not None for r in rows)


# --------------------------------------------------------------------------- the doc's table
def cell(flag_id: str) -> str:
    """A flag id as a Markdown table cell (``|`` of DUPLICATE_EVIDENCE escaped)."""
    return "`" + flag_id.replace("|", "\\|") + "`"


def table() -> str:
    """Markdown: for each scenario and seed the tests use, the rules that fired."""
    lines = [
        "| scenario | seeds | rules fired (every seed) | as expected |",
        "|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for scenario in SCENARIOS:
            fired_per_seed = []
            for seed in seeds_for(scenario):
                result = analyse_sample(scenario, seed, t)
                fired_per_seed.append(sorted({f.id for f in result.flags}))
            rule = scenario_rule(scenario)
            expected = set() if rule is None else {rule}
            ok = all({i.split(":")[0] for i in ids} == expected for ids in fired_per_seed)
            shown = "; ".join(", ".join(cell(i) for i in ids) or "—" for ids in fired_per_seed)
            seeds = ", ".join(str(s) for s in seeds_for(scenario))
            lines.append(f"| `{scenario}` | {seeds} | {shown} | {'yes' if ok else '**no**'} |")
        for variant in CLEAN_VARIANTS:
            seed = 3 + CLEAN_VARIANTS.index(variant)
            try:
                result = analyse_sample("clean", seed, t, variant)
                ids = sorted(f.id for f in result.flags)
                shown = ", ".join(cell(i) for i in ids) or "—"
                ok = "yes" if not ids else "**no**"
            except Exception as exc:  # shown in the table: the package did not load
                shown, ok = f"package refused: {exc}".replace("|", "/"), "**no**"
            lines.append(f"| `clean` / `{variant}` | {seed} | {shown} | {ok} |")
        for example, expected in (
            ("clean.case.zip", set()),
            ("clean-gbk-names.case.zip", set()),
            ("payment-reflux.case.zip", {"PAYMENT_REFLUX"}),
        ):
            path = EXAMPLES / example
            if not path.is_file():
                continue
            result = run(path, t)
            ids = sorted(f.id for f in result.flags)
            ok = {i.split(":")[0] for i in ids} == expected
            shown = ", ".join(cell(i) for i in ids) or "—"
            lines.append(f"| example `{example}` | — | {shown} | {'yes' if ok else '**no**'} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(table() + "\n")
