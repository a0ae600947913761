"""Verifying the findings a bundle carries (records of :mod:`inspector_app.findings.records`).

The bundle's signature already authenticates every byte; these checks make sure that what was
signed is a well-formed, unbroken piece of the device's hash chain: every record parses, is
signed by the bundle's device, numbers follow on (``first … last``), each ``prev`` is the hash
of the record before (the first one's is the manifest's ``chain.previous_head``), the last hash
is ``chain.head``, and the store's signed checkpoint covers exactly that head — a bundle whose
checkpoint is ahead of its last record was truncated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from inspector_app.findings.records import (
    RecordError,
    SignedCheckpoint,
    SignedRecord,
    from_wire,
    parse_checkpoint,
    parse_record,
)
from inspector_app.i18n import Message, bi, exc_message
from sync.bundle import BundleRefused, OpenedBundle

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class VerifiedContent:
    records: list[SignedRecord]
    checkpoint: SignedCheckpoint | None
    #: finding_id -> attachment hashes it references
    references: dict[str, list[str]]


def attachment_refs(data: Any) -> list[str]:
    """SHA-256 hashes a finding's data references (``attachments`` of an observation…)."""
    found: list[str] = []
    if isinstance(data, dict):
        refs = data.get("attachments")
        if isinstance(refs, list):
            for ref in refs:
                if isinstance(ref, str) and _HEX64.match(ref):
                    found.append(ref)
                elif (
                    isinstance(ref, dict)
                    and isinstance(ref.get("sha256"), str)
                    and _HEX64.match(ref["sha256"])
                ):
                    found.append(ref["sha256"])
    return found


def _bad(index: int, reason: Message) -> BundleRefused:
    return BundleRefused(
        "FINDING_INVALID",
        bi("Finding #{index} of the bundle is invalid: {reason}", index=index, reason=reason),
    )


def _bad_checkpoint(reason: object) -> BundleRefused:
    return BundleRefused(
        "CHECKPOINT_MISMATCH", bi("The bundle's checkpoint is invalid: {reason}", reason=reason)
    )


def parse_line(line: bytes) -> SignedRecord:
    body, signature = from_wire(json.loads(line))
    return parse_record(body, signature)


def verify_content(
    bundle: OpenedBundle,
    *,
    check_signatures: bool = True,
    known_attachments: Sequence[str] = (),
) -> VerifiedContent:
    """Check the records and the checkpoint of ``bundle`` (see the module docstring)."""
    m = bundle.manifest
    device = bundle.device
    key = bundle.signer.ed25519_public
    prev = m["chain"]["previous_head"]
    records: list[SignedRecord] = []
    for i, line in enumerate(bundle.findings, start=1):
        try:
            rec = parse_line(line)
        except (RecordError, ValueError) as exc:
            raise _bad(i, exc_message(exc)) from exc
        if rec.signer != device or rec.signer_key != key:
            raise _bad(i, bi("not signed by the bundle's device"))
        if check_signatures and not rec.signature_ok():
            raise _bad(i, bi("bad signature"))
        if rec.seq != bundle.first_seq + i - 1:
            raise BundleRefused(
                "CHAIN_BROKEN",
                bi(
                    "The bundle's findings do not follow on: expected number {expected}, found {found}.",
                    expected=bundle.first_seq + i - 1,
                    found=rec.seq,
                ),
            )
        if rec.prev != prev:
            raise BundleRefused(
                "CHAIN_BROKEN",
                bi("Finding number {seq} does not link to the one before it.", seq=rec.seq),
            )
        prev = rec.hash
        records.append(rec)
    if prev != m["chain"]["head"]:
        raise BundleRefused(
            "CHAIN_BROKEN", bi("The bundle's last finding is not the head its manifest names.")
        )
    checkpoint = None
    wire = m.get("checkpoint") or {}
    if wire:
        try:
            checkpoint = parse_checkpoint(*from_wire(wire))
        except RecordError as exc:
            raise _bad_checkpoint(exc) from exc
        if checkpoint.signer != device or not checkpoint.signature_ok():
            raise _bad_checkpoint("signature")
    if bundle.last_seq >= 1:
        if checkpoint is None:
            raise _bad_checkpoint("missing")
        if checkpoint.seq != bundle.last_seq or checkpoint.head != m["chain"]["head"]:
            raise BundleRefused(
                "TRUNCATED",
                bi(
                    "The bundle is truncated: the device's signed checkpoint is at number {checkpoint}, the bundle ends at {last}.",
                    checkpoint=checkpoint.seq,
                    last=bundle.last_seq,
                ),
            )
    references: dict[str, list[str]] = {}
    available = set(bundle.attachments) | set(known_attachments)
    for rec in records:
        refs = attachment_refs(rec.data)
        missing = [r for r in refs if r not in available]
        if missing:
            raise BundleRefused(
                "ATTACHMENT_MISSING",
                bi(
                    "Finding {finding} references attachment {sha256}, which the bundle does not carry.",
                    finding=rec.finding_id,
                    sha256=missing[0],
                ),
            )
        if refs:
            references[rec.finding_id] = refs
    return VerifiedContent(records, checkpoint, references)
