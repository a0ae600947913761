"""The agency's side of sync: ``bundle import`` (``docs/sync.md``).

For each file: decrypt with the agency's key, verify the signature against the trusted expert
cards and every entry's hash, verify the records' chain and the checkpoint
(:mod:`sync.records`) — all before anything is written. Then, in one ``BEGIN IMMEDIATE``
transaction, place the bundle against what the agency already holds from that device:

* same bundle id and hash as a merged bundle: a no-op that says so (the receipt is re-issued);
* same id, other content: refused (``SAME_ID_DIFFERENT_CONTENT``);
* the next bundle of the device (number, previous bundle hash, first ``seq`` and previous head
  all continue the device's head): merged — records, checkpoint, attachments, cases, the bundle
  row and the device's new head — and a signed receipt is written;
* a later bundle (its predecessor has not arrived): kept as pending, merged in order once the
  gap is filled;
* a bundle at a position already taken: ``ROLLBACK`` when it carries other findings under
  ``seq`` numbers already received, else ``FORK``; a bundle that skips findings: ``CHAIN_GAP``.

A refused file is moved to the quarantine folder with a ``.reason.json`` beside it; the store is
not touched.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app import canonjson
from inspector_app.findings.core import insert_records, put_checkpoint
from inspector_app.findings.db import environment_errors, transaction
from inspector_app.home import Home
from inspector_app.i18n import Message, bi, bilingual
from inspector_app.identity import Card, UnlockedIdentity
from inspector_app.progress import CancelToken, ProgressFn, check, report
from inspector_app.values import isoformat, now
from sync import attachments as attachment_store
from sync.bundle import (
    SUFFIX,
    BundleRefused,
    OpenedBundle,
    atomic_write_stream,
    open_bundle_file,
)
from sync.placement import Decision, check_chain, check_identity, head_of
from sync.receipt import make_receipt, receipt_file_name
from sync.records import VerifiedContent, verify_content
from sync.schema import open_db, sync_dir
from sync.snapshot import snapshot  # re-exported: tests compare stores before and after

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger("inspector.sync")


@dataclass
class ImportOutcome:
    """What happened to one file (or to a pending bundle merged after it)."""

    source: str
    status: str  # merged | pending | duplicate | already_pending | refused
    message: Message
    bundle_id: str | None = None
    bundle_hash: str | None = None
    expert: str | None = None
    device: str | None = None
    number: int | None = None
    code: str | None = None
    receipt: str | None = None
    quarantined: str | None = None
    findings: int = 0
    then_merged: list[ImportOutcome] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "code": self.code,
            **bilingual("message", self.message),
            "bundle_id": self.bundle_id,
            "bundle_hash": self.bundle_hash,
            "expert": self.expert,
            "device": self.device,
            "number": self.number,
            "findings": self.findings,
            "receipt": self.receipt,
            "quarantined": self.quarantined,
            "then_merged": [o.to_json() for o in self.then_merged],
        }


@dataclass
class _Prepared:
    """A file read, decrypted and verified (or the reason it was not)."""

    path: Path
    #: the bundle file (copied, never read whole, when the bundle must wait)
    data: Path | None = None
    opened: OpenedBundle | None = None
    content: VerifiedContent | None = None
    refusal: BundleRefused | None = None
    outcome: ImportOutcome | None = None


_AGE_MAGIC = (b"age-encryption.org/v1\n", b"-----BEGIN AGE ENCRYPTED FILE-----")


def _looks_like_age(path: Path) -> bool:
    """True when ``path`` is a regular file that starts like an age v1 file (binary or armored)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64).lstrip()
    except OSError:
        return False
    return any(head.startswith(m) for m in _AGE_MAGIC)


