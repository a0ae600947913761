"""Fixtures: an expert's home with a TEST_KDF identity, one registered case, an open store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from inspector_app import identity
from inspector_app.findings import FindingsStore, open_store

PASS = "correct horse battery"
CASE = "5f1c2a9e-0d1e-4c55-9a7b-2f1e7f0c9b11"
USCC = "91530100MA6K0X1234"


@dataclass
class Expert:
    home: Path
    me: identity.UnlockedIdentity
    store: FindingsStore
    case_id: str = CASE


def make_expert(
    home: Path, *, role: str = "expert", name: str = "张三"
) -> tuple[Path, identity.UnlockedIdentity]:
    identity.init_identity(
        home, name=name, role=role, passphrase=PASS, device="lap-1", _kdf=identity.TEST_KDF
    )
    return home, identity.unlock(home, PASS)


@pytest.fixture
def expert(tmp_path: Path) -> Iterator[Expert]:
    home, me = make_expert(tmp_path / "home")
    store = open_store(home)
    store.register_case(
        CASE,
        uscc=USCC,
        enterprise="昆明某某机械制造有限公司",
        project_id="P-1",
        checklist="miit-2024",
    )
    try:
        yield Expert(home, me, store)
    finally:
        store.close()
