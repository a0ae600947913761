"""The test vectors of docs/formats/ verify, and the app produces exactly those bytes."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector_app.findings import RecordError, parse_checkpoint, parse_record
from inspector_app.findings.records import RECORD_FORMAT, RECORD_FORMAT_V1, record_body
from inspector_app.identity import parse_card
from inspector_app.identity.keyfile import open_sealed

from . import vectors

DOCS = Path(__file__).resolve().parents[3] / "docs" / "formats"
_BLOCK = re.compile(r"<!-- vector: ([a-z0-9-]+) -->\s*```[a-z]*\n(.*?)\n```", re.DOTALL)


def blocks(name: str) -> dict[str, str]:
    return dict(_BLOCK.findall((DOCS / name).read_text(encoding="utf-8")))


def rfc8032_public() -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(
        bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    )


def test_card_vector() -> None:
    b = blocks("card.md")
    card = json.loads(b["card"])
    signing_input = b["card-signing-input"].encode("utf-8")
    # independent check: the signature verifies with the RFC 8032 key over the documented bytes
    rfc8032_public().verify(base64.b64decode(card["signature"]), signing_input)
    assert hashlib.sha256(base64.b64decode(card["ed25519"])).hexdigest()[:40] == card["fingerprint"]
    assert parse_card(card).fingerprint == card["fingerprint"]
    assert card == vectors.card()


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_record_vectors(n: int) -> None:
    b = blocks("findings-record.md")
    body = b[f"record-{n}"].encode("utf-8")
    signature = base64.b64decode(b[f"record-{n}-signature"])
    assert hashlib.sha256(body).hexdigest() == b[f"record-{n}-hash"]
    rfc8032_public().verify(signature, body)
    record = parse_record(body, signature)
    assert record.signature_ok() and record.seq == n
    if n > 1:
        assert record.prev == b[f"record-{n - 1}-hash"]
    assert (body, signature) == vectors.records()[n - 1]


def test_supersession_in_the_vectors() -> None:
    b = blocks("findings-record.md")
    first = json.loads(b["record-1"])
    third = json.loads(b["record-3"])
    assert third["supersedes"] == first["finding_id"]
    assert third["data"]["item"] == first["data"]["item"]


def test_format_versions_in_the_vectors() -> None:
    """Records 1–3 were signed before the outcome rules (``/1``), 4–5 after (``/2``): one chain
    holds both, and the ``disqualify`` conclusion's grounds cite record 2 and record 4's flag."""
    b = blocks("findings-record.md")
    parsed = [json.loads(b[f"record-{n}"]) for n in range(1, 6)]
    assert [p["format"] for p in parsed] == [RECORD_FORMAT_V1] * 3 + [RECORD_FORMAT] * 2
    assert RECORD_FORMAT == "inspector-finding/2"
    grounds = parsed[4]["data"]["grounds"]
    assert grounds == {"flags": [parsed[3]["data"]["flag"]], "findings": [parsed[1]["finding_id"]]}


def test_grounds_are_refused_in_a_v1_record() -> None:
    """A ``/1`` record never carries grounds; a ``/2`` record carries them on a conclusion only."""
    key = vectors.key()
    base = {
        "finding_id": "6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e09",
        "case_id": vectors.CASE,
        "signer_key": vectors.public(),
        "seq": 1,
        "prev": None,
        "created_at": "2026-03-02T10:00:00+08:00",
        "supersedes": None,
    }
    grounds = {"flags": [], "findings": ["6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e02"]}
    conclusion = {"recommendation": "disqualify", "summary": "x", "grounds": grounds}
    ok = record_body(**base, kind="conclusion", data=conclusion)
    assert parse_record(ok, key.sign(ok)).data["grounds"] == grounds
    old = record_body(**base, kind="conclusion", data=conclusion, record_format=RECORD_FORMAT_V1)
    with pytest.raises(RecordError, match="not part of inspector-finding/1"):
        parse_record(old, key.sign(old))
    wrong = record_body(**base, kind="observation", data={"text": "x", "grounds": grounds})
    with pytest.raises(RecordError, match="conclusion only"):
        parse_record(wrong, key.sign(wrong))
    other = record_body(
        **base, kind="score", data={"item": "Q1"}, record_format="inspector-finding/3"
    )
    with pytest.raises(RecordError, match="format is not"):
        parse_record(other, key.sign(other))


def test_checkpoint_vector() -> None:
    b = blocks("checkpoint.md")
    body = b["checkpoint"].encode("utf-8")
    signature = base64.b64decode(b["checkpoint-signature"])
    rfc8032_public().verify(signature, body)
    cp = parse_checkpoint(body, signature)
    assert cp.head == blocks("findings-record.md")["record-3-hash"]
    assert (body, signature) == vectors.checkpoint()


def test_identity_file_vector(tmp_path: Path) -> None:
    text = blocks("identity-file.md")["identity-file"]
    path = tmp_path / "identity.json"
    path.write_text(text, encoding="utf-8")
    _header, secrets_obj = open_sealed(path, vectors.PASSPHRASE)
    assert base64.b64decode(secrets_obj["ed25519_seed"]) == vectors.SEED
    assert secrets_obj["age_secret"] == vectors.AGE_SECRET
    assert json.loads(text) == json.loads(vectors.identity_file())
