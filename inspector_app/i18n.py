"""One translation mechanism for the core, the reports and the UI (gettext catalogs, no Qt).

Message ids are English. Chinese translations live in gettext ``.po`` catalogs under
``resources/locale/<lang>/LC_MESSAGES/*.po`` (one catalog per area, all merged), read directly
by a small PO parser so that no compile step is needed in a source checkout, a wheel or a
frozen build. The UI installs the same catalogs (see ``ui``), plus Qt's own ``qtbase``
translations for stock dialogs.

* ``_(msgid, **kw)`` — the text in the current language (Chinese by default).
* ``bi(msgid, **kw)`` — Chinese first, English beside it: ``"文件哈希不符 / hash mismatch"``;
  used for every error and warning message, which must be readable by both audiences.
* ``N_(msgid)`` — marks a string for extraction without translating it yet.

``tests/unit/test_i18n.py`` checks that every literal message id in the code has a Chinese
translation.
"""

from __future__ import annotations

import ast
import os
import threading
from functools import cache
from pathlib import Path

from inspector_app.resources import resource_path

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")

_state = threading.local()
_settings = {"language": os.environ.get("INSPECTOR_LANG", DEFAULT_LANGUAGE)}


def _unquote(token: str) -> str:
    value = ast.literal_eval(token)
    if not isinstance(value, str):  # pragma: no cover - malformed catalog
        raise ValueError(token)
    return value


def parse_po(text: str) -> dict[str, str]:
    """Parse the ``msgid``/``msgstr`` pairs of a PO file (no plurals, no contexts)."""
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            key = "".join(msgid)
            value = "".join(msgstr)
            if key and value:
                entries[key] = value

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [_unquote(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [_unquote(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
    flush()
    return entries


@cache
def catalog(language: str) -> dict[str, str]:
    """All messages of ``language`` merged from every ``.po`` file of that language."""
    folder = resource_path("locale", language, "LC_MESSAGES")
    merged: dict[str, str] = {}
    if folder.is_dir():
        for po in sorted(Path(folder).glob("*.po")):
            merged.update(parse_po(po.read_text(encoding="utf-8")))
    return merged


def set_language(language: str) -> None:
    """Set the process-wide language (``zh_CN`` or ``en``)."""
    if language not in LANGUAGES:
        raise ValueError(language)
    _settings["language"] = language


def get_language() -> str:
    return getattr(_state, "language", None) or _settings["language"]


def translate(msgid: str, language: str | None = None) -> str:
    language = language or get_language()
    if language == "en":
        return msgid
    return catalog(language).get(msgid, msgid)


def _format(text: str, kw: dict[str, object]) -> str:
    return text.format(**kw) if kw else text


def _(msgid: str, **kw: object) -> str:
    """The message in the current language, formatted with ``kw``."""
    return _format(translate(msgid), kw)


def bi(msgid: str, **kw: object) -> str:
    """Chinese first, English beside it (``"中文 / English"``)."""
    zh = _format(translate(msgid, DEFAULT_LANGUAGE), kw)
    en = _format(msgid, kw)
    return zh if zh == en else f"{zh} / {en}"


def zh(msgid: str, **kw: object) -> str:
    """The Chinese text alone (titles and hints of red flags carry ``title`` and ``title_en``)."""
    return _format(translate(msgid, DEFAULT_LANGUAGE), kw)


def en(msgid: str, **kw: object) -> str:
    return _format(msgid, kw)


def N_(msgid: str) -> str:
    return msgid
