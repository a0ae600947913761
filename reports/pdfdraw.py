"""The PDF renderer of the report documents: a small flow layout drawn on a reportlab canvas.

The documents are simple — one embedded CJK font, headings, paragraphs, boxed notes, tables
with a header row, two vector charts — so they are laid out here directly instead of through
reportlab's platypus (whose general layout of tables and paragraphs cost about 12 ms of CPU per
page, five times what writing the page costs). The look is platypus' of the same styles:
A4 with 20 mm margins, the paragraph styles of :func:`inspector_app.pdfstyle.styles`, tables
with a grid and a shaded header row that split between rows across pages with the header row
repeated, notes in an amber box, charts kept together with their caption, a heading kept with
what follows it, the running header (enterprise — report) and "page x of y".

Layout runs first (every block placed on its page), drawing second, so the footer knows the
page count. Each page's graphics (shading, grid lines, charts) are drawn before its text, and
all its text is written in one text object.

Line breaking (CJK): a line may break between any two CJK characters and at spaces; a run of
Latin letters, digits and their punctuation (a code, an amount, a date) is kept whole when it
fits on a line; a closing punctuation mark stays on the line before (it may hang into the
margin by its width) and an opening one goes to the next line.
"""

from __future__ import annotations

import io
import re
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from reportlab.graphics.shapes import STATE_DEFAULTS, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import instanceStringWidthTTF as _string_width
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from inspector_app.i18n import _
from inspector_app.pdfstyle import FONT, register_cjk_font
from reports import charts, fontsubset

if TYPE_CHECKING:
    from reports.doc import Doc, TableBlock

PAGE_W, PAGE_H = float(A4[0]), float(A4[1])
MARGIN_X = 20 * float(mm)
TOP = PAGE_H - 20 * float(mm)
BOTTOM = 18 * float(mm)
TEXT_WIDTH = PAGE_W - 2 * MARGIN_X
#: paragraphs sit inside the frame's 6 pt padding (as in platypus); tables and notes span the
#: full text width
PAD = 6.0
CONTENT_TOP = TOP - PAD
CONTENT_BOTTOM = BOTTOM + PAD

GRID = colors.HexColor("#777777")
HEAD_BG = colors.HexColor("#E3E8EF")
NOTE_BOX = colors.HexColor("#B07A00")
NOTE_BG = colors.HexColor("#FFF6DD")
RUNNING = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
BLACK = colors.black


@dataclass(frozen=True)
class Style:
    size: float
    leading: float
    align: str = "left"  # left | center | right
    indent: float = 0.0  # first line
    before: float = 0.0
    after: float = 0.0
    keep_with_next: bool = False


# the paragraph styles of inspector_app.pdfstyle.styles(), as used by the reports
STYLES: dict[str, Style] = {
    "title": Style(18, 26, "center", after=10),
    "subtitle": Style(12, 18, "center", after=8),
    "h1": Style(14, 20, before=10, after=6, keep_with_next=True),
    "h2": Style(12, 18, before=6, after=4, keep_with_next=True),
    "body": Style(10.5, 16, indent=21),
    "plain": Style(10.5, 16),
    "small": Style(8, 11),
    "cell": Style(9, 12),
}

# ------------------------------------------------------------------ measuring and line breaking


def prepare_font() -> None:
    """Register the font and read the tables its subsets copy (a batch does it before it forks
    its workers)."""
    face = _font().face
    for tag in ("glyf", "post", "name", "OS/2", "cvt ", "fpgm", "prep", "hhea", "maxp"):
        with suppress(KeyError):  # optional tables
            face.get_table(tag)


@cache
def _font() -> Any:
    """The registered CJK font. Its file's tables are kept once read: reportlab copies whole
    tables out of the font file for every subset it embeds (the glyph table of a CJK font is
    megabytes, the PostScript names half a megabyte), and the tables never change. Its subsets
    are made by :mod:`reports.fontsubset` (the same bytes, faster)."""
    register_cjk_font()
    font = getFont(FONT)
    font.face.get_table = cache(font.face.get_table)
    fontsubset.install(font.face)
    fontsubset.install_widths(font)
    return font


_widths: dict[str, float] = {}  # character -> width at 1 pt


def _char_width(ch: str) -> float:
    w = _widths.get(ch)
    if w is None:
        w = _widths[ch] = _font().stringWidth(ch, 1.0)
    return w


