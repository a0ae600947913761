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
