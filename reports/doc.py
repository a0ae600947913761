"""One neutral document model, rendered twice: PDF (reportlab) and DOCX (python-docx).

A report is a :class:`Doc`: a title, the enterprise, and a list of blocks — headings,
paragraphs, notes (a statement the reader must not miss: no data, an undecided disagreement),
tables (a header row and text cells) and charts. The content modules build a ``Doc`` once; the
renderers only lay it out, so the PDF and the DOCX always say the same thing.

PDF: A4, the CJK font embedded as a subset (:mod:`inspector_app.pdfstyle`), a running header
(enterprise — report), "page x of y" in the footer, tables that split across pages with the
header row repeated, charts as vector graphics. DOCX: real headings and Word tables (header
row repeated), 宋体 body and 黑体 headings with the theme East Asian font attributes of the
default template cleared, language zh-CN, the same running header and a PAGE field.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors, textsplit
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from inspector_app.i18n import _
from inspector_app.pdfstyle import FONT, register_cjk_font, styles
from reports import charts


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Para:
    text: str
    style: str = "body"


@dataclass
class Note:
    """A statement in a box: no data for a section, an undecided disagreement, a caveat."""

    text: str


@dataclass
class TableBlock:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    #: relative column widths (sum is scaled to the text width)
    widths: Sequence[float] | None = None
    #: columns to right-align (numbers)
    numeric: Sequence[int] = ()


@dataclass
class Chart:
    kind: str  # "usage" | "score"
    data: Any
    caption: str = ""


Block = Heading | Para | Note | TableBlock | Chart


@dataclass
class Doc:
    title: str
    enterprise: str
    subtitle: Sequence[str] = ()
    blocks: list[Block] = field(default_factory=list)
    author: str = "inspector-app"
    created: date | None = None

    def h1(self, text: str) -> None:
        self.blocks.append(Heading(text, 1))

    def h2(self, text: str) -> None:
        self.blocks.append(Heading(text, 2))

    def p(self, text: str) -> None:
        self.blocks.append(Para(text))

    def kv(self, text: str) -> None:
        self.blocks.append(Para(text, "plain"))

    def note(self, text: str) -> None:
        self.blocks.append(Note(text))

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float] | None = None,
        numeric: Sequence[int] = (),
        *,
        empty: str | None = None,
    ) -> None:
        """A table, or the ``empty`` note when there are no rows."""
        if not rows and empty is not None:
            self.note(empty)
            return
        self.blocks.append(TableBlock(header, rows, widths, numeric))

    def chart(self, kind: str, data: Any, caption: str = "") -> None:
        self.blocks.append(Chart(kind, data, caption))


# --------------------------------------------------------------------------- PDF

TEXT_WIDTH = A4[0] - 40 * mm


def _esc(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


_char_widths: dict[tuple[str, float], dict[str, float]] = {}


def _cached_char_widths(word: str, fontName: str, fontSize: float) -> list[float]:
    """reportlab's ``textsplit.getCharWidths`` (CJK line breaking: one ``stringWidth`` call
    per character of every wrapped paragraph, on every wrap), with each character's width
    kept per font and size: the same widths, computed once."""
    widths = _char_widths.setdefault((fontName, fontSize), {})
    out = []
    for ch in word:
        w = widths.get(ch)
        if w is None:
            w = widths[ch] = stringWidth(ch, fontName, fontSize)
        out.append(w)
    return out


textsplit.getCharWidths = _cached_char_widths


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Defers page output so that the footer can say "page x of y"."""

    header_text = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        self.saveState()
        self.setFont(FONT, 8)
        self.setFillColor(colors.HexColor("#555555"))
        width, height = A4
        self.drawString(20 * mm, height - 12 * mm, self.header_text[:80])
        self.setStrokeColor(colors.HexColor("#999999"))
        self.setLineWidth(0.4)
        self.line(20 * mm, height - 13.5 * mm, width - 20 * mm, height - 13.5 * mm)
        self.drawCentredString(
            width / 2, 10 * mm, _("Page {page} of {total}", page=self._pageNumber, total=total)
        )
        self.restoreState()


def _cell_styles(n_columns: int) -> tuple[Any, Any]:
    """Head and text styles of a table's cells: 8 pt for wide tables, else 9 pt."""
    st = styles()
    size = 8.0 if n_columns >= 7 else 9.0
    lead = size + 2.5
    head = st["cellhead"].clone(f"h{size}", fontSize=size, leading=lead)
    text = st["cell"].clone(f"c{size}", fontSize=size, leading=lead)
    return head, text