def text_width(text: str, size: float) -> float:
    """The width of ``text`` in the font at ``size`` (reportlab's C accelerated measure)."""
    return float(_string_width(_font(), text, size))


#: a unit of line breaking: a run of Latin letters/digits and their punctuation, a run of
#: spaces, or one other character (CJK: a break is allowed around it)
_UNITS = re.compile(r"[0-9A-Za-z_.,:;!?%'\"()\[\]{}<>@#$&*+=/\\|~^`-]+| +|.", re.S)
#: may not begin a line (kept on the line before)
_NO_START = set("，。、；：！？）》」』】〕〉”’…—%,.;:!?)]}·")
#: may not end a line (moved to the next line)
_NO_END = set("（《「『【〔〈“‘([{")


def wrap(text: str, width: float, size: float, first_indent: float = 0.0) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (the first ``first_indent`` less);
    ``\\n`` breaks a line."""
    lines: list[str] = []
    for para in text.split("\n"):
        _wrap_para(para, width, size, first_indent if not lines else 0.0, lines)
    return lines


def _wrap_para(text: str, width: float, size: float, indent: float, out: list[str]) -> None:
    room = (width - indent) / size  # in 1-pt units
    if _string_width(_font(), text, 1.0) <= room:
        out.append(text)
        return
    line: list[str] = []
    used = 0.0
    widths = _widths
    for unit in _UNITS.findall(text):
        if len(unit) == 1:  # most units: one CJK character
            w = widths.get(unit) or _char_width(unit)
        else:
            w = 0.0
            for ch in unit:
                cw = widths.get(ch)
                if cw is None:
                    cw = _char_width(ch)
                w += cw
        if unit[0] == " ":
            if line:
                line.append(unit)
                used += w
            continue
        if used + w <= room or (line and len(unit) == 1 and unit in _NO_START):
            line.append(unit)
            used += w
            continue
        if len(unit) > 1 and w > width / size:  # a Latin run longer than a whole line
            for ch in unit:
                cw = widths.get(ch) or _char_width(ch)
                if used + cw > room and line:
                    _flush(line, out)
                    line, used, room = [], 0.0, width / size
                line.append(ch)
                used += cw
            continue
        if not line:  # one character wider than the line
            line.append(unit)
            used += w
            continue
        carry: list[str] = []
        while line and len(line[-1]) == 1 and line[-1] in _NO_END:
            carry.insert(0, line.pop())
        if not line:  # nothing but opening marks: they stay
            line, carry = carry, []
        _flush(line, out)
        room = width / size
        line = [*carry, unit]
        used = text_width("".join(line), 1.0)
    if line or not out:
        _flush(line, out)


def _flush(line: list[str], out: list[str]) -> None:
    out.append("".join(line).rstrip(" "))


# ------------------------------------------------------------------ layout


class _Page:
    __slots__ = ("graphics", "text")

    def __init__(self) -> None:
        # ("rect", x, y, w, h, fill, stroke, line width) | ("lines", [(x1, y1, x2, y2)…], colour,
        # width) | ("raw", path operators)
        self.graphics: list[tuple[Any, ...]] = []
        # (x, y, size, text, colour)
        self.text: list[tuple[float, float, float, str, Any]] = []


class _Layout:
    def __init__(self) -> None:
        self.pages: list[_Page] = []
        self.page = self._new()
        self.y = CONTENT_TOP
        self.fresh = True  # nothing placed on this page yet
        self._prepared: dict[int, Any] = {}  # id(block) -> its table layout or drawing

    def _new(self) -> _Page:
        page = _Page()
        self.pages.append(page)
        return page

    def break_page(self) -> None:
        self.page = self._new()
        self.y = CONTENT_TOP
        self.fresh = True

    def room(self) -> float:
        return self.y - CONTENT_BOTTOM

    def space(self, points: float) -> None:
        """Vertical space (dropped at the top of a page, as platypus does)."""
        if not self.fresh:
            self.y -= points

    def ensure(self, height: float) -> None:
        if height > self.room() and not self.fresh:
            self.break_page()

    # -- paragraphs

    def para_lines(self, text: str, style: Style, width: float) -> list[str]:
        return wrap(text, width, style.size, style.indent)

    def para(self, text: str, style: Style, keep: float = 0.0) -> None:
        """A paragraph; ``keep``: height of what must follow it on the same page."""
        x0, width = MARGIN_X + PAD, TEXT_WIDTH - 2 * PAD
        lines = self.para_lines(text, style, width)
        self.space(style.before)
        if style.keep_with_next:
            self.ensure(len(lines) * style.leading + style.after + keep)
        for i, line in enumerate(lines):
            if style.leading > self.room() and not self.fresh:
                self.break_page()
            indent = style.indent if i == 0 else 0.0
            if style.align == "left":
                x = x0 + indent
            else:
                w = text_width(line, style.size)
                x = x0 + (width - w) / 2 if style.align == "center" else x0 + width - w
            self.page.text.append((x, self.y - style.size, style.size, line, BLACK))
            self.y -= style.leading
            self.fresh = False
        self.y -= style.after

    def first_height(self, block: Any) -> float:
        """The height that a heading keeps with it: the start of ``block``."""
        from reports.doc import Chart, Heading, Note, Para, TableBlock

        if isinstance(block, Heading):
            st = STYLES["h1" if block.level == 1 else "h2"]
            return st.before + st.leading
        if isinstance(block, Para):
            st = STYLES[block.style]
            return st.leading * 2
        if isinstance(block, Note):
            return 2 + _note_height(block.text)
        if isinstance(block, TableBlock):
            t = self.table_layout(block)
            first = t.heights[1] if len(t.heights) > 1 else 0.0
            if first >= (CONTENT_TOP - CONTENT_BOTTOM) / 3:  # a tall row splits (table())
                first = 3 * t.leading + 4
            return t.heights[0] + first
        if isinstance(block, Chart):
            return float(self.chart_drawing(block).height)
        return 0.0

    def table_layout(self, block: TableBlock) -> _TableLayout:
        """The block's table laid out (once: a heading before it asks for its first rows)."""
        t = self._prepared.get(id(block))
        if t is None:
            t = self._prepared[id(block)] = _TableLayout(block)
        return t

    def chart_drawing(self, block: Any) -> Any:
        d = self._prepared.get(id(block))
        if d is None:
            d = self._prepared[id(block)] = charts.drawing(block.kind, block.data, TEXT_WIDTH)
        return d

    # -- notes

    def note(self, text: str) -> None:
        st = STYLES["cell"]
        lines = wrap(text, TEXT_WIDTH - 12, st.size)
        height = len(lines) * st.leading + 6
        self.space(2)
        self.ensure(height)
        top = self.y
        self.page.graphics.append(
            ("rect", MARGIN_X, top - height, TEXT_WIDTH, height, NOTE_BG, NOTE_BOX, 0.6)
        )
        y = top - 3 - st.size
        for line in lines:
            self.page.text.append((MARGIN_X + 6, y, st.size, line, BLACK))
            y -= st.leading
        self.y = top - height
        self.fresh = False
        self.y -= 4

    # -- tables

    def table(self, block: TableBlock) -> None:
        t = self.table_layout(block)
        head_h = t.heights[0]
        i = 1
        n = len(t.rows)
        while True:
            # the header row with the next row (or, of a tall row, its first lines), else the
            # next page
            first = t.heights[i] if i < n else 0.0
            if first >= (CONTENT_TOP - CONTENT_BOTTOM) / 3:
                first = 3 * t.leading + 4
            if head_h + first > self.room() and not self.fresh:
                self.break_page()
            top = self.y
            rows = [0]
            y = top - head_h
            while i < n:
                if y - t.heights[i] < CONTENT_BOTTOM and t.split(i, y - CONTENT_BOTTOM):
                    n += 1
                elif y - t.heights[i] < CONTENT_BOTTOM and len(rows) > 1:
                    break
                rows.append(i)  # (a row taller than a page that cannot split overflows)
                y -= t.heights[i]
                i += 1
            t.draw(self.page, top, rows)
            self.y = y
            self.fresh = False
            if i >= n:
                break
            self.break_page()
        self.y -= 6

    # -- charts

    def chart(self, block: Any) -> None:
        drawing = self.chart_drawing(block)
        st = STYLES["small"]
        caption = wrap(block.caption, TEXT_WIDTH - 2 * PAD, st.size) if block.caption else []
        height = drawing.height + len(caption) * st.leading
        self.ensure(height)
        top = self.y
        _place_drawing(self.page, drawing, MARGIN_X + PAD, top - drawing.height)
        y = top - drawing.height
        for line in caption:
            self.page.text.append((MARGIN_X + PAD, y - st.size, st.size, line, BLACK))
            y -= st.leading
        self.y = y - 6
        self.fresh = False


