"""The one place that finds and registers the CJK font for PDFs, and the shared paragraph styles.

Used by the sample documents (``inspector_app.samples``) and by the report drafts (``reports``).
The font is a TrueType font that reportlab embeds **as a subset** (only the glyphs used), never
one of reportlab's non-embedded CID fonts (STSong-Light), so every PDF renders the same on any
reader. Lookup order (:func:`find_cjk_font`): the app's bundled ``resources/fonts``, then the
known system locations of Linux, Windows and macOS. When none is found,
:func:`register_cjk_font` raises :class:`FontMissing` (code ``FONT_MISSING``).
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from inspector_app.errors import EnvironmentProblem
from inspector_app.i18n import bi, labelled
from inspector_app.resources import resource_path

FONT = "InspectorCJK"

#: bundled font file names, in order of preference
BUNDLED_FONTS = ("wqy-microhei.ttc", "NotoSansCJKsc-Regular.ttf", "wqy-zenhei.ttc")

#: known system locations per platform (TrueType outlines only: reportlab cannot embed CFF)
SYSTEM_FONTS: dict[str, tuple[str, ...]] = {
    "linux": (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/arphic/uming.ttc",
    ),
    "win32": (
        "C:/Windows/Fonts/msyh.ttc",
        "C:/Windows/Fonts/simsun.ttc",
        "C:/Windows/Fonts/simhei.ttf",
    ),
    "darwin": (
        "/Library/Fonts/Arial Unicode.ttf",
        "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
        "/System/Library/Fonts/STHeiti Light.ttc",
        "/System/Library/Fonts/Hiragino Sans GB.ttc",
    ),
}


class FontMissing(EnvironmentProblem):
    """No usable Chinese TrueType font: code ``FONT_MISSING`` (exit 1, a calm message)."""

    code = "FONT_MISSING"

    def __init__(self, searched: list[Path]) -> None:
        self.searched = searched
        super().__init__(
            labelled(
                "FONT_MISSING",
                bi(
                    "No Chinese font was found (searched {paths}); install fonts-wqy-microhei or "
                    "set INSPECTOR_CJK_FONT to a TrueType font file.",
                    paths=", ".join(str(p) for p in searched),
                ),
            )
        )


def font_candidates(platform: str | None = None) -> list[Path]:
    """Where :func:`find_cjk_font` looks, in order: ``INSPECTOR_CJK_FONT``, the bundled
    resources, then the system locations (this platform's first, then the others')."""
    platform = platform or sys.platform
    out: list[Path] = []
    env = os.environ.get("INSPECTOR_CJK_FONT")
    if env:
        out.append(Path(env))
    out.extend(resource_path("fonts", name) for name in BUNDLED_FONTS)
    key = "win32" if platform.startswith("win") else "darwin" if platform == "darwin" else "linux"
    out.extend(Path(p) for p in SYSTEM_FONTS[key])
    for other, paths in SYSTEM_FONTS.items():
        if other != key:
            out.extend(Path(p) for p in paths)
    return out


def find_cjk_font(candidates: list[Path] | None = None) -> Path | None:
    """The first existing candidate font file, or None."""
    for path in candidates if candidates is not None else font_candidates():
        if path.is_file():
            return path
    return None


@cache
def register_cjk_font() -> str:
    """Register the CJK font with reportlab (once) and return its name.

    Raises:
        FontMissing: no candidate exists.
    """
    rl_config.invariant = 1  # deterministic output: fixed document id and dates
    candidates = font_candidates()
    path = find_cjk_font(candidates)
    if path is None:
        raise FontMissing(candidates)
    kwargs: dict[str, Any] = {"subfontIndex": 0} if str(path).lower().endswith(".ttc") else {}
    pdfmetrics.registerFont(TTFont(FONT, str(path), **kwargs))
    # one face for every style: <b> and <i> in paragraphs map to the same embedded font
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return FONT


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The shared paragraph styles (names: title, subtitle, h, h1, h2, body, plain, cell,
    cellhead, right, small)."""
    f = register_cjk_font()
    base = ParagraphStyle(
        "body", fontName=f, fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21
    )
    return {
        "title": ParagraphStyle(
            "title",
            fontName=f,
            fontSize=18,
            leading=26,
            alignment=TA_CENTER,
            spaceAfter=10,
            wordWrap="CJK",
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            fontName=f,
            fontSize=12,
            leading=18,
            alignment=TA_CENTER,
            spaceAfter=8,
            wordWrap="CJK",
        ),
        "h": ParagraphStyle(
            "h", fontName=f, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4, wordWrap="CJK"
        ),
        "h1": ParagraphStyle(
            "h1",
            fontName=f,
            fontSize=14,
            leading=20,
            spaceBefore=10,
            spaceAfter=6,
            wordWrap="CJK",
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            fontName=f,
            fontSize=12,
            leading=18,
            spaceBefore=6,
            spaceAfter=4,
            wordWrap="CJK",
            keepWithNext=1,
        ),
        "body": base,
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0),
        "cell": ParagraphStyle("cell", fontName=f, fontSize=9, leading=12, wordWrap="CJK"),
        "cellhead": ParagraphStyle(
            "cellhead", fontName=f, fontSize=9, leading=12, wordWrap="CJK", alignment=TA_CENTER
        ),
        "right": ParagraphStyle(
            "right", fontName=f, fontSize=10.5, leading=16, alignment=TA_RIGHT, wordWrap="CJK"
        ),
        "small": ParagraphStyle("small", fontName=f, fontSize=8, leading=11, wordWrap="CJK"),
    }
