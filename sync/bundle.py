"""The bundle format (``docs/formats/bundle.md``): manifest, signature, age v1 encryption.

A bundle is ``age`` (v1, X25519 recipients) over a ustar archive whose first entry is
``manifest.json`` (canonical JSON, RFC 8785) and second ``signature.json`` (Ed25519 over a
domain-separated manifest). The manifest names every other entry with its SHA-256 and size,
so the one signature authenticates the whole archive; the SHA-256 of the manifest bytes is the
**bundle hash**, by which bundles are chained (``previous_bundle``) and receipts confirm them.

Writing streams: the archive is generated chunk by chunk into ``pyrage.encrypt_io``, to a
temporary name in the target folder that is fsync'ed and then renamed, so that a full disk or a
pulled stick never leaves a file that looks complete.
"""

from __future__ import annotations

import io
import json
import logging
import mmap
import os
import re
import secrets
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyrage
from pyrage import x25519

from inspector_app import canonjson, safejson
from inspector_app.casepkg.crypto import header_problem
from inspector_app.errors import InputRefused
from inspector_app.findings.records import sha256_hex
from inspector_app.i18n import Message, bi, labelled
from inspector_app.identity import Card, UnlockedIdentity, b64, unb64
from inspector_app.identity.files import fsync_dir
from sync.tarstream import Source, TarFormatError, iter_archive, read_archive

log = logging.getLogger("inspector.sync")

FORMAT = "inspector-bundle"
FORMAT_VERSION = "1.0"
SIGNATURE_DOMAIN = b"inspector-bundle-manifest-v1\n"
SUFFIX = ".bundle.age"
AGE_MAGIC = b"age-encryption.org/v1\n"
ARMOR_MAGIC = b"-----BEGIN AGE ENCRYPTED FILE-----"
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
CARD = "card.json"
FINDINGS = "findings.jsonl"
ATTACHMENT_DIR = "attachments/"
MAX_MANIFEST = 64 << 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class BundleRefused(InputRefused):
    """A bundle was refused. ``code`` is one of the codes of ``docs/formats/bundle.md``."""

    def __init__(self, code: str, message: Message) -> None:
        super().__init__(labelled(code, message))
        self.code = code
        self.reason = message


# --------------------------------------------------------------------------- writing
@dataclass
class BundleContent:
    """What an export puts in a bundle (the manifest fields the export decides)."""

    number: int
    previous_bundle: str | None
    first_seq: int
    last_seq: int
    previous_head: str | None
    head: str | None
    checkpoint: Mapping[str, Any]
    cases: Sequence[Mapping[str, Any]]
    findings: Sequence[bytes]
    #: sha256 -> (size, path on disk)
    attachments: Mapping[str, tuple[int, str]]
    agency: Card
    #: the signing device's card as ``card.json`` carries it (its ``to_json()``; ``{}`` in
    #: the kept test vector ``vector-1``)
    expert_card: Mapping[str, Any]
    created_at: str
    app_version: str = ""
    bundle_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    bundle_id: str
    bundle_hash: str
    manifest: Mapping[str, Any]


def build_manifest(content: BundleContent, expert: UnlockedIdentity) -> tuple[bytes, list[Source]]:
    """The canonical manifest bytes and the archive entries that follow the signature."""
    findings_blob = b"".join(line.rstrip(b"\n") + b"\n" for line in content.findings)
    card_blob = canonjson.dumpb(dict(content.expert_card))
    tail: list[Source] = [
        Source(CARD, len(card_blob), data=card_blob),
        Source(FINDINGS, len(findings_blob), data=findings_blob),
    ]
    entries = [
        {"path": CARD, "sha256": sha256_hex(card_blob), "size": len(card_blob)},
        {"path": FINDINGS, "sha256": sha256_hex(findings_blob), "size": len(findings_blob)},
    ]
    attachments = []
    for digest in sorted(content.attachments):
        size, path = content.attachments[digest]
        name = ATTACHMENT_DIR + digest
        tail.append(Source(name, size, path=path))
        entries.append({"path": name, "sha256": digest, "size": size})
        attachments.append({"sha256": digest, "size": size})
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "bundle_id": content.bundle_id,
        "created_at": content.created_at,
        "app_version": content.app_version,
        "expert": {
            "fingerprint": expert.fingerprint,
            "name": expert.name,
            "device": expert.device,
        },
        "agency": {"fingerprint": content.agency.fingerprint, "name": content.agency.name},
        "number": content.number,
        "previous_bundle": content.previous_bundle,
        "sequence": {"first": content.first_seq, "last": content.last_seq},
        "chain": {"previous_head": content.previous_head, "head": content.head},
        "checkpoint": dict(content.checkpoint),
        "cases": [dict(c) for c in content.cases],
        "findings": {"count": len(content.findings)},
        "attachments": attachments,
        "entries": entries,
    }
    return canonjson.dumpb(manifest), tail


