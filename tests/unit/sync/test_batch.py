"""The agency's batch roster: parsing (CSV encodings, XLSX, headers, all or nothing), storage
(re-import replaces the roster, findings kept) and the typed status of every row."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from inspector_app import identity
from inspector_app.errors import InputRefused, UsageError
from inspector_app.findings.store import open_store
from inspector_app.home import Home
from inspector_app.uscc import complete
from sync.batch import (
    ROSTER_INVALID,
    batch_status,
    cross_reviews,
    import_roster,
    read_roster,
    record_reports,
    review_cross_flag,
    sort_open_first,
)

from .conftest import PASSPHRASE, World, copy_in

U1 = complete("91530100MA6K0X123")
U2 = complete("91530102MA6K1X456")
U3 = complete("91530111MA6K2X789")
U4 = complete("91530181MA6K3X012")
OLD = "11111111-1111-4111-8111-111111111111"
NEW = "22222222-2222-4222-8222-222222222222"
C2 = "33333333-3333-4333-8333-333333333333"
C4 = "44444444-4444-4444-8444-444444444444"

ZH_HEADER = "序号,企业名称,统一社会信用代码,所属区县,服务商,项目名称,项目编号,复核,原批次,备注\n"


def write(tmp: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_chinese_headers_bom_and_extra_columns(tmp_path: Path) -> None:
    text = ZH_HEADER + (
        f"1,昆明甲公司,{U1},五华区,云智科技、滇数服务,MES 上线,P-1,是,2024-1,重点\n"
        f"2, 昆明乙公司 ,{U2.lower()},盘龙区,云智科技;滇数服务,,,否,,\n"
    )
    rows = read_roster(write(tmp_path, "r.csv", "\ufeff" + text))
    assert [r.uscc for r in rows] == [U1, U2]  # trimmed, upper-cased
    first, second = rows
    assert first.providers == ("云智科技", "滇数服务")
    assert first.reinspection and first.previous_batch == "2024-1"
    assert first.extra == {"备注": "重点"}
    assert first.line == 2 and second.line == 3
    assert second.enterprise == "昆明乙公司" and not second.reinspection
    assert second.providers == ("云智科技", "滇数服务")


def test_csv_gb18030_and_english_headers_any_order(tmp_path: Path) -> None:
    text = f"USCC , Enterprise,District,reinspection\n{U1},昆明甲公司,安宁市,yes\n{U2},乙,,\n"
    rows = read_roster(write(tmp_path, "r.csv", text, "gb18030"))
    assert [(r.enterprise, r.district, r.reinspection) for r in rows] == [
        ("昆明甲公司", "安宁市", True),
        ("乙", None, False),
    ]


def test_xlsx_first_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业名称", "统一社会信用代码", "序号", "复核"])
    sheet.append(["甲", U1, 1, 1])
    sheet.append([None, None, None, None])  # an empty row is skipped
    sheet.append(["乙", U2, 2, "否"])
    book.create_sheet("其他").append(["ignored"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    rows = read_roster(path)
    assert [(r.no, r.enterprise, r.reinspection, r.line) for r in rows] == [
        ("1", "甲", True, 2),
        ("2", "乙", False, 4),
    ]


def test_broken_roster_lists_every_bad_line(tmp_path: Path) -> None:
    bad = U1[:-1] + ("0" if U1[-1] != "0" else "1")
    text = (
        "enterprise,uscc,reinspection\n"
        f"A,{bad},\n"
        f",{U2},maybe\n"
        f"C,{U2},\n"
        f'"D\nwith a line break",{U3},\n'
        f"E,,\n"
        f"F,{U3},\n"
    )
    with pytest.raises(InputRefused) as caught:
        read_roster(write(tmp_path, "bad.csv", text))
    found = sorted((i.line, str(i.message)) for i in caught.value.issues)
    assert [line for line, _m in found] == [2, 3, 3, 4, 7, 8]
    assert all(i.code == ROSTER_INVALID for i in caught.value.issues)
    text_out = str(caught.value.message)
    assert "line 4" in text_out and "line 3" in text_out  # C repeats U2 of line 3
    assert "line 8" in text_out and "line 5" in text_out  # F repeats U3 of line 5


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("企业名称,服务商\n甲,乙\n", "uscc (or 统一社会信用代码)"),
        ("enterprise,uscc,uscc\n甲,x,y\n", "appears twice"),
        ("", "empty"),
        ("enterprise,uscc\n", "no enterprise"),
    ],
)
def test_roster_shape_refusals(tmp_path: Path, content: str, expected: str) -> None:
    with pytest.raises(InputRefused) as caught:
        read_roster(write(tmp_path, "r.csv", content))
    assert expected in str(caught.value.message)


def test_not_text_at_all(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"\x81\x30\xff\xfe\x00" * 10)
    with pytest.raises(InputRefused):
        read_roster(path)


def test_bad_deadline_is_a_usage_error(tmp_path: Path) -> None:
    from sync.services import import_roster as service

    home = Home(tmp_path / "h").ensure()
    with pytest.raises(UsageError):
        service(
            home,
            write(tmp_path, "r.csv", f"企业名称,统一社会信用代码\n甲,{U1}\n"),
            "b",
            deadline="30/06/2025",
        )


def _register(
    store_home: Home, case_id: str, uscc: str, pid: str, name: str, *, folder: Path | None = None
) -> None:
    with open_store(store_home) as store:
        if store.case(case_id) is None:
            store.register_case(
                case_id,
                uscc=uscc,
                enterprise=name,
                project_id=pid,
                checklist="miit-2024",
                folder=str(folder) if folder else None,
            )


def _package_folder(root: Path, name: str, batch: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"batch": batch}), encoding="utf-8")
    return folder


def test_status_rows_reinspection_decision_reports(
    make_world: Callable[[], World], tmp_path: Path
) -> None:
    world = make_world()
    alice = world.expert("b-alice", person="王丽")
    bob = world.expert("b-bob", person="赵强")
    for ex in (alice, bob):
        _register(ex.home, OLD, U1, "P-1", "昆明甲公司")
        _register(ex.home, NEW, U1, "P-1", "昆明甲公司")
        _register(ex.home, C2, U2, "P-2", "昆明乙公司")
        _register(ex.home, C4, U4, "P-4", "名单外公司")
    alice.add(
        {
            "kind": "conclusion",
            "recommendation": "improve",
            "summary": "质检仍用表格",
            "requirements": ["上线质检模块", "补齐操作日志"],
        },
        OLD,
    )
    qa = alice.add({"kind": "score", "item": "Q1", "answer": ["B"]}, NEW)
    qb = bob.add({"kind": "score", "item": "Q1", "answer": ["C"]}, NEW)
    alice.add({"kind": "score", "item": "Q1", "answer": ["A"]}, C2)
    bob.add({"kind": "score", "item": "Q1", "answer": ["A"]}, C2)
    alice.add({"kind": "observation", "text": "名单外"}, C4)
    home, store = world.new_agency(tmp_path)
    for ex in (alice, bob):
        assert store.import_file(copy_in(ex.export(), tmp_path)).status == "merged"
    _register(home, OLD, U1, "P-1", "昆明甲公司", folder=_package_folder(tmp_path, "old", "2024-1"))
    _register(home, NEW, U1, "P-1", "昆明甲公司", folder=_package_folder(tmp_path, "new", "2025-2"))

    roster = write(
        tmp_path,
        "roster.csv",
        ZH_HEADER
        + f"1,昆明甲公司,{U1},五华区,云智科技,MES,P-1,是,2024-1,\n"
        + f"2,昆明乙公司,{U2},盘龙区,滇数服务,,,,,\n"
        + f"3,昆明丙公司,{U3},安宁市,云智科技,,,是,2024-1,\n",
    )
    result = import_roster(home, roster, "2025-2", date(2025, 6, 30))
    assert (len(result.rows), result.replaced) == (3, 0)
    status = batch_status(home, today=date(2025, 6, 20))
    assert status.days_left == 10
    rows = {r.roster.uscc: r for r in status.rows}
    first, second, third = rows[U1], rows[U2], rows[U3]
    assert first.status == "disputed" and first.open_disagreements == 1
    assert first.earlier is not None and first.earlier.case_id == OLD
    assert first.earlier.requirements == ("上线质检模块", "补齐操作日志")
    assert first.cases == (NEW,) and first.package
    assert {e.name for e in first.experts} == {"王丽", "赵强"}
    assert second.status == "inspected" and second.open_disagreements == 0
    assert third.status == "pending" and third.earlier is None
    assert third.to_json()["earlier_missing"] is True
    assert [n.uscc for n in status.not_on_roster] == [U4]
    assert next(r.roster.uscc for r in sort_open_first(status.rows)) == U1
    assert status.counts() == {
        "pending": 1,
        "inspected": 1,
        "disputed": 1,
        "final": 0,
        "reported": 0,
    }

    agency = identity.unlock(home, PASSPHRASE)
    with open_store(home) as agency_store:
        agency_store.add_finding(
            agency,
            NEW,
            {
                "kind": "decision",
                "settles": [qa, qb],
                "item": "Q1",
                "answer": ["C"],
                "reason": "现场核实",
            },
        )
        agency_store.add_finding(
            agency,
            NEW,
            {
                "kind": "decision",
                "settles": [qa, qb],
                "recommendation": "improve",
                "summary": "仍需整改",
                "requirements": ["质检模块上线并运行三个月"],
                "reason": "两位专家意见合并",
            },
        )
    row = {r.roster.uscc: r for r in batch_status(home).rows}[U1]
    assert (row.status, row.decision, row.open_disagreements) == ("final", "improve", 0)
    record_reports(
        home,
        U1,
        "P-1",
        [("acceptance", tmp_path / "a.pdf"), ("archive", tmp_path / "一企一档.xlsx")],
    )
    row = {r.roster.uscc: r for r in batch_status(home).rows}[U1]
    assert row.status == "reported" and row.archive and row.reports == (str(tmp_path / "a.pdf"),)

    # importing the batch again replaces its roster and keeps every finding
    with open_store(home) as agency_store:
        before = len(agency_store.findings(include_superseded=True))
    again = import_roster(
        home, write(tmp_path, "r2.csv", f"企业名称,统一社会信用代码\n甲,{U1}\n"), "2025-2"
    )
    assert again.replaced == 3 and again.deadline == date(2025, 6, 30)  # the deadline is kept
    status = batch_status(home, "2025-2")
    assert [r.roster.uscc for r in status.rows] == [U1]
    assert status.rows[0].decision == "improve"
    with open_store(home) as agency_store:
        assert len(agency_store.findings(include_superseded=True)) == before
    with pytest.raises(InputRefused):
        batch_status(home, "no-such-batch")


def test_status_without_roster_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputRefused):
        batch_status(Home(tmp_path / "h").ensure())


def test_cross_review_is_signed_by_the_agency(
    make_world: Callable[[], World], tmp_path: Path
) -> None:
    from inspector_app.canonjson import dumpb
    from inspector_app.identity import verify_signature

    world = make_world()
    home, _store = world.new_agency(tmp_path)
    agency = identity.unlock(home, PASSPHRASE)
    flag = f"CROSS_DUPLICATE_PHOTO:{U1}:a.jpg|{U2}:b.jpg"
    with pytest.raises(InputRefused):
        review_cross_flag(home, agency, flag, "confirmed", "  ")
    review = review_cross_flag(home, agency, flag, "confirmed", "同一张照片")
    stored = cross_reviews(home)[flag]
    assert stored == review and stored.signer == agency.fingerprint
    import base64

    assert verify_signature(
        agency.info.ed25519_public, base64.b64decode(stored.signature), dumpb(stored.payload())
    )
    expert = world.expert("b-carol")
    with pytest.raises(InputRefused):
        review_cross_flag(home, identity.unlock(expert.home, PASSPHRASE), flag, "dismissed", "x")
