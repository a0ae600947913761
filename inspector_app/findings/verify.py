"""``findings verify``: every signature, every chain link, every attachment, the checkpoints.

First every stored row on its own (in storage order), then every signer's chain (this
device's first):

1. the body is canonical JSON of the record format, and the row's columns equal its members
   (``finding_id``, ``signer``, ``seq``, ``prev``, ``case_id``, ``kind``, ``skey``,
   ``supersedes``, ``created_at``) and ``hash`` is SHA-256 of the body;
2. the Ed25519 signature verifies with the body's ``signer_key``, and that key is this
   device's own or a trusted card's;
3. the chain: seq 1 has ``prev`` null; each next seq links to the previous record's hash; a
   missing seq breaks the chain (for another device's records merged at the agency a gap is
   only reported, since bundles may arrive out of order);
4. this device's records were stored in seq order (rows re-ordered are a break);
5. every referenced attachment is present with the right SHA-256 and size;
6. the signer's checkpoint is validly signed and its ``seq``/``head`` equal the last record
   (a truncated tail — records deleted from the end — is named by the checkpoint's head id).

The report names the first broken record by ``finding_id``: the first row failing its own
checks (1, 2, 5), else the first break of a chain (3, 4, 6). A checkpoint only proves what it
covers: someone who deletes the tail **and** puts back an older signed checkpoint (from a
backup) is caught only by an outside anchor — the agency's receipts of exported bundles.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from inspector_app.findings.anchor import AnchorDamaged, read_anchor
from inspector_app.findings.records import (
    RecordError,
    SignedRecord,
    parse_checkpoint,
    parse_record,
)
from inspector_app.findings.store import FindingsStore
from inspector_app.i18n import bi
from inspector_app.identity.card import unb64
from inspector_app.progress import CancelToken, ProgressFn, check


@dataclass(frozen=True)
class Problem:
    code: str
    finding_id: str | None
    signer: str | None
    seq: int | None
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "finding_id": self.finding_id,
            "signer": self.signer,
            "seq": self.seq,
            "detail": self.detail,
        }


@dataclass
class VerifyReport:
    records: int = 0
    attachments: int = 0
    signers: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    integrity: str = "ok"

    @property
    def ok(self) -> bool:
        return not self.problems and self.integrity == "ok"

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "attachments": self.attachments,
            "signers": self.signers,
            "integrity_check": self.integrity,
            "first_broken": self.first.to_json() if self.first else None,
            "problems": [p.to_json() for p in self.problems],
            "gaps": self.gaps,
        }


_COLUMNS = (
    "id, finding_id, signer, seq, prev, hash, case_id, kind, skey, supersedes, created_at,"
    " body, signature, origin"
)


def verify_store(
    store: FindingsStore,
    *,
    trusted_keys: set[bytes] | None = None,
    own_key: bytes | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    integrity_check: bool = True,
) -> VerifyReport:
    """Verify the whole store; never raises on tampering (the report lists the problems).

    Args:
        trusted_keys: Ed25519 public keys whose records are accepted (this device's own and
            the trusted cards'); None accepts any validly signed record.
        own_key: this device's key: its chain must be complete, in order, and match its
            checkpoint strictly. Without it, the signers of ``local`` rows are held to that.
        integrity_check: also run SQLite's ``PRAGMA integrity_check`` (the default).
    """
    report = VerifyReport()
    conn = store.db.conn
    if integrity_check:
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            report.integrity = "; ".join(str(r[0]) for r in rows)
        except sqlite3.DatabaseError as exc:
            report.integrity = str(exc)
    own_fp = None
    if own_key is not None:
        from inspector_app.identity.card import fingerprint

        own_fp = fingerprint(own_key)

    def problem(
        code: str, fid: str | None, signer: str | None, seq: int | None, detail: str
    ) -> None:
        report.problems.append(Problem(code, fid, signer, seq, detail))

    # pass 1: every row on its own -----------------------------------------------------------
    total = conn.execute("SELECT count(*) FROM findings").fetchone()[0]
    good: dict[str, list[tuple[int, SignedRecord]]] = {}  # signer -> [(row id, record)]
    local_signers: set[str] = set()
    for done, row in enumerate(conn.execute(f"SELECT {_COLUMNS} FROM findings ORDER BY id"), 1):
        check(cancel)
        report.records += 1
        if progress is not None and (done % 200 == 0 or done == total):
            progress(done, total, bi("Verifying the findings"))
        record = _check_row(
            row, store, problem=problem, trusted_keys=trusted_keys, own_fp=own_fp, report=report
        )
        if record is not None:
            good.setdefault(record.signer, []).append((row[0], record))
            if row[13] == "local":
                local_signers.add(record.signer)

    # pass 2: chains and checkpoints -----------------------------------------------------------
    known_ids = {r.finding_id: r.case_id for recs in good.values() for _, r in recs}
    projects = {
        r[0]: (r[1], r[2])
        for r in conn.execute("SELECT case_id, uscc, project_id FROM cases")
        if r[1] is not None and r[2] is not None
    }
    cp_signers = [r[0] for r in conn.execute("SELECT signer FROM checkpoints")]
    signers = sorted(set(good) | set(cp_signers), key=lambda x: (x != own_fp, x))
    ends: dict[str, tuple[int, str | None]] = {}
    for signer in signers:
        strict = signer == own_fp or (own_fp is None and signer in local_signers)
        chain = sorted(good.get(signer, []), key=lambda t: (t[1].seq, t[0]))
        last_seq, last_hash = _check_chain(signer, chain, strict, problem, report)
        ends[signer] = (last_seq, last_hash)
        if strict:
            # this device appends in seq order: storage order must be seq order
            for position, (_rid, rec) in enumerate(sorted(chain, key=lambda t: t[0]), 1):
                seq = rec.seq
                if seq != position:
                    problem(
                        "REORDERED",
                        rec.finding_id,
                        signer,
                        seq,
                        f"stored at position {position}, but its seq is {seq}",
                    )
                    break
        _check_checkpoint(
            conn,
            signer,
            strict=strict,
            last_seq=last_seq,
            last_hash=last_hash,
            trusted_keys=trusted_keys,
            problem=problem,
            report=report,
        )
        for _rid, rec in chain:
            target = rec.supersedes
            if target is None:
                continue
            if target in known_ids and not _same_project(projects, known_ids[target], rec.case_id):
                problem(
                    "SUPERSEDES",
                    rec.finding_id,
                    signer,
                    rec.seq,
                    f"supersedes {target} of another case",
                )
            elif target not in known_ids and strict:
                problem(
                    "SUPERSEDES",
                    rec.finding_id,
                    signer,
                    rec.seq,
                    f"supersedes {target}, which is not in the store",
                )
    if own_fp is not None:
        _check_anchor(store, own_fp, ends.get(own_fp, (0, None)), problem)
    return report


def _check_anchor(
    store: FindingsStore,
    own_fp: str,
    end: tuple[int, str | None],
    problem: Callable[[str, str | None, str | None, int | None, str], None],
) -> None:
    """This device's chain against the anchor kept beside the identity (``anchor.py``): a
    store wiped whole, or replaced by an older or an empty database, is behind it."""
    try:
        anchor = read_anchor(store.workspace)
    except AnchorDamaged as exc:
        problem("ANCHOR_DAMAGED", None, own_fp, None, str(exc))
        return
    if anchor is None or anchor.signer != own_fp:
        return
    last_seq, last_hash = end
    if anchor.seq > last_seq:
        problem(
            "BEHIND_ANCHOR",
            anchor.head_finding_id,
            own_fp,
            anchor.seq,
            f"the anchor beside the identity names seq {anchor.seq} (record "
            f"{anchor.head_finding_id}), but this device's chain in the store ends at seq "
            f"{last_seq}: the store lost records (wiped, or replaced by an older copy)",
        )
    elif anchor.seq == last_seq and anchor.head != last_hash:
        problem(
            "ANCHOR_MISMATCH",
            anchor.head_finding_id,
            own_fp,
            anchor.seq,
            f"the record at seq {anchor.seq} is not the one the anchor names",
        )


def _same_project(projects: dict[str, tuple[str, str]], case_a: str, case_b: str) -> bool:
    """The same case, or two cases of one enterprise project (a decision spans them)."""
    return case_a == case_b or (case_a in projects and projects.get(case_a) == projects.get(case_b))


def _check_row(
    row: Any,
    store: FindingsStore,
    *,
    problem: Any,
    trusted_keys: set[bytes] | None,
    own_fp: str | None,
    report: VerifyReport,
) -> SignedRecord | None:
    (
        _rid,
        finding_id,
        signer,
        seq,
        prev,
        hsh,
        case_id,
        kind,
        skey,
        supersedes,
        created_at,
        body,
        sig,
        origin,
    ) = row
    try:
        record = parse_record(body.encode("utf-8"), unb64(sig, 64))
    except (RecordError, ValueError, AttributeError, TypeError) as exc:
        problem("MALFORMED", finding_id, signer, seq, f"record does not parse: {exc}")
        return None
    columns = {
        "finding_id": (finding_id, record.finding_id),
        "signer": (signer, record.signer),
        "seq": (seq, record.seq),
        "prev": (prev, record.prev),
        "case_id": (case_id, record.case_id),
        "kind": (kind, record.kind),
        "skey": (skey, record.skey),
        "supersedes": (supersedes, record.supersedes),
        "created_at": (created_at, record.created_at),
    }
    bad = [name for name, (col, val) in columns.items() if col != val]
    if bad:
        problem(
            "COLUMN_MISMATCH",
            finding_id,
            signer,
            seq,
            f"columns {', '.join(bad)} differ from the signed record",
        )
        return None
    if hsh != record.hash:
        problem(
            "HASH_MISMATCH", finding_id, signer, seq, "stored hash is not SHA-256 of the record"
        )
        return None
    if not record.signature_ok():
        problem("BAD_SIGNATURE", finding_id, signer, seq, "the signature does not verify")
        return None
    if trusted_keys is not None and record.signer_key not in trusted_keys:
        problem(
            "UNTRUSTED_SIGNER",
            finding_id,
            signer,
            seq,
            "signed by a key that is neither this device's nor a trusted card's",
        )
        return None
    if origin == "local" and own_fp is not None and signer != own_fp:
        problem(
            "FOREIGN_LOCAL", finding_id, signer, seq, "marked local but signed by another device"
        )
        return None
    ok = True
    for i, att in enumerate(record.data.get("attachments", []) or []):
        report.attachments += 1
        try:
            issue = store.attachments.check(str(att["sha256"]), int(att["size"]))
        except (KeyError, TypeError, ValueError):
            issue = "malformed reference"
        if issue is not None:
            name = att.get("name") if isinstance(att, dict) else "?"
            problem("ATTACHMENT", finding_id, signer, seq, f"attachment {i} ({name}): {issue}")
            ok = False
    return record if ok else None


def _check_chain(
    signer: str,
    chain: list[tuple[int, SignedRecord]],
    strict: bool,
    problem: Any,
    report: VerifyReport,
) -> tuple[int, str | None]:
    """Walk one signer's records in seq order; returns the (seq, hash) of the last one."""
    expected_seq, prev_hash = 1, None
    last_seq, last_hash = 0, None
    for _rid, rec in chain:
        if rec.seq < expected_seq:
            problem(
                "DUPLICATE_SEQ",
                rec.finding_id,
                signer,
                rec.seq,
                f"a second record numbered {rec.seq}",
            )
            return last_seq, last_hash
        if rec.seq > expected_seq:
            if strict:
                problem(
                    "CHAIN_GAP",
                    rec.finding_id,
                    signer,
                    rec.seq,
                    f"records {expected_seq}..{rec.seq - 1} before it are missing",
                )
                return last_seq, last_hash
            report.gaps.append({"signer": signer, "first": expected_seq, "last": rec.seq - 1})
        elif rec.prev != prev_hash:
            problem(
                "CHAIN_BROKEN",
                rec.finding_id,
                signer,
                rec.seq,
                "prev is not the hash of the previous record",
            )
            return last_seq, last_hash
        expected_seq, prev_hash = rec.seq + 1, rec.hash
        last_seq, last_hash = rec.seq, rec.hash
    report.signers[signer] = {
        "records": len(chain),
        "last_seq": last_seq,
        "head": last_hash,
        "checkpoint_seq": None,
        "strict": strict,
    }
    return last_seq, last_hash


def _check_checkpoint(
    conn: sqlite3.Connection,
    signer: str,
    *,
    strict: bool,
    last_seq: int,
    last_hash: str | None,
    trusted_keys: set[bytes] | None,
    problem: Any,
    report: VerifyReport,
) -> None:
    info = report.signers.setdefault(
        signer,
        {
            "records": 0,
            "last_seq": last_seq,
            "head": last_hash,
            "checkpoint_seq": None,
            "strict": strict,
        },
    )
    row = conn.execute(
        "SELECT seq, head, head_finding_id, body, signature FROM checkpoints WHERE signer = ?",
        (signer,),
    ).fetchone()
    if row is None:
        if strict and last_seq:
            problem("NO_CHECKPOINT", None, signer, None, "records but no signed checkpoint")
        return
    try:
        cp = parse_checkpoint(row[3].encode("utf-8"), unb64(row[4], 64))
    except (RecordError, ValueError, AttributeError) as exc:
        problem("CHECKPOINT", row[2], signer, row[0], f"checkpoint does not parse: {exc}")
        return
    info["checkpoint_seq"] = cp.seq
    if (cp.seq, cp.head, cp.head_finding_id, cp.signer) != (
        row[0],
        row[1],
        row[2],
        signer,
    ) or not cp.signature_ok():
        problem(
            "CHECKPOINT",
            cp.head_finding_id,
            signer,
            cp.seq,
            "the checkpoint's signature or columns do not verify",
        )
        return
    if trusted_keys is not None and cp.signer_key not in trusted_keys:
        problem(
            "UNTRUSTED_SIGNER",
            cp.head_finding_id,
            signer,
            cp.seq,
            "checkpoint signed by an untrusted key",
        )
        return
    if cp.seq > last_seq:
        problem(
            "TRUNCATED",
            cp.head_finding_id,
            signer,
            cp.seq,
            f"the signed checkpoint covers seq {cp.seq} (record {cp.head_finding_id}), but the chain ends at seq {last_seq}: records were removed",
        )
    elif strict and cp.seq < last_seq:
        problem(
            "BEYOND_CHECKPOINT",
            None,
            signer,
            last_seq,
            f"records after the signed checkpoint (seq {cp.seq})",
        )
    elif cp.seq == last_seq and cp.head != last_hash:
        problem(
            "CHECKPOINT",
            cp.head_finding_id,
            signer,
            cp.seq,
            "the checkpoint's head hash is not the last record's hash",
        )
