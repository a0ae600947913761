"""The expert's side of sync: ``bundle export``, ``bundle ack``, ``bundle recover``.

Export takes every record of this device that no earlier bundle carried (``seq`` after the
last exported one), the attachments they cite, the store's signed checkpoint, and the cases
they concern; the bundle continues the chain of bundles (``number``, ``previous_bundle``).
The export is recorded *before* the file is written (state ``writing``, with the signed
manifest) and marked ``done`` after the rename: an interrupted export is completed with the
very same bytes next time, so the agency never sees two different bundles under one number.

``recover`` reads the device's own bundles (they are encrypted to the expert too) into a store
restored from an older copy: the records the copy lacks are put back, the checkpoint moves
forward and the export log learns the bundles, so the next export continues the chain instead
of forking it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector_app import __version__, canonjson
from inspector_app.errors import InputRefused
from inspector_app.findings import db as dbm
from inspector_app.findings.core import insert_records, put_checkpoint
from inspector_app.findings.records import (
    SignedCheckpoint,
    SignedRecord,
    from_wire,
    parse_checkpoint,
)
from inspector_app.findings.store import FindingsStore, open_store
from inspector_app.home import Home
from inspector_app.i18n import Message, bi, bilingual
from inspector_app.identity import Card, UnlockedIdentity
from inspector_app.progress import CancelToken, ProgressFn, check, report
from inspector_app.values import isoformat, now
from sync import attachments as attachment_store
from sync.bundle import (
    BundleContent,
    BundleRefused,
    OpenedBundle,
    PreparedBundle,
    WrittenBundle,
    open_bundle_file,
    prepare_bundle,
)
from sync.receipt import Receipt, read_receipt
from sync.records import attachment_refs, verify_content
from sync.schema import SYNC


@dataclass(frozen=True)
class ExportRow:
    number: int
    bundle_id: str
    bundle_hash: str
    first_seq: int
    last_seq: int
    head: str | None
    file: str
    state: str
    manifest: str
    acked_at: str | None


def open_expert_store(home: Home) -> FindingsStore:
    return open_store(home, extra=(SYNC,))


def _rows(store: FindingsStore) -> list[ExportRow]:
    rows = store.db.execute(
        "SELECT number, bundle_id, bundle_hash, first_seq, last_seq, head, file, state,"
        " manifest, acked_at FROM sync_exports ORDER BY number"
    ).fetchall()
    return [ExportRow(*r) for r in rows]


def exports(home: Home) -> list[ExportRow]:
    with open_expert_store(home) as store:
        return _rows(store)


def package_sha256(folder: str | None) -> str | None:
    """SHA-256 of an imported case's ``manifest.json`` (it lists every file's hash)."""
    if not folder:
        return None
    path = Path(folder) / "manifest.json"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _content(
    store: FindingsStore,
    identity: UnlockedIdentity,
    agency: Card,
    records: Sequence[SignedRecord],
    checkpoint: SignedCheckpoint | None,
    *,
    number: int,
    previous: ExportRow | None,
    created_at: str,
    bundle_id: str | None = None,
) -> BundleContent:
    attachments: dict[str, tuple[int, str]] = {}
    case_ids: list[str] = []
    for rec in records:
        if rec.case_id not in case_ids:
            case_ids.append(rec.case_id)
        for digest in attachment_refs(rec.data):
            path = store.attachments.path_of(digest)
            try:
                attachments[digest] = (path.stat().st_size, str(path))
            except OSError as exc:
                raise InputRefused(
                    bi(
                        "The attachment {sha256} of finding {finding} is missing from the store; run `inspector-app findings verify`.",
                        sha256=digest,
                        finding=rec.finding_id,
                    )
                ) from exc
    cases = []
    for cid in sorted(case_ids):
        row = store.case(cid)
        cases.append(
            {
                "case_id": cid,
                "uscc": row.uscc if row else None,
                "project_id": row.project_id if row else None,
                "enterprise": row.enterprise if row else None,
                "package_sha256": package_sha256(row.folder) if row else None,
            }
        )
    first = (previous.last_seq if previous else 0) + 1
    content = BundleContent(
        number=number,
        previous_bundle=previous.bundle_hash if previous else None,
        first_seq=first,
        last_seq=first + len(records) - 1,
        previous_head=previous.head if previous else None,
        head=records[-1].hash if records else (previous.head if previous else None),
        checkpoint=checkpoint.to_wire() if checkpoint is not None else {},
        cases=cases,
        findings=[canonjson.dumpb(r.to_wire()) for r in records],
        attachments=attachments,
        agency=agency,
        expert_card=identity.card().to_json(),
        created_at=created_at,
        app_version=__version__,
    )
    if bundle_id is not None:
        content.bundle_id = bundle_id
    return content


def _finish_interrupted(
    store: FindingsStore, identity: UnlockedIdentity, agency: Card, out_dir: Path
) -> list[WrittenBundle]:
    """Complete exports left in state ``writing`` (same bytes as first signed)."""
    done: list[WrittenBundle] = []
    rows = _rows(store)
    for row in rows:
        if row.state != "writing":
            continue
        target = Path(row.file)
        manifest = json.loads(row.manifest)
        if not target.is_file():
            previous = next((r for r in rows if r.number == row.number - 1), None)
            records = store.records(identity.fingerprint, row.first_seq, row.last_seq)
            cp_wire = manifest.get("checkpoint") or {}
            checkpoint = parse_checkpoint(*from_wire(cp_wire)) if cp_wire else None
            content = _content(
                store,
                identity,
                agency,
                records,
                checkpoint,
                number=row.number,
                previous=previous,
                created_at=manifest["created_at"],
                bundle_id=row.bundle_id,
            )
            content.app_version = manifest.get("app_version", "")
            prepared = prepare_bundle(content, identity)
            if prepared.manifest_bytes != row.manifest.encode("utf-8"):
                raise InputRefused(
                    bi(
                        "The interrupted export #{number} cannot be completed identically; run `inspector-app findings verify`.",
                        number=row.number,
                    )
                )
            # Completed into the folder asked for now: the first one may be gone or read-only
            # (a pulled stick), and the bytes are the same wherever they are written.
            out_dir.mkdir(parents=True, exist_ok=True)
            written = prepared.write(out_dir, [agency.recipient, identity.recipient])
            done.append(written)
            target = written.path
        with dbm.transaction(store.db) as conn:
            conn.execute(
                "UPDATE sync_exports SET state = 'done', file = ? WHERE number = ?",
                (str(target), row.number),
            )
    return done


def _check_newer_bundles(out_dir: Path, identity: UnlockedIdentity, known: int) -> None:
    """Refuse when ``out_dir`` holds a later bundle of this device than the store knows.

    That is the sign of a store restored from an older copy: exporting now would re-use
    sequence numbers the agency already holds (it would refuse the bundle as a rollback).
    """
    import re

    prefix = re.sub(r"[^A-Za-z0-9]", "", identity.fingerprint)[:16]
    pattern = re.compile(rf"^inspector-{prefix}-(\d{{6}})-[0-9a-f]{{8}}\.bundle\.age$")
    if not out_dir.is_dir():
        return
    newer = sorted(
        (int(m.group(1)), p)
        for p in out_dir.iterdir()
        if (m := pattern.match(p.name)) and int(m.group(1)) > known
    )
    if newer:
        number, path = newer[-1]
        raise InputRefused(
            bi(
                "{path} is bundle #{number} of this device, but the store knows only {known} bundles: it was restored from an older copy. Run `inspector-app bundle recover {path}` first.",
                path=str(path),
                number=number,
                known=known,
            )
        )


@dataclass(frozen=True)
class StaleConclusion:
    """A current conclusion of this device whose grounds were withdrawn (``findings.outcome``):
    ``bundle export`` warns until a new conclusion supersedes it."""

    finding_id: str
    case_id: str
    withdrawn_grounds: tuple[str, ...]

    def message(self) -> Message:
        return bi(
            "The conclusion {id} of case {case} is stale: its grounds {grounds} were withdrawn. Sign a new conclusion.",
            id=self.finding_id,
            case=self.case_id,
            grounds=", ".join(self.withdrawn_grounds),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "finding_id": self.finding_id,
            "case_id": self.case_id,
            "withdrawn_grounds": list(self.withdrawn_grounds),
            **bilingual("message", self.message()),
        }


@dataclass(frozen=True)
class ExportResult:
    written: WrittenBundle | None
    completed: list[WrittenBundle]
    findings: int
    attachments: int
    stale: tuple[StaleConclusion, ...] = ()

    def to_json(self) -> dict[str, Any]:
        w = self.written
        return {
            "bundle": str(w.path) if w else None,
            "bundle_id": w.bundle_id if w else None,
            "bundle_hash": w.bundle_hash if w else None,
            "number": w.manifest["number"] if w else None,
            "sequence": w.manifest["sequence"] if w else None,
            "findings": self.findings,
            "attachments": self.attachments,
            "completed_interrupted": [str(c.path) for c in self.completed],
            "stale_conclusions": [s.to_json() for s in self.stale],
        }


def export_bundle(
    home: Home,
    identity: UnlockedIdentity,
    agency: Card,
    out_dir: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write a bundle of everything this device has not exported yet (see the module doc).

    Raises:
        InputRefused: the store is behind or diverged from its last bundle (restore:
            ``bundle recover``), or fails its checkpoint.
    """
    signer = identity.fingerprint
    with open_expert_store(home) as store:
        stale = tuple(
            StaleConclusion(f.finding_id, f.record.case_id, f.withdrawn_grounds)
            for f in store.stale_conclusions()
        )
        completed = _finish_interrupted(store, identity, agency, out_dir)
        rows = _rows(store)
        last = rows[-1] if rows else None
        head = store.head(signer)
        head_seq = head[0] if head else 0
        if last is not None:
            if head_seq < last.last_seq:
                raise InputRefused(
                    bi(
                        "The store holds findings up to number {seq}, but bundle #{number} already carried up to {last}: it was restored from an older copy. Run `inspector-app bundle recover` with your last bundle first.",
                        seq=head_seq,
                        number=last.number,
                        last=last.last_seq,
                    )
                )
            if last.last_seq and last.head is not None:
                at = store.records(signer, last.last_seq, last.last_seq)
                if not at or at[0].hash != last.head:
                    raise InputRefused(
                        bi(
                            "Finding number {seq} differs from the one bundle #{number} carried: the store diverged from what was exported.",
                            seq=last.last_seq,
                            number=last.number,
                        )
                    )
        _check_newer_bundles(out_dir, identity, last.number if last else 0)
        start = (last.last_seq if last else 0) + 1
        if head_seq < start:
            return ExportResult(None, completed, 0, 0, stale)
        check(cancel)
        report(progress, 0, 3, bi("Collecting findings"))
        records = store.records(signer, start, head_seq)
        checkpoint = store.checkpoint(signer)
        if checkpoint is None or checkpoint.seq != head_seq or checkpoint.head != records[-1].hash:
            raise InputRefused(
                bi(
                    "The findings store does not match its signed checkpoint; nothing was recorded. Run `inspector-app findings verify`."
                )
            )
        content = _content(
            store,
            identity,
            agency,
            records,
            checkpoint,
            number=(last.number if last else 0) + 1,
            previous=last,
            created_at=isoformat(now()),
        )
        prepared: PreparedBundle = prepare_bundle(content, identity)
        target = out_dir / prepared.file_name
        with dbm.transaction(store.db) as conn:
            conn.execute(
                "INSERT INTO sync_exports (number, bundle_id, bundle_hash, first_seq, last_seq,"
                " head, file, state, created_at, manifest) VALUES (?, ?, ?, ?, ?, ?, ?, 'writing', ?, ?)",
                (
                    content.number,
                    prepared.bundle_id,
                    prepared.bundle_hash,
                    content.first_seq,
                    content.last_seq,
                    content.head,
                    str(target.resolve()),
                    content.created_at,
                    prepared.manifest_bytes.decode("utf-8"),
                ),
            )
        report(progress, 1, 3, bi("Encrypting"))
        written = prepared.write(out_dir, [agency.recipient, identity.recipient])
        with dbm.transaction(store.db) as conn:
            conn.execute(
                "UPDATE sync_exports SET state = 'done' WHERE number = ?", (content.number,)
            )
        report(progress, 3, 3, "")
        return ExportResult(written, completed, len(records), len(content.attachments), stale)


