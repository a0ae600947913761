"""The PDF layout of the drafts (reports/pdfdraw.py) as a reader meets it: lines that stay in
the text width without breaking codes and amounts, tables that go on over pages with their
header row, a cell too long for a page, the page count in every footer, one embedded font."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import TTFontFile

from inspector_app.pdfstyle import FONT
from reports.doc import Doc, render_pdf
from reports.pdfdraw import text_width, wrap

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None, reason="no poppler"
)


def pages_of(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def test_lines_keep_within_the_width_and_keep_codes_whole() -> None:
    text = (
        "合同HT-2024-638的金额为231,300.00元，发票2553289612579743456已开具；"
        "付款于2024-08-29到账。" * 3
    )
    width = 180.0
    lines = wrap(text, width, 9)
    assert "".join(lines) == text
    for line in lines:
        # a closing mark may hang into the margin by its own width
        assert text_width(line.rstrip("，。；、"), 9) <= width + 0.01
    for token in ("HT-2024-638", "231,300.00", "2553289612579743456", "2024-08-29"):
        assert any(token in line for line in lines), token
    assert not any(line[:1] in "，。；、）" for line in lines)
    assert wrap("第一行\n第二行", 200, 9) == ["第一行", "第二行"]


def test_a_token_longer_than_the_line_is_broken() -> None:
    lines = wrap("x" * 200, 100, 9)
    assert "".join(lines) == "x" * 200 and len(lines) > 1
    assert all(text_width(line, 9) <= 100 for line in lines)


@needs_poppler
def test_a_long_table_goes_on_with_its_header_and_the_page_count(tmp_path: Path) -> None:
    doc = Doc("测试报告", "某某有限公司")
    doc.h1("一、长表")
    rows = [[f"第{i}行", f"{i * 1000:,}.00", "专家意见一致"] for i in range(1, 121)]
    doc.table(["项目", "金额（元）", "状态"], rows, numeric=(1,))
    doc.p("表后的段落。")
    pages = pages_of(render_pdf(doc), tmp_path)
    assert len(pages) >= 3
    found: list[int] = []
    for number, page in enumerate(pages, 1):
        flat = "".join(page.split())
        assert "某某有限公司—测试报告" in flat
        assert f"第{number}页共{len(pages)}页" in flat
        assert re.search(r"项目\s+金额（元）\s+状态", page), number  # the header row, each page
        found += [int(m) for m in re.findall(r"第(\d+)行", page)]
    assert found == list(range(1, 121))  # every row once, in order
    assert "表后的段落。" in pages[-1]


@needs_poppler
def test_a_cell_longer_than_a_page_goes_on_over_pages(tmp_path: Path) -> None:
    doc = Doc("测试报告", "某某有限公司")
    long = "".join(f"第{i}句说明。" for i in range(1, 400))
    doc.table(["项目", "说明"], [["A", long], ["B", "短"]], widths=[1, 3])
    pages = pages_of(render_pdf(doc), tmp_path)
    assert len(pages) >= 2
    said = "".join("".join(p.split()) for p in pages)
    assert all(f"第{i}句说明。" in said for i in (1, 200, 399))
    assert "B短" in said.replace(" ", "")


@needs_poppler
def test_the_only_font_is_the_embedded_subset(tmp_path: Path) -> None:
    doc = Doc("测试报告", "某某有限公司", subtitle=["副标题"])
    doc.note("注意：无数据。")
    path = tmp_path / "f.pdf"
    path.write_bytes(render_pdf(doc))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True)
    fonts = out.stdout.decode().splitlines()[2:]
    assert fonts
    for line in fonts:
        cols = line.split()
        assert "TrueType" in line and cols[-5:-3] == ["yes", "yes"], line  # embedded, subset


def test_font_subsets_are_reportlabs_bytes() -> None:
    import random

    from reports.fontsubset import make_subset
    from reports.pdfdraw import prepare_font

    prepare_font()
    face = getFont(FONT).face
    rng = random.Random(13)
    mapped = sorted(face.charToGlyph)
    cjk = [c for c in mapped if 0x4E00 <= c <= 0x9FFF] or mapped
    subsets = [[0, *rng.sample(cjk, rng.randint(1, 255))] for _ in range(12)]
    subsets += [[0, 32, *range(33, 127)], [0, 0x10FFF0, 0x4E00]]  # ASCII; an unmapped code
    for subset in subsets:
        assert make_subset(face, subset) == TTFontFile.makeSubset(face, subset)


def test_width_arrays_are_written_as_reportlab_writes_them() -> None:
    from reportlab.pdfbase import pdfdoc

    from reports.fontsubset import _NumberArray

    doc = pdfdoc.PDFDocument()
    for values in ([], [500], list(range(500, 756)), [523.4375, 1000, 0.5, 333.33333]):
        assert _NumberArray(values).format(doc) == pdfdoc.PDFArray(values).format(doc)
