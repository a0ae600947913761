"""Interoperability: the standard ``age`` and ``tar`` tools read a bundle, and the test vectors
of ``docs/formats/bundle.md`` are what the code produces."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector_app.identity import unb64
from sync.bundle import SIGNATURE_DOMAIN, parse_bundle, prepare_bundle

from .vectors.make_vectors import content, keys

VECTORS = Path(__file__).resolve().parent / "vectors"
AGE = shutil.which("age")
needs_age = pytest.mark.skipif(AGE is None, reason="the age CLI is not installed")


def _age_decrypt(key: Path, bundle: Path) -> bytes:
    assert AGE is not None
    proc = subprocess.run(
        [AGE, "--decrypt", "-i", str(key), str(bundle)], capture_output=True, check=True
    )
    return proc.stdout


def test_vector_manifest_hash_and_signature_are_reproduced() -> None:
    facts = json.loads((VECTORS / "vector-1.json").read_text(encoding="utf-8"))
    expert, agency, _ = keys()
    prepared = prepare_bundle(content(expert, agency), expert)
    assert prepared.manifest_bytes == (VECTORS / "vector-1.manifest.json").read_bytes()
    assert prepared.bundle_hash == facts["bundle_hash"]
    assert json.loads(prepared.signature_bytes)["signature"] == facts["signature"]
    assert expert.fingerprint == facts["expert_fingerprint"]


@needs_age
def test_age_cli_decrypts_the_vector_and_tar_reads_the_manifest() -> None:
    facts = json.loads((VECTORS / "vector-1.json").read_text(encoding="utf-8"))
    plain = _age_decrypt(VECTORS / "agency.agekey", VECTORS / "vector-1.bundle.age")
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:") as tf:
        names = tf.getnames()
        manifest = tf.extractfile("manifest.json").read()  # type: ignore[union-attr]
        signature = json.loads(tf.extractfile("signature.json").read())  # type: ignore[union-attr]
        findings = tf.extractfile("findings.jsonl").read()  # type: ignore[union-attr]
    assert names[:2] == ["manifest.json", "signature.json"]
    assert hashlib.sha256(manifest).hexdigest() == facts["bundle_hash"]
    key = Ed25519PublicKey.from_public_bytes(unb64(facts["expert_ed25519_public"]))
    key.verify(unb64(signature["signature"]), SIGNATURE_DOMAIN + manifest)  # raises if bad
    entry = next(e for e in json.loads(manifest)["entries"] if e["path"] == "findings.jsonl")
    assert hashlib.sha256(findings).hexdigest() == entry["sha256"]
    # the expert can open it too (it is encrypted to both)
    assert _age_decrypt(VECTORS / "expert.agekey", VECTORS / "vector-1.bundle.age") == plain
    # and the app's own reader agrees
    expert, _agency, _ = keys()
    opened = parse_bundle(
        plain,
        lambda fp: expert.card() if fp == expert.fingerprint else None,
        expected_agency=facts["agency_fingerprint"],
    )
    assert opened.bundle_hash == facts["bundle_hash"] and len(opened.findings) == 3


@needs_age
def test_a_fresh_bundle_with_attachments_opens_with_age_and_tar(tmp_path: Path) -> None:
    expert, agency, _ = keys()
    c = content(expert, agency)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"x" * 5000)
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    c.attachments = {digest: (photo.stat().st_size, str(photo))}
    written = prepare_bundle(c, expert).write(tmp_path, [agency.recipient, expert.recipient])
    assert AGE is not None
    out = tmp_path / "plain"
    out.mkdir()
    with subprocess.Popen(
        [AGE, "-d", "-i", str(VECTORS / "agency.agekey"), str(written.path)], stdout=subprocess.PIPE
    ) as age:
        subprocess.run(["tar", "-x", "-C", str(out)], stdin=age.stdout, check=True)
    assert age.returncode == 0
    assert (out / "attachments" / digest).read_bytes() == photo.read_bytes()
    assert hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest() == written.bundle_hash