def _place_drawing(page: _Page, drawing: Any, x0: float, y0: float) -> None:
    """A chart's shapes (``reports.charts``: lines, polylines, rectangles, strings) as the
    page's path operators and text, at (x0, y0): what reportlab's renderer would draw, without
    its state machine."""
    code: list[str] = []
    put = code.append
    default_stroke = STATE_DEFAULTS["strokeColor"]
    for shape in drawing.contents:
        if isinstance(shape, String):
            size = float(shape.fontSize)
            x = x0 + shape.x
            anchor = shape.textAnchor
            if anchor in ("middle", "end"):
                w = text_width(shape.text, size)
                x -= w / 2 if anchor == "middle" else w
            colour = shape.fillColor if shape.fillColor is not None else BLACK
            page.text.append((x, y0 + shape.y, size, shape.text, colour))
            continue
        stroke = getattr(shape, "strokeColor", default_stroke)
        width = getattr(shape, "strokeWidth", None)
        width = 1 if width is None else width
        dash = getattr(shape, "strokeDashArray", None)
        if stroke is not None:
            put(f"{_rgb(stroke, 'RG')} {width:g} w")
            if dash:
                put(f"[{' '.join(f'{d:g}' for d in dash)}] 0 d")
        if isinstance(shape, Rect):
            fill = shape.fillColor
            if fill is not None:
                put(_rgb(fill))
            paint = "B" if fill is not None and stroke is not None else "S" if fill is None else "f"
            rect = f"{x0 + shape.x:.2f} {y0 + shape.y:.2f} {shape.width:.2f} {shape.height:.2f}"
            put(f"{rect} re {paint}")
        elif isinstance(shape, Line) and stroke is not None:
            put(
                f"{x0 + shape.x1:.2f} {y0 + shape.y1:.2f} m "
                f"{x0 + shape.x2:.2f} {y0 + shape.y2:.2f} l S"
            )
        elif isinstance(shape, PolyLine) and stroke is not None:
            pts = shape.points
            path = [f"{x0 + pts[0]:.2f} {y0 + pts[1]:.2f} m"]
            path += [f"{x0 + pts[i]:.2f} {y0 + pts[i + 1]:.2f} l" for i in range(2, len(pts), 2)]
            put(" ".join(path) + " S")
        else:  # pragma: no cover - the charts draw nothing else
            raise TypeError(type(shape).__name__)
        if stroke is not None and dash:
            put("[] 0 d")
    page.graphics.append(("raw", "\n".join(code)))


