"""reportlab's TrueType subsetting (``TTFontFile.makeSubset``) with the same output, faster.

Every report embeds its CJK characters as font subsets (256 glyphs each); a CJK glyph is often
a composite of others, which reportlab walks with a seek and a read per field and patches by
copying the glyph's bytes once per component. This version reads the fields with
``struct.unpack_from`` and patches a ``bytearray``: the same bytes (checked against reportlab
on every subset of the test drafts and on random ones), about half the time. It is installed on
the registered report font's face only (:func:`install`).
"""

from __future__ import annotations

from contextlib import suppress
from struct import pack, pack_into, unpack_from
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    GF_ARG_1_AND_2_ARE_WORDS,
    GF_MORE_COMPONENTS,
    GF_WE_HAVE_A_SCALE,
    GF_WE_HAVE_A_TWO_BY_TWO,
    GF_WE_HAVE_AN_X_AND_Y_SCALE,
    TTFontMaker,
)


def _skip(flags: int) -> int:
    """Bytes after a component's flags and glyph index: its arguments and transform."""
    n = 4 if flags & GF_ARG_1_AND_2_ARE_WORDS else 2
    if flags & GF_WE_HAVE_A_SCALE:
        n += 2
    elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
        n += 4
    elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
        n += 8
    return n


def _components(face: Any) -> Any:
    """``parts(glyph)``: where a glyph refers to its components (offset of the reference in the
    glyph's data, component glyph), read once per glyph and kept with the face."""
    known: dict[int, tuple[tuple[int, int], ...]] | None = getattr(face, "_inspector_parts", None)
    if known is None:
        known = {}
        face._inspector_parts = known
    glyf = face.get_table("glyf")
    positions = face.glyphPos

    def parts(glyph: int) -> tuple[tuple[int, int], ...]:
        found = known.get(glyph)
        if found is None:
            pos = positions[glyph]
            out: list[tuple[int, int]] = []
            if positions[glyph + 1] - pos > 2 and unpack_from(">h", glyf, pos)[0] < 0:
                p = 10
                flags = GF_MORE_COMPONENTS
                while flags & GF_MORE_COMPONENTS:
                    flags, component = unpack_from(">HH", glyf, pos + p)
                    out.append((p + 2, component))
                    p += 4 + _skip(flags)
            found = known[glyph] = tuple(out)
        return found

    return parts


def make_subset(face: Any, subset: list[int]) -> bytes:
    """``face.makeSubset(subset)``: the subset font file."""
    output = TTFontMaker()
    char_to_glyph = face.charToGlyph
    glyph_map = [0]  # new glyph index -> old glyph index
    glyph_set = {0: 0}  # old glyph index -> new glyph index
    code_to_glyph = {}
    for code in subset:
        old = char_to_glyph.get(code, 0)
        new = glyph_set.get(old)
        if new is None:
            new = glyph_set[old] = len(glyph_map)
            glyph_map.append(old)
        code_to_glyph[code] = new

    # the glyphs that composite glyphs are made of
    glyf = face.get_table("glyf")
    positions = face.glyphPos
    parts_of = _components(face)
    n = 0
    while n < len(glyph_map):
        old = glyph_map[n]
        n += 1
        for _at, component in parts_of(old):
            if component not in glyph_set:
                glyph_set[component] = len(glyph_map)
                glyph_map.append(component)

    for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
        with suppress(KeyError):  # optional tables (name and OS/2: checked when it loaded)
            output.add(tag, face.get_table(tag))
    output.add("post", b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16)

    count = len(glyph_map)
    hmetrics = face.hmetrics
    hmtx: list[int] = []
    for old in glyph_map:
        aw, lsb = hmetrics[old]
        hmtx.append(int(aw))
        hmtx.append(int(lsb))
    k = len(hmtx) - 2
    while k and hmtx[k] == hmtx[k - 2]:
        k -= 2
    k += 2
    metrics = k >> 1
    hmtx = hmtx[:k] + hmtx[k + 1 :: 2]
    output.add("hmtx", pack(f">{len(hmtx)}H", *hmtx))
    hhea = bytearray(face.get_table("hhea"))
    pack_into(">H", hhea, 34, metrics)
    output.add("hhea", bytes(hhea))
    maxp = bytearray(face.get_table("maxp"))
    pack_into(">H", maxp, 4, count)
    output.add("maxp", bytes(maxp))

    entries = len(subset)
    cmap = [0, 1, 1, 0, 0, 12, 6, 10 + entries * 2, 0, 0, entries]
    cmap += [code_to_glyph[c] for c in subset]
    output.add("cmap", pack(f">{len(cmap)}H", *cmap))

    parts: list[bytes] = []
    offsets: list[int] = []
    end = 0
    for old in glyph_map:
        offsets.append(end)
        pos = positions[old]
        length = positions[old + 1] - pos
        data = glyf[pos : pos + length]
        components = parts_of(old)
        if components:
            patched = bytearray(data)
            for at, component in components:
                pack_into(">H", patched, at, glyph_set[component])
            data = bytes(patched)
        parts.append(data)
        end += length
        if end % 4:
            pad = 4 - end % 4
            parts.append(b"\0" * pad)
            end += pad
    offsets.append(end)
    output.add("glyf", b"".join(parts))
    if (end + 1) >> 1 > 0xFFFF:
        long_offsets = 1
        loca = pack(f">{len(offsets)}L", *offsets)
    else:
        long_offsets = 0
        loca = pack(f">{len(offsets)}H", *(o >> 1 for o in offsets))
    output.add("loca", loca)
    head = bytearray(face.get_table("head"))
    pack_into(">H", head, 50, long_offsets)
    output.add("head", bytes(head))
    return output.makeStream()  # type: ignore[no-any-return]


def install(face: Any) -> None:
    """Make ``face`` (a registered font's ``TTFontFile``) subset with :func:`make_subset`."""
    face.makeSubset = lambda subset: make_subset(face, subset)


class _NumberArray(pdfdoc.PDFArray):  # type: ignore[misc]
    """A ``PDFArray`` of numbers written as ``PDFArray`` writes it, each number formatted by
    ``fp_str`` directly (reportlab's general formatter took 0.75 ms for a subset's 256
    widths)."""

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:
        items = [fp_str(e).encode("ascii") for e in self.sequence]
        if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
            joined = IND.join(items)
        else:
            for i in reversed(range(10, len(items), 10)):  # a line break every 10 numbers
                items.insert(i, b"\n ")
            joined = b" ".join(items)
        return b"[ " + joined + b" ]"


def install_widths(font: Any) -> None:
    """Make the subsets' width arrays of ``font`` (a registered ``TTFont``) write faster, with
    the same bytes."""
    add_objects = font.addObjects

    def fast_add_objects(doc: Any) -> None:
        add_objects(doc)
        for obj in doc.idToObject["BasicFonts"].dict.values():
            widths: Any = getattr(obj, "Widths", None)
            if type(widths) is pdfdoc.PDFArray and all(
                type(e) in (int, float) for e in widths.sequence
            ):
                obj.Widths = _NumberArray(widths.sequence)

    font.addObjects = fast_add_objects