# --------------------------------------------------------------------------- ack
@dataclass(frozen=True)
class AckResult:
    receipt: Receipt
    number: int
    first_seq: int
    last_seq: int
    already: bool


def ack_receipts(
    home: Home,
    fingerprint: str,
    agency_lookup: Callable[[str], Card | None],
    paths: Sequence[Path],
) -> list[AckResult]:
    """Verify receipts against the trusted agency card and record them (all or nothing)."""
    receipts = [read_receipt(p, agency_lookup) for p in paths]
    results: list[AckResult] = []
    with open_expert_store(home) as store, dbm.transaction(store.db) as conn:
        for path, receipt in zip(paths, receipts, strict=True):
            if receipt.body.get("expert") != fingerprint:
                raise InputRefused(
                    bi("The receipt {path} is for another device's bundle.", path=str(path))
                )
            row = conn.execute(
                "SELECT number, first_seq, last_seq, acked_at FROM sync_exports"
                " WHERE bundle_hash = ? AND bundle_id = ?",
                (receipt.bundle_hash, receipt.bundle_id),
            ).fetchone()
            if row is None:
                raise InputRefused(
                    bi(
                        "The receipt {path} confirms bundle {bundle}, which this device did not export.",
                        path=str(path),
                        bundle=receipt.bundle_id,
                    )
                )
            already = row[3] is not None
            if not already:
                conn.execute(
                    "UPDATE sync_exports SET acked_at = ?, receipt = ? WHERE number = ?",
                    (isoformat(now()), receipt.to_bytes().decode("utf-8"), row[0]),
                )
            results.append(AckResult(receipt, int(row[0]), int(row[1]), int(row[2]), already))
    return results


