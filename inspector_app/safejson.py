"""Strict JSON reading for files that arrive from outside (packages, findings files, cards,
bundles, receipts).

:func:`json.loads` accepts three things that later crash or mislead: a key twice in one object
(the last one wins silently, while other readers keep the first), a lone UTF-16 surrogate
escape (``"\\ud800"``: a ``str`` that cannot be encoded as UTF-8, so writing it anywhere raises),
and nesting deep enough to exhaust the interpreter's stack (``RecursionError``, in the parser or
in any recursive code after it). :func:`loads` refuses all three with :class:`JsonRefused`, a
``ValueError`` — callers that already turn ``ValueError`` into a clear refusal need no change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

#: the deepest nesting of arrays and objects accepted (the formats need fewer than ten levels)
MAX_DEPTH = 64

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
#: characters of text one regular-expression call searches: a long C call holds the GIL, and
#: the UI thread waits for it (a 100,000-file package's 13 MB manifest held it ~0.4 s)
CHUNK = 1 << 18
_CONTAINERS = (dict, list)


class JsonRefused(ValueError):
    """The text is not acceptable JSON; ``code`` is ``SYNTAX``, ``DUPLICATE_KEY``,
    ``LONE_SURROGATE`` or ``TOO_DEEP``; ``detail`` a short English explanation."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def check_value(value: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Refuse lone surrogates (in keys and strings) and nesting deeper than ``max_depth``.

    Iterative: a value of any depth is walked without recursion.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                raise JsonRefused(
                    "LONE_SURROGATE", f"the text {item[:40]!r} holds a lone surrogate"
                )
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise JsonRefused("TOO_DEEP", f"nested more than {max_depth} levels deep")
            if isinstance(item, dict):
                for key, sub in item.items():
                    stack.append((key, depth + 1))
                    stack.append((sub, depth + 1))
            else:
                stack.extend((sub, depth + 1) for sub in item)


def loads(
    data: str | bytes,
    *,
    parse_float: Callable[[str], Any] | None = None,
    unique_keys: bool = True,
    allow_constants: bool = False,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """``json.loads`` that refuses duplicate keys, lone surrogates, ``NaN``/``Infinity``
    (unless ``allow_constants``) and nesting deeper than ``max_depth``.

    ``bytes`` must be UTF-8 (a ``UnicodeDecodeError``, also a ``ValueError``, otherwise).
    """
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    kwargs: dict[str, Any] = {}
    if parse_float is not None:
        kwargs["parse_float"] = parse_float
    if unique_keys:
        kwargs["object_pairs_hook"] = _unique_object
    if not allow_constants:
        kwargs["parse_constant"] = _no_constant
    try:
        value = json.loads(text, **kwargs)
    except _DuplicateKey as exc:
        raise JsonRefused(
            "DUPLICATE_KEY", f"the key {exc.key!r} appears twice in one object"
        ) from None
    except RecursionError:
        raise JsonRefused("TOO_DEEP", f"nested more than {max_depth} levels deep") from None
    except ValueError as exc:
        raise JsonRefused("SYNTAX", str(exc)) from None
    _check_text(text, value, max_depth)
    return value


def _check_text(text: str, value: Any, max_depth: int) -> None:
    """:func:`check_value` for parsed ``text``, without walking every node when the text
    cannot hold a problem: a lone surrogate needs a ``\\uD800``–``\\uDFFF`` escape, and only
    containers count for the depth.

    No step is one long C call over a large text (they would hold the GIL): the escape is
    searched in chunks, the depth is walked level by level over the parsed containers."""
    if _surrogate_escape(text):
        check_value(value, max_depth=max_depth)
        return
    chunks = range(0, len(text), CHUNK)
    if (
        sum(text.count("[", s, s + CHUNK) + text.count("{", s, s + CHUNK) for s in chunks)
        <= max_depth
    ):
        return
    if _too_deep(value, max_depth):
        raise JsonRefused("TOO_DEEP", f"nested more than {max_depth} levels deep")


def _surrogate_escape(text: str) -> bool:
    """Whether ``text`` may hold a ``\\uD800``–``\\uDFFF`` escape (an escaped backslash
    before ``uD800`` counts too: :func:`check_value` then decides)."""
    return any(
        _SURROGATE_ESCAPE.search(text, start, start + CHUNK + 5)
        for start in range(0, len(text), CHUNK)
    )  # a match starting in a chunk ends at most 5 characters after it


def _too_deep(value: Any, max_depth: int) -> bool:
    """Whether ``value`` nests arrays and objects more than ``max_depth`` levels deep (one
    level at a time, only containers visited: no recursion, no walk of the strings)."""
    level = [value] if type(value) in _CONTAINERS else []
    depth = 1
    while level:
        if depth > max_depth:
            return True
        below: list[Any] = []
        for item in level:
            below += [
                sub
                for sub in (item.values() if type(item) is dict else item)
                if type(sub) in _CONTAINERS
            ]
        level = below
        depth += 1
    return False


__all__ = ["MAX_DEPTH", "JsonRefused", "check_value", "loads"]
