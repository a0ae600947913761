"""The app's settings, declared once: key, type, default, a translatable label and help text.

They live in ``<home>/settings/settings.toml`` (one ``key = value`` per line; what the user
did not set keeps its default). A settings dialog is built from :data:`SETTINGS` — each
:class:`Setting` says how to show itself (``label()``, ``help()`` in the current language,
``choices``, ``minimum``) and checks a value (:meth:`Setting.check`). The red-flag thresholds
are not here: they are the rule settings of ``red-flags.md`` (``settings/rules.toml``,
:mod:`inspector_app.analysis.settings`), layered per package.

Readers: the language (:func:`inspector_app.i18n.resolve_language` reads ``language`` from the
same file), the package limits (:func:`package_limits`, used by every service that reads a
package).
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector_app.casepkg.limits import GIB, MIB, Limits
from inspector_app.errors import UsageError
from inspector_app.home import Home
from inspector_app.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, SETTINGS_FILE, _, bi

#: kinds of value a setting holds
CHOICE, INT = "choice", "int"


@dataclass(frozen=True)
class Setting:
    """One declared setting."""

    key: str
    kind: str
    default: Any
    #: English message ids (translated where shown)
    label_id: str
    help_id: str
    section: str = "general"
    choices: tuple[str, ...] = ()
    minimum: int | None = None

    def label(self) -> str:
        """The label in the current language."""
        return _(self.label_id)

    def help(self) -> str:
        """The help text in the current language."""
        return _(self.help_id)

    def check(self, value: Any) -> Any:
        """``value`` as this setting holds it, else :class:`UsageError` (exit 2)."""
        if self.kind == CHOICE:
            if isinstance(value, str) and value in self.choices:
                return value
        elif self.kind == INT and (
            isinstance(value, int)
            and not isinstance(value, bool)
            and (self.minimum is None or value >= self.minimum)
        ):
            return value
        raise UsageError(
            bi(
                "Wrong value for the setting {key}: {value}",
                key=self.key,
                value=repr(value),
            )
        )


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "language",
        CHOICE,
        DEFAULT_LANGUAGE,
        N_("Language"),
        N_("The language of the app, its messages and its reports (Chinese or English)."),
        choices=tuple(LANGUAGES),
    ),
    Setting(
        "max_entries",
        INT,
        Limits.max_entries,
        N_("Most files in a package"),
        N_("A case package with more files than this is refused (TOO_LARGE)."),
        section="packages",
        minimum=1,
    ),
    Setting(
        "max_total_size_gib",
        INT,
        Limits.max_total_size // GIB,
        N_("Largest package, uncompressed (GiB)"),
        N_(
            "A case package that expands to more than this, inner gzip streams included, is refused (TOO_LARGE)."
        ),
        section="packages",
        minimum=1,
    ),
    Setting(
        "max_json_size_mib",
        INT,
        Limits.max_json_size // MIB,
        N_("Largest JSON file in a package (MiB)"),
        N_("A JSON file of a case package larger than this is refused (TOO_LARGE)."),
        section="packages",
        minimum=1,
    ),
)

_BY_KEY = {s.key: s for s in SETTINGS}


def setting(key: str) -> Setting:
    """The declared setting ``key`` (:class:`UsageError` for an unknown one)."""
    found = _BY_KEY.get(key)
    if found is None:
        raise UsageError(bi("Unknown setting {key}", key=key))
    return found


def settings_file(home: Home) -> Path:
    return home.settings_dir / SETTINGS_FILE


def _read(home: Home) -> dict[str, Any]:
    try:
        with settings_file(home).open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return data


def values(home: Home) -> dict[str, Any]:
    """Every declared setting's value: the file's where it is valid, else the default.

    Keys the file holds that are not declared are kept in the file but not returned.
    """
    data = _read(home)
    out: dict[str, Any] = {}
    for s in SETTINGS:
        raw = data.get(s.key, s.default)
        try:
            out[s.key] = s.check(raw)
        except UsageError:
            out[s.key] = s.default
    return out


def get_value(home: Home, key: str) -> Any:
    return values(home)[setting(key).key]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def set_values(home: Home, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check and record ``changes`` (all or none), atomically; returns every value."""
    checked = {setting(k).key: setting(k).check(v) for k, v in changes.items()}
    data = _read(home)
    data.update(checked)
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if isinstance(v, str | int | bool)]
    folder = home.settings_dir
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".settings.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(settings_file(home))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return values(home)


def set_value(home: Home, key: str, value: Any) -> dict[str, Any]:
    """Check and record one setting; returns every value."""
    return set_values(home, {key: value})


def package_limits(home: Home) -> Limits:
    """The case-package limits of ``home``'s settings."""
    v = values(home)
    return Limits(
        max_entries=int(v["max_entries"]),
        max_total_size=int(v["max_total_size_gib"]) * GIB,
        max_json_size=int(v["max_json_size_mib"]) * MIB,
    )


__all__ = [
    "SETTINGS",
    "Setting",
    "get_value",
    "package_limits",
    "set_value",
    "set_values",
    "setting",
    "settings_file",
    "values",
]