def _pdf_table(block: TableBlock) -> Table:
    n = len(block.header)
    head_style, text_style = _cell_styles(n)
    size, lead = text_style.fontSize, text_style.leading
    numeric = set(block.numeric)
    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), lead),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E3E8EF")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for col in sorted(numeric):
        cmds.append(("ALIGN", (col, 1), (col, -1), "RIGHT"))
    right = text_style.clone(text_style.name + "r", alignment=2)

    rel = list(block.widths) if block.widths else [1.0] * n
    total = sum(rel)
    widths = [TEXT_WIDTH * w / total for w in rel]
    room = [w - 8 for w in widths]  # minus the cell's left and right padding

    def cell(text: str, col: int) -> Paragraph | str:
        # a text that fits on one line (a date, an amount, a code, a short phrase) is a plain
        # string cell, drawn as is: no line breaking to compute, a token never broken; a longer
        # one wraps (CJK: at any character)
        if "\n" not in text and stringWidth(text, FONT, size) <= room[col]:
            return text
        return Paragraph(_esc(text), right if col in numeric else text_style)

    head = [Paragraph(_esc(h), head_style) for h in block.header]
    body = [[cell(c, i) for i, c in enumerate(row)] for row in block.rows]
    t = Table([head, *body], colWidths=widths, repeatRows=1, splitByRow=1)
    t.setStyle(TableStyle(cmds))
    return t


def _pdf_note(text: str) -> Table:
    st = styles()
    t = Table([[Paragraph(_esc(text), st["cell"])]], colWidths=[TEXT_WIDTH])
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#B07A00")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FFF6DD")),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return t


def render_pdf(doc: Doc) -> bytes:
    """The document as PDF bytes."""
    register_cjk_font()
    st = styles()
    story: list[Any] = [Paragraph(_esc(doc.title), st["title"])]
    for line in doc.subtitle:
        story.append(Paragraph(_esc(line), st["subtitle"]))
    story.append(Spacer(1, 6))
    for block in doc.blocks:
        if isinstance(block, Heading):
            story.append(Paragraph(_esc(block.text), st["h1" if block.level == 1 else "h2"]))
        elif isinstance(block, Para):
            story.append(Paragraph(_esc(block.text), st[block.style]))
        elif isinstance(block, Note):
            story += [Spacer(1, 2), _pdf_note(block.text), Spacer(1, 4)]
        elif isinstance(block, TableBlock):
            story += [_pdf_table(block), Spacer(1, 6)]
        else:
            drawing = charts.drawing(block.kind, block.data, TEXT_WIDTH)
            parts: list[Any] = [drawing]
            if block.caption:
                parts.append(Paragraph(_esc(block.caption), st["small"]))
            story += [KeepTogether(parts), Spacer(1, 6)]
    buf = io.BytesIO()
    template = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=f"{doc.enterprise} {doc.title}",
        author=doc.author,
        creator="inspector-app",
        subject=doc.title,
        lang="zh-CN",
        initialFontName=FONT,
    )
    header = f"{doc.enterprise} — {doc.title}"

    class Canvas_(_NumberedCanvas):
        header_text = header

    template.build(story, canvasmaker=Canvas_)
    return buf.getvalue()


# --------------------------------------------------------------------------- DOCX

BODY_FONT = "宋体"
HEADING_FONT = "黑体"


