"""The expert's export: nothing new is no file; an export interrupted after it was recorded is
completed with the very same bundle (same id and hash), which the agency then merges once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sync import bundle as bundle_mod
from sync.expert import export_bundle, exports

from .conftest import World, copy_in


def test_nothing_new_writes_nothing(make_world: Callable[[], World]) -> None:
    world = make_world()
    ex = world.expert("sun")
    assert export_bundle(ex.home, ex.me, ex.agency, ex.out).written is None
    ex.scores(2)
    assert export_bundle(ex.home, ex.me, ex.agency, ex.out).written is not None
    assert export_bundle(ex.home, ex.me, ex.agency, ex.out).written is None
    assert len(list(ex.out.iterdir())) == 1


def test_interrupted_export_is_completed_identically(
    make_world: Callable[[], World], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world()
    ex = world.expert("qian")
    ex.scores(3)

    def pulled_stick(self: bundle_mod.PreparedBundle, out_dir: Path, recipients: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(bundle_mod.PreparedBundle, "write", pulled_stick)
    with pytest.raises(OSError):
        export_bundle(ex.home, ex.me, ex.agency, ex.out)
    monkeypatch.undo()
    (row,) = exports(ex.home)
    assert row.state == "writing" and not list(ex.out.iterdir())
    ex.scores(1)
    result = export_bundle(ex.home, ex.me, ex.agency, ex.out)
    (done,) = result.completed
    assert (done.bundle_id, done.bundle_hash) == (row.bundle_id, row.bundle_hash)
    assert result.written is not None and result.written.manifest["number"] == 2
    assert [r.state for r in exports(ex.home)] == ["done", "done"]
    _home, store = world.new_agency(tmp_path)
    outcomes = [store.import_file(copy_in(p, tmp_path)) for p in (result.written.path, done.path)]
    assert [o.status for o in outcomes] == ["pending", "merged"]
    assert [o.number for o in outcomes[1].then_merged] == [2]
