"""The parts of the drafts that a sample store does not show by itself: English, a conclusion
without grounds or still disputed, a project without its package, the inspection plan, the
font lookup, and the 一企一档 mapping documented in docs/formats/archive.md."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from inspector_app.casepkg import open_package
from inspector_app.findings import open_store
from inspector_app.i18n import get_language, language
from inspector_app.pdfstyle import FontMissing, find_cjk_font, font_candidates
from inspector_app.services.cases import CaseSession
from reports import archive, content
from reports.data import EnterpriseData, Settled, gather, settle
from reports.doc import Doc, Note, Para, render_docx, render_pdf
from reports.plan import inspection_plan

from .conftest import NOW
from .world import World

ROOT = Path(__file__).resolve().parents[3]


def data_of(world: World, outcome: str) -> EnterpriseData:
    with open_store(world.agency) as store:
        row = store.case(world.cases[outcome])
    assert row is not None
    return gather(world.agency, [row], now=NOW)


def texts(doc: Doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, (Note, Para))]


def pdf_words(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no poppler")


@needs_poppler
def test_english_drafts_speak_english_only(world: World, tmp_path: Path) -> None:
    with language("en"):
        data = data_of(world, "pass")
        text = pdf_words(render_pdf(content.acceptance(data)), tmp_path)
        plan_doc = content.assessment(data)
    assert "Acceptance report on the results of the digital transformation project" in text
    assert "Recommendation: Pass" in text and "Page 1 of" in text
    assert "1. Project facts" in text and "Appendix: sources of the figures" in text
    for chinese in ("验收结论", "项目基本情况", "数据来源", "第 1 页"):
        assert chinese not in text
    assert "level 2" in " ".join(texts(plan_doc))


def test_disqualify_without_grounds_says_so(world: World) -> None:
    data = data_of(world, "disqualify")
    value = dict(data.conclusion.value)
    assert value["grounds"]["flags"] == [world.findings["disqualify"]["flag"]]
    with_grounds = " ".join(texts(content.acceptance(data)))
    assert world.findings["disqualify"]["flag"] in with_grounds
    assert "张会计" in with_grounds  # the interview named in the grounds
    del value["grounds"]
    old = replace(data, conclusion=replace(data.conclusion, value=value))
    said = " ".join(texts(content.acceptance(old)))
    assert "已签署的结论未写明依据" in said


def test_disputed_and_missing_conclusion_are_stated(world: World) -> None:
    data = data_of(world, "improve")
    experts = dict(data.conclusion.by_expert)
    (one, two) = sorted(experts)
    other = replace(experts[two], data={**experts[two].data, "recommendation": "pass"})
    disputed = settle("conclusion", {one: experts[one], two: other}, None)
    assert disputed.status == "disputed" and disputed.value is None
    said = " ".join(texts(content.acceptance(replace(data, conclusion=disputed))))
    assert "结论：专家意见不一致" in said and "机构尚未作出决定" in said
    empty = " ".join(
        texts(content.acceptance(replace(data, conclusion=Settled("conclusion", None, "none"))))
    )
    assert "尚无专家签署结论" in empty


def test_a_project_without_its_package_says_what_is_missing(world: World) -> None:
    data = replace(data_of(world, "pass"), package=None, analysis=None)
    for build in (content.acceptance, content.assessment, content.financial):
        doc = build(data)
        said = " ".join(texts(doc))
        if build is not content.assessment:
            assert "机构尚未导入该企业的案件包" in said
        assert render_pdf(doc).startswith(b"%PDF")
        assert render_docx(doc)[:2] == b"PK"
    record = archive.archive(data)
    assert record["basic"]["uscc"] is None and record["results"]["outcome"] == "pass"


@needs_poppler
def test_inspection_plan_turns_flags_into_checks(world: World, tmp_path: Path) -> None:
    with open_package(world.packages["improve"]) as pkg:
        with open_store(world.agency) as store:
            row = store.case(world.cases["improve"])
        assert row is not None
        analysis = CaseSession(world.agency, row).analysis().to_json()
        doc = inspection_plan(pkg, analysis, generated="2025-03-20T10:30:00+08:00")
        text = pdf_words(render_pdf(doc), tmp_path).replace(" ", "")
        burst = next(f for f in analysis["flags"] if f["rule"] == "USAGE_BURST")
        system = pkg.system(burst["id"].split(":")[1])
        assert system is not None
        assert "现场核查计划" in text and burst["id"] in text
        assert f"现场打开{system.name}" in text
        last_days = [d["date"] for d in analysis["usage"][system.system_id]["daily"]][-40:]
        assert any(d in text for d in last_days)  # concrete dates from the log
        assert "每周事件数" in text  # the usage chart's caption
    with open_package(world.packages["pass"]) as pkg:
        clean = inspection_plan(pkg, {"flags": [], "usage": {}}, generated="x")
        assert "分析未发现疑点：按下列常规核查进行。" in texts(clean)


def test_font_lookup_order_and_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INSPECTOR_CJK_FONT", raising=False)
    linux = font_candidates("linux")
    assert linux[0].parts[-2:] == ("fonts", "wqy-microhei.ttc") and "resources" in str(linux[0])
    assert str(font_candidates("win32")[3]).startswith("C:/Windows/Fonts")
    assert str(font_candidates("darwin")[3]).startswith("/Library/Fonts")
    mine = tmp_path / "mine.ttf"
    mine.write_bytes(b"x")
    monkeypatch.setenv("INSPECTOR_CJK_FONT", str(mine))
    assert find_cjk_font() == mine
    assert find_cjk_font([tmp_path / "none.ttc"]) is None
    error = FontMissing([tmp_path / "none.ttc"])
    assert error.code == "FONT_MISSING" and error.exit_code == 1
    assert "FONT_MISSING" in str(error) and "none.ttc" in str(error)


def test_archive_mapping_is_documented() -> None:
    doc = (ROOT / "docs" / "formats" / "archive.md").read_text(encoding="utf-8")
    assert archive.mapping_table() in doc


def _docx_parts(data: bytes) -> dict[str, bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_a_docx_does_not_carry_the_previous_one(world: World) -> None:
    """Each thread reuses one base document (its body put back per report): a report's DOCX is
    the same whatever was rendered before it, in this thread or another."""
    import threading

    from docx import Document

    data = data_of(world, "pass")
    first = content.acceptance(data)
    other = content.financial(data_of(world, "disqualify"))
    alone = _docx_parts(render_docx(first))
    render_docx(other)
    again = _docx_parts(render_docx(first))
    assert again == alone
    elsewhere: list[bytes] = []
    lang = get_language()  # a thread starts in the default language (charts' table headers)

    def render_elsewhere() -> None:
        with language(lang):
            elsewhere.append(render_docx(first))

    worker = threading.Thread(target=render_elsewhere)
    worker.start()
    worker.join()
    assert _docx_parts(elsewhere[0]) == alone
    import io

    opened = Document(io.BytesIO(render_docx(other)))
    body = [p.text for p in opened.paragraphs]
    assert other.title in body and first.title not in body
    header = opened.sections[0].header.paragraphs[0].text
    assert header == f"{other.enterprise} — {other.title}"
