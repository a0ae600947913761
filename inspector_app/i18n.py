"""One translation mechanism for the core, the reports and the UI (gettext catalogs, no Qt).

Messages are values. ``bi("Imported case {case}.", case=cid)`` returns an immutable
:class:`Message` — an English message id and its keyword parameters — that is rendered in ONE
language where it is shown: ``str(msg)`` in the current language, ``msg.render("en")`` in a
given one. Parameters that are messages themselves are rendered in the same language.

* ``bi(msgid, **kw)`` (also ``message``) — a message; the name stays for the many call sites.
* ``nbi(singular, plural, n, **kw)`` — a message with plural forms (``ngettext``); ``{n}`` is
  available to the text.
* ``join(parts, sep=...)`` — several messages as one (a flag's detail line).
* ``verbatim(text)`` — a text shown as is in every language (a file name, an OS error).
* ``_(msgid, **kw)`` — the text in the current language now, as a ``str`` (gettext's usual
  ``_``, for a UI label that is built when the language is already chosen).
* ``zh(...)``/``en(...)`` — the text in that language, as a ``str``.
* ``N_(msgid)`` — marks a string for extraction without translating it.

Catalogs: message ids are English; the Chinese lives in gettext ``.po`` catalogs under
``resources/locale/<lang>/LC_MESSAGES/<area>.po``, compiled to ``.mo`` by GNU ``msgfmt``
(``tools/compile_catalogs.sh``, run by ``tools/setup.sh`` and before a build) and read with
Python's :mod:`gettext` (:mod:`inspector_app.mofile`); every area's catalog of a language is
merged. The script also writes the merged catalogs of each language to one file beside them,
read instead when it was made from exactly those ``.mo`` files (:func:`translations`). A
``.po`` without its ``.mo`` is an error (:class:`CatalogMissing`), never a silent fall-back to
English.

The current language is ``--lang`` on the command line, else ``INSPECTOR_LANG``, else the
``language`` setting of the home folder (``settings/settings.toml``), else Chinese
(:func:`resolve_language`). JSON outputs never depend on it: they carry the Chinese text and an
English ``*_en`` sibling (:func:`bilingual`).

``tests/unit/test_i18n.py`` checks that every literal message id in the code has a Chinese
translation.
"""

from __future__ import annotations

import gettext
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from inspector_app import mofile
from inspector_app.resources import resource_path

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
#: the language of the message ids (no catalog)
SOURCE_LANGUAGE = "en"
#: the file of the home's settings folder that may name the language (``language = "en"``)
SETTINGS_FILE = "settings.toml"

_state = threading.local()
_settings: dict[str, str] = {}


class CatalogMissing(RuntimeError):
    """A ``.po`` catalog has no compiled ``.mo`` beside it (run ``tools/compile_catalogs.sh``)."""


# ---------------------------------------------------------------------------- the language


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    return language


def set_language(language: str) -> None:
    """Set the process-wide language (``zh_CN`` or ``en``)."""
    _settings["language"] = _check_language(language)


def get_language() -> str:
    """This thread's language (:func:`language`), else the process's: :func:`set_language`, or
    ``INSPECTOR_LANG``, or Chinese."""
    found = getattr(_state, "language", None) or _settings.get("language")
    if found is None:
        found = _settings["language"] = resolve_language()
    return found


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Render in ``lang`` inside the block, in this thread only (a report in English…)."""
    previous = getattr(_state, "language", None)
    _state.language = _check_language(lang)
    try:
        yield
    finally:
        _state.language = previous


def settings_language(settings_dir: Path) -> str | None:
    """The ``language`` of the home's ``settings/settings.toml``, if it names a known one."""
    path = settings_dir / SETTINGS_FILE
    try:
        fh = path.open("rb")
    except OSError:
        return None
    import tomllib  # only when there is a file: no parser imported by a start without one

    try:
        with fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    value = data.get("language")
    return value if isinstance(value, str) and value in LANGUAGES else None


