"""JSON output of the CLI: ``Decimal`` written as an exact JSON number, dates as ISO strings."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from inspector_app.i18n import DEFAULT_LANGUAGE, Message
from inspector_app.values import isoformat


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_plain(v) for v in items]
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Message):
        # JSON never depends on the language chosen: a message is Chinese (its English sibling,
        # ``*_en``, is the producer's to add; see inspector_app.i18n.bilingual)
        return value.render(DEFAULT_LANGUAGE)
    return value


def _dump(value: Any, indent: int | None, level: int, out: list[str]) -> None:
    nl = "\n" + " " * (indent * (level + 1)) if indent is not None else ""
    end = "\n" + " " * (indent * level) if indent is not None else ""
    sep = ", " if indent is None else ","
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("non-finite Decimal")
        text = format(value, "f")
        out.append(text)
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{")
        for i, (k, v) in enumerate(value.items()):
            if i:
                out.append(sep)
            out.append(nl + json.dumps(k, ensure_ascii=False) + ": ")
            _dump(v, indent, level + 1, out)
        out.append(end + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(sep)
            out.append(nl)
            _dump(v, indent, level + 1, out)
        out.append(end + "]")
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def dumps(value: Any, indent: int | None = 2) -> str:
    """Serialise ``value``; ``Decimal('50.6')`` becomes the number ``50.6``."""
    out: list[str] = []
    _dump(_plain(value), indent, 0, out)
    return "".join(out)
