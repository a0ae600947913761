"""Issue 12's path through UIA's pages, through the widgets themselves, on the example package
with a red flag: drop the package on the window, overview, usage, red flags (confirm one,
dismiss another, with reasons, evidence one click away), conclusion (review, refusal, draft
restored after a "crash", sign), export (bundle, the agency's receipt); then the findings store
and ``findings verify``.

Scoring and the on-site record are UIB's pages (their own walk); here the expert's scores and
observation are recorded through the same services those pages call.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inspector_app import identity
from inspector_app.services.findings import add_finding, list_findings, verify_findings
from tests.gui.uiahelp import (
    PASSPHRASE,
    close_message_box,
    lowest_answers,
    make_homes,
    package,
    settle,
    type_passphrase,
    wait_for,
)
from ui.mainwindow import MainWindow


def _drop(window: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def test_expert_walk_through_uia_pages(qtbot: QtBot, tmp_path: Path, examples: Path) -> None:
    homes = make_homes(tmp_path)
    window = MainWindow(homes.expert)
    qtbot.addWidget(window)
    window.show()
    settle()
    cases = window.pages["cases"]
    assert cases.model.rowCount() == 0
    assert not window.act_pages["overview"].isEnabled()  # no case open yet

    # -- open: drop the package on the window; validate, import, analyse off the UI thread
    _drop(window, package(examples))
    wait_for(lambda: window.session is not None and window.current_page() == "overview")
    settle()
    session = window.session
    assert cases.model.rowCount() == 1
    status = cases.model.index(0, 3).data()
    assert status == "未开始"

    # -- overview: facts, money as exact Decimal sums, the flag on the timeline
    overview = window.pages["overview"]
    wait_for(lambda: overview.overview is not None)
    pkg = session.package
    invoiced = sum((i.total_yuan for i in pkg.invoices), Decimal(0))
    assert overview.values["money"]["invoiced"].text() == f"¥{invoiced:,.2f}"
    assert overview.values["enterprise"]["uscc"].text() == pkg.enterprise.uscc
    drawn = overview.timeline.items()
    assert any(is_flag and text == "资金回流" for _d, text, is_flag in drawn)  # PAYMENT_REFLUX
    assert any(not is_flag and d == pkg.project.acceptance_applied_at for d, _t, is_flag in drawn)

    # -- usage: one chart per system, the key dates marked
    window.show_page("usage")
    usage = window.pages["usage"]
    wait_for(lambda: usage.system_box.count() == len(pkg.systems))
    names = usage.series_names()
    assert any(name.startswith("申请验收") for name in names)
    assert any(name.startswith("上线") for name in names)
    assert usage.stat_labels["events"][1].text() != "-"

    # -- the expert scores every item (UIB's scoring page; here through its service)
    signer = identity.unlock(homes.expert, PASSPHRASE)
    for payload in lowest_answers(session):
        add_finding(homes.expert, session, payload, signer=signer)

    # -- red flags: the analysis's flag and the store's SELF_ASSESSMENT_INFLATED
    window.show_page("flags")
    flags = window.pages["flags"]
    flags.refresh()
    wait_for(lambda: flags.model.rowCount() >= 2)
    settle()
    ids = flags.model.flag_ids()
    reflux = next(i for i in ids if i.startswith("PAYMENT_REFLUX"))
    inflated = next(i for i in ids if i.startswith("SELF_ASSESSMENT_INFLATED"))

    flags.select_flag(reflux)
    assert flags.title_label.text() and flags.evidence.count() >= 1
    with qtbot.waitSignal(window.context.evidence_requested, timeout=5000) as shown:
        item = flags.evidence.item(0)
        rect = flags.evidence.visualItemRect(item)
        qtbot.mouseClick(flags.evidence.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert shown.args[0] == flags.model.flag(reflux).evidence[0].path
    settle()
    assert window.current_page() == "evidence"  # the main window took the jump
    window.show_page("flags")

    # a decision without a reason is refused in plain words
    texts: list[str] = []
    seen = close_message_box(texts)
    qtbot.mouseClick(flags.confirm_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: bool(seen))
    assert "理由" in texts[0]

    flags.reason.setPlainText("银行流水显示服务商回款至法定代表人账户")
    asked = type_passphrase()
    qtbot.mouseClick(flags.confirm_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: (flags.model.decision(reflux) or {}).get("decision") == "confirmed")
    assert asked == ["passphrase-dialog"]
    flags.select_flag(inflated)
    flags.reason.setPlainText("企业自评依据的是规划中的系统，已在现场说明")
    qtbot.mouseClick(flags.dismiss_button, Qt.MouseButton.LeftButton)  # signer kept: no prompt
    wait_for(lambda: (flags.model.decision(inflated) or {}).get("decision") == "dismissed")
    settle()

    # -- an on-site observation (UIB's record page; here through its service)
    observation = add_finding(
        homes.expert,
        session,
        {"kind": "observation", "text": "财务负责人承认服务商返还部分款项"},
        signer=signer,
    ).finding

    # -- conclusion: a pass is refused by the outcome rules, shown plainly
    window.show_page("conclusion")
    conclusion = window.pages["conclusion"]
    conclusion.refresh()
    wait_for(lambda: conclusion.review is not None and conclusion.grounds.count() >= 2)
    qtbot.mouseClick(conclusion.rec_buttons["pass"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(conclusion.summary, "All materials present.")
    conclusion.flush_drafts()
    wait_for(lambda: bool(conclusion.review.refusals) and conclusion.review.unanswered == ())
    settle()
    assert "结论规则不接受此结论" in conclusion.review_text.text()
    assert not conclusion.sign_button.isEnabled()

    # disqualify, citing the confirmed flag and the observation
    qtbot.mouseClick(conclusion.rec_buttons["disqualify"], Qt.MouseButton.LeftButton)
    conclusion.summary.setPlainText("存在资金回流，取消试点资格。")
    settle()
    for row in range(conclusion.grounds.count()):
        item = conclusion.grounds.item(row)
        if item.data(Qt.ItemDataRole.UserRole + 1)[1] in (reflux, observation.finding_id):
            item.setCheckState(Qt.CheckState.Checked)
    conclusion.flush_drafts()
    settle()
    wait_for(lambda: conclusion.review is not None and not conclusion.review.refusals)

    # a "crash": the window goes away without closing; a new one restores the draft
    window.hide()
    again = MainWindow(homes.expert)
    qtbot.addWidget(again)
    again.open_case(session.case_id)
    wait_for(lambda: again.session is not None)
    restored = again.pages["conclusion"]
    wait_for(lambda: restored.recommendation() == "disqualify")
    assert restored.summary.toPlainText() == "存在资金回流，取消试点资格。"
    settle()
    wait_for(lambda: restored.review is not None and not restored.review.refusals)
    again.show()
    again.show_page("conclusion")
    asked = type_passphrase()
    qtbot.mouseClick(restored.sign_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: "已签名" in restored.saved_label.text())
    assert asked == ["passphrase-dialog"]
    settle()
    concluded = list_findings(homes.expert, session.case_id, kind="conclusion")
    assert len(concluded) == 1
    assert concluded[0].data["recommendation"] == "disqualify"
    assert set(concluded[0].data["grounds"]["flags"]) == {reflux}
    assert concluded[0].data["grounds"]["findings"] == [observation.finding_id]
    wait_for(lambda: again.pages["cases"].model.index(0, 3).data() == "已结论")

    # -- export: the bundle to a folder, what it holds; then the agency's receipt
    again.show_page("export")
    export = again.pages["export"]
    out = tmp_path / "usb"
    export.folder.setText(str(out))
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: export.result is not None)
    settle()
    bundles = list(out.glob("*"))
    assert len(bundles) == 1
    assert str(bundles[0]) in export.outcome.text()
    assert export.model.rowCount() == 1
    wait_for(lambda: again.pages["cases"].model.index(0, 3).data() == "已导出")

    from sync.services import import_bundles

    agency_signer = identity.unlock(homes.agency, PASSPHRASE)
    done = import_bundles(homes.agency, bundles, signer=agency_signer)
    receipts = [Path(o.receipt) for o in done.flat if o.receipt]
    assert receipts
    export.take_receipts(receipts)
    wait_for(lambda: "机构确认" in export.acked.text())

    # -- the store holds what was done through the pages, and it verifies
    current = list_findings(homes.expert, session.case_id)
    reviews = {f.data["flag"]: f.data["decision"] for f in current if f.kind == "flag_review"}
    assert reviews == {reflux: "confirmed", inflated: "dismissed"}
    report = verify_findings(homes.expert)
    assert report.ok
    settle()
    QApplication.processEvents()
