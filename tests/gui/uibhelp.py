"""Shared set-up of the evidence, scoring and record page tests: a home with the example case
imported, an expert identity, and a page context whose signer is that identity."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from inspector_app import services
from inspector_app.home import Home
from ui.pages import PageContext

PASSPHRASE = "correct horse battery staple 42"


@dataclass
class World:
    home: Home
    session: Any
    context: PageContext
    errors: list[BaseException]
    signer: Any = None


def make_world(root: Path, examples: Path, *, with_identity: bool = False) -> World:
    home = Home(root)
    summary = services.import_case(home, examples / "clean.case.zip")
    session = services.open_case(home, summary.case_id)
    context = PageContext(home)
    errors: list[BaseException] = []
    context.show_error = lambda exc, parent=None: errors.append(exc)
    world = World(home, session, context, errors)
    if with_identity:
        services.create_identity(home, "测试专家", "expert", PASSPHRASE)
        world.signer = services.unlock_identity(home, PASSPHRASE)

        def with_signer(_parent: Any, then: Callable[[Any], None]) -> None:
            then(world.signer)

        context.with_signer = with_signer
    return world


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Process events until ``predicate()`` holds (fails after ``timeout`` seconds)."""
    from ui import tasks

    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for the page")
        QApplication.processEvents()
        time.sleep(0.005)
    tasks.wait_all(10_000)
    QApplication.processEvents()


def settle() -> None:
    """Let every background task end and its queued results arrive."""
    from ui import tasks

    for _ in range(3):
        tasks.wait_all(10_000)
        QApplication.processEvents()