def atomic_write_stream(target: Path, write: Callable[[Any], None], *, mode: int = 0o600) -> None:
    """Call ``write(fh)`` on a temporary file beside ``target``, fsync it, rename it in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def bundle_file_name(manifest: Mapping[str, Any]) -> str:
    fpr = str(manifest["expert"]["fingerprint"])
    safe = re.sub(r"[^A-Za-z0-9]", "", fpr)[:16] or "expert"
    return (
        f"inspector-{safe}-{int(manifest['number']):06d}-{str(manifest['bundle_id'])[:8]}{SUFFIX}"
    )


@dataclass(frozen=True)
class PreparedBundle:
    """A signed bundle ready to be encrypted and written."""

    manifest_bytes: bytes
    signature_bytes: bytes
    tail: tuple[Source, ...]

    @property
    def manifest(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.manifest_bytes)
        return value

    @property
    def bundle_hash(self) -> str:
        return sha256_hex(self.manifest_bytes)

    @property
    def bundle_id(self) -> str:
        return str(self.manifest["bundle_id"])

    @property
    def file_name(self) -> str:
        return bundle_file_name(self.manifest)

    def write(self, out_dir: Path, recipients: Sequence[x25519.Recipient]) -> WrittenBundle:
        """Encrypt to ``recipients`` and write atomically into ``out_dir``."""
        sources = [
            Source(MANIFEST, len(self.manifest_bytes), data=self.manifest_bytes),
            Source(SIGNATURE, len(self.signature_bytes), data=self.signature_bytes),
            *self.tail,
        ]
        target = out_dir / self.file_name

        def write(fh: Any) -> None:
            from sync.tarstream import ChunkReader

            pyrage.encrypt_io(ChunkReader(iter_archive(sources)), fh, list(recipients))

        atomic_write_stream(target, write, mode=0o644)
        return WrittenBundle(target, self.bundle_id, self.bundle_hash, self.manifest)


def sign_manifest(manifest_bytes: bytes, expert: UnlockedIdentity) -> bytes:
    signature = {
        "algorithm": "ed25519",
        "key": expert.fingerprint,
        "signature": b64(expert.sign(SIGNATURE_DOMAIN + manifest_bytes)),
    }
    return canonjson.dumpb(signature)


def prepare_bundle(content: BundleContent, expert: UnlockedIdentity) -> PreparedBundle:
    """Build and sign the manifest of ``content``."""
    manifest_bytes, tail = build_manifest(content, expert)
    return PreparedBundle(manifest_bytes, sign_manifest(manifest_bytes, expert), tuple(tail))


def write_bundle(
    content: BundleContent,
    expert: UnlockedIdentity,
    out_dir: Path,
    *,
    extra_recipients: Sequence[x25519.Recipient] = (),
) -> WrittenBundle:
    """Sign and encrypt ``content`` to the agency and to the expert; write it atomically."""
    prepared = prepare_bundle(content, expert)
    recipients = [content.agency.recipient, expert.recipient, *extra_recipients]
    return prepared.write(out_dir, recipients)


# --------------------------------------------------------------------------- reading
@dataclass
class OpenedBundle:
    """A decrypted bundle whose signature and entry hashes were verified."""

    manifest: dict[str, Any]
    manifest_bytes: bytes
    bundle_hash: str
    signer: Card
    findings: list[bytes]
    attachments: dict[str, memoryview]
    card: dict[str, Any]

    @property
    def bundle_id(self) -> str:
        return str(self.manifest["bundle_id"])

    @property
    def device(self) -> str:
        return str(self.manifest["expert"]["fingerprint"])

    @property
    def number(self) -> int:
        return int(self.manifest["number"])

    @property
    def first_seq(self) -> int:
        return int(self.manifest["sequence"]["first"])

    @property
    def last_seq(self) -> int:
        return int(self.manifest["sequence"]["last"])


def decrypt(data: bytes, identities: Sequence[x25519.Identity], *, who: str = "agency") -> bytes:
    """age-decrypt ``data``; a refusal says whether the key or the bytes are wrong."""
    if not data.startswith(AGE_MAGIC):
        raise BundleRefused("NOT_A_BUNDLE", bi("This file is not an age-encrypted bundle."))
    try:
        problem = header_problem(io.BytesIO(data))
        if problem is not None:
            raise pyrage.DecryptError(f"malformed age header: {problem}")
        plaintext: bytes = pyrage.decrypt(data, list(identities))
    except pyrage.DecryptError as exc:
        raise _decrypt_refusal(exc, who) from exc
    return plaintext


def _decrypt_refusal(exc: Exception, who: str) -> BundleRefused:
    if "No matching keys" in str(exc):
        if who == "agency":
            msg = bi(
                "This bundle is not encrypted for this agency's key (or its header is damaged)."
            )
        else:
            msg = bi("This bundle is not encrypted for this identity (or its header is damaged).")
        return BundleRefused("NOT_FOR_THIS_AGENCY", msg)
    # the library's own words (English) go to the log, not into the message a person reads
    log.info("bundle decryption failed: %s", exc)
    return BundleRefused(
        "DECRYPT_FAILED", bi("The bundle cannot be decrypted: it is damaged or truncated.")
    )


def _require(cond: bool, what: str) -> None:
    if not cond:
        raise BundleRefused(
            "MANIFEST_INVALID", bi("The bundle manifest is invalid: {what}.", what=what)
        )


def check_manifest_shape(m: Any) -> None:
    """Refuse a manifest that is not of the documented shape."""
    _require(isinstance(m, dict), "not an object")
    _require(m.get("format") == FORMAT, "format")
    version = m.get("format_version")
    _require(isinstance(version, str), "format_version")
    if not str(version).startswith("1."):
        raise BundleRefused(
            "UNSUPPORTED_VERSION",
            bi("Unsupported bundle format version {version}.", version=version),
        )
    _require(isinstance(m.get("bundle_id"), str) and len(m["bundle_id"]) <= 64, "bundle_id")
    for key in ("expert", "agency", "sequence", "chain", "checkpoint", "findings"):
        _require(isinstance(m.get(key), dict), key)
    _require(isinstance(m["expert"].get("fingerprint"), str), "expert.fingerprint")
    _require(isinstance(m["agency"].get("fingerprint"), str), "agency.fingerprint")
    number = m.get("number")
    _require(isinstance(number, int) and not isinstance(number, bool) and number >= 1, "number")
    prev = m.get("previous_bundle")
    _require(
        prev is None or (isinstance(prev, str) and bool(_HEX64.match(prev))), "previous_bundle"
    )
    _require((prev is None) == (number == 1), "previous_bundle of the first bundle")
    first, last = m["sequence"].get("first"), m["sequence"].get("last")
    _require(isinstance(first, int) and isinstance(last, int), "sequence")
    _require(1 <= first <= last + 1, "sequence range")
    _require(m["findings"].get("count") == last - first + 1, "findings.count")
    for key in ("cases", "attachments", "entries"):
        _require(isinstance(m.get(key), list), key)
    for e in m["entries"]:
        _require(
            isinstance(e, dict)
            and isinstance(e.get("path"), str)
            and isinstance(e.get("sha256"), str)
            and bool(_HEX64.match(e["sha256"]))
            and isinstance(e.get("size"), int),
            "entries",
        )


def parse_bundle(
    plaintext: bytes | memoryview,
    trusted: Callable[[str], Card | None],
    *,
    expected_agency: str | None,
) -> OpenedBundle:
    """Parse a decrypted bundle and verify its signature and every entry's hash.

    Args:
        plaintext: the decrypted archive.
        trusted: looks up a trusted expert card by fingerprint (None when not trusted).
        expected_agency: this agency's fingerprint; None skips the check (the expert's own
            ``bundle recover``).
    """
    try:
        entries = read_archive(plaintext)
        first = next(entries, None)
        if first is None or first.name != MANIFEST or len(first.data) > MAX_MANIFEST:
            raise BundleRefused(
                "ARCHIVE_INVALID", bi("The bundle does not start with its manifest.")
            )
        manifest_bytes = bytes(first.data)
        second = next(entries, None)
        if second is None or second.name != SIGNATURE:
            raise BundleRefused("ARCHIVE_INVALID", bi("The bundle's signature is missing."))
        sig_bytes = bytes(second.data)
        rest = list(entries)
    except TarFormatError as exc:
        raise BundleRefused(
            "ARCHIVE_INVALID", bi("The bundle's archive is malformed: {error}.", error=exc)
        ) from exc
    try:
        manifest = safejson.loads(manifest_bytes)
        signature = safejson.loads(sig_bytes)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleRefused(
            "MANIFEST_INVALID", bi("The bundle manifest is invalid: {what}.", what="JSON")
        ) from exc
    check_manifest_shape(manifest)
    _require(canonjson.dumpb(manifest) == manifest_bytes, "not canonical JSON")
    fingerprint = manifest["expert"]["fingerprint"]
    signer = trusted(fingerprint)
    if signer is None:
        raise BundleRefused(
            "UNTRUSTED_SIGNER",
            bi(
                "The bundle is signed by {fingerprint}, which is not a trusted expert card; trust the card first (identity trust CARD).",
                fingerprint=fingerprint,
            ),
        )
    try:
        raw_sig = unb64(signature.get("signature")) if isinstance(signature, dict) else b""
    except ValueError:
        raw_sig = b""
    if (
        not isinstance(signature, dict)
        or signature.get("algorithm") != "ed25519"
        or signature.get("key") != fingerprint
        or not signer.verify(raw_sig, SIGNATURE_DOMAIN + manifest_bytes)
    ):
        raise BundleRefused(
            "BAD_SIGNATURE",
            bi(
                "The bundle's signature does not verify against the card of {name}.",
                name=signer.name,
            ),
        )
    if expected_agency is not None and manifest["agency"]["fingerprint"] != expected_agency:
        raise BundleRefused(
            "NOT_FOR_THIS_AGENCY",
            bi(
                "This bundle was made for another agency ({fingerprint}).",
                fingerprint=manifest["agency"]["fingerprint"],
            ),
        )
    listed = {e["path"]: e for e in manifest["entries"]}
    if len(listed) != len(manifest["entries"]) or [e.name for e in rest] != [
        e["path"] for e in manifest["entries"]
    ]:
        raise BundleRefused("ARCHIVE_INVALID", bi("The bundle's entries differ from its manifest."))
    attachments: dict[str, memoryview] = {}
    findings_blob = b""
    card: dict[str, Any] = {}
    for entry in rest:
        meta = listed[entry.name]
        if len(entry.data) != meta["size"] or sha256_hex(entry.data) != meta["sha256"]:
            raise BundleRefused(
                "HASH_MISMATCH", bi("Entry {path} does not match its hash.", path=entry.name)
            )
        if entry.name == FINDINGS:
            findings_blob = bytes(entry.data)
        elif entry.name == CARD:
            try:
                card = safejson.loads(bytes(entry.data))
            except ValueError:
                card = {}
        elif entry.name.startswith(ATTACHMENT_DIR):
            attachments[entry.name[len(ATTACHMENT_DIR) :]] = entry.data
        else:
            raise BundleRefused(
                "ARCHIVE_INVALID", bi("Unexpected entry {path} in the bundle.", path=entry.name)
            )
    if sorted(attachments) != [a.get("sha256") for a in manifest["attachments"]]:
        raise BundleRefused("ARCHIVE_INVALID", bi("The bundle's entries differ from its manifest."))
    findings = [line for line in findings_blob.split(b"\n") if line]
    if len(findings) != manifest["findings"]["count"]:
        raise BundleRefused(
            "MANIFEST_INVALID", bi("The bundle manifest is invalid: {what}.", what="findings.count")
        )
    return OpenedBundle(
        manifest=manifest,
        manifest_bytes=manifest_bytes,
        bundle_hash=sha256_hex(manifest_bytes),
        signer=signer,
        findings=findings,
        attachments=attachments,
        card=card if isinstance(card, dict) else {},
    )


def decrypt_file(
    path: Path,
    identities: Sequence[x25519.Identity],
    *,
    who: str = "agency",
    tmp_dir: Path | None = None,
) -> IO[bytes]:
    """age-decrypt the file ``path`` in a stream into a private, anonymous temporary file
    (deleted when closed; never more than pyrage's buffers in memory, whatever the size);
    refusals as :func:`decrypt`. Returns the temporary file, positioned at its start."""
    with path.open("rb") as src:
        head = src.read(1024)
        start = len(head) - len(head.lstrip())
        if not head.startswith(AGE_MAGIC) and not head[start:].startswith(ARMOR_MAGIC):
            raise BundleRefused("NOT_A_BUNDLE", bi("This file is not an age-encrypted bundle."))
        # armored (ASCII) age is read as well, white space around the armor skipped (the age
        # format allows both)
        src.seek(start if not head.startswith(AGE_MAGIC) else 0)
        if tmp_dir is not None:
            tmp_dir.mkdir(parents=True, exist_ok=True)
        # mode 0600, unlinked at once (deleted on close on Windows); closed by the caller
        out = tempfile.TemporaryFile(dir=tmp_dir)  # noqa: SIM115
        try:
            problem = header_problem(src)
            if problem is not None:
                raise pyrage.DecryptError(f"malformed age header: {problem}")
            src.seek(start if not head.startswith(AGE_MAGIC) else 0)
            pyrage.decrypt_io(src, out, list(identities))
        except pyrage.DecryptError as exc:
            out.close()
            raise _decrypt_refusal(exc, who) from exc
        except OSError as exc:
            out.close()
            if exc.errno is not None:  # a real I/O problem (disk full…), not the ciphertext
                raise
            raise _decrypt_refusal(exc, who) from exc
        except BaseException:
            out.close()
            raise
    out.seek(0)
    return out


def open_bundle_file(
    path: Path,
    identity: UnlockedIdentity,
    trusted: Callable[[str], Card | None],
    *,
    expected_agency: str | None,
    tmp_dir: Path | None = None,
) -> OpenedBundle:
    """Decrypt the bundle file ``path`` in a stream to a private temporary file and parse it
    from a read-only memory map of that file (see :func:`parse_bundle`).

    Neither the ciphertext nor the plaintext is read into memory: entry data are views of the
    mapped file, paged in by the kernel as the hashes and the attachment store read them (and
    reclaimable: they are file pages). The temporary file is deleted when the bundle's views
    are released.
    """
    who = "agency" if expected_agency is not None else "expert"
    plain = decrypt_file(path, [identity.age_identity()], who=who, tmp_dir=tmp_dir)
    try:
        size = os.fstat(plain.fileno()).st_size
        if size == 0:
            raise BundleRefused(
                "ARCHIVE_INVALID", bi("The bundle's archive is malformed: {error}.", error="empty")
            )
        mapped = mmap.mmap(plain.fileno(), 0, access=mmap.ACCESS_READ)
    finally:
        plain.close()  # the map keeps the (already unlinked) file's pages
    return parse_bundle(memoryview(mapped), trusted, expected_agency=expected_agency)


def open_bundle(
    data: bytes,
    identity: UnlockedIdentity,
    trusted: Callable[[str], Card | None],
    *,
    expected_agency: str | None,
) -> OpenedBundle:
    """Decrypt and parse a bundle's bytes (see :func:`parse_bundle`)."""
    who = "agency" if expected_agency is not None else "expert"
    plaintext = decrypt(data, [identity.age_identity()], who=who)
    return parse_bundle(plaintext, trusted, expected_agency=expected_agency)
