"""An unexpected exception in the desktop app: the traceback goes to the log file and a dialog
names that file (issue "desktop builds", crash handling)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from inspector_app.home import Home


def _boom() -> None:
    raise RuntimeError("a bug deep in a slot")


def test_excepthook_logs_the_traceback_and_names_the_log_file(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import app as ui_app
    from ui import errors

    home = Home(tmp_path / "home").ensure()
    root = logging.getLogger("inspector")
    before = list(root.handlers)
    log_path = ui_app.setup_logging(home)
    errors.set_log_file(log_path)
    shown: list[dict[str, Any]] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(
            {"title": box.windowTitle(), "text": box.text(), "info": box.informativeText()}
        )
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    try:
        try:
            _boom()
        except RuntimeError as exc:
            ui_app._excepthook(type(exc), exc, exc.__traceback__)
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                handler.close()
                root.removeHandler(handler)
    assert len(shown) == 1
    assert "RuntimeError" in shown[0]["text"]
    assert str(log_path) in shown[0]["info"]
    text = log_path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "_boom" in text and "a bug deep in a slot" in text
