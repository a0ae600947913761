"""One neutral document model, rendered twice: PDF (reportlab) and DOCX (python-docx).

A report is a :class:`Doc`: a title, the enterprise, and a list of blocks — headings,
paragraphs, notes (a statement the reader must not miss: no data, an undecided disagreement),
tables (a header row and text cells) and charts. The content modules build a ``Doc`` once; the
renderers only lay it out, so the PDF and the DOCX always say the same thing.

PDF (:mod:`reports.pdfdraw`, reportlab's canvas): A4, the CJK font embedded as a subset
(:mod:`inspector_app.pdfstyle`), a running header (enterprise — report), "page x of y" in the
footer, tables that split across pages with the header row repeated, charts as vector
graphics. DOCX (python-docx's default template, set up once per process): real headings and
Word tables (header row repeated), 宋体 body and 黑体 headings with the theme East Asian font
attributes of the default template cleared, language zh-CN, the same running header and a
PAGE field; each report's body is written as WordprocessingML into that base package.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from reports import charts
from reports.zippkg import Entry, deflate, write_zip


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


def render_pdf(doc: Doc) -> bytes:
    """The document as PDF bytes (laid out and drawn by :mod:`reports.pdfdraw`)."""
    from reports import pdfdraw

    return pdfdraw.render(doc)


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


@dataclass(frozen=True)
class _Package:
    """The base document as a package whose body, running header and title are filled per
    report: every other part (styles, theme, numbering, settings, footer…) is serialized and
    deflated once per process."""

    entries: tuple[Entry, ...]
    document: tuple[str, str]  # document.xml before and after the body's blocks
    header_name: str
    header: tuple[str, str]  # the header part before and after its text run
    core: tuple[str, str, str]  # core.xml around the title and the author


_MARK_HEADER, _MARK_TITLE, _MARK_AUTHOR = "\ue000header", "\ue000title", "\ue000author"


def prepare_docx() -> None:
    """Build the base package (a batch does it before it forks its workers)."""
    _docx_package()
    _heading_style_ids()


@cache
def _docx_package() -> _Package:
    """The base document (:func:`_docx_base`) with the header part, a centred footer with the
    PAGE field and the language, saved once by python-docx and taken apart into its parts."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document(io.BytesIO(_docx_base()))
    section = document.sections[0]
    section.header.paragraphs[0].text = _MARK_HEADER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)
    props = document.core_properties
    props.title, props.author, props.language = _MARK_TITLE, _MARK_AUTHOR, "zh-CN"
    body = document.element.body
    for child in list(body):
        if child is not body.sectPr:
            body.remove(child)
    buf = io.BytesIO()
    document.save(buf)
    entries: list[Entry] = []
    doc_parts = header_parts = core_parts = None
    header_name = ""
    with zipfile.ZipFile(buf) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            text = data.decode("utf-8") if info.filename.endswith(".xml") else ""
            if info.filename == "word/document.xml":
                cut = text.index("<w:sectPr")
                doc_parts = (text[:cut], text[cut:])
            elif _MARK_HEADER in text:
                i = text.index(_MARK_HEADER)
                start, end = text.rindex("<w:r>", 0, i), text.index("</w:r>", i) + len("</w:r>")
                header_parts, header_name = (text[:start], text[end:]), info.filename
            elif _MARK_TITLE in text:
                before, rest = text.split(_MARK_TITLE)
                middle, after = rest.split(_MARK_AUTHOR)
                core_parts = (before, middle, after)
            else:
                entries.append(Entry(info.filename, deflate(data), zlib.crc32(data), len(data)))
                continue
            entries.append(Entry(info.filename))
    assert doc_parts and header_parts and core_parts
    return _Package(tuple(entries), doc_parts, header_name, header_parts, core_parts)


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _text_xml(text: str) -> str:
    """Escaped element text (characters XML cannot hold dropped)."""
    if not text.isprintable():
        text = _XML_BAD.sub("", text)
    return text.translate(_XML_ESCAPES) if ("&" in text or "<" in text or ">" in text) else text


def _run(text: str, rpr: str = "") -> str:
    """A run of ``text`` as python-docx writes it (``\n`` a line break, ``\t`` a tab)."""
    out = ["<w:r>", rpr]
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if piece:
                space = ' xml:space="preserve"' if piece != piece.strip() else ""
                out.append(f"<w:t{space}>{_text_xml(piece)}</w:t>")
    out.append("</w:r>")
    return "".join(out)


