"""Every item model of UIA's pages passes pytest-qt's qtmodeltester, empty and filled, and
sorts and filters through its proxy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt
from pytestqt.modeltest import ModelTester

from inspector_app.services.cases import import_case, list_cases, open_case
from tests.gui.uiahelp import make_homes, package
from ui.pages.cases import CASE_ID_ROLE, CaseFilterModel, CaseListModel
from ui.pages.export import ExportsModel
from ui.pages.flags import FlagModel, load_flags


def test_case_list_model(qtmodeltester: ModelTester, tmp_path: Path, examples: Path) -> None:
    homes = make_homes(tmp_path)
    model = CaseListModel()
    qtmodeltester.check(model)
    import_case(homes.expert, examples / "clean.case.zip")
    import_case(homes.expert, package(examples))
    summaries = list_cases(homes.expert)
    model.set_cases(summaries)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert {model.index(r, 3).data() for r in range(2)} == {"未开始"}
    proxy = CaseFilterModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    names = [proxy.index(r, 0).data() for r in range(2)]
    assert names == sorted(names, reverse=True)
    proxy.setFilterFixedString(summaries[1].case_id[:8])
    assert proxy.rowCount() == 1
    assert proxy.index(0, 0).data(CASE_ID_ROLE) == summaries[1].case_id


def test_flag_model(qtmodeltester: ModelTester, tmp_path: Path, examples: Path) -> None:
    homes = make_homes(tmp_path)
    model = FlagModel()
    qtmodeltester.check(model)
    session = open_case(homes.expert, import_case(homes.expert, package(examples)).case_id)
    flags, decisions = load_flags(session)
    model.set_flags(flags, decisions)
    qtmodeltester.check(model)
    assert model.rowCount() == len(flags) == 1
    assert model.index(0, 0).data() == "高"
    model.set_decision(flags[0].id, {"decision": "dismissed", "reason": "r"})
    assert model.index(0, 2).data() == "排除"
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_exports_model(qtmodeltester: ModelTester) -> None:
    from sync.expert import ExportRow

    model = ExportsModel()
    qtmodeltester.check(model)
    rows = [
        ExportRow(1, "b1", "h1", 1, 9, "x", "/tmp/one.bundle", "done", "{}", "2026-12-06T10:00"),
        ExportRow(2, "b2", "h2", 10, 12, "y", "/tmp/two.bundle", "done", "{}", None),
    ]
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.index(1, 3).data() == "尚未"
    assert model.index(0, 1).data() == "1–9"


def test_every_display_status_has_its_label(qtmodeltester: ModelTester) -> None:
    from inspector_app.services.cases import DISPLAY_STATUSES, CaseSummary

    rows = [
        CaseSummary(
            case_id=f"case-{i}",
            package_id=f"case-{i}",
            uscc=None,
            enterprise=f"企业{i}",
            district=None,
            providers=(),
            project_id=None,
            checklist=None,
            folder=None,
            status="in_progress",
            display_status=status,
            open_flags=i,
            analysed=True,
            imported_at="2026-12-06T10:00:00+08:00",
        )
        for i, status in enumerate(DISPLAY_STATUSES)
    ]
    model = CaseListModel()
    model.set_cases(rows)
    qtmodeltester.check(model)
    labels = [model.index(r, 3).data() for r in range(len(rows))]
    assert labels == ["未开始", "核查中", "已结论", "已导出", "需复核"]
    proxy = CaseFilterModel()
    proxy.setSourceModel(model)
    proxy.sort(3, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, 3).data() == "需复核"  # sorted by the status's order, not its text


def test_case_list_items_hold_every_role_and_follow_the_language(
    qtmodeltester: ModelTester,
) -> None:
    from PySide6.QtGui import QColor, QStandardItemModel

    from inspector_app.i18n import get_language, set_language
    from inspector_app.services.cases import CaseSummary
    from ui.pages.cases import SORT_ROLE

    def summary(i: int, status: str, analysed: bool) -> CaseSummary:
        return CaseSummary(
            case_id=f"{i:08d}-case",
            package_id=f"p{i}",
            uscc=None,
            enterprise=f"企业{i}",
            district=None,
            providers=("甲公司", "乙公司") if i else (),
            project_id=None,
            checklist=None,
            folder=None,
            status="in_progress",
            display_status=status,
            open_flags=3 * i,
            analysed=analysed,
            imported_at="2026-12-06T10:00:00+08:00",
        )

    model = CaseListModel()
    # the view reads the items in C++: no Python data() answering each call
    assert type(model).data is QStandardItemModel.data
    model.set_cases([summary(0, "stale", False), summary(1, "concluded", True)])
    qtmodeltester.check(model)
    stale, done = 0, 1
    assert model.index(stale, 4).data() == "-" and model.index(done, 4).data() == "3"
    assert model.index(done, 4).data(SORT_ROLE) == 3
    align = Qt.AlignmentFlag(model.index(done, 4).data(Qt.ItemDataRole.TextAlignmentRole))
    assert align & Qt.AlignmentFlag.AlignRight
    colour = model.index(stale, 3).data(Qt.ItemDataRole.ForegroundRole)
    assert colour.color() == QColor("#b00020")
    assert model.index(done, 3).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(done, 5).data() == "00000001"
    assert model.index(done, 5).data(Qt.ItemDataRole.ToolTipRole) == "00000001-case"
    assert model.index(done, 2).data() == "甲公司、乙公司" and model.index(stale, 2).data() == "-"
    assert all(model.index(stale, c).data(CASE_ID_ROLE) == "00000000-case" for c in range(6))
    assert not model.flags(model.index(done, 0)) & Qt.ItemFlag.ItemIsEditable
    before = get_language()
    try:
        set_language("en")
        model.retranslate()
        assert model.headerData(3, Qt.Orientation.Horizontal) == "Status"
        assert model.index(done, 3).data() != "已结论"
        set_language("zh_CN")
        model.retranslate()
        assert model.headerData(3, Qt.Orientation.Horizontal) == "状态"
        assert model.index(done, 3).data() == "已结论"
    finally:
        set_language(before)
    model.set_cases([])
    assert model.rowCount() == 0 and model.columnCount() == 6
