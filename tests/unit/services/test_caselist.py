"""The case list's reading path: the store read only, the cached analysis's flag ids read from
the small file beside the pickle (``AnalysisCache.peek_flags``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app import services
from inspector_app.errors import EnvironmentProblem
from inspector_app.findings import open_store
from inspector_app.samples import generate
from tests.unit.services.conftest import make_home


@pytest.fixture(scope="module")
def burst_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pkg") / "burst.case.zip"
    return generate("usage_burst", out, seed=0, size="small")


def test_open_flags_come_from_the_file_beside_the_pickle(
    tmp_path: Path, burst_package: Path
) -> None:
    home = make_home(tmp_path, "h")
    case_id = services.import_case(home, burst_package).case_id
    cache = services.AnalysisCache(home.workspace)
    assert cache.peek_flags(case_id) is None
    (before,) = services.list_cases(home)
    assert not before.analysed and before.open_flags == 0

    result = services.open_case(home, case_id).analysis()
    ids = [f.id for f in result.flags]
    assert ids and cache.flags_path(case_id).is_file()
    assert cache.peek_flags(case_id) == ids
    (after,) = services.list_cases(home)
    assert after.analysed and after.open_flags == len(ids)

    # a cache written before the file existed: read from the pickle once, the file written
    cache.flags_path(case_id).unlink()
    assert cache.peek_flags(case_id) == ids
    assert cache.flags_path(case_id).is_file()

    # no pickle, no result (the file alone is not trusted)
    cache.path(case_id).unlink()
    assert cache.peek_flags(case_id) is None
    cache.drop(case_id)
    assert not cache.flags_path(case_id).exists()


def test_a_damaged_flags_file_is_read_from_the_pickle(tmp_path: Path, burst_package: Path) -> None:
    home = make_home(tmp_path, "h")
    case_id = services.import_case(home, burst_package).case_id
    result = services.open_case(home, case_id).analysis()
    cache = services.AnalysisCache(home.workspace)
    cache.flags_path(case_id).write_text("{not json", encoding="utf-8")
    assert cache.peek_flags(case_id) == [f.id for f in result.flags]


def test_the_list_reads_a_store_it_does_not_write(tmp_path: Path, clean_package: Path) -> None:
    home = make_home(tmp_path, "h")
    assert services.list_cases(home) == []  # no database yet: created as usual
    case_id = services.import_case(home, clean_package).case_id
    with open_store(home, read_only=True) as store:
        assert [c.case_id for c in store.cases()] == [case_id]
        with pytest.raises(EnvironmentProblem):
            store.set_case_status(case_id, "in_progress")
    with open_store(home) as store:
        assert store.case(case_id).status == "imported"  # type: ignore[union-attr]
