"""The agency console driven through its widgets (pytest-qt, offscreen): a roster (and a broken
one), bundles from three experts (one twice, one out of order, one tampered), a refused and
then an accepted decision, a cross-enterprise flag confirmed, the reports generated; the store
and the files are checked after each step. Every model passes ``qtmodeltester``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from inspector_app import identity
from inspector_app.findings import open_store
from inspector_app.home import Home

from .world import PASSPHRASE, ConsoleWorld, build_console_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> ConsoleWorld:
    return build_console_world(tmp_path_factory.mktemp("console"))


@pytest.fixture
def window(world: ConsoleWorld, tmp_path: Path, qtbot: Any) -> Any:
    from ui.agency.window import AgencyWindow

    home = Home(tmp_path / "agency")
    shutil.copytree(world.agency.root, home.root)
    win = AgencyWindow(home)
    qtbot.addWidget(win)
    win.show()
    win.signer_keeper.signer = identity.unlock(home, PASSPHRASE)
    win.world = world
    win.incoming = tmp_path / "incoming"
    shutil.copytree(world.root / "incoming", win.incoming)
    yield win
    win.close()


def settle(win: Any, qtbot: Any) -> None:
    from ui.tasks import wait_all

    for _i in range(4):
        assert wait_all(60_000)
        qtbot.wait(20)


def import_roster(win: Any, qtbot: Any, path: Path) -> Any:
    page = win.pages["roster"]
    page.file_edit.setText(str(path))
    page.batch_edit.setText("2025-2")
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    settle(win, qtbot)
    return page


def incoming(win: Any, label: str) -> Path:
    return win.incoming / win.world.bundles[label].name


def import_bundles(win: Any, qtbot: Any) -> Any:
    page = win.pages["inbox"]
    page.add_files(
        [
            incoming(win, "e3-2"),  # out of order: waits for bundle 1
            incoming(win, "e1"),
            incoming(win, "e2-tampered"),
            incoming(win, "e2"),
        ]
    )
    settle(win, qtbot)
    page.add_files([incoming(win, "e1"), incoming(win, "e3-1")])  # e1 again; e3's first
    settle(win, qtbot)
    return page


def test_roster_broken_then_good(window: Any, qtbot: Any, qtmodeltester: Any) -> None:
    page = import_roster(window, qtbot, window.world.broken)
    assert page.problems.isVisible()
    text = page.problems.text()
    assert "2" in text and "4" in text  # the bad check digit (line 2), the duplicate (line 4)
    assert window.context.status is None  # nothing imported
    page = import_roster(window, qtbot, window.world.roster)
    assert page.problems.isHidden()
    status = window.context.status
    assert status is not None and len(status.rows) == 4
    assert page.model.rowCount() == 4
    assert "2025-2" in page.heading.text()
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    # the re-inspection row says there is no earlier case
    row = {r.roster.uscc: r for r in status.rows}[window.world.usccs["burst"]]
    # a re-inspection: linked to the earlier batch's case (no conclusion there yet)
    assert row.earlier is not None and row.earlier.case_id == window.world.cases["earlier"]
    assert row.earlier.requirements == () and row.cases == (window.world.cases["burst"],)
    page.filter_edit.setText("盘龙区")
    assert page.proxy.rowCount() == 1


def test_inbox_results_receipts_quarantine(window: Any, qtbot: Any, qtmodeltester: Any) -> None:
    import_roster(window, qtbot, window.world.roster)
    page = import_bundles(window, qtbot)
    outcomes = [page.model.records[i] for i in page.model.ids]
    by_source: dict[str, list[str]] = {}
    for o in outcomes:
        by_source.setdefault(Path(o.source).name, []).append(o.status)
    world = window.world
    assert by_source[world.bundles["e3-2"].name][0] == "pending"
    merged = {(o.expert, o.number) for o in outcomes if o.status == "merged"}
    assert ("李明", 2) in merged and ("李明", 1) in merged  # #2 merged once #1 came
    assert by_source[world.bundles["e1"].name] == ["merged", "duplicate"]
    assert by_source["e2-tampered.bundle.age"] == ["refused"]
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    receipts = list(page.receipts_folder().glob("*.json"))
    assert len(receipts) == 4  # e1, e2, e3 #1, e3 #2
    quarantine = page.receipts_folder().parent / "quarantine"
    (reason,) = quarantine.glob("*e2-tampered.bundle.age.reason.json")
    assert "DECRYPT" in reason.read_text(encoding="utf-8")
    assert not incoming(window, "e2-tampered").exists()  # moved to the quarantine
    refused = next(o for o in outcomes if o.status == "refused")
    assert refused.code and page.summary.text()
    settle(window, qtbot)
    rows = {r.roster.uscc: r for r in window.context.status.rows}
    assert {e.name for e in rows[world.usccs["clean"]].experts} == {"王丽", "赵强"}
    assert rows[world.usccs["clean"]].status == "disputed"
    # the re-inspection shows the earlier case's requirements beside the new findings
    roster = window.pages["roster"]
    roster.filter_edit.clear()
    roster.select_uscc(world.usccs["burst"])
    detail = roster.detail.toPlainText()
    assert "仓储管理系统全面上线" in detail and "连续三个月的出入库扫码记录" in detail
    assert "李明" in detail


def test_disagreement_refused_then_decided(window: Any, qtbot: Any, qtmodeltester: Any) -> None:
    world = window.world
    import_roster(window, qtbot, world.roster)
    import_bundles(window, qtbot)
    page = window.pages["disagreements"]
    window.show_page("disagreements")
    settle(window, qtbot)
    assert page.ent_model.rowCount() >= 1
    page.select_enterprise(world.usccs["clean"])
    settle(window, qtbot)
    for model in (page.ent_model, page.ent_proxy, page.model, page.proxy):
        qtmodeltester.check(model)
    subjects = {page.model.records[k].subject: k for k in page.model.ids}
    assert "Q1" in subjects and "conclusion" in subjects

    def select(subject: str) -> None:
        from ui.agency.common import IdRole

        for r in range(page.proxy.rowCount()):
            if page.proxy.index(r, 1).data(IdRole)[1] == subject:
                page.view.selectRow(r)
                return
        raise AssertionError(subject)

    # a pass while Q1 is still disputed: the outcome rules refuse it, shown plainly
    select("conclusion")
    side = page.side_by_side.toPlainText()
    assert "王丽" in side and "赵强" in side
    page.value_combo.setCurrentIndex(page.value_combo.findData("pass"))
    page.summary_edit.setText("系统在用")
    page.reason_edit.setText("合并两位专家意见")
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert "Q1" in page.problems.text()
    with open_store(window.home) as store:
        assert not [f for f in store.findings(world.cases["clean"]) if f.kind == "decision"]

    # settle Q1 first (the experts' answers side by side, with comment and evidence)
    select("Q1")
    side = page.side_by_side.toPlainText()
    assert "只见到办公网络" in side and "photos/车间看板.jpg" in side
    page.value_combo.setCurrentIndex(1)  # 赵强's answer
    page.reason_edit.setText("现场核实车间网络")
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert page.problems.isHidden(), page.problems.text()
    select("conclusion")
    page.value_combo.setCurrentIndex(page.value_combo.findData("pass"))
    page.summary_edit.setText("系统在用，成效属实")
    page.reason_edit.setText("合并两位专家意见")
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert page.problems.isHidden(), page.problems.text()
    with open_store(window.home) as store:
        decisions = [f for f in store.findings(world.cases["clean"]) if f.kind == "decision"]
    assert {("item" in d.data, d.data.get("recommendation")) for d in decisions} == {
        (True, None),
        (False, "pass"),
    }
    rows = {r.roster.uscc: r for r in window.context.status.rows}
    assert rows[world.usccs["clean"]].status == "final"
    assert rows[world.usccs["clean"]].decision == "pass"


def test_cross_flag_confirmed(window: Any, qtbot: Any, qtmodeltester: Any) -> None:
    from sync.batch import cross_reviews

    page = window.pages["cross"]
    window.show_page("cross")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert page.model.rowCount() >= 3
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    rules = {page.model.records[k]["rule"]: k for k in page.model.ids}
    assert "CROSS_DUPLICATE_PHOTO" in rules and "CROSS_LOG_CLONE" in rules
    for rule in ("CROSS_LOG_CLONE", "CROSS_DUPLICATE_PHOTO"):
        for r in range(page.proxy.rowCount()):
            if page.proxy.index(r, 0).data() == rule:
                page.table.selectRow(r)
                break
        settle(window, qtbot)
        assert page.evidence is not None and page.evidence.flag["rule"] == rule
        sides = page.evidence.sides
        assert len(sides) == 2
        if rule == "CROSS_LOG_CLONE":
            assert sides[0].log_rows and sides[1].log_rows
            assert len(sides[0].log_rows) == len(sides[1].log_rows)
        else:
            assert sides[0].images and sides[1].images
            assert page.findChild(type(page.detail), "cross-photo-1") is not None
    flag_id = page.selected_flag()["id"]
    page.decision_combo.setCurrentIndex(page.decision_combo.findData("confirmed"))
    page.reason_edit.setText("两家企业的照片为同一张")
    qtbot.mouseClick(page.review_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    reviews = cross_reviews(window.home)
    assert reviews[flag_id].decision == "confirmed"
    assert reviews[flag_id].reason == "两家企业的照片为同一张"
    assert "confirmed" in page.message.text() or "确认" in page.message.text()


#: ids of the store and the merge that must never reach a person (kinds, statuses, severities)
RAW_IDS = {
    "item",
    "scene",
    "level",
    "flag",
    "flag_review",
    "conclusion",
    "decision",
    "pass",
    "improve",
    "disqualify",
    "confirmed",
    "dismissed",
    "high",
    "medium",
    "low",
    "open",
    "merged",
    "refused",
    "pending",
    "duplicate",
    "expert",
    "agency",
}


def cells(model: Any, column: int | None = None) -> list[str]:
    columns = range(model.columnCount()) if column is None else [column]
    return [str(model.index(r, c).data() or "") for r in range(model.rowCount()) for c in columns]


def test_no_raw_ids_on_the_console_in_chinese_or_english(window: Any, qtbot: Any) -> None:
    """The disagreements table (类型 / 对象 / 决定), the roster's experts, the inbox's results and
    the cross flags' severity and review: words of the catalog, never the store's ids."""
    from inspector_app.i18n import get_language
    from ui.app import apply_language

    world = window.world
    before = get_language()
    apply_language("zh_CN")
    window.retranslate()
    try:
        import_roster(window, qtbot, world.roster)
        import_bundles(window, qtbot)
        disputes = window.pages["disagreements"]
        window.show_page("disagreements")
        disputes.select_enterprise(world.usccs["clean"])
        settle(window, qtbot)
        cross = window.pages["cross"]
        window.show_page("cross")
        qtbot.mouseClick(cross.run_button, Qt.MouseButton.LeftButton)
        settle(window, qtbot)
        models = {
            "roster": window.pages["roster"].model,
            "enterprises": disputes.ent_model,
            "disagreements": disputes.model,
            "inbox": window.pages["inbox"].model,
            "cross": cross.model,
        }
        for name, model in models.items():
            assert model.rowCount(), name
            for text in cells(model):
                shown = re.sub(r"/\S+", "", text)  # not the words of a path
                assert not set(re.findall(r"[A-Za-z_]+", shown)) & RAW_IDS, (name, text)
                assert name != "inbox" or "error" not in shown, text  # a library's English
        assert set(cells(disputes.model, 0)) == {"题目", "结论"}
        assert "结论" in cells(disputes.model, 1) and "未决" in cells(disputes.model, 3)
        values = " ".join(cells(disputes.model, 2))
        assert "王丽：限期优化提升" in values and "赵强：通过" in values
        assert set(cells(cross.model, 1)) <= {"高", "中", "低"}
        assert set(cells(cross.model, 3)) == {"未核查"}
        assert all("公司" in t for t in cells(cross.model, 4))  # names, not USCCs
        experts = " ".join(cells(models["roster"], 5))
        assert "王丽：2级，限期优化提升" in experts and "评分未完成" in experts
        window.show_page("disagreements")
        for r in range(disputes.proxy.rowCount()):
            if disputes.proxy.index(r, 0).data() == "结论":
                disputes.view.selectRow(r)
        side = disputes.side_by_side.toPlainText()
        assert "限期优化提升" in side and "improve" not in side

        apply_language("en")
        window.retranslate()
        values = " ".join(cells(disputes.model, 2))
        assert "王丽: Improve within a deadline" in values and "赵强: Pass" in values
        assert "限期优化提升" not in values
        assert set(cells(cross.model, 1)) <= {"high", "medium", "low"}
        assert set(cells(cross.model, 3)) == {"not reviewed"}
    finally:
        apply_language(before)
        window.retranslate()


def test_reports_for_one_enterprise_and_the_batch(window: Any, qtbot: Any, tmp_path: Path) -> None:
    world = window.world
    import_roster(window, qtbot, world.roster)
    import_bundles(window, qtbot)
    page = window.pages["reports"]
    window.show_page("reports")
    out = tmp_path / "drafts"
    page.out_edit.setText(str(out))
    page.which.setCurrentIndex(page.which.findData(world.usccs["clean"]))
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert page.problems.isHidden(), page.problems.text()
    pdfs = list(out.rglob("*.pdf"))
    assert len(pdfs) == 3 and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert page.files.count() == len([p for p in out.rglob("*") if p.is_file()])
    rows = {r.roster.uscc: r for r in window.context.status.rows}
    clean = rows[world.usccs["clean"]]
    assert len(clean.reports) == 6 and clean.archive  # 3 PDF + 3 DOCX; 一企一档 xlsx/json
    # the batch, cancelled at once: nothing half-written, then the whole batch
    page.which.setCurrentIndex(0)
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert not list(out.rglob(".*.part"))
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert page.problems.isHidden(), page.problems.text()
    assert len(list(out.glob("*.xlsx"))) == 1  # the batch summary
    assert len([d for d in out.iterdir() if d.is_dir()]) == 3
    with open_store(window.home) as store:
        assert len(store.cases()) == 4  # clean, its copy, usage_burst and its earlier package


def test_dashboard_counts(window: Any, qtbot: Any) -> None:
    from ui.agency.dashboard import DashboardPage

    world = window.world
    import_roster(window, qtbot, world.roster)
    import_bundles(window, qtbot)
    page: DashboardPage = window.pages["dashboard"]
    counts = dict(page.counts["status"])
    assert sum(counts.values()) == 4
    assert dict(page.counts["district"]) == {"五华区": 1, "盘龙区": 1, "安宁市": 1, "官渡区": 1}
    assert dict(page.counts["provider"]) == {"云智科技": 2, "滇数服务": 3}
    assert page.days_label.text()
    for key in page.CHARTS:
        assert page.views[key].chart().series()


def test_console_opens_for_an_agency_identity(world: ConsoleWorld, qtbot: Any) -> None:
    from ui.agency.window import AgencyWindow
    from ui.app import main_window_for
    from ui.mainwindow import MainWindow

    win = main_window_for(world.agency)
    qtbot.addWidget(win)
    assert isinstance(win, AgencyWindow)
    settle(win, qtbot)
    expert = main_window_for(Home(world.root / "e1"))
    qtbot.addWidget(expert)
    assert isinstance(expert, MainWindow)
    settle(expert, qtbot)
    json.dumps([])  # keep the import used


def test_inbox_by_drop_and_by_watched_folder(window: Any, qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    page = window.pages["inbox"]
    window.show_page("inbox")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(incoming(window, "e1")))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.drop.dropEvent(event)
    settle(window, qtbot)
    assert [(o.expert, o.status) for o in page.model.records.values()] == [("王丽", "merged")]

    usb = tmp_path / "usb"
    usb.mkdir()
    shutil.copyfile(incoming(window, "e3-1"), usb / incoming(window, "e3-1").name)
    (usb / "notes.txt").write_text("not a bundle", encoding="utf-8")
    page.watch_edit.setText(str(usb))
    page.watch_button.setChecked(True)  # what is already there is imported at once
    settle(window, qtbot)
    assert ("李明", 1, "merged") in {
        (o.expert, o.number, o.status) for o in page.model.records.values()
    }
    shutil.copyfile(incoming(window, "e3-2"), usb / incoming(window, "e3-2").name)
    qtbot.waitUntil(lambda: len(page.model.ids) == 3, timeout=20_000)  # the watcher saw it
    settle(window, qtbot)
    assert ("李明", 2, "merged") in {
        (o.expert, o.number, o.status) for o in page.model.records.values()
    }
    page.watch_button.setChecked(False)
    assert page.watcher.directories() == []
