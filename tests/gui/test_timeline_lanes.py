"""The timeline's lane placement: the min-tree gives the plain first-fit scan's lanes."""

from __future__ import annotations

import random

from ui.widgets.timeline import _Lanes


def _first_fit(spans: list[tuple[float, float]]) -> list[int]:
    ends: list[float] = []
    placed = []
    for left, right in spans:
        lane = next((n for n, end in enumerate(ends) if end < left), len(ends))
        if lane == len(ends):
            ends.append(0.0)
        ends[lane] = right
        placed.append(lane)
    return placed


def test_lanes_match_the_first_fit_scan() -> None:
    rng = random.Random(7)
    for _ in range(200):
        n = rng.randint(1, 300)
        lefts = sorted(rng.uniform(2, 1000) for _ in range(n))
        if rng.random() < 0.3:  # labels pushed back from the right edge: lefts not sorted
            lefts = [min(x, rng.uniform(500, 1000)) for x in lefts]
        spans = [(x, x + rng.uniform(8, 200)) for x in lefts]
        lanes = _Lanes(n)
        assert [lanes.place(a, b) for a, b in spans] == _first_fit(spans)
        assert lanes.used == max(_first_fit(spans)) + 1
