"""Red-flag thresholds (``red-flags.md`` § Settings): defaults, validation, layering, hashing.

Three layers are merged **key by key**, in this order: the app's defaults, a package's
``settings/rules.toml`` and a ``--rules FILE``. A later layer overrides only the keys it sets.
An unknown table or key, or a value of the wrong type, is a problem: ``SCHEMA_INVALID`` in a
package (the reader calls :func:`validate_layer`), a usage error (exit 2) on the command line
(:func:`load_rules_file`).

``settings_sha256`` is the SHA-256 of the effective settings written as canonical JSON
(RFC 8785): money thresholds are strings (``"1000.00"``), ratios JSON numbers (``0.2``), calendar
dates ISO strings.
"""

from __future__ import annotations

import copy
import hashlib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from inspector_app import canonjson
from inspector_app.errors import InputRefused, Issue, UsageError
from inspector_app.i18n import Message, bi, join, labelled
from inspector_app.values import ValueProblem, parse_money

# Kinds of values a key may hold.
INT, FLOAT, MONEY, INT_LIST, STR_LIST, DATE_LIST, HOUR_RANGE, DATE_MAP, CATEGORY_LIST = (
    "int",
    "float",
    "money",
    "int_list",
    "str_list",
    "date_list",
    "hour_range",
    "date_map",
    "category_list",
)

#: contract-item categories of case-package.md
CATEGORIES = ("software", "saas", "hardware", "service", "cloud", "other")

#: table -> key -> (kind, default, minimum or None)
SCHEMA: dict[str, dict[str, tuple[str, Any, float | None]]] = {
    "calendar": {
        "holidays": (DATE_LIST, [], None),
        "workdays": (DATE_LIST, [], None),
    },
    "MATERIALS_MISSING": {"required": (INT_LIST, [1, 2, 3, 4, 5, 6, 7, 8], None)},
    "DEADLINE_EXCEEDED": {"months": (INT, 3, 0), "batch_deadlines": (DATE_MAP, {}, None)},
    "USAGE_DORMANT": {
        "max_quiet_days": (INT, 29, 0),
        "window_days": (INT, 90, 1),
        "min_active_share": (FLOAT, 0.2, 0),
        "min_working_days": (INT, 10, 0),
    },
    "USAGE_BURST": {
        "window_days": (INT, 30, 1),
        "min_rate_ratio": (FLOAT, 3.0, 0),
        "min_history_days": (INT, 30, 1),
    },
    "USAGE_FEW_USERS": {"window_days": (INT, 90, 1), "min_user_share": (FLOAT, 0.3, 0)},
    "LOG_SYNTHETIC": {
        "max_gap_cv": (FLOAT, 0.1, 0),
        "max_gap_seconds": (INT, 3600, 1),
        "min_gaps": (INT, 500, 2),
        "night_hours": (HOUR_RANGE, [0, 5], None),
        "day_hours": (HOUR_RANGE, [8, 18], None),
        "min_events": (INT, 500, 1),
        "repeat_run": (INT, 20, 2),
        "repeat_dates": (INT, 3, 2),
    },
    "SYSTEM_PREDATES_PROJECT": {"margin_days": (INT, 30, 0)},
    "PHOTO_EDITED": {
        "editors": (
            STR_LIST,
            ["Photoshop", "GIMP", "Lightroom", "美图秀秀", "Snapseed", "Meitu", "PicsArt"],
            None,
        ),
        "max_datetime_lag_hours": (INT, 24, 0),
    },
    "DUPLICATE_EVIDENCE": {"max_phash_distance": (INT, 6, 0)},
    "CONTRACT_INVOICE_MISMATCH": {"tolerance": (FLOAT, 0.01, 0)},
    "PAYMENT_MISMATCH": {
        "over_tolerance": (FLOAT, 0.01, 0),
        "short_tolerance": (FLOAT, 0.10, 0),
    },
    "PAYMENT_REFLUX": {"min_amount_yuan": (MONEY, "1000.00", None)},
    "PRICE_OUTLIER": {"max_over_listed": (FLOAT, 0.30, 0)},
    "CONTRACT_INCONSISTENT": {
        "items_tolerance": (FLOAT, 0.01, 0),
        "line_tolerance_yuan": (MONEY, "1.00", None),
    },
    "PRODUCT_NOT_LISTED": {"categories": (CATEGORY_LIST, ["software", "saas", "cloud"], None)},
    "INVESTMENT_UNSUPPORTED": {"tolerance": (FLOAT, 0.05, 0)},
    "SUBSIDY_EXCESSIVE": {
        "max_ratio": (FLOAT, 0.5, 0),
        "cap_yuan": (MONEY, "1000000.00", None),
        "eligible_categories": (
            CATEGORY_LIST,
            ["software", "saas", "hardware", "service", "cloud"],
            None,
        ),
    },
    "GOAL_UNSUPPORTED": {"max_claim_ratio": (FLOAT, 1.2, 0)},
    "SELF_ASSESSMENT_INFLATED": {
        "max_score_excess": (INT, 2, 0),
        "max_expert_score_excess": (INT, 10, 0),
    },
    "CROSS_DUPLICATE_PHOTO": {"max_phash_distance": (INT, 6, 0)},
    "CROSS_DUPLICATE_DOCUMENT": {"min_similarity": (FLOAT, 0.9, 0), "ngram": (INT, 5, 1)},
    "CROSS_LOG_CLONE": {"min_run": (INT, 200, 2)},
    "CROSS_PRICE_OUTLIER": {"max_ratio": (FLOAT, 2.0, 1)},
}