def _para(text: str, ppr: str = "", rpr: str = "") -> str:
    inner = (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + (_run(text, rpr) if text else "")
    return f"<w:p>{inner}</w:p>" if inner else "<w:p/>"


def render_docx(doc: Doc) -> bytes:
    """The document as DOCX bytes: the base document of python-docx's default template
    (:func:`_docx_package`) with this report's blocks as its body — real headings (the
    template's Title and Heading styles), paragraphs and Word tables, written as
    WordprocessingML (python-docx's paragraph and cell API cost more than the whole PDF)."""
    package = _docx_package()
    ids = _heading_style_ids()
    centre = '<w:jc w:val="center"/>'
    parts = [_para(doc.title, f'<w:pStyle w:val="{ids[0]}"/>{centre}')]
    parts += [_para(line, centre) for line in doc.subtitle]
    for block in doc.blocks:
        if isinstance(block, Heading):
            parts.append(_para(block.text, f'<w:pStyle w:val="{ids[block.level]}"/>'))
        elif isinstance(block, Para):
            ppr = '<w:ind w:firstLine="420"/>' if block.style == "body" else ""
            parts.append(_para(block.text, ppr))
        elif isinstance(block, Note):
            parts.append(_para(block.text, rpr='<w:rPr><w:b/><w:color w:val="8A5A00"/></w:rPr>'))
        elif isinstance(block, TableBlock):
            parts.append(_docx_table(block.header, block.rows, block.numeric))
        else:
            header_row, rows = charts.as_table(block.kind, block.data)
            if block.caption:
                parts.append(_para(block.caption))
            parts.append(_docx_table(header_row, rows, range(1, len(header_row))))
    before, after = package.document
    header_before, header_after = package.header
    core_before, core_middle, core_after = package.core
    dynamic = {
        "word/document.xml": before + "".join(parts) + after,
        package.header_name: header_before + _run(f"{doc.enterprise} — {doc.title}") + header_after,
        "docProps/core.xml": core_before
        + _text_xml(f"{doc.enterprise} {doc.title}")
        + core_middle
        + _text_xml(doc.author)
        + core_after,
    }
    entries = []
    for entry in package.entries:
        if entry.deflated is None:
            data = dynamic[entry.name].encode("utf-8")
            entries.append(Entry(entry.name, deflate(data, 1), zlib.crc32(data), len(data)))
        else:
            entries.append(entry)
    return write_zip(entries)


def _docx_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[int],
) -> str:
    """A Word table (style "Table Grid", 9 pt, header row repeated on each page) and the empty
    paragraph after it, as WordprocessingML."""
    style_id = "TableGrid"  # the default template's "Table Grid"
    numeric_set = set(numeric)
    width = 9638 // max(1, len(header))  # twips of the 170 mm text width, evenly
    tcpr = f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
    plain = '<w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>'
    right = '<w:pPr><w:spacing w:before="0" w:after="0"/><w:jc w:val="right"/></w:pPr>'
    bold_rpr = '<w:rPr><w:b/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
    rpr = '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'

    def tc(text: str, ppr: str, r: str) -> str:
        if "\n" not in text:
            runs = f'<w:r>{r}<w:t xml:space="preserve">{_text_xml(text)}</w:t></w:r>'
        else:
            runs = "".join(
                (f"<w:r>{r}<w:br/></w:r>" if i else "")
                + f'<w:r>{r}<w:t xml:space="preserve">{_text_xml(line)}</w:t></w:r>'
                for i, line in enumerate(text.split("\n"))
            )
        return f"<w:tc>{tcpr}<w:p>{ppr}{runs}</w:p></w:tc>"

    parts = [
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{style_id}"/>'
        '<w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{width}"/>' for _h in header),
        '</w:tblGrid><w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>',
        "".join(tc(h, plain, bold_rpr) for h in header),
        "</w:tr>",
    ]
    for row in rows:
        parts.append("<w:tr>")
        parts.extend(
            tc(text, right if i in numeric_set else plain, rpr) for i, text in enumerate(row)
        )
        parts.append("</w:tr>")
    parts.append("</w:tbl><w:p/>")
    return "".join(parts)
