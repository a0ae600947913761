"""The case list's reading path: the store read only, the cached analysis's flag ids read from
the small file beside the pickle (``AnalysisCache.peek_flags``)."""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from inspector_app import services
from inspector_app.errors import EnvironmentProblem, InputRefused, UsageError
from inspector_app.findings import open_store
from inspector_app.home import Home
from inspector_app.samples import generate
from inspector_app.services import caselist, caselist_cache
from tests.unit.services.conftest import PASSPHRASE, make_home


@pytest.fixture(scope="module")
def burst_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pkg") / "burst.case.zip"
    return generate("usage_burst", out, seed=0, size="small")


@pytest.fixture(scope="module")
def other_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A burst package of another package id than ``clean_package`` (seed 0)."""
    out = tmp_path_factory.mktemp("pkg") / "burst1.case.zip"
    return generate("usage_burst", out, seed=1, size="small")


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


# -- the cache of what the list derives from the findings (services.caselist_cache) ------------


def reference(home: Home) -> list[dict[str, Any]]:
    """The list as it was computed before the cache (every finding decoded), independently of
    ``caselist``: the oracle the cached and the uncached lists must both equal."""
    cache = services.AnalysisCache(home.workspace)
    out = []
    with open_store(home, read_only=True) as store:
        exported = None
        if "sync_exports" in store.db.table_names():
            row = store.db.execute("SELECT MAX(last_seq) FROM sync_exports").fetchone()
            exported = row[0]
        for case in store.cases():
            local = [
                f
                for f in store.findings(case.case_id, include_superseded=True)
                if f.origin == "local"
            ]
            if case.stale:
                display = "stale"
            elif not local:
                display = "not_started"
            elif not any(f.kind in ("conclusion", "decision") for f in local):
                display = "in_progress"
            elif exported is not None and max(f.record.seq for f in local) <= exported:
                display = "exported"
            else:
                display = "concluded"
            flags = cache.peek_flags(case.case_id)
            reviewed = {
                str(f.data.get("flag"))
                for f in store.findings(case.case_id, kind="flag_review")
                if f.origin == "local"
            }
            folder = Path(case.folder) if case.folder else None
            enterprise = caselist.read_case_json(folder, "enterprise.json") if folder else {}
            project = caselist.read_case_json(folder, "project.json") if folder else {}
            out.append(
                {
                    "row": case.to_json(),
                    "status": case.status,
                    "display_status": display,
                    "open_flags": sum(1 for f in flags or () if f not in reviewed),
                    "analysed": flags is not None,
                    "district": enterprise.get("district"),
                    "providers": [p["name"] for p in project.get("providers") or ()],
                    "warnings": list(case.warnings),
                }
            )
    return out


def shown(summaries: list[services.CaseSummary]) -> list[dict[str, Any]]:
    """What ``reference`` computes, of the summaries (``row`` is not compared by ``==``)."""
    out = []
    for s in summaries:
        assert s.row is not None
        out.append(
            {
                "row": s.row.to_json(),
                "status": s.status,
                "display_status": s.display_status,
                "open_flags": s.open_flags,
                "analysed": s.analysed,
                "district": s.district,
                "providers": list(s.providers),
                "warnings": list(s.warnings),
            }
        )
    return out


class Counted:
    """Counts the full computations (``caselist._derive`` runs only on a miss)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.derived = 0
        real = caselist._derive

        def derive(store: Any, case: Any) -> caselist_cache.Derived:
            self.derived += 1
            return real(store, case)

        monkeypatch.setattr(caselist, "_derive", derive)

    def listing(self, home: Home, *, hit: bool) -> list[services.CaseSummary]:
        """``list_cases``, asserted a hit (nothing derived, the store's modules not used) or a
        miss, equal to the reference and to the list computed without the cache file."""
        before = self.derived
        listed = services.list_cases(home)
        assert (self.derived == before) is hit or not listed, (hit, self.derived, before)
        assert shown(listed) == reference(home)
        assert cache_file(home).is_file()
        if hit:
            # the same without the file (a miss), which writes it again: a hit again after
            held = cache_file(home).read_bytes()
            cache_file(home).unlink()
            fresh = services.list_cases(home)
            assert shown(fresh) == shown(listed) and fresh == listed
            assert cache_file(home).read_bytes() == held
        again = self.derived
        served = services.list_cases(home)
        assert self.derived == again, "the listing right after a listing is a hit"
        assert shown(served) == shown(listed) and served == listed
        for s in listed:  # case_summary from the cache: by id and by prefix
            assert services.case_summary(home, s.case_id) == s
            assert shown([services.case_summary(home, s.case_id[:6])]) == shown([s])
        assert self.derived == again
        return listed


