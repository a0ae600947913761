"""The evidence page: files by attachment, viewers, the CSV table over the record index,
search, and show_evidence (the jump the red-flags page makes)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from inspector_app.casepkg.model import ATTACHMENT_NAMES
from inspector_app.evidence.records import RecordIndexes, build_record_index
from tests.gui.uibhelp import make_world, settle, wait_for
from ui.pages.evidence import (
    EVIDENCE_MIME,
    EXPAND_GROUP,
    FETCH,
    PATH_ROLE,
    EvidencePage,
    FileInfo,
    group_files,
)
from ui.viewers.image import ImageViewer
from ui.viewers.table import BLOCK, CACHE_BLOCKS, RecordTableModel


@pytest.fixture
def page(qtbot: QtBot, tmp_path: Path, examples: Path) -> EvidencePage:
    world = make_world(tmp_path / "home", examples)
    page = EvidencePage(world.context)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()  # the tree is filled when the page is shown

    page.set_session(world.session)
    wait_for(page.ready)
    settle()
    page.world = world  # type: ignore[attr-defined]
    return page


def test_files_are_grouped_by_attachment_and_models_are_sound(
    page: EvidencePage, qtmodeltester
) -> None:
    model = page.tree_model
    groups = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert ATTACHMENT_NAMES[1] in groups[0]  # 附件1 验收档案 comes first
    assert any(g.startswith("logs/mes/ (") for g in groups)  # with its number of files
    paths = [
        model.index(c, 0, model.index(r, 0)).data(PATH_ROLE)
        for r in range(model.rowCount())
        for c in range(model.rowCount(model.index(r, 0)))
    ]
    assert "logs/mes/usage.csv" in paths and "photos/车间看板.jpg" in paths
    assert sorted(paths) == sorted(page.files) == sorted(model.paths())
    assert all(page.tree.isExpanded(model.index(r, 0)) for r in range(model.rowCount()))
    index = model.index_of("logs/mes/usage.csv")
    assert index.data() == "usage.csv" and index.data(PATH_ROLE) == "logs/mes/usage.csv"
    assert index.parent().data().startswith("logs/mes/ (")
    mime = model.mimeData([index, model.index_of("finance/contracts.csv")])
    assert bytes(mime.data(EVIDENCE_MIME)).decode() == "logs/mes/usage.csv\nfinance/contracts.csv"
    assert not model.flags(index.parent()) & Qt.ItemFlag.ItemIsDragEnabled
    qtmodeltester.check(model)
    page.search.setText("HT-2024")
    hits = page.run_search()
    assert hits
    qtmodeltester.check(page.results_model)


def test_show_evidence_jumps_to_a_csv_record(page: EvidencePage, qtmodeltester) -> None:
    assert page.show_evidence("logs/mes/usage.csv", rows=[17054, 12])
    assert page.stack.currentWidget() is page.csv
    model = page.csv.model
    assert model.rowCount() == 17054
    current = page.csv.view.currentIndex()
    assert current.row() == 11  # the first cited record
    assert model.highlighted == {17054, 12}
    assert model.headerData(17053, page.csv.view.verticalHeader().orientation()) == "17054"
    assert page.show_evidence("logs/mes/usage.csv", rows=[17054])
    assert page.csv.view.currentIndex().row() == 17053
    # the rows come from the file, never all of them held
    row = [model.index(17053, c).data() for c in range(model.columnCount())]
    text = (page.world.session.folder / "logs/mes/usage.csv").read_text(encoding="utf-8")  # type: ignore[attr-defined]
    assert ",".join(row) == text.rstrip("\n").splitlines()[-1]
    assert model.cached_rows() <= BLOCK * CACHE_BLOCKS
    qtmodeltester.check(model)
    # typing a record number
    page.csv.goto.setText("5")
    page.csv.goto.returnPressed.emit()
    assert page.csv.view.currentIndex().row() == 4
    assert not page.csv.jump_to(999_999)


def test_pdf_image_json_and_verification(page: EvidencePage, qtbot: QtBot) -> None:
    assert page.open_file("docs/附件4_改造合同/改造合同.pdf") == "pdf"
    assert page.pdf.document.pageCount() == 1
    page.pdf.search("Attachment")
    qtbot.waitUntil(lambda: page.pdf.matches() >= 1, timeout=5000)
    qtbot.waitUntil(lambda: page.pdf.found.text().startswith("1/"), timeout=5000)
    assert page.open_file("photos/车间看板.jpg") == "image"
    assert page.image.decoded
    assert page.image.exif.make
    page.image.zoom(2.0)
    assert page.image.scale_factor() > 0
    assert page.show_evidence("self_assessment.json", pointer="/items/S6/level")
    assert page.stack.currentWidget() is page.text
    line = page.text.edit.textCursor().block().text()
    assert '"level"' in line
    settle()
    assert page.verified.get("self_assessment.json") is True
    assert "✓" in page.file_meta.text()
    assert not page.show_evidence("no/such/file.csv")


def test_a_tampered_file_shows_it(page: EvidencePage) -> None:
    folder = page.world.session.folder  # type: ignore[attr-defined]
    (folder / "finance" / "payments.csv").write_text("x", encoding="utf-8")
    page.open_file("finance/payments.csv")
    settle()
    assert page.verified["finance/payments.csv"] is False
    assert "✗" in page.file_meta.text()


def test_undecodable_image_is_said_plainly(qtbot: QtBot, tmp_path: Path) -> None:
    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    fake = tmp_path / "IMG_0001.HEIC"
    fake.write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100)
    assert not viewer.load(fake)
    assert "HEIC" in viewer.problem.text()
    assert viewer.problem.isVisibleTo(viewer)


def test_table_model_over_gzip_and_gb18030_logs(tmp_path: Path, qtmodeltester) -> None:
    rows = [f"2024-05-01T08:00:{i % 60:02d}+08:00,用户{i},view,质检单{i}" for i in range(3000)]
    raw = ("timestamp,user_id,action,object\r\n" + "\r\n".join(rows) + "\r\n").encode("gb18030")
    src = tmp_path / "logs" / "mes" / "usage.csv.gz"
    src.parent.mkdir(parents=True)
    src.write_bytes(gzip.compress(raw))
    entry = build_record_index(src, "logs/mes/usage.csv.gz", tmp_path / "idx" / "records")
    assert entry["encoding"] == "gb18030"
    (tmp_path / "idx" / "records" / "catalog.json").write_text(
        json.dumps({"entries": [entry]}), encoding="utf-8"
    )
    index = RecordIndexes(tmp_path / "idx", tmp_path).get("logs/mes/usage.csv.gz")
    model = RecordTableModel()
    model.set_index(index)
    assert model.rowCount() == 3000
    assert model.index(2999, 1).data() == "用户2999"
    assert model.index(0, 3).data() == "质检单0"
    qtmodeltester.check(model)


def test_closing_the_case_while_its_index_opens(
    qtbot: QtBot, tmp_path: Path, examples: Path
) -> None:
    world = make_world(tmp_path / "home", examples)
    page = EvidencePage(world.context)
    qtbot.addWidget(page)
    page.set_session(world.session)
    page.set_session(None)
    settle()
    assert not page.ready()
    assert page.tree_model.rowCount() == 0
    assert not page.show_evidence("logs/mes/usage.csv", rows=[1])


def test_a_damaged_record_index_is_said_and_rebuilt(page: EvidencePage) -> None:
    from inspector_app.evidence import index_dir_for

    folder = page.world.session.folder  # type: ignore[attr-defined]
    for npy in (index_dir_for(folder) / "records").glob("*.npy"):
        npy.unlink()
    # damaged while the case is open: said plainly
    assert page.open_file("logs/mes/usage.csv") == "none"
    assert page.stack.currentWidget() is page.placeholder
    # opened again: rebuilt
    page.set_session(page.world.session)  # type: ignore[attr-defined]
    wait_for(page.ready)
    assert page.open_file("logs/mes/usage.csv") == "csv"
    assert page.csv.model.rowCount() == 17054


def test_the_tree_is_filled_when_the_page_is_shown(
    qtbot: QtBot, tmp_path: Path, examples: Path
) -> None:
    world = make_world(tmp_path / "home", examples)
    page = EvidencePage(world.context)
    qtbot.addWidget(page)
    page.set_session(world.session)
    wait_for(page.ready)
    settle()
    # hidden (another page is current): the files are known, the tree not laid out yet
    assert page.files and not page.tree_filled()
    assert page.tree_model.rowCount() == 0
    assert page.show_evidence("logs/mes/usage.csv", rows=[3])
    page.show()
    assert page.tree_filled()
    assert sorted(page.tree_model.paths()) == sorted(page.files)
    assert page.tree.currentIndex().data(PATH_ROLE) == "logs/mes/usage.csv"


TOTAL = max(EXPAND_GROUP + 1, 10 * FETCH + 1)


def test_large_groups_are_shown_closed_and_give_their_rows_in_parts(
    qtbot: QtBot, tmp_path: Path, examples: Path, qtmodeltester
) -> None:
    world = make_world(tmp_path / "home", examples)
    page = EvidencePage(world.context)
    qtbot.addWidget(page)
    page.show()
    page.set_session(world.session)
    wait_for(page.ready)
    many = [FileInfo(f"photos/IMG_{n:05d}.jpg", "0" * 64, 10, None, None) for n in range(TOTAL)]
    few = [FileInfo(f"logs/a/{n}.csv", "0" * 64, 10, None, None) for n in range(3)]
    page.files = {f.path: f for f in many + few}
    page.groups = group_files(many + few)
    page._fill_tree()
    model = page.tree_model
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert labels == ["logs/a/ (3)", f"photos/ ({TOTAL:,})"]
    photos = model.index(1, 0)
    assert page.tree.isExpanded(model.index(0, 0))
    assert not page.tree.isExpanded(photos)
    # the view lays out the rows it has: a group gives FETCH at a time
    assert model.rowCount(photos) == FETCH and model.canFetchMore(photos)
    assert not model.canFetchMore(model.index(0, 0))
    # showing a file of a closed group opens it (its rows fetched so far)
    page.current = f"photos/IMG_{FETCH + 10:05d}.jpg"
    page._select_in_tree(page.current)
    assert page.tree.isExpanded(photos)
    assert page.tree.currentIndex().data(PATH_ROLE) == page.current
    assert FETCH + 11 <= model.rowCount(photos) < TOTAL
    # scrolled to the end, the view asks for more, until all are there
    bar = page.tree.verticalScrollBar()
    while model.canFetchMore(photos):
        before = model.rowCount(photos)
        bar.setValue(bar.maximum())
        qtbot.waitUntil(lambda n=before: model.rowCount(photos) > n, timeout=5000)  # type: ignore[misc]
    assert model.rowCount(photos) == TOTAL
    last = model.index(TOTAL - 1, 0, photos)
    assert last.data(PATH_ROLE) == f"photos/IMG_{TOTAL - 1:05d}.jpg"
    qtmodeltester.check(model)
