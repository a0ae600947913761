"""The whole path of issue 12 through the main window's own pages (UIA's and UIB's together):
open a package, score every question and scene by keyboard, confirm one flag and dismiss
another with reasons, add an observation with a photo, conclude, sign, export; then the
findings store and ``findings verify``."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from inspector_app.services.findings import list_findings, verify_findings
from tests.gui.uiahelp import make_homes, package, settle, type_passphrase, wait_for
from ui.mainwindow import MainWindow


def test_the_whole_review_through_the_main_window(
    qtbot: QtBot, tmp_path: Path, examples: Path
) -> None:
    homes = make_homes(tmp_path)
    window = MainWindow(homes.expert)
    qtbot.addWidget(window)
    window.show()
    window.resize(1400, 900)

    # open
    window.import_package(package(examples))
    wait_for(lambda: window.session is not None and window.current_page() == "overview")
    settle()
    session = window.session

    # score every question (its lowest option) and scene (level 0) by keyboard, then sign
    window.show_page("scoring")
    scoring = window.pages["scoring"]
    wait_for(scoring.ready)
    checklist = scoring.checklist
    for qid, question in checklist.questions.items():
        scoring.select_item(qid)
        low = min(question.options, key=lambda o: o.points)
        qtbot.keyClick(scoring.tree, low.letter)
    for sid in checklist.scenes:
        scoring.select_item(sid)
        qtbot.keyClick(scoring.tree, "0")
    assert scoring.answers.unanswered() == []
    asked = type_passphrase()
    scoring.sign()
    wait_for(lambda: bool(asked))
    settle()
    wait_for(
        lambda: (
            {f.data["item"] for f in list_findings(homes.expert, session, kind="score")}
            == set(checklist.item_ids())
        )
    )

    # an observation with a photo (imported from a "camera folder")
    window.show_page("record")
    record = window.pages["record"]
    wait_for(record.ready)
    camera = tmp_path / "DCIM"
    camera.mkdir()
    photo = next((session.folder / "photos").glob("*.jpg"))
    shutil.copy(photo, camera / "IMG_0001.jpg")
    record.new_observation.click()
    record.obs_text.insertPlainText("财务负责人承认服务商返还部分款项，现场拍照留存。")
    record.import_photos_from(camera)
    settle()
    record.save_draft()
    settle()
    record.sign()
    settle()
    wait_for(lambda: len(list_findings(homes.expert, session, kind="observation")) == 1)
    observation = list_findings(homes.expert, session, kind="observation")[0]
    assert len(observation.data["attachments"]) == 1

    # red flags: confirm the analysis's flag, dismiss the store's SELF_ASSESSMENT_INFLATED
    window.show_page("flags")
    flags = window.pages["flags"]
    flags.refresh()
    wait_for(lambda: any(i.startswith("SELF_ASSESSMENT") for i in flags.model.flag_ids()))
    settle()
    reflux = next(i for i in flags.model.flag_ids() if i.startswith("PAYMENT_REFLUX"))
    inflated = next(i for i in flags.model.flag_ids() if i.startswith("SELF_ASSESSMENT"))
    flags.select_flag(reflux)
    flags.reason.setPlainText("银行流水显示回款")
    qtbot.mouseClick(flags.confirm_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: (flags.model.decision(reflux) or {}).get("decision") == "confirmed")
    flags.select_flag(inflated)
    flags.reason.setPlainText("自评依据规划中的系统")
    qtbot.mouseClick(flags.dismiss_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: (flags.model.decision(inflated) or {}).get("decision") == "dismissed")
    settle()

    # conclude and sign: disqualify, citing the confirmed flag and the observation
    window.show_page("conclusion")
    conclusion = window.pages["conclusion"]
    conclusion.refresh()
    wait_for(lambda: conclusion.review is not None and conclusion.grounds.count() >= 2)
    qtbot.mouseClick(conclusion.rec_buttons["disqualify"], Qt.MouseButton.LeftButton)
    conclusion.summary.setPlainText("存在资金回流，取消试点资格。")
    for row in range(conclusion.grounds.count()):
        item = conclusion.grounds.item(row)
        if item.data(Qt.ItemDataRole.UserRole + 1)[1] in (reflux, observation.finding_id):
            item.setCheckState(Qt.CheckState.Checked)
    conclusion.flush_drafts()
    settle()
    wait_for(lambda: conclusion.review is not None and not conclusion.review.refusals)
    assert conclusion.review.unanswered == () and conclusion.review.undecided_flags == ()
    qtbot.mouseClick(conclusion.sign_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: len(list_findings(homes.expert, session, kind="conclusion")) == 1)
    settle()

    # export
    window.show_page("export")
    export = window.pages["export"]
    export.folder.setText(str(tmp_path / "usb"))
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    wait_for(lambda: export.result is not None)
    settle()
    assert len(list((tmp_path / "usb").glob("*"))) == 1

    # the store holds it all, and it verifies
    current = list_findings(homes.expert, session.case_id)
    kinds = {f.kind for f in current}
    assert kinds == {"score", "observation", "flag_review", "conclusion"}
    (concluded,) = [f for f in current if f.kind == "conclusion"]
    assert concluded.data["recommendation"] == "disqualify"
    assert concluded.data["grounds"] == {"flags": [reflux], "findings": [observation.finding_id]}
    assert verify_findings(homes.expert).ok
    wait_for(lambda: window.pages["cases"].model.index(0, 3).data() == "已导出")