def _note_height(text: str) -> float:
    st = STYLES["cell"]
    return len(wrap(text, TEXT_WIDTH - 12, st.size)) * st.leading + 6


class _TableLayout:
    """A table's cells broken into lines and its rows' heights."""

    def __init__(self, block: TableBlock) -> None:
        n = len(block.header)
        self.size = size = 8.0 if n >= 7 else 9.0
        self.leading = size + 2.5
        rel = list(block.widths) if block.widths else [1.0] * n
        total = sum(rel) or 1.0
        self.widths = [TEXT_WIDTH * w / total for w in rel]
        room = [w - 8 for w in self.widths]
        numeric = set(block.numeric)
        self.align = ["right" if c in numeric else "left" for c in range(n)]
        self.rows: list[list[list[str]]] = [
            [wrap(str(h), room[c], size) for c, h in enumerate(block.header)]
        ]
        for row in block.rows:
            self.rows.append([wrap(str(text), room[c], size) for c, text in enumerate(row)])
        self.heights = [self.height(row) for row in self.rows]

    def height(self, row: list[list[str]]) -> float:
        return max((len(cell) for cell in row), default=1) * self.leading + 4

    def split(self, i: int, room: float) -> bool:
        """Split row ``i`` so that its first part fits in ``room`` (a tall row that would
        leave much of a page empty, or one taller than a page); False when it should rather
        move to the next page whole."""
        lines = int((room - 4) / self.leading)
        if self.heights[i] < (CONTENT_TOP - CONTENT_BOTTOM) / 3 or lines < 3:
            return False
        row = self.rows[i]
        self.rows[i : i + 1] = [[c[:lines] for c in row], [c[lines:] for c in row]]
        self.heights[i : i + 1] = [self.height(r) for r in self.rows[i : i + 2]]
        return True

    def draw(self, page: _Page, top: float, rows: Sequence[int]) -> None:
        size, lead = self.size, self.leading
        xs = [MARGIN_X]
        for w in self.widths:
            xs.append(xs[-1] + w)
        total = sum(self.heights[r] for r in rows)
        bottom = top - total
        page.graphics.append(
            ("rect", MARGIN_X, top - self.heights[0], TEXT_WIDTH, self.heights[0], HEAD_BG, None, 0)
        )
        lines: list[tuple[float, float, float, float]] = [(x, top, x, bottom) for x in xs]
        y = top
        text = page.text
        for r in rows:
            h = self.heights[r]
            lines.append((MARGIN_X, y, xs[-1], y))
            for c, cell in enumerate(self.rows[r]):
                # vertically centred in the row
                block = len(cell) * lead
                ty = y - (h - block) / 2 - size + 0.5
                for line in cell:
                    if r == 0:  # header: centred
                        x = xs[c] + (self.widths[c] - text_width(line, size)) / 2
                    elif self.align[c] == "right":
                        x = xs[c + 1] - 4 - text_width(line, size)
                    else:
                        x = xs[c] + 4
                    text.append((x, ty, size, line, BLACK))
                    ty -= lead
            y -= h
        lines.append((MARGIN_X, bottom, xs[-1], bottom))
        page.graphics.append(("lines", lines, GRID, 0.4))


