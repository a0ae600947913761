"""A small SpreadsheetML writer for the 一企一档 workbook (``reports.archive``).

The record is a few sheets of label/key/value rows and short tables, with four cell looks
(wrapped text; a bold shaded header; a money number ``#,##0.00``; a bold label), a frozen
header row and column widths. openpyxl writes each sheet through a temporary file and builds
a style object per cell; for a workbook this small that cost more than the rest of the
enterprise's record, so it is written here directly, as openpyxl would write it (inline
strings, shared styles). The batch summary keeps openpyxl (filters, one workbook per batch).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

#: cell looks → style index in ``styles.xml``
WRAP, HEAD, MONEY, BOLD = 1, 2, 3, 4

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Sheet:
    title: str
    widths: dict[str, float] = field(default_factory=dict)
    freeze_header: bool = True
    #: rows of (value, look) cells; a value None leaves the cell empty
    rows: list[list[tuple[Any, int]]] = field(default_factory=list)

    def append(self, cells: Sequence[tuple[Any, int]]) -> None:
        self.rows.append(list(cells))


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _cell(ref: str, value: Any, look: int) -> str:
    if value is None:
        return f'<c r="{ref}" s="{look}"/>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{look}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}" s="{look}"><v>{format(value, "f")}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}" s="{look}"><v>{value!r}</v></c>'
    text = _BAD.sub("", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" s="{look}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _sheet_xml(sheet: Sheet) -> str:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN}">']
    if sheet.freeze_header:
        parts.append(
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
            'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        )
    parts.append('<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
    if sheet.widths:
        parts.append("<cols>")
        for letter, width in sorted(sheet.widths.items(), key=lambda kv: (len(kv[0]), kv[0])):
            n = _column_index(letter)
            parts.append(f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>')
        parts.append("</cols>")
    parts.append("<sheetData>")
    for r, row in enumerate(sheet.rows, 1):
        if not row:
            parts.append(f'<row r="{r}"/>')
            continue
        parts.append(f'<row r="{r}">')
        parts.extend(
            _cell(f"{column_letter(c)}{r}", value, look) for c, (value, look) in enumerate(row, 1)
        )
        parts.append("</row>")
    parts.append('</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" '
                 'header="0.5" footer="0.5"/></worksheet>')  # fmt: skip
    return "".join(parts)


def _column_index(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n


_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '</fonts><fills count="3"><fill><patternFill/></fill><fill>'
    '<patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid">'
    '<fgColor rgb="00E3E8EF"/></patternFill></fill></fills><borders count="1"><border>'
    '<left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf></cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as an XLSX file."""
    from reports.zippkg import Entry, deflate, write_zip

    n = len(sheets)
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://'
        'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
        'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
        '+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxml'
        f'formats-officedocument.spreadsheetml.styles+xml"/>{types}</Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="'
        f'{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="{_MAIN}" '
        f'xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>'
        + "".join(
            f'<sheet name="{escape(s.title)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(sheets, 1)
        )
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships '
        f'xmlns="{_PKG_REL}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": _STYLES,
    }
    for i, sheet in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(sheet)
    entries = []
    for name, text in parts.items():
        data = text.encode("utf-8")
        entries.append(Entry(name, deflate(data, 1), zlib.crc32(data), len(data)))
    return write_zip(entries)
