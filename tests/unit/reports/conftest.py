"""The report tests share one agency store (three enterprises, one per outcome) and one set of
drafts written from it (building them takes a while: once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from inspector_app.findings import open_store
from inspector_app.i18n import language
from inspector_app.values import TZ
from reports.data import group_cases
from reports.generate import Outcome, generate

from .world import World, build_world

NOW = datetime(2025, 3, 20, 10, 30, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    """The drafts' default language is Chinese (unit tests otherwise read English)."""
    with language("zh_CN"):
        yield


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("reports-world"))


@pytest.fixture(scope="session")
def drafts(world: World, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Outcome]:
    out = tmp_path_factory.mktemp("drafts")
    with open_store(world.agency) as store:
        projects = list(group_cases(store.cases()).values())
    with language("zh_CN"):
        outcome = generate(
            world.agency, projects, ["pdf", "docx", "xlsx", "json"], out, summary=True, now=NOW
        )
    return out, outcome