# ------------------------------------------------------------------ drawing


def render(doc: Doc) -> bytes:
    """The document as PDF bytes."""
    from reports.doc import Heading, Note, Para, TableBlock

    _font()
    lay = _Layout()
    lay.para(doc.title, STYLES["title"])
    for line in doc.subtitle:
        lay.para(line, STYLES["subtitle"])
    lay.space(6)
    blocks = doc.blocks
    for k, block in enumerate(blocks):
        if isinstance(block, Heading):
            keep = lay.first_height(blocks[k + 1]) if k + 1 < len(blocks) else 0.0
            lay.para(block.text, STYLES["h1" if block.level == 1 else "h2"], keep)
        elif isinstance(block, Para):
            lay.para(block.text, STYLES[block.style])
        elif isinstance(block, Note):
            lay.note(block.text)
        elif isinstance(block, TableBlock):
            lay.table(block)
        else:
            lay.chart(block)

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, initialFontName=FONT, lang="zh-CN")
    canvas.setTitle(f"{doc.enterprise} {doc.title}")
    canvas.setAuthor(doc.author)
    canvas.setSubject(doc.title)
    canvas.setCreator("inspector-app")
    header = f"{doc.enterprise} — {doc.title}"[:80]
    total = len(lay.pages)
    for number, page in enumerate(lay.pages, 1):
        _draw_page(canvas, page, header, _("Page {page} of {total}", page=number, total=total))
        canvas.showPage()
    with _fast_deflate():
        canvas.save()
    return buf.getvalue()


class _FastDeflate(pdfdoc.PDFStreamFilterZCompress):  # type: ignore[misc]
    """reportlab's FlateDecode filter at zlib level 1 instead of 6."""

    def encode(self, text: str | bytes) -> bytes:
        if isinstance(text, str):
            text = text.encode("utf8")
        return zlib.compress(text, 1)


class _DeflateSwap:
    lock = threading.Lock()
    users = 0
    saved: Any = None
    fast = _FastDeflate()


@contextmanager
def _fast_deflate() -> Iterator[None]:
    """Deflate the streams of the PDFs saved meanwhile at zlib level 1: the embedded font
    subsets (CJK glyph outlines, 80 KB a report) are most of what a report compresses, and
    level 6 took a quarter of the time spent on a PDF for 6 % fewer bytes (70 KiB against
    74 KiB a report). reportlab reads its filter from a module global when it saves; it is
    swapped while any thread saves a report and put back after the last."""
    swap = _DeflateSwap
    with swap.lock:
        if swap.users == 0:
            swap.saved = pdfdoc.PDFZCompress
            pdfdoc.PDFZCompress = swap.fast
        swap.users += 1
    try:
        yield
    finally:
        with swap.lock:
            swap.users -= 1
            if swap.users == 0:
                pdfdoc.PDFZCompress = swap.saved


