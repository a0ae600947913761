"""Shared fixtures of the sync tests: identities (low test KDF cost), expert stores, bundles.

Building identities and bundles is done once per module (``world``); every test gets a fresh
agency home (a copy of the template holding only the agency identity and trusted cards) and
copies of the bundle files it imports, since refused files are moved to the quarantine.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from inspector_app import identity
from inspector_app.findings.store import open_store
from inspector_app.home import Home
from inspector_app.identity import Card, UnlockedIdentity, trusted_lookup
from sync.agency import AgencyStore
from sync.expert import export_bundle

PASSPHRASE = "correct horse battery staple"
CASE_A = "5f1c2a9e-0d1e-4c55-9a7b-2f1e7f0c9b11"
CASE_B = "7a2d3b4c-1e2f-4a5b-8c6d-9e0f1a2b3c4d"
USCC_A = "91530100MA6K0X1234"
USCC_B = "91530100MA6K0X5678"


def make_home(root: Path, name: str, role: str, *, person: str | None = None) -> Home:
    home = Home(root / name).ensure()
    identity.init_identity(
        home,
        name=person or name,
        role=role,
        passphrase=PASSPHRASE,
        device=f"{name}-laptop",
        _kdf=identity.TEST_KDF,
    )
    return home


def local(home: Home) -> UnlockedIdentity:
    return identity.unlock(home, PASSPHRASE)


@dataclass
class Expert:
    home: Home
    me: UnlockedIdentity
    agency: Card
    out: Path
    counter: int = 0

    def register(self) -> None:
        with open_store(self.home) as store:
            for cid, uscc, name in ((CASE_A, USCC_A, "甲公司"), (CASE_B, USCC_B, "乙公司")):
                if store.case(cid) is None:
                    store.register_case(
                        cid,
                        uscc=uscc,
                        enterprise=name,
                        project_id=f"P-{name}",
                        checklist="miit-2024",
                    )

    def add(self, payload: dict[str, Any], case: str = CASE_A) -> str:
        unlocked = identity.unlock(self.home, PASSPHRASE)
        with open_store(self.home) as store:
            return store.add_finding(unlocked, case, payload).finding_id

    def scores(self, n: int, case: str = CASE_A) -> None:
        for _ in range(n):
            self.counter += 1
            self.add(
                {"kind": "score", "item": f"S{1 + self.counter % 16}", "level": self.counter % 5},
                case,
            )

    def export(self, agency: Card | None = None) -> Path:
        result = export_bundle(self.home, self.me, agency or self.agency, self.out)
        assert result.written is not None
        return result.written.path

    def clone(self, root: Path, name: str) -> Expert:
        """A copy of this expert's home (a backup, or the same store on a second machine)."""
        target = root / name
        shutil.copytree(self.home.root, target)
        home = Home(target)
        out = root / f"{name}-out"
        out.mkdir()
        return Expert(home, self.me, self.agency, out, self.counter)


@dataclass
class World:
    root: Path
    agency_template: Home
    agency_me: UnlockedIdentity
    experts: dict[str, Expert] = field(default_factory=dict)

    def new_agency(self, tmp: Path) -> tuple[Home, AgencyStore]:
        target = tmp / "agency-home"
        shutil.copytree(self.agency_template.root, target)
        home = Home(target)
        return home, AgencyStore(home, self.agency_me, trusted_lookup(home))

    def expert(
        self,
        name: str,
        *,
        trusted_by_agency: bool = True,
        agency: Home | None = None,
        person: str | None = None,
    ) -> Expert:
        home = make_home(self.root, name, "expert", person=person)
        agency_home = agency or self.agency_template
        identity.trust_card(home, agency_home.identity_dir / "card.json")
        if trusted_by_agency:
            identity.trust_card(self.agency_template, home.identity_dir / "card.json")
        out = self.root / f"{name}-out"
        out.mkdir()
        ex = Expert(home, local(home), identity.own_card(agency_home), out)
        ex.register()
        self.experts[name] = ex
        return ex


@pytest.fixture(scope="module")
def make_world(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], World]:
    def build() -> World:
        root = tmp_path_factory.mktemp("world")
        agency = make_home(root, "agency", "agency")
        return World(root, agency, local(agency))

    return build


def copy_in(path: Path, tmp: Path) -> Path:
    """A copy of a bundle file to import (imports move refused files away)."""
    target = tmp / "incoming" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    return target
