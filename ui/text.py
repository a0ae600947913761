"""Rendering core values in the current language (the one place pages turn them into text)."""

from __future__ import annotations

from typing import Any

from inspector_app.i18n import get_language
from inspector_app.textsafe import visible


def shown(value: Any) -> str:
    """A message, a string or a value as shown now (messages render in the current language),
    with control and bidi-override characters made visible (texts from other experts' bundles
    and from packages: ``inspector_app.textsafe``). For display only, never for an editor."""
    return "" if value is None else visible(str(value))


def flag_title(flag: Any) -> str:
    """A flag's title in the current language (flags carry ``title`` and ``title_en``)."""
    if get_language() == "en":
        return shown(getattr(flag, "title_en", None) or flag.title)
    return shown(flag.title)
