"""Showing untrusted text safely: control and bidirectional-override characters made visible.

Finding texts arrive from other experts' bundles, entry names from packages, card names from
other devices. Printed raw, ``ESC`` starts a terminal escape sequence (colours, a rewritten
title, OSC 8 links, a cleared screen), ``CR`` and ``BS`` overwrite what was printed before, and
U+202E (RIGHT-TO-LEFT OVERRIDE) shows ``evil\u202etxt.exe`` as ``evilexe.txt``. :func:`visible`
replaces each such character by an escape that shows what is there (``\\x1b``, ``\\u202e``);
ordinary text — Chinese included — is returned unchanged.

Used for every line of the command line's text output (``cli.CommandContext.out``/``err`` and
the error lines) and meant for the desktop app's labels and tables as well. JSON output keeps
the exact text (it is escaped by the JSON encoder).
"""

from __future__ import annotations

import re
from functools import cache

#: C0 controls (but TAB and LF, see ``keep_newlines``), DEL, C1 controls
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
#: bidirectional formatting: LRM, RLM, ALM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI
_BIDI = "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
#: other invisible characters that change how text reads: zero-width space/joiners, word joiner,
#: invisible operators, BOM/ZWNBSP, interlinear annotation, line and paragraph separators
_INVISIBLE = "\u200b-\u200d\u2060-\u2064\ufeff\ufff9-\ufffb\u2028\u2029"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The unsafe characters (with, then without, line feeds and tabs allowed) and lone
    surrogates; compiled at the first text that is not plain printable ASCII, not when the
    module is imported (every start of the app imports it: ~2 ms of compiling)."""
    return (
        re.compile(f"[{_CONTROLS}{_BIDI}{_INVISIBLE}]"),
        re.compile(f"[\t\n{_CONTROLS}{_BIDI}{_INVISIBLE}]"),
        re.compile("[\ud800-\udfff]"),
    )


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every control, bidi-override and invisible formatting character shown as
    an escape (``\\x1b``, ``\\u202e``); line feeds and tabs stay unless ``keep_newlines`` is
    false (a one-line field: a name, a table cell)."""
    if text.isascii() and text.isprintable():
        return text
    unsafe, unsafe_line, surrogate = _patterns()
    out = (unsafe if keep_newlines else unsafe_line).sub(_escape, text)
    if surrogate.search(out):
        out = surrogate.sub(_escape, out)
    return out


def is_clean(text: str, *, keep_newlines: bool = True) -> bool:
    """Whether :func:`visible` would leave ``text`` unchanged."""
    return visible(text, keep_newlines=keep_newlines) == text


__all__ = ["is_clean", "visible"]