@dataclass(frozen=True)
class SettingsProblem:
    """One problem of a settings layer: ``pointer`` is ``/TABLE`` or ``/TABLE/key``."""

    pointer: str
    message: Message

    def to_issue(self, path: str = "settings/rules.toml") -> Issue:
        return Issue("SCHEMA_INVALID", path, self.message, pointer=self.pointer)


def defaults() -> dict[str, dict[str, Any]]:
    """A fresh copy of the app's defaults."""
    return {t: {k: copy.deepcopy(v[1]) for k, v in keys.items()} for t, keys in SCHEMA.items()}


def _type_name(kind: str) -> str:
    return {
        INT: "integer",
        FLOAT: "number",
        MONEY: 'money string such as "1000.00"',
        INT_LIST: "list of integers",
        STR_LIST: "list of strings",
        DATE_LIST: "list of dates (YYYY-MM-DD)",
        HOUR_RANGE: "[start, end] hours with 0 <= start < end <= 24",
        DATE_MAP: 'table of names to dates, such as {"2025-2" = 2025-06-30}',
        CATEGORY_LIST: "list of contract-item categories (" + ", ".join(CATEGORIES) + ")",
    }[kind]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _iso_date(value: Any) -> str:
    """A TOML date or an ISO date string as ``YYYY-MM-DD``; ``ValueError`` otherwise."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value.isoformat()
    if isinstance(value, str):
        return date.fromisoformat(value).isoformat()  # ValueError when malformed
    raise ValueError


def _normalise(kind: str, value: Any, minimum: float | None) -> Any:
    """The value in its effective form, or raise ``ValueError`` when it has the wrong type."""
    if kind == DATE_MAP:
        if not isinstance(value, Mapping) or not all(isinstance(k, str) and k for k in value):
            raise ValueError
        return {k: _iso_date(value[k]) for k in sorted(value)}
    if kind == CATEGORY_LIST:
        if not isinstance(value, list) or not all(v in CATEGORIES for v in value):
            raise ValueError
        return list(dict.fromkeys(value))
    if kind == INT:
        if not _is_int(value) or (minimum is not None and value < minimum):
            raise ValueError
        return value
    if kind == FLOAT:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError
        f = float(value)
        if not math.isfinite(f) or (minimum is not None and f < minimum):
            raise ValueError
        return f
    if kind == MONEY:
        if not isinstance(value, str):
            raise ValueError
        try:
            amount = parse_money(value)
        except ValueProblem as exc:
            raise ValueError from exc
        return f"{amount.quantize(Decimal('0.01')):f}"
    if kind in (INT_LIST, STR_LIST, DATE_LIST, HOUR_RANGE):
        if not isinstance(value, list):
            raise ValueError
        if kind == INT_LIST:
            if not all(_is_int(v) for v in value):
                raise ValueError
            return list(value)
        if kind == STR_LIST:
            if not all(isinstance(v, str) and v for v in value):
                raise ValueError
            return list(value)
        if kind == DATE_LIST:
            return sorted({_iso_date(v) for v in value})
        # HOUR_RANGE
        if len(value) != 2 or not all(_is_int(v) for v in value):
            raise ValueError
        start, end = value
        if not 0 <= start < end <= 24:
            raise ValueError
        return [start, end]
    raise AssertionError(kind)  # pragma: no cover


def validate_layer(data: Mapping[str, Any]) -> list[SettingsProblem]:
    """Problems of one settings layer (parsed TOML); empty when it is valid."""
    problems: list[SettingsProblem] = []
    for table, keys in data.items():
        if table not in SCHEMA:
            problems.append(
                SettingsProblem(f"/{table}", bi("Unknown settings table [{table}]", table=table))
            )
            continue
        if not isinstance(keys, Mapping):
            problems.append(
                SettingsProblem(f"/{table}", bi("[{table}] must be a table", table=table))
            )
            continue
        for key, value in keys.items():
            pointer = f"/{table}/{key}"
            spec = SCHEMA[table].get(key)
            if spec is None:
                problems.append(
                    SettingsProblem(
                        pointer,
                        bi("Unknown settings key {key} in [{table}]", key=key, table=table),
                    )
                )
                continue
            kind, _default, minimum = spec
            try:
                _normalise(kind, value, minimum)
            except ValueError:
                expected = _type_name(kind)
                if minimum is not None and kind in (INT, FLOAT):
                    expected = f"{expected} >= {minimum:g}"
                problems.append(
                    SettingsProblem(
                        pointer,
                        bi(
                            "Wrong value for {table}.{key}: expected {expected}, got {value}",
                            table=table,
                            key=key,
                            expected=expected,
                            value=repr(value),
                        ),
                    )
                )
    return problems


class Settings:
    """The effective settings: ``settings["USAGE_BURST"]["window_days"]``."""

    def __init__(self, data: Mapping[str, Mapping[str, Any]]) -> None:
        self._data = {t: dict(keys) for t, keys in data.items()}
        cal = self._data["calendar"]
        self.holidays: frozenset[date] = frozenset(date.fromisoformat(d) for d in cal["holidays"])
        self.workdays: frozenset[date] = frozenset(date.fromisoformat(d) for d in cal["workdays"])

    def __getitem__(self, table: str) -> Mapping[str, Any]:
        return self._data[table]

    def to_json(self) -> dict[str, dict[str, Any]]:
        return copy.deepcopy(self._data)

    def is_working_day(self, day: date) -> bool:
        """Monday–Friday minus the calendar's holidays, plus its make-up working days."""
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5

    def money(self, table: str, key: str) -> Decimal:
        return Decimal(self._data[table][key])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and self._data == other._data

    def __hash__(self) -> int:  # pragma: no cover - rarely used
        return hash(settings_sha256(self))

    def __repr__(self) -> str:
        return f"Settings(sha256={settings_sha256(self)[:12]}…)"