def resolve_language(
    option: str | None = None,
    settings_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """``--lang``, else ``INSPECTOR_LANG``, else the home's setting, else Chinese.

    An unknown ``INSPECTOR_LANG`` is ignored (the CLI's ``--lang`` is checked by argparse).
    """
    if option:
        return _check_language(option)
    env = (os.environ if environ is None else environ).get("INSPECTOR_LANG", "")
    if env in LANGUAGES:
        return env
    if settings_dir is not None:
        found = settings_language(settings_dir)
        if found:
            return found
    return DEFAULT_LANGUAGE


# ---------------------------------------------------------------------------- catalogs


def catalog_folder(lang: str) -> Path:
    return resource_path("locale", lang, "LC_MESSAGES")


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """Every area's compiled catalog of ``lang``, merged (English: the message ids)."""
    _check_language(lang)
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    folder = catalog_folder(lang)
    try:  # one listing of the folder (two globs compiled two patterns at every start)
        names = sorted(e.name for e in os.scandir(folder) if e.is_file())
    except OSError:
        names = []
    present = set(names)
    missing = [n for n in names if n.endswith(".po") and n[:-3] + ".mo" not in present]
    compiled = [folder / n for n in names if n.endswith(".mo")]
    if missing or not compiled:
        raise CatalogMissing(
            f"the {lang} message catalog is not compiled ({', '.join(missing) or folder}): "
            "run tools/compile_catalogs.sh (tools/setup.sh does it)"
        )
    files = mofile.read_catalogs(compiled)
    # the catalogs merged by tools/compile_catalogs.sh, if made from exactly these files (the
    # same names, sizes and bytes); else each catalog is read and merged here (never cached
    # at run time: a frozen build's folder may be read-only)
    merged = mofile.from_cache(folder / mofile.CACHE_NAME, files)
    return mofile.merge(files) if merged is None else merged


def catalog(lang: str) -> dict[str, str]:
    """The singular messages of ``lang``: message id → translation (tests, tools)."""
    merged: dict[str, str] = {}
    trans: gettext.NullTranslations | None = translations(lang)
    while isinstance(trans, gettext.GNUTranslations):
        for key, value in trans._catalog.items():  # type: ignore[attr-defined]
            if isinstance(key, str) and key and key not in merged:
                merged[key] = value
        trans = trans._fallback  # type: ignore[attr-defined]
    return merged


def plural_catalog(lang: str) -> dict[str, list[str]]:
    """The plural messages of ``lang``: singular message id → its translated forms."""
    merged: dict[str, list[str]] = {}
    trans: gettext.NullTranslations | None = translations(lang)
    while isinstance(trans, gettext.GNUTranslations):
        for key, value in trans._catalog.items():  # type: ignore[attr-defined]
            if isinstance(key, tuple):
                forms = merged.setdefault(key[0], [])
                index = key[1]
                while len(forms) <= index:
                    forms.append("")
                if not forms[index]:
                    forms[index] = value
        trans = trans._fallback  # type: ignore[attr-defined]
    return merged


def translate(msgid: str, lang: str | None = None) -> str:
    return translations(lang or get_language()).gettext(msgid)


# ---------------------------------------------------------------------------- messages


def _render_value(value: object, lang: str) -> object:
    if isinstance(value, Message):
        return value.render(lang)
    return value


class Message:
    """A text shown to a person, rendered in one language where it is shown.

    Immutable; equal when its message id(s) and parameters are equal. ``str()`` renders it in
    the current language, ``format(msg, spec)`` too.
    """

    __slots__ = ()

    def render(self, lang: str | None = None) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.render()

    def __format__(self, spec: str) -> str:
        return format(self.render(), spec)

    def __contains__(self, text: str) -> bool:
        """Whether ``text`` is part of the message in any language (searching, tests)."""
        return any(text in self.render(lang) for lang in LANGUAGES)

    def indented(self, width: int) -> Message:
        """The message after ``width`` spaces (a line of an indented text block)."""
        return Joined((Verbatim(" " * width), self), Verbatim(""))

    def _key(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()[0]))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")


class Text(Message):
    """A message id with its keyword parameters (and, with ``plural``, ngettext's forms)."""

    __slots__ = ("msgid", "n", "params", "plural")
    msgid: str
    params: tuple[tuple[str, object], ...]
    plural: str | None
    n: int | None

    def __init__(
        self,
        msgid: str,
        params: Mapping[str, object] | None = None,
        plural: str | None = None,
        n: int | None = None,
    ) -> None:
        object.__setattr__(self, "msgid", msgid)
        # an exception parameter is kept as its message (comparable, picklable, translated)
        values = {
            k: exc_message(v) if isinstance(v, BaseException) else v
            for k, v in (params or {}).items()
        }
        object.__setattr__(self, "params", tuple(values.items()))
        object.__setattr__(self, "plural", plural)
        object.__setattr__(self, "n", n)

    @property
    def kwargs(self) -> dict[str, object]:
        return dict(self.params)

    def render(self, lang: str | None = None) -> str:
        lang = lang or get_language()
        trans = translations(lang)
        if self.plural is not None and self.n is not None:
            text = trans.ngettext(self.msgid, self.plural, self.n)
            kw: dict[str, object] = {"n": self.n}
        else:
            text = trans.gettext(self.msgid)
            kw = {}
        kw.update((k, _render_value(v, lang)) for k, v in self.params)
        return text.format(**kw) if kw else text

    def _key(self) -> tuple[Any, ...]:
        return (self.msgid, self.params, self.plural, self.n)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.msgid, dict(self.params), self.plural, self.n))

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params)
        if self.plural is not None:
            return f"nbi({self.msgid!r}, {self.plural!r}, {self.n!r}{args})"
        return f"bi({self.msgid!r}{args})"


class Verbatim(Message):
    """A text shown as is in every language (a path, an identifier, an OS error)."""

    __slots__ = ("text",)
    text: str

    def __init__(self, text: str) -> None:
        object.__setattr__(self, "text", text)

    def render(self, lang: str | None = None) -> str:
        return self.text

    def _key(self) -> tuple[Any, ...]:
        return (self.text,)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Verbatim, (self.text,))

    def __repr__(self) -> str:
        return f"verbatim({self.text!r})"


