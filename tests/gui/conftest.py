"""GUI tests: pytest-qt, offscreen; any Qt warning fails the test (tests are marked ``gui``)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/gui/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            # the offscreen platform's note when a top-level window is shown (not our warning)
            item.add_marker(
                pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
            )


@pytest.fixture(autouse=True)
def _wait_for_tasks() -> object:
    yield
    from ui import tasks

    assert tasks.wait_all(10_000), "a background task did not end"
