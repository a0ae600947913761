"""safejson's checks over large texts: no single long scan (chunks; a level-by-level walk of
the containers), the same verdicts as the plain walk of every node."""

from __future__ import annotations

import json
import random

import pytest

from inspector_app import safejson


@pytest.mark.parametrize("offset", [-6, -5, -4, -3, -2, -1, 0, 1])
def test_a_surrogate_escape_across_a_chunk_boundary_is_found(offset: int) -> None:
    pad = safejson.CHUNK + offset - len('["') - len('", "')
    text = '["' + "x" * pad + '", "\\ud800"]'
    assert text.index("\\ud800") in range(safejson.CHUNK - 6, safejson.CHUNK + 2)
    with pytest.raises(safejson.JsonRefused) as info:
        safejson.loads(text)
    assert info.value.code == "LONE_SURROGATE"


def test_depth_in_a_large_text_is_read_from_its_containers() -> None:
    files = [{"path": f"docs/{n:06d}.pdf", "sha256": "0" * 64, "size": n} for n in range(5000)]
    manifest = {"files": files, "brackets": "[[[[{{{{" * 100}
    text = json.dumps(manifest)
    assert len(text) > safejson.CHUNK
    assert safejson.loads(text) == manifest
    deep: object = "leaf"
    for n in range(safejson.MAX_DEPTH - 1):  # the manifest is one level: 64 in all
        deep = [deep] if n % 2 else {"k": deep}
    assert safejson.loads(json.dumps({**manifest, "deep": deep}))["deep"] == deep
    with pytest.raises(safejson.JsonRefused) as info:
        safejson.loads(json.dumps({**manifest, "deep": [deep]}))
    assert info.value.code == "TOO_DEEP"


def test_the_level_walk_agrees_with_the_node_walk() -> None:
    rng = random.Random(3)

    def make(depth: int) -> object:
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(["s", 1, None, "[{"])
        if rng.random() < 0.5:
            return [make(depth - 1) for _ in range(rng.randint(0, 3))]
        return {f"k{n}": make(depth - 1) for n in range(rng.randint(0, 3))}

    for _ in range(300):
        value = make(rng.randint(1, 12))
        limit = rng.randint(1, 10)
        try:
            safejson.check_value(value, max_depth=limit)
            walked = False
        except safejson.JsonRefused:
            walked = True
        assert safejson._too_deep(value, limit) is walked
