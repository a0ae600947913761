"""Settings of red-flags.md: defaults, validation, key-by-key layering, hash, --rules file."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from inspector_app import canonjson
from inspector_app.analysis.settings import (
    SCHEMA,
    defaults,
    layer,
    load_rules_file,
    settings_sha256,
    validate_layer,
)
from inspector_app.errors import InputRefused, UsageError
from inspector_app.i18n import translated


def test_defaults_cover_every_rule_of_the_spec() -> None:
    d = defaults()
    assert d["USAGE_DORMANT"] == {
        "max_quiet_days": 29,
        "window_days": 90,
        "min_active_share": 0.2,
        "min_working_days": 10,
    }
    assert d["PAYMENT_REFLUX"] == {"min_amount_yuan": "1000.00"}
    assert d["LOG_SYNTHETIC"]["night_hours"] == [0, 5]
    assert d["calendar"] == {"holidays": [], "workdays": []}
    for table in ("CROSS_DUPLICATE_PHOTO", "CROSS_DUPLICATE_DOCUMENT", "CROSS_LOG_CLONE"):
        assert table in d
    assert set(d) == set(SCHEMA)


def test_unknown_table_key_and_wrong_types_have_pointers() -> None:
    problems = validate_layer(
        {
            "NOPE": {},
            "USAGE_BURST": {"window_days": "30", "bogus": 1},
            "PAYMENT_REFLUX": {"min_amount_yuan": 1000},
            "USAGE_DORMANT": {"min_active_share": True},
            "LOG_SYNTHETIC": {"night_hours": [5, 0]},
            "calendar": {"holidays": ["2025-13-01"]},
        }
    )
    pointers = sorted(p.pointer for p in problems)
    assert pointers == [
        "/LOG_SYNTHETIC/night_hours",
        "/NOPE",
        "/PAYMENT_REFLUX/min_amount_yuan",
        "/USAGE_BURST/bogus",
        "/USAGE_BURST/window_days",
        "/USAGE_DORMANT/min_active_share",
        "/calendar/holidays",
    ]
    assert all(translated(p.message) for p in problems)
    issue = problems[0].to_issue()
    assert issue.code == "SCHEMA_INVALID" and issue.path == "settings/rules.toml"


def test_valid_layer_has_no_problem() -> None:
    assert validate_layer({"USAGE_BURST": {"min_rate_ratio": 4}, "calendar": {}}) == []


def test_layering_is_key_by_key() -> None:
    pkg = {"USAGE_BURST": {"window_days": 20, "min_rate_ratio": 2.5}}
    cli = {"USAGE_BURST": {"min_rate_ratio": 5.0}, "calendar": {"holidays": [date(2025, 10, 1)]}}
    s = layer(pkg, cli)
    assert s["USAGE_BURST"] == {"window_days": 20, "min_rate_ratio": 5.0, "min_history_days": 30}
    assert s.holidays == {date(2025, 10, 1)}
    assert s["calendar"]["holidays"] == ["2025-10-01"]


def test_working_days_use_the_calendar() -> None:
    s = layer({"calendar": {"holidays": ["2025-10-01"], "workdays": ["2025-09-28"]}})
    assert not s.is_working_day(date(2025, 10, 1))  # Wednesday, holiday
    assert s.is_working_day(date(2025, 9, 28))  # Sunday, 调休
    assert not s.is_working_day(date(2025, 9, 27))  # Saturday
    assert s.is_working_day(date(2025, 9, 30))


def test_sha256_is_canonical_json_of_effective_settings() -> None:
    s = layer()
    expected = hashlib.sha256(canonjson.dumpb(defaults())).hexdigest()
    assert settings_sha256(s) == expected
    text = canonjson.dumps(s.to_json())
    assert '"min_amount_yuan":"1000.00"' in text and '"min_active_share":0.2' in text
    # an integer where a number is expected gives the same effective value and hash
    assert settings_sha256(layer({"USAGE_BURST": {"min_rate_ratio": 3}})) == expected
    assert settings_sha256(layer({"USAGE_BURST": {"min_rate_ratio": 3.5}})) != expected


def test_rules_file(tmp_path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[PAYMENT_REFLUX]\nmin_amount_yuan = "500.00"\n', encoding="utf-8")
    assert load_rules_file(good) == {"PAYMENT_REFLUX": {"min_amount_yuan": "500.00"}}
    bad = tmp_path / "bad.toml"
    bad.write_text("[USAGE_BURST]\nwindow = 3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="/USAGE_BURST/window"):
        load_rules_file(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("[USAGE_BURST\n", encoding="utf-8")
    with pytest.raises(UsageError):
        load_rules_file(broken)
    with pytest.raises(InputRefused):
        load_rules_file(tmp_path / "missing.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b"\xff\xfe[x]")
    with pytest.raises(UsageError):
        load_rules_file(latin)
