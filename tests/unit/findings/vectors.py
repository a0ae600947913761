"""Fixed inputs of the test vectors in ``docs/formats/`` and the bytes they must give."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from inspector_app import canonjson
from inspector_app.findings.records import RECORD_FORMAT_V1, checkpoint_body, record_body
from inspector_app.identity import keyfile
from inspector_app.identity.card import b64, fingerprint, signing_input

#: RFC 8032 § 7.1, TEST 1
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
AGE_SECRET = "AGE-SECRET-KEY-1FG8VMEGUML85VJNARSM2PLQJCQZCJ0HNNLGRRU060DU6569N8C6SDMDL7C"
AGE_RECIPIENT = "age1pahzrcpnpqkrelgkjvap6zdv7gth76q8t6hcupey3dwrk84q7s0sjtkafr"
PASSPHRASE = "correct horse battery"
CASE = "5f1c2a9e-0d1e-4c55-9a7b-2f1e7f0c9b11"
PHOTO = "看板照片".encode()


def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(SEED)


def public() -> bytes:
    return key().public_key().public_bytes_raw()


def card() -> dict[str, Any]:
    unsigned = {
        "format": "inspector-card/1",
        "name": "张三",
        "role": "expert",
        "device": "laptop-1",
        "ed25519": b64(public()),
        "age": AGE_RECIPIENT,
        "fingerprint": fingerprint(public()),
        "created_at": "2026-03-02T09:15:00+08:00",
    }
    return {**unsigned, "signature": b64(key().sign(signing_input(unsigned)))}


def records() -> list[tuple[bytes, bytes]]:
    """Five records of one chain: (body, signature). Records 1–3 were signed in
    ``inspector-finding/1`` (before the outcome rules), 4 and 5 in ``inspector-finding/2``:
    a confirmed flag and a ``disqualify`` conclusion whose grounds cite it and record 2."""
    out: list[tuple[bytes, bytes]] = []
    specs: list[dict[str, Any]] = [
        {
            "finding_id": "6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e01",
            "created_at": "2026-03-02T10:00:00+08:00",
            "kind": "score",
            "supersedes": None,
            "data": {
                "item": "Q1",
                "answer": ["B", "C"],
                "comment": "现场核实网络拓扑",
                "evidence": ["docs/附件8_自评测/网络拓扑图.pdf"],
            },
        },
        {
            "finding_id": "6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e02",
            "created_at": "2026-03-02T10:05:00+08:00",
            "kind": "observation",
            "supersedes": None,
            "data": {
                "text": "车间看板显示实时工单",
                "attachments": [
                    {
                        "sha256": hashlib.sha256(PHOTO).hexdigest(),
                        "name": "看板.jpg",
                        "size": len(PHOTO),
                    }
                ],
            },
        },
        {
            "finding_id": "6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e03",
            "created_at": "2026-03-02T10:06:00+08:00",
            "kind": "score",
            "supersedes": "6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e01",
            "data": {"item": "Q1", "answer": ["B"], "evidence": []},
        },
        {
            "finding_id": "6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e04",
            "created_at": "2026-03-02T10:20:00+08:00",
            "kind": "flag_review",
            "supersedes": None,
            "data": {"flag": "PAYMENT_REFLUX:91530100MA6K0X1234", "decision": "confirmed"},
        },
        {
            "finding_id": "6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e05",
            "created_at": "2026-03-02T10:30:00+08:00",
            "kind": "conclusion",
            "supersedes": None,
            "data": {
                "recommendation": "disqualify",
                "summary": "资金回流至服务商",
                "requirements": [],
                "grounds": {
                    "flags": ["PAYMENT_REFLUX:91530100MA6K0X1234"],
                    "findings": ["6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e02"],
                },
            },
        },
    ]
    for spec in specs[:3]:
        spec["record_format"] = RECORD_FORMAT_V1
    prev = None
    for seq, spec in enumerate(specs, 1):
        body = record_body(case_id=CASE, signer_key=public(), seq=seq, prev=prev, **spec)
        out.append((body, key().sign(body)))
        prev = hashlib.sha256(body).hexdigest()
    return out


def checkpoint() -> tuple[bytes, bytes]:
    """The checkpoint after record 3 (the last ``/1`` record)."""
    last_body, _ = records()[2]
    body = checkpoint_body(
        signer_key=public(),
        seq=3,
        head=hashlib.sha256(last_body).hexdigest(),
        head_finding_id="6f1d3c1e-8a51-4d3b-9c0e-2b7f4a9d1e03",
        created_at="2026-03-02T10:06:00+08:00",
    )
    return body, key().sign(body)


def identity_file() -> bytes:
    c = card()
    header = {
        k: c[k] for k in ("name", "role", "device", "created_at", "ed25519", "age", "fingerprint")
    }
    return keyfile.seal(
        header,
        {"ed25519_seed": b64(SEED), "age_secret": AGE_SECRET},
        PASSPHRASE,
        keyfile.ScryptParams(log_n=10, r=8, p=1),
        _salt=bytes(range(16)),
        _nonce=bytes(range(12)),
    )


def canonical(obj: Any) -> str:
    return canonjson.dumps(obj)