class AgencyStore:
    """The agency's merged store: the workspace database plus ``<workspace>/sync/``."""

    def __init__(
        self,
        home: Home,
        identity: UnlockedIdentity,
        trusted: Callable[[str], Card | None],
        db: sqlite_utils.Database | None = None,
    ) -> None:
        self.home = home
        self.identity = identity
        self.trusted = trusted
        self.db = db if db is not None else open_db(home)
        self._local = threading.local()
        self.root = sync_dir(home)
        self.pending_dir = self.root / "pending"
        self.quarantine_dir = self.root / "quarantine"
        self.receipts_dir = self.root / "receipts"
        for folder in (self.pending_dir, self.quarantine_dir, self.receipts_dir):
            folder.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ public
    def import_files(
        self,
        paths: Sequence[Path],
        *,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
    ) -> list[ImportOutcome]:
        """Import bundle files in the order given; pending ones merge as their gaps fill.

        Decrypting and verifying bundle *k + 1* (this thread) overlaps with storing bundle *k*
        (one serial writer thread with its own connection: attachment files written and
        fsync'ed, then the transaction). The outcomes are those of importing the files one by
        one, in order.
        """
        outcomes: list[ImportOutcome] = []
        with ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="sync-writer", initializer=self._open_writer
        ) as writer:
            inflight: deque[Future[ImportOutcome]] = deque()
            try:
                for i, path in enumerate(paths):
                    check(cancel)
                    report(progress, i, len(paths), path.name)
                    prepared = self._prepare(path)
                    inflight.append(writer.submit(self._store_prepared, prepared))
                    while len(inflight) > 1:
                        outcomes.append(inflight.popleft().result())
                while inflight:
                    outcomes.append(inflight.popleft().result())
            finally:
                for fut in inflight:
                    fut.cancel()
                writer.submit(self._close_writer).result()
        report(progress, len(paths), len(paths), "")
        return outcomes

    def _db(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        return db if db is not None else self.db

    def _open_writer(self) -> None:
        self._local.db = open_db(self.home)

    def _close_writer(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None

    def _prepare(self, path: Path) -> _Prepared:
        """Read, decrypt and verify a file (no store access)."""
        try:
            # decrypted in a stream to a private temporary file: bounded memory
            opened = open_bundle_file(
                path,
                self.identity,
                self.trusted,
                expected_agency=self.identity.fingerprint,
                tmp_dir=self.home.tmp_dir,
            )
            content = verify_content(opened)
        except OSError as exc:
            return _Prepared(
                path,
                outcome=ImportOutcome(
                    str(path),
                    "refused",
                    bi("Cannot read {path}: {error}", path=str(path), error=exc),
                    code="UNREADABLE",
                ),
            )
        except BundleRefused as exc:
            return _Prepared(path, refusal=exc)
        return _Prepared(path, data=path, opened=opened, content=content)

    def _store_prepared(self, prepared: _Prepared) -> ImportOutcome:
        if prepared.outcome is not None:
            return prepared.outcome
        if prepared.refusal is not None:
            return self._refuse(prepared.path, prepared.refusal, None)
        assert prepared.opened is not None and prepared.content is not None
        opened = prepared.opened
        outcome = self._place(opened, prepared.content, prepared.data, prepared.path)
        if outcome.status == "merged":
            outcome.then_merged = self._drain(opened.device)
        return outcome

    def import_file(self, path: Path) -> ImportOutcome:
        """Import one bundle file (in this thread)."""
        return self._store_prepared(self._prepare(path))

    # ------------------------------------------------------------------ internals
    def _outcome(
        self, opened: OpenedBundle, source: str, status: str, message: Message
    ) -> ImportOutcome:
        return ImportOutcome(
            source,
            status,
            message,
            bundle_id=opened.bundle_id,
            bundle_hash=opened.bundle_hash,
            expert=opened.signer.name,
            device=opened.device,
            number=opened.number,
        )

    def _place(
        self,
        opened: OpenedBundle,
        content: VerifiedContent,
        data: Path | None,
        path: Path,
        *,
        from_pending: bool = False,
    ) -> ImportOutcome:
        source = str(path)
        receipt_bytes: bytes | None = None
        try:
            with environment_errors(self.db_path), transaction(self._db()) as conn:
                if not from_pending:
                    check_identity(conn, opened)
                head = head_of(conn, opened.device)
                if opened.number > head.bundles + 1:
                    if not from_pending and data is not None:
                        self._add_pending(conn, opened, data)
                else:
                    check_chain(conn, opened, head)
                    if from_pending:
                        conn.execute(
                            "DELETE FROM sync_pending WHERE bundle_id = ?", (opened.bundle_id,)
                        )
                    receipt_bytes = self._merge(conn, opened, content)
            if receipt_bytes is None:
                raise Decision("pending")
        except Decision as decision:
            if decision.refusal is not None:
                if from_pending:
                    self._drop_pending(opened.bundle_id)
                return self._refuse(path, decision.refusal, opened)
            if decision.outcome == "duplicate":
                out = self._outcome(
                    opened,
                    source,
                    "duplicate",
                    bi(
                        "Bundle {bundle} (#{number} of {expert}) was already imported; nothing changed.",
                        bundle=opened.bundle_id,
                        number=opened.number,
                        expert=opened.signer.name,
                    ),
                )
                out.receipt = str(self._rewrite_receipt(opened.bundle_id))
                return out
            if decision.outcome == "already_pending":
                return self._outcome(
                    opened,
                    source,
                    "already_pending",
                    bi(
                        "Bundle {bundle} is already waiting for its predecessor; nothing changed.",
                        bundle=opened.bundle_id,
                    ),
                )
            head_bundles = head_of(self._db().conn, opened.device).bundles
            return self._outcome(
                opened,
                source,
                "pending",
                bi(
                    "Bundle #{number} of {expert} waits for bundle #{missing}; it will be merged when that arrives.",
                    number=opened.number,
                    expert=opened.signer.name,
                    missing=head_bundles + 1,
                ),
            )
        except sqlite3.IntegrityError as exc:
            log.warning("integrity error merging %s: %s", opened.bundle_id, exc)
            refusal = BundleRefused(
                "FINDING_CONFLICT",
                bi(
                    "The bundle carries a finding id or hash that the agency already holds from another device."
                ),
            )
            if from_pending:
                self._drop_pending(opened.bundle_id)
            return self._refuse(path, refusal, opened)
        assert receipt_bytes is not None
        receipt_path = self._write_receipt(opened.bundle_id, receipt_bytes)
        if from_pending:
            path.unlink(missing_ok=True)
        out = self._outcome(
            opened,
            source,
            "merged",
            bi(
                "Merged bundle #{number} of {expert}: {count} findings (numbers {first}–{last}).",
                number=opened.number,
                expert=opened.signer.name,
                count=len(content.records),
                first=opened.first_seq,
                last=opened.last_seq,
            ),
        )
        out.receipt = str(receipt_path)
        out.findings = len(content.records)
        return out

    @property
    def db_path(self) -> Path:
        from sync.schema import database_path

        return database_path(self.home)

    def _add_pending(self, conn: sqlite3.Connection, opened: OpenedBundle, data: Path) -> None:
        other = conn.execute(
            "SELECT bundle_id FROM sync_pending WHERE device = ? AND number = ?",
            (opened.device, opened.number),
        ).fetchone()
        if other is not None:
            raise Decision.refused(
                "FORK",
                bi(
                    "Another bundle #{number} of {expert} ({bundle}) is already waiting: the chain forks.",
                    number=opened.number,
                    expert=opened.signer.name,
                    bundle=other[0],
                ),
            )
        target = self.pending_dir / f"{opened.bundle_hash}{SUFFIX}"

        def copy(fh: Any) -> None:
            with data.open("rb") as src:
                shutil.copyfileobj(src, fh, 1 << 20)

        atomic_write_stream(target, copy, mode=0o600)
        conn.execute(
            "INSERT INTO sync_pending (bundle_id, bundle_hash, device, number, previous_bundle, file, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                opened.bundle_id,
                opened.bundle_hash,
                opened.device,
                opened.number,
                opened.manifest["previous_bundle"],
                target.name,
                isoformat(now()),
            ),
        )

    def _merge(
        self, conn: sqlite3.Connection, opened: OpenedBundle, content: VerifiedContent
    ) -> bytes:
        m = opened.manifest
        device = opened.device
        signer = opened.signer
        conn.execute(
            "INSERT INTO sync_devices (fingerprint, expert, device, card) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (fingerprint) DO NOTHING",
            (device, signer.name, signer.device, canonjson.dumps(signer.to_json())),
        )
        attachment_store.put_many(self.home, opened.attachments)
        for digest, view in opened.attachments.items():
            conn.execute(
                "INSERT INTO sync_attachments (sha256, size) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (digest, len(view)),
            )
        insert_records(conn, content.records, "imported")
        conn.executemany(
            "INSERT INTO sync_finding_attachments (finding_id, sha256) VALUES (?, ?)"
            " ON CONFLICT DO NOTHING",
            [(fid, sha) for fid, refs in content.references.items() for sha in refs],
        )
        cp = content.checkpoint
        if cp is not None and content.records:
            put_checkpoint(conn, cp)
        for case in m["cases"]:
            if isinstance(case, dict) and isinstance(case.get("case_id"), str):
                conn.execute(
                    "INSERT INTO sync_cases (case_id, uscc, project_id, enterprise, package_sha256)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING",
                    tuple(
                        case.get(k) if isinstance(case.get(k), str) else None
                        for k in ("case_id", "uscc", "project_id", "enterprise", "package_sha256")
                    ),
                )
        merged_at = isoformat(now())
        receipt = make_receipt(self.identity, m, opened.bundle_hash, merged_at)
        receipt_bytes = receipt.to_bytes()
        conn.execute(
            "INSERT INTO sync_bundles (bundle_id, bundle_hash, device, number, previous_bundle,"
            " first_seq, last_seq, head, manifest, receipt, merged_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                opened.bundle_id,
                opened.bundle_hash,
                device,
                opened.number,
                m["previous_bundle"],
                opened.first_seq,
                opened.last_seq,
                m["chain"]["head"],
                opened.manifest_bytes.decode("utf-8"),
                receipt_bytes.decode("utf-8"),
                merged_at,
            ),
        )
        new_head = m["chain"]["head"] if content.records else None
        conn.execute(
            "UPDATE sync_devices SET bundles = ?, last_bundle = ?, head_seq = ?,"
            " head = COALESCE(?, head) WHERE fingerprint = ?",
            (opened.number, opened.bundle_hash, opened.last_seq, new_head, device),
        )
        return receipt_bytes

    def _write_receipt(self, bundle_id: str, data: bytes) -> Path:
        """Write a receipt file (a copy of what the committed ``sync_bundles`` row holds).

        Not fsync'ed: the database is the record; a file lost in a crash is written again by
        importing the bundle again (a no-op that re-issues its receipt).
        """
        path = self.receipts_dir / receipt_file_name(bundle_id)
        tmp = path.with_name(f".{path.name}.partial")
        tmp.write_bytes(data)
        tmp.replace(path)
        return path

    def _rewrite_receipt(self, bundle_id: str) -> Path:
        row = (
            self._db()
            .conn.execute("SELECT receipt FROM sync_bundles WHERE bundle_id = ?", (bundle_id,))
            .fetchone()
        )
        path = self.receipts_dir / receipt_file_name(bundle_id)
        if row is not None:
            data = str(row[0]).encode("utf-8")
            try:
                same = path.read_bytes() == data
            except OSError:
                same = False
            if not same:
                self._write_receipt(bundle_id, data)
        return path

    def _drop_pending(self, bundle_id: str) -> None:
        with transaction(self._db()) as conn:
            conn.execute("DELETE FROM sync_pending WHERE bundle_id = ?", (bundle_id,))

    def _drain(self, device: str) -> list[ImportOutcome]:
        """Merge pending bundles of ``device`` that now follow on, in order."""
        merged: list[ImportOutcome] = []
        while True:
            head = head_of(self._db().conn, device)
            row = (
                self._db()
                .conn.execute(
                    "SELECT bundle_id, file FROM sync_pending WHERE device = ? AND number = ?",
                    (device, head.bundles + 1),
                )
                .fetchone()
            )
            if row is None:
                return merged
            path = self.pending_dir / str(row[1])
            try:
                opened = open_bundle_file(
                    path,
                    self.identity,
                    self.trusted,
                    expected_agency=self.identity.fingerprint,
                    tmp_dir=self.home.tmp_dir,
                )
                content = verify_content(opened)
            except (OSError, BundleRefused) as exc:
                self._drop_pending(str(row[0]))
                refusal = (
                    exc
                    if isinstance(exc, BundleRefused)
                    else BundleRefused(
                        "UNREADABLE", bi("Cannot read {path}: {error}", path=str(path), error=exc)
                    )
                )
                merged.append(self._refuse(path, refusal, None))
                continue
            outcome = self._place(opened, content, path, path, from_pending=True)
            merged.append(outcome)
            if outcome.status != "merged":
                return merged

    def _refuse(
        self, path: Path, refusal: BundleRefused, opened: OpenedBundle | None
    ) -> ImportOutcome:
        stamp = isoformat(now()).replace(":", "").replace("+", "p")
        target = self.quarantine_dir / f"{stamp}-{path.name}"
        counter = 1
        while target.exists():
            target = self.quarantine_dir / f"{stamp}-{counter}-{path.name}"
            counter += 1
        quarantined: str | None = None
        if not _looks_like_age(path):
            # Not a bundle at all (a document picked up by a wildcard, say): the user's file is
            # refused where it is, never moved away.
            log.info("refused %s in place: not an age file (%s)", path, refusal.code)
            return self._refused_outcome(path, refusal, opened, None)
        try:
            try:
                path.replace(target)
            except OSError:
                shutil.copyfile(path, target)
                path.unlink()
            quarantined = str(target)
            reason = {
                "code": refusal.code,
                **bilingual("message", refusal.reason),
                "source": str(path),
                "at": isoformat(now()),
                "bundle_id": opened.bundle_id if opened else None,
                "bundle_hash": opened.bundle_hash if opened else None,
            }
            reason_path = target.with_name(target.name + ".reason.json")
            text = json.dumps(reason, ensure_ascii=False, indent=2) + "\n"
            reason_path.write_text(text, encoding="utf-8")
        except OSError as exc:
            log.warning("could not quarantine %s: %s", path, exc)
        return self._refused_outcome(path, refusal, opened, quarantined)

    def _refused_outcome(
        self,
        path: Path,
        refusal: BundleRefused,
        opened: OpenedBundle | None,
        quarantined: str | None,
    ) -> ImportOutcome:
        out = (
            self._outcome(opened, str(path), "refused", refusal.reason)
            if opened is not None
            else ImportOutcome(str(path), "refused", refusal.reason)
        )
        out.code = refusal.code
        out.quarantined = quarantined
        log.info("refused bundle %s: %s %s", path, refusal.code, refusal.reason)
        return out


__all__ = ["AgencyStore", "ImportOutcome", "snapshot"]