def _set_fonts(style: Any, east_asian: str, *, language: str = "zh-CN") -> None:
    """Set ``style``'s fonts to ``east_asian`` and clear the theme font attributes that the
    default template sets (they override a plain East Asian font in Word and WPS)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    style.font.name = east_asian
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def _clear_theme_defaults(document: Any) -> None:
    """The document defaults (``w:docDefaults``) carry theme fonts too: clear them."""
    from docx.oxml.ns import qn

    styles_el = document.styles.element
    for fonts in styles_el.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _page_field(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field_char(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(field_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._r.append(instr)
    run._r.append(field_char("end"))


@cache
def _docx_base() -> bytes:
    """The default template with the report's fonts, language and page set up, as DOCX bytes:
    built once per process (python-docx parses its template on every ``Document()``)."""
    from docx import Document
    from docx.shared import Mm, Pt, RGBColor

    document = Document()
    _clear_theme_defaults(document)
    _set_fonts(document.styles["Normal"], BODY_FONT)
    document.styles["Normal"].font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _set_fonts(document.styles[name], HEADING_FONT)
        document.styles[name].font.color.rgb = RGBColor(0, 0, 0)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@cache
def _heading_style_ids() -> dict[int, str]:
    """Level → style id of the base document's "Title" and "Heading n" styles (python-docx
    looks a style up by name through every style of the document on each paragraph)."""
    from docx import Document

    styles = Document(io.BytesIO(_docx_base())).styles
    return {
        level: styles["Title" if level == 0 else f"Heading {level}"].style_id for level in range(4)
    }


def _add_heading(document: Any, text: str, level: int) -> Any:
    """``document.add_heading(text, level)``, with the style id looked up once."""
    para = document.add_paragraph(text)
    para._p.style = _heading_style_ids()[level]
    return para


_docx_local = threading.local()


def _fresh_document() -> Any:
    """This thread's document to fill, as ``Document(base)`` then a header paragraph and a
    centred footer with the PAGE field would be: opened once per thread, and its body put back
    to the base's before each report (parsing the template's parts took as long as writing a
    report's body)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = getattr(_docx_local, "document", None)
    if document is None:
        document = Document(io.BytesIO(_docx_base()))
        section = document.sections[0]
        section.header.paragraphs[0]  # creates the header part, as a report did
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(footer)
        document.core_properties.language = "zh-CN"  # (each report sets it too)
        _docx_local.document = document
        _docx_local.body = [deepcopy(child) for child in document.element.body]
        return document
    body = document.element.body
    for child in list(body):
        body.remove(child)
    for child in _docx_local.body:
        body.append(deepcopy(child))
    return document


def render_docx(doc: Doc) -> bytes:
    """The document as DOCX bytes."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    document = _fresh_document()
    document.sections[0].header.paragraphs[0].text = f"{doc.enterprise} — {doc.title}"
    props = document.core_properties
    props.title = f"{doc.enterprise} {doc.title}"
    props.author = doc.author
    props.language = "zh-CN"

    title = _add_heading(document, doc.title, 0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in doc.subtitle:
        para = document.add_paragraph(line)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in doc.blocks:
        if isinstance(block, Heading):
            _add_heading(document, block.text, block.level)
        elif isinstance(block, Para):
            para = document.add_paragraph(block.text)
            if block.style == "body":
                para.paragraph_format.first_line_indent = Pt(21)
        elif isinstance(block, Note):
            para = document.add_paragraph()
            run = para.add_run(block.text)
            run.bold = True
            run.font.color.rgb = RGBColor(0x8A, 0x5A, 0x00)
        elif isinstance(block, TableBlock):
            _docx_table(document, block.header, block.rows, block.numeric, WD_TABLE_ALIGNMENT)
        else:
            header_row, rows = charts.as_table(block.kind, block.data)
            if block.caption:
                document.add_paragraph(block.caption)
            _docx_table(document, header_row, rows, range(1, len(header_row)), WD_TABLE_ALIGNMENT)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _docx_table(
    document: Any,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[int],
    alignment: Any,
) -> None:
    """A Word table (style "Table Grid", 9 pt, header row repeated on each page), written as
    WordprocessingML directly: python-docx's cell API is quadratic in the rows."""
    from docx.oxml import parse_xml

    del alignment
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    style_id = "TableGrid"  # the default template's "Table Grid"
    numeric_set = set(numeric)
    width = 9638 // max(1, len(header))  # twips of the 170 mm text width, evenly

    def tc(text: str, *, bold: bool = False, right: bool = False) -> str:
        ppr = '<w:pPr><w:spacing w:before="0" w:after="0"/>'
        ppr += '<w:jc w:val="right"/></w:pPr>' if right else "</w:pPr>"
        rpr = (
            "<w:rPr>"
            + ("<w:b/>" if bold else "")
            + '<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
        )
        runs = "".join(
            (f"<w:r>{rpr}<w:br/></w:r>" if i else "")
            + f'<w:r>{rpr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
            for i, line in enumerate(text.split("\n"))
        )
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p>{ppr}{runs}</w:p></w:tc>'

    parts = [
        f'<w:tbl {ns}><w:tblPr><w:tblStyle w:val="{style_id}"/>'
        '<w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{width}"/>' for _h in header),
        '</w:tblGrid><w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>',
        "".join(tc(h, bold=True) for h in header),
        "</w:tr>",
    ]
    for row in rows:
        parts.append("<w:tr>")
        parts.extend(tc(text, right=i in numeric_set) for i, text in enumerate(row))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    body = document.element.body
    body.sectPr.addprevious(parse_xml("".join(parts)))
    document.add_paragraph()
