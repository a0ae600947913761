"""The evidence indexes are built at import, searchable, and leave nothing on a cancel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector_app.casepkg import import_package
from inspector_app.errors import Cancelled
from inspector_app.evidence import CaseIndex, build_case_index, ensure_case_index, index_dir_for
from inspector_app.evidence.build import is_current, verify_file
from inspector_app.progress import CancelToken


def test_import_builds_the_indexes(tmp_path: Path, examples: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    case = import_package(
        examples / "clean.case.zip",
        tmp_path / "workspace",
        progress=lambda d, t, _text: seen.append((d, t)),
    )
    directory = index_dir_for(case.folder)
    assert directory == tmp_path / "workspace" / "index" / case.case_id
    assert is_current(case.folder)
    index = CaseIndex.open(case.folder)
    meta = json.loads((case.folder / ".inspector-case.json").read_text(encoding="utf-8"))
    for usage in meta["usage"].values():
        log = index.records.get(usage["path"])
        assert log is not None
        assert log.rows == usage["rows"]
        assert log.header[:4] == ("timestamp", "user_id", "action", "object")
    contracts = index.records.get("finance/contracts.csv")
    assert contracts is not None
    contract_no = contracts.rows_between(1, 1)[0][0]
    hits = index.text.search(contract_no)
    assert any(
        h.path == "finance/contracts.csv" and h.unit == "row" and h.number == 1 for h in hits
    )
    assert all(contract_no in h.plain() or h.unit == "page" for h in hits)
    # two-character Chinese queries go through LIKE
    assert index.text.search("有限")
    assert index.text.search("没有这样的文字xyz") == []
    pages = [h for h in index.text.search("Attachment") if h.unit == "page"]
    assert pages and all(h.path.endswith(".pdf") for h in pages)
    index.close()
    # progress went forward to its total
    assert seen and seen[-1][0] == seen[-1][1]
    # the imported case still loads (the index lives outside the case folder)
    from inspector_app.casepkg import load_case

    assert load_case(case.folder).package_id == case.case_id


def test_cancel_leaves_nothing(tmp_path: Path, examples: Path) -> None:
    case = import_package(examples / "clean.case.zip", tmp_path / "ws")
    out = tmp_path / "other-index"
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        build_case_index(case.folder, out, cancel=token)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".index-")] == []


def test_ensure_rebuilds_a_missing_index_and_files_verify(tmp_path: Path, examples: Path) -> None:
    case = import_package(examples / "clean.case.zip", tmp_path / "ws")
    import shutil

    shutil.rmtree(index_dir_for(case.folder))
    assert not is_current(case.folder)
    index = ensure_case_index(case.folder)
    assert is_current(case.folder)
    assert "logs/mes/usage.csv" in index.records
    index.close()
    manifest = json.loads((case.folder / "manifest.json").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f["path"] == "finance/invoices.csv")
    assert verify_file(case.folder, entry["path"], entry["sha256"])
    (case.folder / "finance" / "invoices.csv").write_text("tampered", encoding="utf-8")
    assert not verify_file(case.folder, entry["path"], entry["sha256"])