def cache_file(home: Home) -> Path:
    return home.workspace / caselist_cache.CACHE_NAME


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counted:
    return Counted(monkeypatch)


def test_the_light_reader_names_the_store_s_own() -> None:
    from inspector_app.findings import db as dbm
    from inspector_app.findings import reading
    from inspector_app.findings.core import StoreCore
    from inspector_app.findings.model import CaseRow

    # one definition, shared by the store and the case list's light reader
    assert caselist_cache.DB_NAME is reading.DB_NAME
    assert dbm.BUSY_TIMEOUT_MS is reading.BUSY_TIMEOUT_MS
    assert StoreCore._CASE_COLUMNS is reading.CASE_COLUMNS is caselist_cache.CASE_COLUMNS
    row = caselist_cache.case_row(["c", "p", *[None] * 5, "imported", "t", '["w"]'])
    assert type(row) is CaseRow and row.warnings == ["w"] and row.status == "imported"
    assert StoreCore._case_row is reading.case_row


def test_cached_list_equals_the_full_one_through_every_change(
    tmp_path: Path, clean_package: Path, other_package: Path, counted: Counted
) -> None:
    from sync import services as sync_services

    home = make_home(tmp_path, "expert", "expert")
    agency = make_home(tmp_path, "agency", "agency")
    services.trust_card(home, agency.identity_dir / "card.json")
    signer = services.unlock_identity(home, PASSPHRASE)
    assert counted.listing(home, hit=False) == []  # a new store: created, listed, cached
    a = services.import_case(home, clean_package).case_id
    b = services.import_case(home, other_package).case_id
    # the store lists by import time, then case id: a before b whatever their random ids
    order = {a: 0, b: 1}

    def listing(*, hit: bool) -> list[services.CaseSummary]:
        return sorted(counted.listing(home, hit=hit), key=lambda s: order.get(s.case_id, 2))

    def add(case_id: str, payload: dict[str, Any]) -> str:
        return services.add_finding(home, case_id, payload, signer=signer).finding.finding_id

    def states() -> list[tuple[str, str, int]]:
        return [(s.display_status, s.status, s.open_flags) for s in services.list_cases(home)]

    listed = listing(hit=False)  # the cases table changed
    assert [s.display_status for s in listed] == ["not_started", "not_started"]
    # the analysis's flags are read fresh beside a cache hit
    flags = [f.id for f in services.open_case(home, b).analysis().flags]
    assert flags
    listed = listing(hit=True)
    assert listed[1].analysed and listed[1].open_flags == len(flags)
    # observations only
    add(a, {"kind": "observation", "text": "现场"})
    add(a, {"kind": "observation", "text": "补充"})
    assert listing(hit=False)[0].display_status == "in_progress"
    # flag reviews (of a flag the analysis did not raise too); one superseded by a later
    # review of the same flag
    add(b, {"kind": "flag_review", "flag": "USAGE_BURST:other", "decision": "confirmed"})
    assert listing(hit=False)[1].open_flags == len(flags)
    add(b, {"kind": "flag_review", "flag": flags[0], "decision": "confirmed"})
    assert listing(hit=False)[1].open_flags == len(flags) - 1
    add(b, {"kind": "flag_review", "flag": flags[0], "decision": "dismissed", "reason": "误报"})
    listed = listing(hit=False)
    assert listed[1].open_flags == len(flags) - 1 and listed[1].display_status == "in_progress"
    # a conclusion
    before = states()
    add(
        a,
        {
            "kind": "conclusion",
            "recommendation": "improve",
            "summary": "质检仍用表格",
            "requirements": ["上线质检模块"],
        },
    )
    listed = listing(hit=False)
    assert states() != before and listed[0].display_status == "concluded"
    # exported: the sync layer's table (and its migrations)
    sync_services.export_bundle(home, tmp_path / "out", signer=signer)
    assert listing(hit=False)[0].display_status == "exported"
    # a later local finding: concluded again
    add(a, {"kind": "observation", "text": "导出之后"})
    assert listing(hit=False)[0].display_status == "concluded"
    # a stale conclusion: a ground withdrawn after the conclusion was signed
    add(b, {"kind": "flag_review", "flag": "PAYMENT_REFLUX:x", "decision": "confirmed"})
    obs = add(b, {"kind": "observation", "text": "资金回流"})
    grounds = {"flags": ["PAYMENT_REFLUX:x"], "findings": [obs]}
    add(
        b,
        {"kind": "conclusion", "recommendation": "disqualify", "summary": "…", "grounds": grounds},
    )
    listed = listing(hit=False)
    assert listed[1].display_status == "concluded" and listed[1].status == "concluded"
    add(
        b,
        {
            "kind": "flag_review",
            "flag": "PAYMENT_REFLUX:x",
            "decision": "dismissed",
            "reason": "退款",
        },
    )
    listed = listing(hit=False)
    assert listed[1].display_status == "stale" and listed[1].status == "in_progress"
    assert listed[1].row is not None and listed[1].row.stale
    # a status changed by UPDATE (no finding added)
    with open_store(home) as store:
        store.set_case_status(a, "decided")
    listed = listing(hit=False)
    assert listed[0].status == "decided" and listed[0].row.status == "decided"  # type: ignore[union-attr]
    # a case folder's JSON is read fresh (not cached)
    folder = Path(listed[0].folder or "")
    (folder / "enterprise.json").write_text('{"district": "五华区"}', encoding="utf-8")
    assert listing(hit=True)[0].district == "五华区"


