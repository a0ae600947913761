"""Fixtures of the service tests: a small sample package (generated once), homes with a
low-cost identity."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app import identity
from inspector_app.home import Home
from inspector_app.samples import generate

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="session")
def clean_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``clean`` sample (small), written once per test session."""
    out = tmp_path_factory.mktemp("pkg") / "clean.case.zip"
    return generate("clean", out, seed=0, size="small")


def make_home(root: Path, name: str, role: str | None = None) -> Home:
    """A home under ``root``; with ``role``, an identity (test KDF) unlocked by PASSPHRASE."""
    home = Home(root / name).ensure()
    if role is not None:
        identity.init_identity(
            home,
            name=name,
            role=role,
            passphrase=PASSPHRASE,
            device=f"{name}-pc",
            _kdf=identity.TEST_KDF,
        )
    return home