def _draw_page(canvas: Canvas, page: _Page, header: str, footer: str) -> None:
    """A page's graphics (the running header's rule, shading and boxes, grid lines, written as
    path operators), its charts, then its text."""
    code: list[str] = []
    put = code.append
    y = PAGE_H - 13.5 * float(mm)
    put(f"{_rgb(RULE, 'RG')} .4 w {MARGIN_X:.2f} {y:.2f} m {PAGE_W - MARGIN_X:.2f} {y:.2f} l S")
    for op in page.graphics:
        kind = op[0]
        if kind == "rect":
            _k, x, y, w, h, fill, stroke, width = op
            paint = (
                "B" if fill is not None and stroke is not None else "f" if fill is not None else "S"
            )
            if fill is not None:
                put(_rgb(fill))
            if stroke is not None:
                put(f"{_rgb(stroke, 'RG')} {width:g} w")
            put(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re {paint}")
        elif kind == "lines":
            _k, lines, colour, width = op
            put(f"{_rgb(colour, 'RG')} {width:g} w")
            put(" ".join(f"{a:.2f} {b:.2f} m {c:.2f} {d:.2f} l" for a, b, c, d in lines) + " S")
        else:
            put(op[1])
    canvas._code.append("\n".join(code))
    _draw_text(
        canvas,
        [
            (MARGIN_X, PAGE_H - 12 * mm, 8.0, header, RUNNING),
            *page.text,
            ((PAGE_W - text_width(footer, 8.0)) / 2, 10 * mm, 8.0, footer, RUNNING),
        ],
    )


def _split(font: Any, doc: Any, line: str) -> list[tuple[int, bytes]]:
    """``font.splitString(line, doc)``: the line as (subset, codes) chunks. When every
    character already has its code in this document (most lines: the same characters recur),
    the codes are looked up directly instead of through reportlab's per-character loop."""
    state = font.state.get(doc)
    if state is not None:
        assignments = state.assignments
        try:
            codes = [assignments[c] for c in map(ord, line)]
        except KeyError:
            pass
        else:
            if max(codes) < 256:
                return [(0, bytes(codes))]
            out: list[tuple[int, bytes]] = []
            start, current = 0, codes[0] >> 8
            for i, code in enumerate(codes):
                if code >> 8 != current:
                    out.append((current, bytes(c & 0xFF for c in codes[start:i])))
                    start, current = i, code >> 8
            out.append((current, bytes(c & 0xFF for c in codes[start:])))
            return out
    return font.splitString(line, doc)  # type: ignore[no-any-return]


def _rgb(colour: Any, op: str = "rg") -> str:
    """The operator that sets ``colour`` for filling (``rg``) or stroking (``RG``)."""
    return f"{colour.red:.4g} {colour.green:.4g} {colour.blue:.4g} {op}"


def _draw_text(canvas: Canvas, items: Sequence[tuple[float, float, float, str, Any]]) -> None:
    """All the text of a page in one text object, written as reportlab's ``ttfonts`` module
    says text in a dynamic (subset) font is written: per ``splitString`` chunk, the subset's
    font and the chunk — as a hex string: shorter than the octal escapes a literal string needs
    for the subsets' codes above 127, and quicker to write (what ``PDFTextObject`` does per
    string, without its state keeping); positions to 1/100 pt."""
    font = _font()
    doc = canvas._doc
    code = ["BT"]
    put = code.append
    size = 0.0
    subset = -1
    colour: Any = None
    names: dict[int, str] = {}
    for x, y, s, line, c in items:
        if not line:
            continue
        if c is not colour:
            put(_rgb(c))
            colour = c
        if s != size:
            size, subset = s, -1
        chunks = _split(font, doc, line)
        if len(chunks) == 1 and chunks[0][0] == subset:  # the usual case: one chunk, same font
            put(f"1 0 0 1 {x:.2f} {y:.2f} Tm <{chunks[0][1].hex()}> Tj")
            continue
        put(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        for sub, chunk in chunks:
            if sub != subset:
                name = names.get(sub)
                if name is None:
                    name = names[sub] = font.getSubsetInternalName(sub, doc)
                put(f"{name} {size:g} Tf")
                subset = sub
            put(f"<{chunk.hex()}> Tj")
    put("ET")
    canvas._code.append("\n".join(code))