def acknowledged_through(rows: Sequence[ExportRow]) -> int:
    """The last ``seq`` such that every bundle up to it is acknowledged."""
    through = 0
    for row in rows:
        if row.acked_at is None:
            break
        through = row.last_seq
    return through


# --------------------------------------------------------------------------- recover
@dataclass(frozen=True)
class RecoverResult:
    bundles: int
    restored: int
    head_seq: int
    last_number: int


def recover(home: Home, identity: UnlockedIdentity, paths: Sequence[Path]) -> RecoverResult:
    """Bring a store restored from an older copy back to the chain head of its own bundles.

    Raises:
        InputRefused: a bundle is not this device's, or the store diverged from it (records
            signed after the restore differ from those the bundles carry), or a gap.
    """
    me = identity.card()

    def self_only(fp: str) -> Card | None:
        return me if fp == identity.fingerprint else None

    opened: list[tuple[Path, OpenedBundle, Any]] = []
    for path in paths:
        try:
            bundle = open_bundle_file(
                path, identity, self_only, expected_agency=None, tmp_dir=home.tmp_dir
            )
            content = verify_content(bundle)
        except OSError as exc:
            raise InputRefused(
                bi("Cannot read {path}: {error}", path=str(path), error=exc)
            ) from exc
        except BundleRefused as exc:
            raise InputRefused(
                bi("Cannot recover from {path}: {reason}", path=str(path), reason=exc.reason)
            ) from exc
        opened.append((path, bundle, content))
    opened.sort(key=lambda t: t[1].number)
    restored = 0
    signer = identity.fingerprint
    with open_expert_store(home) as store:
        for path, bundle, content in opened:
            attachment_store.put_many(home, bundle.attachments)
            with dbm.transaction(store.db) as conn:
                restored += _recover_one(conn, signer, path, bundle, content)
        rows = _rows(store)
        head = store.head(signer)
    return RecoverResult(
        len(opened), restored, head[0] if head else 0, rows[-1].number if rows else 0
    )


