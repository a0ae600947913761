"""The drafts read as a reader reads them: the PDF's text layer (``pdftotext``), the DOCX with
python-docx, the workbooks with openpyxl; every PDF renders (``pdftoppm``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from inspector_app.casepkg import load_case
from inspector_app.checklist import score_self_assessment
from inspector_app.findings import open_store
from reports.generate import Outcome
from reports.text import yuan

from .world import World

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils not installed",
)

ACCEPTANCE, ASSESSMENT, FINANCIAL = "成效验收报告", "数字化水平评测报告", "专项财务审核报告"


def folder(world: World, drafts: tuple[Path, Outcome], outcome: str) -> Path:
    with open_store(world.agency) as store:
        row = store.case(world.cases[outcome])
    assert row is not None
    (found,) = [p for p in drafts[0].iterdir() if p.is_dir() and p.name.startswith(f"{row.uscc}-")]
    return found


def package(world: World, outcome: str):  # type: ignore[no-untyped-def]
    with open_store(world.agency) as store:
        row = store.case(world.cases[outcome])
    assert row is not None and row.folder
    return load_case(row.folder)


def pdf_text(path: Path) -> str:
    """The PDF's text layer with all white space removed (pdftotext breaks table cells)."""
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    assert done.stderr == b""
    return "".join(done.stdout.decode("utf-8").split())


@pytest.mark.parametrize("outcome", ["pass", "improve", "disqualify"])
def test_pdf_text_layer_is_chinese_with_the_store_and_package_numbers(
    world: World, drafts: tuple[Path, Outcome], outcome: str
) -> None:
    pkg = package(world, outcome)
    where = folder(world, drafts, outcome)
    acc = pdf_text(where / f"{ACCEPTANCE}.pdf")
    fin = pdf_text(where / f"{FINANCIAL}.pdf")
    asm = pdf_text(where / f"{ASSESSMENT}.pdf")
    for text, title in (
        (acc, "企业数字化改造项目成效验收报告"),
        (asm, "企业数字化水平评测报告"),
        (fin, "企业数字化改造项目专项财务审核报告"),
    ):
        assert title in text
        assert pkg.enterprise.name in text
        assert pkg.enterprise.uscc in text
        assert "附录：数据来源" in text
        assert "第1页共" in text
    assert yuan(pkg.project.total_investment_yuan) in acc
    assert yuan(pkg.project.subsidy_requested_yuan) in acc
    for c in pkg.contracts:
        assert c.contract_no in fin
        assert yuan(c.amount_yuan) in fin
    for v in pkg.invoices:
        assert yuan(v.total_yuan) in fin
    assert "王丽" in acc and "赵强" in acc
    assert "一、项目基本情况" in acc and "七、疑点及专家核查意见" in acc
    if outcome == "pass":
        assert "验收结论：通过" in acc
        # the agency settled Q2; the final score is the honest self-assessment's
        expected = score_self_assessment(pkg.self_assessment)
        assert format(expected.score.normalize(), "f") in asm
        assert "机构已决定" in asm
        assert "二级" in asm
        assert "现场核查情况" in acc and "李师傅" in acc
    elif outcome == "improve":
        assert "验收结论：限期优化提升" in acc
        assert "连续三个月常态化使用生产管理系统" in acc
        assert "USAGE_BURST" in acc
        # S8 is disputed and undecided: said where the value would be
        assert "场景S8：专家意见不一致（王丽:二级；赵强:一级），机构尚未作出决定。" in asm
        assert "最终评分不完整" in asm
    else:
        flag = world.findings["disqualify"]["flag"]
        assert "验收结论：取消资格" in acc
        assert "取消资格的依据" in acc
        assert flag in acc
        assert "张会计" in acc
        assert "资金回流" in fin and "确认" in fin


def test_every_pdf_renders_and_embeds_a_subset_font(drafts: tuple[Path, Outcome]) -> None:
    pdfs = [f for f in drafts[1].files if f.suffix == ".pdf"]
    assert len(pdfs) == 9
    for pdf in pdfs:
        done = subprocess.run(
            ["pdftoppm", "-r", "20", "-png", str(pdf), str(pdf.with_suffix(""))],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0 and done.stderr == b"", (pdf, done.stderr)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True)
        rows = fonts.stdout.decode().splitlines()[2:]
        assert rows and "STSong" not in fonts.stdout.decode()
        for row in rows:
            name, *rest = row.split()
            assert "+" in name  # subset prefix ABCDEF+
            assert rest[-5] == "yes" and rest[-4] == "yes", row  # embedded, subset
        assert pdf.stat().st_size < 1_000_000


