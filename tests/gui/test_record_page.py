"""The on-site record page: an observation with photos from a camera folder, an interview,
drafts kept, both signed as findings with the photos attached."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from inspector_app import services
from tests.gui.uibhelp import make_world, settle, wait_for
from ui.pages.record import RecordPage


def test_observation_with_photos_and_an_interview(
    qtbot: QtBot, tmp_path: Path, examples: Path, qtmodeltester
) -> None:
    world = make_world(tmp_path / "home", examples, with_identity=True)
    page = RecordPage(world.context)
    qtbot.addWidget(page)
    page.set_session(world.session)
    wait_for(page.ready)
    assert page.list_model.rowCount() == 0

    camera = tmp_path / "DCIM"
    camera.mkdir()
    for name in ("报工终端.jpg", "车间看板.jpg"):
        shutil.copy(world.session.folder / "photos" / name, camera / f"IMG_{name}")
    (camera / "notes.txt").write_text("not a photo", encoding="utf-8")

    page.new_observation.click()
    assert page.kind == "observation"
    # an empty photo pane says so, and how to fill it
    from inspector_app.i18n import _

    assert page.photos_label.text() == _(
        "&Photos: none yet (import them from a folder or add files)"
    )
    page.obs_text.insertPlainText("报工终端在用，屏幕显示当日工单。")
    page.import_photos_from(camera)
    settle()
    assert page.photos.count() == 2
    assert page.photos_label.text() == _("&Photos:")
    qtbot.waitUntil(lambda: not page.photos.item(1).icon().isNull(), timeout=10000)
    page.save_draft()
    settle()
    drafts = services.list_drafts(world.home, world.session)
    assert len(drafts) == 1 and drafts[0].key.startswith("observation:")
    assert len(drafts[0].payload["attachments"]) == 2
    # the photos were copied: the camera folder may go
    shutil.rmtree(camera)

    page.sign()
    settle()
    qtbot.waitUntil(lambda: page.ready() and page.list_model.rowCount() == 1, timeout=10000)
    assert world.errors == []
    observations = services.list_findings(world.home, world.session, kind="observation")
    assert len(observations) == 1
    assert observations[0].data["text"] == "报工终端在用，屏幕显示当日工单。"
    assert len(observations[0].data["attachments"]) == 2

    page.new_entry("interview")
    page.person.setText("李四")
    page.person.textEdited.emit("李四")
    page.role.setText("车间主任")
    page.role.textEdited.emit("车间主任")
    page.add_qa("系统每天都用吗？", "每天早班开工前报工。")
    page.add_qa("谁负责维护？", "信息部两人。")
    qtmodeltester.check(page.list_model)
    qtmodeltester.check(page.notes_model)
    page.sign()
    settle()
    qtbot.waitUntil(lambda: page.ready() and page.list_model.rowCount() == 2, timeout=10000)
    interviews = services.list_findings(world.home, world.session, kind="interview")
    assert len(interviews) == 1
    assert interviews[0].data["person"] == "李四"
    assert interviews[0].data["notes"][1] == {"q": "谁负责维护？", "a": "信息部两人。"}
    assert services.list_drafts(world.home, world.session) == []
    assert services.verify_findings(world.home).ok
    # a signed entry is shown read-only, and says so (已签署, not the contracts' 签订日期)
    from inspector_app.i18n import language

    with language("zh_CN"):
        shown = [page.list_model.index(r, 0).data() for r in range(page.list_model.rowCount())]
    assert all(t.startswith("[已签署] ") for t in shown), shown
    assert "[已签署] 访谈：李四（车间主任）" in shown and any("照片 2 张" in t for t in shown)
    page.list.setCurrentIndex(page.list_model.index(0, 0))
    assert page.obs_text.isReadOnly() and not page.sign_button.isEnabled()