def layer(*layers: Mapping[str, Any] | None) -> Settings:
    """Defaults, then each layer in order, key by key. Raises ``ValueError`` on an invalid layer
    (callers validate first; see :func:`validate_layer`)."""
    data = defaults()
    for one in layers:
        if not one:
            continue
        problems = validate_layer(one)
        if problems:
            raise ValueError(join([p.message for p in problems]))
        for table, keys in one.items():
            for key, value in keys.items():
                kind, _default, minimum = SCHEMA[table][key]
                data[table][key] = _normalise(kind, value, minimum)
    return Settings(data)


#: digests by the settings' ``repr`` (the same data has the same repr, and the canonical JSON
#: of a case's settings took milliseconds: each case's analysis cache key and JSON need it)
_DIGESTS: dict[str, str] = {}


def settings_sha256(settings: Settings) -> str:
    """SHA-256 (hex) of the effective settings as canonical JSON (RFC 8785)."""
    key = repr(settings._data)
    digest = _DIGESTS.get(key)
    if digest is None:
        digest = hashlib.sha256(canonjson.dumpb(settings.to_json())).hexdigest()
        if len(_DIGESTS) >= 64:
            _DIGESTS.clear()
        _DIGESTS[key] = digest
    return digest


def parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML text; raises ``ValueError`` with the parser's message."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from exc
    except RecursionError:  # hostile nesting: a refusal, not an internal error
        raise ValueError("nested too deeply") from None


def load_rules_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a ``--rules FILE``.

    A file that cannot be read is refused input (exit 1); contents that are not valid settings
    are a usage error (exit 2), as ``cli.md`` says.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputRefused(
            bi("Cannot read the rules file {path}: {error}", path=p, error=exc)
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            bi("Cannot read the rules file {path}: {error}", path=p, error=exc)
        ) from exc
    try:
        data = parse_toml(text)
    except ValueError as exc:
        raise UsageError(
            bi("The rules file {path} is not valid TOML: {error}", path=p, error=exc)
        ) from exc
    problems = validate_layer(data)
    if problems:
        lines = join([labelled(pr.pointer, pr.message) for pr in problems])
        raise UsageError(labelled(bi("Invalid rules file {path}", path=p), lines))
    return data
