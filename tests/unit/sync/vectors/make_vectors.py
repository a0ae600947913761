"""Regenerate the bundle test vectors of ``docs/formats/bundle.md`` (run by hand).

Everything but the age encryption is deterministic: fixed keys, records, ids and times give
the same manifest bytes, bundle hash and Ed25519 signature every time. The age layer uses
fresh randomness, so ``vector-1.bundle.age`` is generated once and kept.

    .venv/bin/python tests/unit/sync/vectors/make_vectors.py
"""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyrage import x25519

from inspector_app import canonjson
from inspector_app.findings.records import (
    RECORD_FORMAT_V1,
    checkpoint_body,
    parse_checkpoint,
    parse_record,
    record_body,
)
from inspector_app.identity import DEFAULT_KDF, Card, IdentityInfo, UnlockedIdentity
from inspector_app.identity.card import b64, fingerprint
from sync.bundle import BundleContent, prepare_bundle

HERE = Path(__file__).resolve().parent
EXPERT_SEED = bytes(range(32))
AGENCY_SEED = bytes(range(32, 64))
CREATED = "2026-11-28T09:00:00+08:00"
CASE = "5f1c2a9e-0d1e-4c55-9a7b-2f1e7f0c9b11"


def unlocked(seed: bytes, age_file: str, name: str, role: str, device: str) -> UnlockedIdentity:
    """An identity held in memory only (never written: no identity file, no passphrase)."""
    signing = Ed25519PrivateKey.from_private_bytes(seed)
    public = signing.public_key().public_bytes_raw()
    age_secret = (HERE / age_file).read_text().strip()
    info = IdentityInfo(
        name=name,
        role=role,
        device=device,
        created_at=CREATED,
        ed25519_public=public,
        age_recipient=str(x25519.Identity.from_str(age_secret).to_public()),
        fingerprint=fingerprint(public),
        path=HERE / "not-written.json",
        kdf=DEFAULT_KDF,
    )
    return UnlockedIdentity(info, signing, age_secret)


def keys() -> tuple[UnlockedIdentity, Card, x25519.Identity]:
    """The expert who signs the vector, the agency's card, the agency's age key."""
    expert = unlocked(EXPERT_SEED, "expert.agekey", "张三", "expert", "laptop-1")
    agency = unlocked(AGENCY_SEED, "agency.agekey", "某第三方机构", "agency", "agency-1")
    return expert, agency.card(), agency.age_identity()


def content(expert: UnlockedIdentity, agency: Card) -> BundleContent:
    key = expert.public_key
    payloads = [
        (
            "0b8c2f0e-6a43-4b0f-9d55-7c1e2a3b4c01",
            "score",
            {"item": "S6", "level": 2, "comment": "报工终端在用"},
        ),
        (
            "0b8c2f0e-6a43-4b0f-9d55-7c1e2a3b4c02",
            "flag_review",
            {"flag": "USAGE_BURST:mes", "decision": "confirmed", "reason": "申请前一月日志激增"},
        ),
        (
            "0b8c2f0e-6a43-4b0f-9d55-7c1e2a3b4c03",
            "conclusion",
            {
                "recommendation": "improve",
                "summary": "部分场景仍用表格",
                "requirements": ["三个月内完成质检模块上线"],
            },
        ),
    ]
    prev = None
    records = []
    for seq, (fid, kind, data) in enumerate(payloads, start=1):
        body = record_body(
            finding_id=fid,
            case_id=CASE,
            signer_key=key,
            seq=seq,
            prev=prev,
            created_at=CREATED,
            kind=kind,
            supersedes=None,
            data=data,
            # the kept vector-1.bundle.age was signed before the outcome rules: its records are
            # inspector-finding/1, which the app still reads and imports
            record_format=RECORD_FORMAT_V1,
        )
        rec = parse_record(body, expert.sign(body))
        records.append(rec)
        prev = rec.hash
    cp_body = checkpoint_body(
        signer_key=key,
        seq=3,
        head=records[-1].hash,
        head_finding_id=records[-1].finding_id,
        created_at=CREATED,
    )
    cp = parse_checkpoint(cp_body, expert.sign(cp_body))
    return BundleContent(
        number=1,
        previous_bundle=None,
        first_seq=1,
        last_seq=3,
        previous_head=None,
        head=records[-1].hash,
        checkpoint=cp.to_wire(),
        cases=[
            {
                "case_id": CASE,
                "uscc": "91530100MA6K0X1234",
                "project_id": "KM-2025-0042",
                "enterprise": "昆明某某机械制造有限公司",
                "package_sha256": None,
            }
        ],
        findings=[canonjson.dumpb(r.to_wire()) for r in records],
        attachments={},
        agency=agency,
        expert_card={},  # vector-1 was made with an empty card.json; kept as it was
        created_at=CREATED,
        app_version="vectors",
        bundle_id="6d1f7c0a-3b2e-4f9a-8c7d-1e2f3a4b5c6d",
    )


def main() -> None:
    for name in ("expert.agekey", "agency.agekey"):
        path = HERE / name
        if not path.exists():
            path.write_text(str(x25519.Identity.generate()) + "\n")
    expert, agency, _agency_age = keys()
    prepared = prepare_bundle(content(expert, agency), expert)
    written = prepared.write(HERE, [agency.recipient, expert.recipient])
    written.path.replace(HERE / "vector-1.bundle.age")
    facts = {
        "expert_fingerprint": expert.fingerprint,
        "expert_ed25519_public": b64(expert.public_key),
        "agency_fingerprint": agency.fingerprint,
        "agency_age_recipient": agency.age_recipient,
        "bundle_hash": prepared.bundle_hash,
        "signature": json.loads(prepared.signature_bytes)["signature"],
    }
    (HERE / "vector-1.json").write_text(json.dumps(facts, indent=2, ensure_ascii=False) + "\n")
    (HERE / "vector-1.manifest.json").write_bytes(prepared.manifest_bytes)
    print(json.dumps(facts, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
