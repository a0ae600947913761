"""A store wiped whole no longer verifies: the anchor beside the identity (issue 16 item 12)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from inspector_app import identity
from inspector_app.errors import InputRefused
from inspector_app.findings.anchor import anchor_path, read_anchor
from inspector_app.findings.store import open_store
from inspector_app.findings.verify import verify_store
from inspector_app.home import Home

PASS = "correct horse battery staple"
CASE = "5f1c2a9e-0d1e-4c55-9a7b-2f1e7f0c9b11"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    h = Home(tmp_path / "home").ensure()
    identity.init_identity(
        h, name="张三", role="expert", passphrase=PASS, device="lap", _kdf=identity.TEST_KDF
    )
    with open_store(h) as store:
        store.register_case(
            CASE, uscc="91530100MA6K0X1234", enterprise="甲", project_id="P", checklist="miit-2024"
        )
        unlocked = identity.unlock(h, PASS)
        for n in range(3):
            store.add_finding(unlocked, CASE, {"kind": "observation", "text": f"第{n}条"})
    return h


def _codes(h: Home) -> list[str]:
    own = identity.load(h).ed25519_public
    with open_store(h) as store:
        return [p.code for p in verify_store(store, own_key=own, trusted_keys={own}).problems]


def test_the_anchor_follows_the_checkpoint(home: Home) -> None:
    anchor = read_anchor(home.workspace)
    assert anchor is not None and anchor.seq == 3
    if os.name == "posix":
        assert stat.S_IMODE(anchor_path(home.workspace).stat().st_mode) == 0o600
    assert _codes(home) == []


@pytest.mark.parametrize("wipe", ["zero-byte database", "database deleted", "rows deleted"])
def test_a_wiped_store_is_behind_its_anchor(home: Home, wipe: str) -> None:
    db = home.workspace / "findings.sqlite3"
    assert db.is_file()
    if wipe == "zero-byte database":
        db.write_bytes(b"")
    elif wipe == "database deleted":
        db.unlink()
    else:  # an attacker with the database: triggers dropped, every row and checkpoint deleted
        conn = sqlite3.connect(db)
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("DELETE FROM findings")
        conn.execute("DELETE FROM checkpoints")
        conn.commit()
        conn.close()
    for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if wipe != "rows deleted":
            extra.unlink(missing_ok=True)
    assert "BEHIND_ANCHOR" in _codes(home)
    with open_store(home) as store, pytest.raises(InputRefused):
        store.add_finding(identity.unlock(home, PASS), CASE, {"kind": "observation", "text": "x"})


def test_a_damaged_anchor_is_reported(home: Home) -> None:
    path = anchor_path(home.workspace)
    data = path.read_bytes()
    assert b'\\"seq\\":3' in data
    path.write_bytes(data.replace(b'\\"seq\\":3', b'\\"seq\\":9'))  # the signature breaks
    assert "ANCHOR_DAMAGED" in _codes(home)