def test_docx_has_headings_tables_and_chinese_fonts(
    world: World, drafts: tuple[Path, Outcome]
) -> None:
    where = folder(world, drafts, "disqualify")
    pkg = package(world, "disqualify")
    doc = Document(str(where / f"{FINANCIAL}.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "二、合同及明细" in headings and "五、合同、发票、付款三方核对" in headings
    assert len(doc.tables) >= 6
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for c in pkg.contracts:
        assert c.contract_no in cells and yuan(c.amount_yuan) in cells
    header_row = doc.tables[0].rows[0]._tr
    assert header_row.trPr.find(qn("w:tblHeader")) is not None
    for name, font in (("Normal", "宋体"), ("Heading 1", "黑体"), ("Heading 2", "黑体")):
        rpr = doc.styles[name].element.rPr
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    acc = Document(str(where / f"{ACCEPTANCE}.docx"))
    text = "\n".join(p.text for p in acc.paragraphs)
    assert "验收结论：取消资格" in text
    assert doc.sections[0].header.paragraphs[0].text.startswith(pkg.enterprise.name)


def test_batch_summary_values(world: World, drafts: tuple[Path, Outcome]) -> None:
    assert drafts[1].summary is not None
    wb = load_workbook(drafts[1].summary)
    ws = wb["企业"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:L4"
    header = [c.value for c in ws[1]]
    rows = {
        r[1]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    assert len(rows) == 3
    for outcome, expected in (
        ("pass", "通过"),
        ("improve", "限期优化提升"),
        ("disqualify", "取消资格"),
    ):
        pkg = package(world, outcome)
        row = rows[pkg.enterprise.uscc]
        assert row["结论"] == expected
        assert row["区县"] == pkg.enterprise.district
        assert Decimal(str(row["申请补助（元）"])) == pkg.project.subsidy_requested_yuan
        if outcome == "pass":
            assert row["等级"] == 2
            assert Decimal(str(row["建议补助（元）"])) <= pkg.project.subsidy_requested_yuan
            assert Decimal(str(row["建议补助（元）"])) > 0
        else:
            assert Decimal(str(row["建议补助（元）"])) == 0
    reflux = world.findings["disqualify"]["flag"]
    assert reflux in rows[package(world, "disqualify").enterprise.uscc]["已确认疑点"]
    assert ws.cell(2, 10).number_format == "#,##0.00"
    flags = list(wb["疑点"].iter_rows(min_row=2, values_only=True))
    assert any(r[2] == reflux and r[5] == "确认" for r in flags)
    providers = list(wb["服务商"].iter_rows(min_row=2, values_only=True))
    assert sum(r[1] for r in providers) >= 3


def test_enterprise_record_json_and_xlsx(world: World, drafts: tuple[Path, Outcome]) -> None:
    pkg = package(world, "pass")
    where = folder(world, drafts, "pass")
    obj = json.loads((where / "一企一档.json").read_text(encoding="utf-8"))
    assert obj["basic"]["uscc"] == pkg.enterprise.uscc
    assert obj["basic"]["contact_name"] == (
        pkg.enterprise.contact.name if pkg.enterprise.contact else None
    )
    assert obj["needs"]["level_target"] == pkg.project.level_target
    assert obj["content"]["total_investment_yuan"] == format(pkg.project.total_investment_yuan, "f")
    assert [c["contract_no"] for c in obj["content"]["contracts"]] == [
        c.contract_no for c in pkg.contracts
    ]
    assert obj["results"]["outcome"] == "pass"
    assert obj["results"]["final_level"] == 2
    assert obj["results"]["outcome_date"] is not None
    wb = load_workbook(where / "一企一档.xlsx")
    assert wb.sheetnames == ["基本信息", "转型需求", "改造内容", "改造成效"]
    basic = {r[1]: r[2] for r in wb["基本信息"].iter_rows(min_row=2, values_only=True)}
    assert basic["uscc"] == pkg.enterprise.uscc
    content = {
        r[1]: r[2] for r in wb["改造内容"].iter_rows(min_row=2, values_only=True) if r and r[1]
    }
    assert Decimal(str(content["total_investment_yuan"])) == pkg.project.total_investment_yuan
