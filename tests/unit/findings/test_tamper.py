"""Tampering with the store is detected by ``verify``, naming the record."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from inspector_app.findings import Finding, verify_store
from inspector_app.findings.core import insert_records

from .conftest import CASE, Expert

COLUMNS = (
    "finding_id",
    "signer",
    "seq",
    "prev",
    "hash",
    "case_id",
    "kind",
    "skey",
    "supersedes",
    "created_at",
    "signature",
)


@pytest.fixture
def tampered(expert: Expert, tmp_path: Path) -> tuple[Expert, list[Finding]]:
    s, me = expert.store, expert.me
    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"photo A")
    sheet = tmp_path / "b.png"
    sheet.write_bytes(b"sign-in sheet B")
    found = [
        s.add_finding(me, CASE, {"kind": "score", "item": "Q1", "answer": ["B"]}),
        s.add_finding(
            me, CASE, {"kind": "observation", "text": "现场照片", "attachments": [str(photo)]}
        ),
        s.add_finding(me, CASE, {"kind": "score", "item": "S6", "level": 2, "comment": "报工终端"}),
        s.add_finding(
            me,
            CASE,
            {
                "kind": "interview",
                "person": "李",
                "notes": [{"q": "q", "a": "a"}],
                "attachments": [str(sheet)],
            },
        ),
        s.add_finding(me, CASE, {"kind": "score", "item": "Q1", "answer": ["B", "C"]}),
        s.add_finding(
            me,
            CASE,
            {
                "kind": "conclusion",
                "recommendation": "improve",
                "summary": "基本合格",
                "requirements": ["补充报工数据"],
            },
        ),
    ]
    assert verify_store(s, own_key=me.public_key).ok
    for trigger in (
        "findings_no_update",
        "findings_no_delete",
        "checkpoints_forward_only",
        "checkpoints_no_delete",
    ):
        s.db.conn.execute(f"DROP TRIGGER {trigger}")
    return expert, found


def first_broken(expert: Expert, *, integrity_check: bool = True) -> tuple[str | None, str]:
    report = verify_store(
        expert.store, own_key=expert.me.public_key, integrity_check=integrity_check
    )
    assert not report.ok
    assert report.first is not None
    return report.first.finding_id, report.first.code


def test_every_byte_of_a_signed_record_matters(tampered: tuple[Expert, list[Finding]]) -> None:
    expert, found = tampered
    conn: sqlite3.Connection = expert.store.db.conn
    conn.execute("PRAGMA synchronous=OFF")  # hundreds of throw-away edits
    target = found[2]
    body = target.record.body
    for i in range(len(body)):
        changed = bytearray(body)
        changed[i] ^= 0x01
        try:
            value: str | bytes = bytes(changed).decode("utf-8")
        except UnicodeDecodeError:
            value = bytes(changed)
        conn.execute(
            "UPDATE findings SET body = ? WHERE finding_id = ?", (value, target.finding_id)
        )
        fid, _code = first_broken(expert, integrity_check=False)
        assert fid == target.finding_id, (i, chr(body[i]))
    conn.execute(
        "UPDATE findings SET body = ? WHERE finding_id = ?", (body.decode(), target.finding_id)
    )
    assert verify_store(expert.store, own_key=expert.me.public_key).ok


def test_every_column_and_the_signature_matter(tampered: tuple[Expert, list[Finding]]) -> None:
    expert, found = tampered
    conn = expert.store.db.conn
    target = found[3]
    for column in COLUMNS:
        (original,) = conn.execute(f"SELECT {column} FROM findings WHERE id = 4").fetchone()
        if isinstance(original, int):
            altered: object = original + 10
        elif original is None:
            altered = "0b6f4bbf-3c4e-4a43-9d52-0d7a3f3b8e01"
        else:
            altered = original[:-2] + ("AA" if original[-2:] != "AA" else "BB")
        conn.execute(f"UPDATE findings SET {column} = ? WHERE id = 4", (altered,))
        report = verify_store(expert.store, own_key=expert.me.public_key)
        assert not report.ok, column
        assert report.first is not None and report.first.finding_id in (
            target.finding_id,
            altered,
        ), column
        conn.execute(f"UPDATE findings SET {column} = ? WHERE id = 4", (original,))
    assert verify_store(expert.store, own_key=expert.me.public_key).ok


def test_deleting_a_row_in_the_middle(tampered: tuple[Expert, list[Finding]]) -> None:
    expert, found = tampered
    expert.store.db.conn.execute(
        "DELETE FROM findings WHERE finding_id = ?", (found[2].finding_id,)
    )
    fid, code = first_broken(expert)
    assert (fid, code) == (found[3].finding_id, "CHAIN_GAP")


def test_deleting_the_last_row_is_caught_by_the_checkpoint(
    tampered: tuple[Expert, list[Finding]],
) -> None:
    expert, found = tampered
    expert.store.db.conn.execute(
        "DELETE FROM findings WHERE finding_id = ?", (found[-1].finding_id,)
    )
    fid, code = first_broken(expert)
    assert (fid, code) == (found[-1].finding_id, "TRUNCATED")


def test_rolling_back_the_checkpoint_columns_needs_the_key(
    tampered: tuple[Expert, list[Finding]],
) -> None:
    expert, found = tampered
    conn = expert.store.db.conn
    conn.execute("DELETE FROM findings WHERE finding_id = ?", (found[-1].finding_id,))
    conn.execute(
        "UPDATE checkpoints SET seq = 5, head = ?, head_finding_id = ?",
        (found[-2].record.hash, found[-2].finding_id),
    )
    fid, code = first_broken(expert)
    # the signed body still names the deleted record
    assert code == "CHECKPOINT" and fid == found[-1].finding_id


def swap(expert: Expert, column: str, a: int, b: int) -> None:
    """Swap the values ``a`` and ``b`` of a findings column, by way of a spare value."""
    conn = expert.store.db.conn
    conn.execute(f"UPDATE findings SET {column} = 100 WHERE {column} = ?", (a,))
    conn.execute(f"UPDATE findings SET {column} = ? WHERE {column} = ?", (a, b))
    conn.execute(f"UPDATE findings SET {column} = ? WHERE {column} = 100", (b,))


def test_reordering_rows(tampered: tuple[Expert, list[Finding]]) -> None:
    expert, found = tampered
    swap(expert, "id", 2, 3)
    fid, code = first_broken(expert)
    assert code == "REORDERED" and fid == found[2].finding_id


def test_swapping_seq_numbers(tampered: tuple[Expert, list[Finding]]) -> None:
    expert, found = tampered
    swap(expert, "seq", 2, 3)
    fid, _code = first_broken(expert)
    assert fid in (found[1].finding_id, found[2].finding_id)


def test_swapping_an_attachment_file(tampered: tuple[Expert, list[Finding]]) -> None:
    expert, found = tampered
    a = found[1].data["attachments"][0]["sha256"]
    b = found[3].data["attachments"][0]["sha256"]
    root = expert.home / "workspace" / "attachments"
    pa, pb = root / a[:2] / a[2:], root / b[:2] / b[2:]
    da, db = pa.read_bytes(), pb.read_bytes()
    pa.write_bytes(db)
    pb.write_bytes(da)
    fid, code = first_broken(expert)
    assert (fid, code) == (found[1].finding_id, "ATTACHMENT")
    pa.write_bytes(da)
    pb.unlink()
    fid, code = first_broken(expert)
    assert (fid, code) == (found[3].finding_id, "ATTACHMENT")


def test_tampered_checkpoint(tampered: tuple[Expert, list[Finding]]) -> None:
    expert, found = tampered
    conn = expert.store.db.conn
    (body,) = conn.execute("SELECT body FROM checkpoints").fetchone()
    conn.execute("UPDATE checkpoints SET body = ?", (body.replace('"seq":6', '"seq":7'),))
    fid, code = first_broken(expert)
    assert code == "CHECKPOINT" and fid == found[-1].finding_id


def test_foreign_key_records_are_refused(
    tampered: tuple[Expert, list[Finding]], tmp_path: Path
) -> None:
    """A record validly signed by an untrusted key (a forger re-signing) is named."""
    from inspector_app.findings.records import parse_record, record_body

    from .conftest import make_expert

    expert, _found = tampered
    _, forger = make_expert(tmp_path / "forger", name="伪造者")
    body = record_body(
        finding_id="0b6f4bbf-3c4e-4a43-9d52-0d7a3f3b8e03",
        case_id=CASE,
        signer_key=forger.public_key,
        seq=1,
        prev=None,
        created_at="2026-01-01T00:00:00+08:00",
        kind="observation",
        supersedes=None,
        data={"text": "forged"},
    )
    record = parse_record(body, forger.sign(body))
    insert_records(expert.store.db.conn, [record], "local")
    report = verify_store(
        expert.store, own_key=expert.me.public_key, trusted_keys={expert.me.public_key}
    )
    assert report.first is not None and report.first.finding_id == record.finding_id
    assert report.first.code in ("UNTRUSTED_SIGNER", "FOREIGN_LOCAL")