class Joined(Message):
    """Several messages shown as one, separated by ``sep`` (itself a message)."""

    __slots__ = ("parts", "sep")
    parts: tuple[Message, ...]
    sep: Message

    def __init__(self, parts: Iterable[Message], sep: Message) -> None:
        object.__setattr__(self, "parts", tuple(parts))
        object.__setattr__(self, "sep", sep)

    def render(self, lang: str | None = None) -> str:
        lang = lang or get_language()
        return self.sep.render(lang).join(p.render(lang) for p in self.parts)

    def _key(self) -> tuple[Any, ...]:
        return (self.parts, self.sep)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Joined, (self.parts, self.sep))

    def __hash__(self) -> int:
        return hash(("Joined", len(self.parts)))

    def __repr__(self) -> str:
        return f"join({list(self.parts)!r}, sep={self.sep!r})"


class Rendered(Message):
    """A text already written in each language (read back from JSON, a checklist's names…);
    a language it lacks shows the Chinese."""

    __slots__ = ("texts",)
    texts: tuple[tuple[str, str], ...]

    def __init__(self, texts: Mapping[str, str]) -> None:
        object.__setattr__(self, "texts", tuple(sorted(texts.items())))

    def render(self, lang: str | None = None) -> str:
        found = dict(self.texts)
        lang = lang or get_language()
        return found.get(lang, found.get(DEFAULT_LANGUAGE, ""))

    def _key(self) -> tuple[Any, ...]:
        return (self.texts,)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Rendered, (dict(self.texts),))

    def __repr__(self) -> str:
        return f"Rendered({dict(self.texts)!r})"


def both(zh_text: str, en_text: str) -> Message:
    """A text given in Chinese and in English."""
    return Rendered({DEFAULT_LANGUAGE: zh_text, SOURCE_LANGUAGE: en_text})


def from_json(obj: Mapping[str, Any], key: str) -> Message:
    """The message a JSON object carries as ``key`` (Chinese) and ``key_en`` (English)."""
    zh_text = obj.get(key)
    en_text = obj.get(f"{key}_en")
    zh_s = "" if zh_text is None else str(zh_text)
    return both(zh_s, zh_s if en_text is None else str(en_text))


def bi(msgid: str, **kw: object) -> Message:
    """The message ``msgid`` with keyword parameters, rendered where it is shown."""
    return Text(msgid, kw)


#: the descriptive name of :func:`bi`
message = bi


def nbi(singular: str, plural: str, n: int, **kw: object) -> Message:
    """A message with plural forms chosen by ``n`` (the catalog's ``Plural-Forms``)."""
    return Text(singular, kw, plural=plural, n=n)


def verbatim(text: object) -> Message:
    """``text`` as it is, in every language (a message passes through unchanged)."""
    return text if isinstance(text, Message) else Verbatim(str(text))


#: "; " between parts ("；" in Chinese)
SEMICOLON = Text("; ")
#: ", " between items of a list ("、" in Chinese)
COMMA = Text(", ")
#: ": " after a label ("：" in Chinese)
COLON = Text(": ")


def labelled(label: Message | str, msg: Message) -> Message:
    """``label: message`` (a code, a path or a pointer before a message)."""
    return Joined((as_message(label), msg), COLON)


def join(parts: Iterable[Message], sep: Message = SEMICOLON) -> Message:
    """Several messages as one, each language with its own separator."""
    return Joined(parts, sep)


def as_message(value: Message | str) -> Message:
    """A message, or a plain text taken verbatim (text from a library or the OS)."""
    return value if isinstance(value, Message) else Verbatim(value)


def exc_message(exc: BaseException) -> Message:
    """The message an exception carries (its first argument), else its text verbatim."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Message) else Verbatim(str(exc))


def translated(msg: Message) -> bool:
    """Whether ``msg`` reads differently in Chinese and in English (it has a translation)."""
    return msg.render(DEFAULT_LANGUAGE) != msg.render(SOURCE_LANGUAGE)


def bilingual(key: str, value: Message | str | None) -> dict[str, str | None]:
    """``{key: Chinese, key_en: English}``: how JSON carries a message, whatever the language."""
    if value is None:
        return {key: None, f"{key}_en": None}
    msg = as_message(value)
    return {key: msg.render(DEFAULT_LANGUAGE), f"{key}_en": msg.render(SOURCE_LANGUAGE)}


def _(msgid: str, **kw: object) -> str:
    """The message in the current language now, formatted with ``kw``.

    ``Text(msgid, kw).render()`` without making the message object (the report drafts
    render over a thousand messages per enterprise)."""
    lang = get_language()
    text = translations(lang).gettext(msgid)
    if not kw:
        return text
    return text.format(
        **{
            k: _render_value(exc_message(v) if isinstance(v, BaseException) else v, lang)
            for k, v in kw.items()
        }
    )


def zh(msgid: str, **kw: object) -> str:
    """The Chinese text alone."""
    return Text(msgid, kw).render(DEFAULT_LANGUAGE)


def en(msgid: str, **kw: object) -> str:
    """The English text alone."""
    return Text(msgid, kw).render(SOURCE_LANGUAGE)


def N_(msgid: str) -> str:
    return msgid