def _recover_one(
    conn: sqlite3.Connection,
    signer: str,
    path: Path,
    bundle: OpenedBundle,
    content: Any,
) -> int:
    row = conn.execute(
        "SELECT seq, hash FROM findings WHERE signer = ? ORDER BY seq DESC LIMIT 1", (signer,)
    ).fetchone()
    head_seq = int(row[0]) if row else 0
    if bundle.first_seq > head_seq + 1:
        raise InputRefused(
            bi(
                "Bundle #{number} starts at finding {first}, but the store ends at {seq}: recover the earlier bundles too.",
                number=bundle.number,
                first=bundle.first_seq,
                seq=head_seq,
            )
        )
    added = 0
    for rec in content.records:
        held = conn.execute(
            "SELECT hash FROM findings WHERE signer = ? AND seq = ?", (signer, rec.seq)
        ).fetchone()
        if held is not None:
            if held[0] != rec.hash:
                raise InputRefused(
                    bi(
                        "Finding number {seq} in the store differs from the one in {path}: findings were signed after the restore, so the store cannot be recovered without losing them.",
                        seq=rec.seq,
                        path=str(path),
                    )
                )
            continue
        insert_records(conn, [rec], "local")
        added += 1
    cp = content.checkpoint
    if cp is not None:
        held_cp = conn.execute("SELECT seq FROM checkpoints WHERE signer = ?", (signer,)).fetchone()
        if held_cp is None or int(held_cp[0]) < cp.seq:
            put_checkpoint(conn, cp)
    known = conn.execute(
        "SELECT bundle_hash, state FROM sync_exports WHERE number = ?", (bundle.number,)
    ).fetchone()
    if known is not None and known[0] != bundle.bundle_hash:
        if known[1] != "writing":
            raise InputRefused(
                bi(
                    "The store already recorded a different bundle #{number}: the chain of bundles forks.",
                    number=bundle.number,
                )
            )
        conn.execute("DELETE FROM sync_exports WHERE number = ?", (bundle.number,))
        known = None
    if known is None:
        conn.execute(
            "INSERT INTO sync_exports (number, bundle_id, bundle_hash, first_seq, last_seq, head,"
            " file, state, created_at, manifest) VALUES (?, ?, ?, ?, ?, ?, ?, 'done', ?, ?)",
            (
                bundle.number,
                bundle.bundle_id,
                bundle.bundle_hash,
                bundle.first_seq,
                bundle.last_seq,
                bundle.manifest["chain"]["head"],
                str(path.resolve()),
                bundle.manifest["created_at"],
                bundle.manifest_bytes.decode("utf-8"),
            ),
        )
    return added