def test_records_imported_from_another_signer_invalidate_the_cache(
    tmp_path: Path, clean_package: Path, counted: Counted
) -> None:
    expert = make_home(tmp_path, "expert", "expert")
    agency = make_home(tmp_path, "agency", "agency")
    me = services.unlock_identity(expert, PASSPHRASE)
    boss = services.unlock_identity(agency, PASSPHRASE)
    case_id = services.import_case(expert, clean_package).case_id
    assert services.import_case(agency, clean_package).case_id == case_id
    conclusion = services.add_finding(
        expert,
        case_id,
        {"kind": "conclusion", "recommendation": "improve", "summary": "…", "requirements": ["x"]},
        signer=me,
    ).finding.finding_id
    assert counted.listing(agency, hit=False)[0].display_status == "not_started"
    with open_store(expert) as mine, open_store(agency) as theirs:
        fp = me.fingerprint
        theirs.import_records(mine.records(fp), mine.checkpoint(fp), signer_key=me.public_key)
    # imported records are not local: the same values, but the store changed (a miss)
    (listed,) = counted.listing(agency, hit=False)
    assert listed.display_status == "not_started"
    services.add_finding(
        agency,
        case_id,
        {"kind": "decision", "settles": [conclusion], "reason": "复核", "item": "S1", "level": 2},
        signer=boss,
    )
    assert counted.listing(agency, hit=False)[0].display_status == "concluded"


