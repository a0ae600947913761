"""Importing the identity module and reading which identities exist (public metadata) import
neither ``cryptography`` nor ``pyrage`` (the desktop app's start reads them): those are
imported inside the functions that sign, verify, encrypt, decrypt or unlock. A fresh
interpreter; only imports are asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from inspector_app import identity

ROOT = Path(__file__).resolve().parents[3]
PASS = "correct horse battery"
PROBE = """
import json, sys
from pathlib import Path

def heavy():
    return sorted({m.split(".")[0] for m in sys.modules} & {"cryptography", "pyrage"})

out = {}
import inspector_app.identity as identity
out["import"] = heavy()
home = Path(sys.argv[1])
info = identity.load(home) if identity.exists(home) else None
out["listed"] = [info.name, info.role, info.fingerprint, info.age_recipient, info.device]
out["list"] = heavy()
cards = identity.trusted_cards(home)  # verifies each card's self-signature
out["trusted"] = [[c.name, c.role, c.fingerprint] for c in cards]
out["verify"] = heavy()
out["recipient"] = str(cards[0].recipient)  # encrypting to a card needs pyrage
out["encrypt"] = heavy()
print(json.dumps(out))
"""


def test_reading_identities_imports_no_crypto_until_needed(tmp_path: Path) -> None:
    home, agency = tmp_path / "expert", tmp_path / "agency"
    for where, role in ((home, "expert"), (agency, "agency")):
        identity.init_identity(
            where, name=f"{role}-名", role=role, passphrase=PASS, _kdf=identity.TEST_KDF
        )
    card = identity.trust_card(home, agency / "identity" / "card.json")
    info = identity.load(home)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(home)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["listed"] == [
        info.name,
        "expert",
        info.fingerprint,
        info.age_recipient,
        info.device,
    ]
    assert out["import"] == [] and out["list"] == [], out
    assert out["trusted"] == [[card.name, "agency", card.fingerprint]]
    assert out["verify"] == ["cryptography"], out  # verifying loads cryptography, lazily
    assert out["recipient"] == card.age_recipient
    assert out["encrypt"] == ["cryptography", "pyrage"], out
