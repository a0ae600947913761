"""The workspace store: appending, superseding, append-only triggers, migrations, drafts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from inspector_app.errors import EnvironmentProblem, InputRefused, UsageError
from inspector_app.findings import Migration, MigrationSet, open_store, verify_store
from inspector_app.findings.db import applied_migrations

from .conftest import CASE, Expert, make_expert


def score(item: str, answer: object) -> dict[str, object]:
    return {"kind": "score", "item": item, "answer": answer}


def test_add_chains_and_checkpoints(expert: Expert) -> None:
    s, me = expert.store, expert.me
    a = s.add_finding(me, CASE, score("Q1", ["B"]))
    b = s.add_finding(me, CASE, {"kind": "observation", "text": "看板"})
    assert (a.record.seq, b.record.seq) == (1, 2)
    assert a.record.prev is None and b.record.prev == a.record.hash
    assert a.record.signature_ok() and b.record.signature_ok()
    assert a.record.created_at.endswith("+08:00")
    cp = s.checkpoint(me.fingerprint)
    assert cp is not None and (cp.seq, cp.head, cp.head_finding_id) == (
        2,
        b.record.hash,
        b.finding_id,
    )
    assert cp.signature_ok()
    assert s.head(me.fingerprint) == (2, b.record.hash)
    assert [r.finding_id for r in s.records(me.fingerprint, 2)] == [b.finding_id]
    assert s.local_signer == me.fingerprint
    assert s.case(CASE).status == "in_progress"  # type: ignore[union-attr]


def test_implicit_and_explicit_supersession(expert: Expert) -> None:
    s, me = expert.store, expert.me
    q1 = s.add_finding(me, CASE, score("Q1", ["B"]))
    q2 = s.add_finding(me, CASE, score("Q2", "B"))
    q1b = s.add_finding(me, CASE, score("Q1", ["B", "C"]))
    assert q1b.record.supersedes == q1.finding_id
    current = {f.finding_id for f in s.findings(CASE)}
    assert current == {q2.finding_id, q1b.finding_id}
    everything = s.findings(CASE, include_superseded=True)
    assert len(everything) == 3
    assert (
        next(f for f in everything if f.finding_id == q1.finding_id).superseded_by == q1b.finding_id
    )
    # naming the wrong predecessor of an implicit kind is refused
    with pytest.raises(InputRefused, match="current score finding"):
        s.add_finding(me, CASE, {**score("Q1", ["D"]), "supersedes": q1.finding_id})
    # observations are replaced only by naming them
    o1 = s.add_finding(me, CASE, {"kind": "observation", "text": "a"})
    o2 = s.add_finding(me, CASE, {"kind": "observation", "text": "b"})
    assert o2.record.supersedes is None
    o1b = s.add_finding(
        me, CASE, {"kind": "observation", "text": "a2", "supersedes": o1.finding_id}
    )
    assert o1b.record.supersedes == o1.finding_id
    with pytest.raises(InputRefused, match="already superseded"):
        s.add_finding(me, CASE, {"kind": "observation", "text": "a3", "supersedes": o1.finding_id})
    with pytest.raises(InputRefused, match=r"not a interview finding"):
        s.add_finding(
            me,
            CASE,
            {
                "kind": "interview",
                "person": "x",
                "notes": [{"q": "q", "a": "a"}],
                "supersedes": o2.finding_id,
            },
        )
    c1 = s.add_finding(
        me,
        CASE,
        {"kind": "conclusion", "recommendation": "improve", "summary": "x", "requirements": ["r"]},
    )
    c2 = s.add_finding(
        me,
        CASE,
        {
            "kind": "conclusion",
            "recommendation": "disqualify",
            "summary": "y",
            "grounds": {"findings": [o2.finding_id]},
        },
    )
    assert c2.record.supersedes == c1.finding_id
    assert s.case(CASE).status == "concluded"  # type: ignore[union-attr]
    assert verify_store(s, own_key=me.public_key).ok


def test_signed_tables_refuse_update_and_delete(expert: Expert) -> None:
    s, me = expert.store, expert.me
    f = s.add_finding(me, CASE, score("Q1", ["B"]))
    s.add_finding(me, CASE, score("Q2", "B"))
    conn = s.db.conn
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE findings SET kind = 'x' WHERE finding_id = ?", (f.finding_id,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM findings WHERE finding_id = ?", (f.finding_id,))
    with pytest.raises(sqlite3.IntegrityError, match="forward"):
        conn.execute("UPDATE checkpoints SET seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="cannot be deleted"):
        conn.execute("DELETE FROM checkpoints")


def test_unknown_case_and_prefixes(expert: Expert) -> None:
    s = expert.store
    with pytest.raises(InputRefused):
        s.add_finding(expert.me, "nope", score("Q1", ["B"]))
    assert s.resolve_case("5F1C").case_id == CASE
    s.register_case("5f1c0000-0000-4000-8000-000000000000", uscc=None, enterprise=None)
    with pytest.raises(InputRefused, match="several"):
        s.resolve_case("5f1c")
    with pytest.raises(InputRefused):
        s.resolve_case("ffff")
    with pytest.raises(UsageError):
        s.resolve_case("  ")
    with pytest.raises(InputRefused, match="already imported"):
        s.register_case(CASE, uscc=None, enterprise=None)


def test_migrations_are_named_and_a_newer_database_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "h"
    with open_store(home) as s:
        assert applied_migrations(s.db)["findings"] == ["0001_initial"]
        s.db.execute(
            "INSERT INTO schema_migrations (namespace, name, applied_at) VALUES ('findings', '0099_future', 'x')"
        )
    with pytest.raises(InputRefused, match="newer version"):
        open_store(home)


def test_another_namespace_brings_its_own_migrations(tmp_path: Path) -> None:
    extra = MigrationSet("sync-test", (Migration("0001", ("CREATE TABLE t_extra (x INTEGER)",)),))
    with open_store(tmp_path, extra=[extra]) as s:
        assert "t_extra" in s.db.table_names()
    with open_store(tmp_path) as s:  # the core alone still opens it
        assert applied_migrations(s.db)["sync-test"] == ["0001"]


def test_environment_errors_are_not_bugs(tmp_path: Path) -> None:
    home = tmp_path / "h"
    with open_store(home) as s:
        s.register_case(CASE, uscc=None, enterprise=None)
        blocker = sqlite3.connect(s.path, isolation_level=None, timeout=0.1)
        blocker.execute("BEGIN IMMEDIATE")
        s.db.conn.execute("PRAGMA busy_timeout=50")
        with pytest.raises(EnvironmentProblem, match="locked"):
            s.set_case_status(CASE, "concluded")
        blocker.execute("ROLLBACK")
        blocker.close()
    path = home / "workspace" / "findings.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    for name in ("findings.sqlite3-wal", "findings.sqlite3-shm"):
        (home / "workspace" / name).unlink(missing_ok=True)
    with pytest.raises(EnvironmentProblem, match="damaged"):
        open_store(home)


def test_read_only_database_is_an_environment_problem(tmp_path: Path) -> None:
    from inspector_app.findings.db import environment_errors

    home = tmp_path / "h"
    with open_store(home) as s:
        s.register_case(CASE, uscc=None, enterprise=None)
        path = s.path
    ro = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        with pytest.raises(EnvironmentProblem, match="cannot be written"), environment_errors(path):
            ro.execute("UPDATE cases SET status = 'concluded'")
    finally:
        ro.close()


def test_bugs_stay_bugs(tmp_path: Path) -> None:
    from inspector_app.findings.db import environment_errors

    with (
        open_store(tmp_path) as s,
        pytest.raises(sqlite3.OperationalError, match="no such column"),
        environment_errors(s.path),
    ):
        s.db.execute("SELECT no_such_column FROM cases")


def test_drafts_are_unsigned_until_signed(expert: Expert) -> None:
    s, me = expert.store, expert.me
    s.save_draft(CASE, "score:Q1", score("Q1", ["B"]))
    s.save_draft(CASE, "score:Q1", score("Q1", ["B", "C"]))  # autosave replaces
    s.save_draft(CASE, "obs:1", {"kind": "observation", "text": "半截"})
    assert [d.key for d in s.list_drafts(CASE)] == ["score:Q1", "obs:1"] or len(
        s.list_drafts(CASE)
    ) == 2
    assert s.findings(CASE) == []
    assert s.head(me.fingerprint) is None
    signed = s.sign_drafts(me, CASE, ["score:Q1"])
    assert [f.data["answer"] for f in signed] == [["B", "C"]]
    assert [d.key for d in s.list_drafts(CASE)] == ["obs:1"]
    # an invalid draft: nothing is signed, and the error names it
    s.save_draft(CASE, "bad", {"kind": "observation"})
    with pytest.raises(InputRefused, match="bad"):
        s.sign_drafts(me, CASE)
    assert len(s.findings(CASE, include_superseded=True)) == 1
    s.delete_draft(CASE, "bad")
    assert len(s.sign_drafts(me, CASE)) == 1
    assert s.list_drafts() == []
    assert verify_store(s, own_key=me.public_key).ok


def test_attachments_are_content_addressed(expert: Expert, tmp_path: Path) -> None:
    s, me = expert.store, expert.me
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 a photo")
    f = s.add_finding(
        me,
        CASE,
        {"kind": "observation", "text": "x", "attachments": ["photo.jpg"]},
        base_dir=tmp_path,
    )
    ref = f.data["attachments"][0]
    import hashlib

    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert ref == {"sha256": sha, "name": "photo.jpg", "size": photo.stat().st_size}
    stored = expert.home / "workspace" / "attachments" / sha[:2] / sha[2:]
    assert stored.read_bytes() == photo.read_bytes()
    # the same file again is stored once; a reference to a stored attachment works
    g = s.add_finding(me, CASE, {"kind": "observation", "text": "y", "attachments": [ref]})
    assert g.data["attachments"] == [ref]
    missing = {"sha256": "0" * 64, "name": "x", "size": 1}
    with pytest.raises(InputRefused, match="not in the store"):
        s.add_finding(me, CASE, {"kind": "observation", "text": "z", "attachments": [missing]})


def test_store_refuses_to_append_after_a_lost_tail(expert: Expert) -> None:
    s, me = expert.store, expert.me
    s.add_finding(me, CASE, score("Q1", ["B"]))
    s.add_finding(me, CASE, score("Q2", "B"))
    conn = s.db.conn
    conn.execute("DROP TRIGGER findings_no_delete")
    conn.execute("DELETE FROM findings WHERE seq = 2")
    with pytest.raises(InputRefused, match="checkpoint"):
        s.add_finding(me, CASE, score("Q3", "B"))


def test_import_records_at_the_agency(tmp_path: Path) -> None:
    e_home, expert_id = make_expert(tmp_path / "e")
    a_home, agency_id = make_expert(tmp_path / "a", role="agency", name="机构")
    with open_store(e_home) as es:
        es.register_case(CASE, uscc="U", enterprise="E", project_id="P", checklist="miit-2024")
        ids = [es.add_finding(expert_id, CASE, score(f"Q{i}", "B")).finding_id for i in range(1, 6)]
        first, rest = es.records(expert_id.fingerprint, 1, 2), es.records(expert_id.fingerprint, 3)
        cp = es.checkpoint(expert_id.fingerprint)
    with open_store(a_home) as ag:
        ag.register_case(CASE, uscc="U", enterprise="E", project_id="P", checklist="miit-2024")
        r1 = ag.import_records(first, None, signer_key=expert_id.public_key)
        assert (r1.added, r1.already_present) == (2, 0)
        r2 = ag.import_records(first + rest, cp, signer_key=expert_id.public_key)
        assert (r2.added, r2.already_present, r2.checkpoint_seq) == (3, 2, 5)
        r3 = ag.import_records(rest, cp, signer_key=expert_id.public_key)  # a no-op
        assert r3.added == 0
        assert {f.finding_id for f in ag.findings(CASE)} == set(ids)
        assert all(f.origin == "imported" for f in ag.findings(CASE))
        # the agency settles with a decision citing the expert's findings
        d = ag.add_finding(
            agency_id,
            CASE,
            {
                "kind": "decision",
                "settles": ids[:1],
                "item": "Q1",
                "answer": "C",
                "reason": "现场核实",
            },
        )
        assert d.record.signer == agency_id.fingerprint
        with pytest.raises(InputRefused, match="not in the store"):
            ag.add_finding(
                agency_id,
                CASE,
                {
                    "kind": "decision",
                    "settles": ["0b6f4bbf-3c4e-4a43-9d52-0d7a3f3b8e01"],
                    "item": "Q2",
                    "answer": "C",
                    "reason": "x",
                },
            )
        assert ag.case(CASE).status == "decided"  # type: ignore[union-attr]
        report = verify_store(
            ag,
            own_key=agency_id.public_key,
            trusted_keys={agency_id.public_key, expert_id.public_key},
        )
        assert report.ok, report.to_json()
        untrusted = verify_store(
            ag, own_key=agency_id.public_key, trusted_keys={agency_id.public_key}
        )
        assert untrusted.first is not None and untrusted.first.code == "UNTRUSTED_SIGNER"
        # a signature by another key, or a fork, is refused
        _, stranger = make_expert(tmp_path / "s", name="王五")
        with pytest.raises(InputRefused, match="expected key"):
            ag.import_records(rest, None, signer_key=stranger.public_key)
    # a fork: a record signed by the right key that diverges from the chain held
    from inspector_app.findings.records import parse_record, record_body

    forged_body = record_body(
        finding_id="0b6f4bbf-3c4e-4a43-9d52-0d7a3f3b8e02",
        case_id=CASE,
        signer_key=expert_id.public_key,
        seq=3,
        prev=first[1].hash,
        created_at="2026-01-01T00:00:00+08:00",
        kind="observation",
        supersedes=None,
        data={"text": "fork"},
    )
    forged = parse_record(forged_body, expert_id.sign(forged_body))
    with open_store(a_home) as ag, pytest.raises(InputRefused, match="fork"):
        ag.import_records([forged], None, signer_key=expert_id.public_key)


def test_decisions_are_per_enterprise_project(tmp_path: Path) -> None:
    e_home, expert_id = make_expert(tmp_path / "e")
    a_home, agency_id = make_expert(tmp_path / "a", role="agency", name="机构")
    other = "0b6f4bbf-3c4e-4a43-9d52-0d7a3f3b8e09"  # a second package of the same project
    with open_store(e_home) as es:
        es.register_case(CASE, uscc="U", enterprise="E", project_id="P", checklist="miit-2024")
        fid = es.add_finding(expert_id, CASE, score("Q1", "B")).finding_id
        records = es.records(expert_id.fingerprint)
        cp = es.checkpoint(expert_id.fingerprint)
    with open_store(a_home) as ag:
        ag.register_case(CASE, uscc="U", enterprise="E", project_id="P", checklist="miit-2024")
        ag.register_case(other, uscc="U", enterprise="E", project_id="P", checklist="miit-2024")
        ag.register_case(
            "unrelated", uscc="V", enterprise="F", project_id="Q", checklist="miit-2024"
        )
        ag.import_records(records, cp, signer_key=expert_id.public_key)
        decision = {
            "kind": "decision",
            "settles": [fid],
            "item": "Q1",
            "answer": "C",
            "reason": "r",
        }
        first = ag.add_finding(agency_id, CASE, decision)
        second = ag.add_finding(agency_id, other, {**decision, "answer": "D"})
        assert second.record.supersedes == first.finding_id
        with pytest.raises(InputRefused, match="another enterprise project"):
            ag.add_finding(agency_id, "unrelated", decision)
        keys = {agency_id.public_key, expert_id.public_key}
        assert verify_store(ag, own_key=agency_id.public_key, trusted_keys=keys).ok