def test_a_restored_backup_is_not_served_the_newer_cache(
    tmp_path: Path, clean_package: Path, counted: Counted
) -> None:
    home = make_home(tmp_path, "h", "expert")
    me = services.unlock_identity(home, PASSPHRASE)
    case_id = services.import_case(home, clean_package).case_id
    services.add_finding(home, case_id, {"kind": "observation", "text": "一"}, signer=me)
    counted.listing(home, hit=False)
    db = home.workspace / caselist_cache.DB_NAME
    backup = tmp_path / "backup.sqlite3"
    src, dst = sqlite3.connect(db), sqlite3.connect(backup)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    services.add_finding(
        home,
        case_id,
        {"kind": "conclusion", "recommendation": "improve", "summary": "…", "requirements": ["x"]},
        signer=me,
    )
    assert counted.listing(home, hit=False)[0].display_status == "concluded"
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    shutil.copyfile(backup, db)
    assert counted.listing(home, hit=False)[0].display_status == "in_progress"


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b"",
        b"[]",
        b'{"format": 1, "fingerprint": null, "cases": {}}',
        "other version",
        "entry",
        "missing case",
    ],
)
def test_a_damaged_or_foreign_cache_is_a_miss(
    tmp_path: Path,
    clean_package: Path,
    counted: Counted,
    monkeypatch: pytest.MonkeyPatch,
    damage: bytes | str,
) -> None:
    home = make_home(tmp_path, "h", "expert")
    me = services.unlock_identity(home, PASSPHRASE)
    case_id = services.import_case(home, clean_package).case_id
    services.add_finding(home, case_id, {"kind": "observation", "text": "一"}, signer=me)
    good = counted.listing(home, hit=False)
    if isinstance(damage, bytes):
        cache_file(home).write_bytes(damage)
    elif damage == "other version":
        monkeypatch.setattr(caselist_cache, "__version__", "0.0.0-other")
    else:
        held = json.loads(cache_file(home).read_bytes())
        if damage == "entry":  # the right fingerprint, a value of the wrong type
            held["cases"][case_id]["local"] = "yes"
        else:
            del held["cases"][case_id]
        cache_file(home).write_text(json.dumps(held), encoding="utf-8")
    assert counted.listing(home, hit=False) == good
    assert [s.row.to_json() for s in good] == [s.row.to_json() for s in services.list_cases(home)]  # type: ignore[union-attr]


def test_a_cache_that_cannot_be_written_changes_nothing(
    tmp_path: Path,
    clean_package: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    home = make_home(tmp_path, "h", "expert")
    me = services.unlock_identity(home, PASSPHRASE)
    case_id = services.import_case(home, clean_package).case_id
    services.add_finding(home, case_id, {"kind": "observation", "text": "一"}, signer=me)
    # something in the way of the file
    cache_file(home).mkdir()
    with caplog.at_level(logging.DEBUG, logger="inspector_app.services.caselist"):
        assert shown(services.list_cases(home)) == reference(home)
    assert "not written" in caplog.text and cache_file(home).is_dir()
    cache_file(home).rmdir()

    # a full disk
    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(caselist_cache, "_write_atomic", full)
    assert shown(services.list_cases(home)) == reference(home)
    assert not cache_file(home).exists()
    assert not [p for p in home.workspace.iterdir() if p.name.startswith(".caselist")]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes read-only folders"
)
def test_a_read_only_workspace_lists_as_without_the_cache(
    tmp_path: Path, clean_package: Path
) -> None:
    home = make_home(tmp_path, "h", "expert")
    me = services.unlock_identity(home, PASSPHRASE)
    case_id = services.import_case(home, clean_package).case_id
    services.add_finding(home, case_id, {"kind": "observation", "text": "一"}, signer=me)
    expected = reference(home)
    # another connection keeps the WAL files open, as the running app does
    with open_store(home, read_only=True):
        mode = home.workspace.stat().st_mode
        home.workspace.chmod(0o555)
        try:
            assert shown(services.list_cases(home)) == expected
            assert not cache_file(home).exists()
        finally:
            home.workspace.chmod(mode)


def test_an_unknown_case_is_refused_as_without_the_cache(
    tmp_path: Path, clean_package: Path, counted: Counted
) -> None:
    home = make_home(tmp_path, "h")
    case_id = services.import_case(home, clean_package).case_id
    counted.listing(home, hit=False)
    for ref in ("", "zzzz"):
        services.list_cases(home)
        assert cache_file(home).is_file()
        with pytest.raises((InputRefused, UsageError)) as cached:
            services.case_summary(home, ref)
        cache_file(home).unlink()
        with pytest.raises(type(cached.value)) as full:
            services.case_summary(home, ref)
        assert str(cached.value) == str(full.value)
    assert services.case_summary(home, case_id.upper()).case_id == case_id
