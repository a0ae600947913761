"""The declared settings: defaults, checked values, labels in the current language, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app.casepkg.limits import Limits
from inspector_app.errors import UsageError
from inspector_app.i18n import catalog, resolve_language
from inspector_app.services import settings

from .conftest import make_home


def test_defaults_and_a_recorded_value(tmp_path: Path) -> None:
    home = make_home(tmp_path, "h")
    assert settings.values(home)["language"] == "zh_CN"
    assert settings.package_limits(home) == Limits()
    settings.set_values(home, {"language": "en", "max_entries": 10})
    assert settings.values(home)["language"] == "en"
    assert resolve_language(None, home.settings_dir, environ={}) == "en"
    assert settings.package_limits(home).max_entries == 10
    # a value the file holds that is not valid any more falls back to the default
    path = settings.settings_file(home)
    path.write_text('language = "xx"\nmax_entries = 10\n', encoding="utf-8")
    assert settings.values(home)["language"] == "zh_CN"


@pytest.mark.parametrize(
    ("key", "value"),
    [("language", "fr"), ("max_entries", 0), ("max_entries", "5"), ("max_entries", True)],
)
def test_wrong_values_are_refused(tmp_path: Path, key: str, value: object) -> None:
    home = make_home(tmp_path, "h")
    with pytest.raises(UsageError):
        settings.set_value(home, key, value)
    assert not settings.settings_file(home).exists()


def test_unknown_setting(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        settings.set_value(make_home(tmp_path, "h"), "colour", "red")


def test_every_label_and_help_is_translated() -> None:
    zh = catalog("zh_CN")
    for s in settings.SETTINGS:
        assert s.label_id in zh and s.help_id in zh, s.key
