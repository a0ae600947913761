"""Property: any interleaving and repetition of the same bundles, imported in any order,
converges to the same agency store once all have arrived (pending ones merge in order)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.agency import snapshot

from .conftest import CASE_B, World, copy_in


class Batch:
    def __init__(self, world: World) -> None:
        self.world = world
        self.bundles: list[Path] = []
        a, b, c = world.expert("chen"), world.expert("zhou"), world.expert("wu")
        for expert, rounds in ((a, 3), (b, 2), (c, 1)):
            for r in range(rounds):
                expert.scores(2 + r)
                expert.add(
                    {"kind": "flag_review", "flag": f"USAGE_BURST:s{r}", "decision": "confirmed"},
                    CASE_B,
                )
                self.bundles.append(expert.export())
        root = Path(tempfile.mkdtemp(prefix="reference-"))
        home, store = world.new_agency(root)
        for path in self.bundles:
            assert store.import_file(copy_in(path, root)).status == "merged"
        self.reference = snapshot(home, ignore_times=True)
        shutil.rmtree(root)


@pytest.fixture(scope="module")
def batch(make_world: Callable[[], World]) -> Batch:
    return Batch(make_world())


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_order_with_repeats_converges(batch: Batch, data: st.DataObject) -> None:
    n = len(batch.bundles)
    order = data.draw(st.permutations(range(n)), label="order")
    repeats = data.draw(st.lists(st.integers(0, n - 1), max_size=6), label="repeats")
    sequence = list(order)
    for r in repeats:
        sequence.insert(data.draw(st.integers(0, len(sequence)), label="at"), r)
    root = Path(tempfile.mkdtemp(prefix="converge-"))
    try:
        home, store = batch.world.new_agency(root)
        statuses = [store.import_file(copy_in(batch.bundles[i], root)).status for i in sequence]
        assert "refused" not in statuses
        assert snapshot(home, ignore_times=True) == batch.reference
    finally:
        shutil.rmtree(root)
