"""``findings verify``: every signature, every chain link, every attachment, the checkpoints.

Checks, per signer in seq order (this device's signer first), for every stored record:

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

The report names the first broken record by ``finding_id``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from inspector_app.findings.records import RecordError, parse_checkpoint, parse_record
from inspector_app.findings.store import FindingsStore
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
) -> VerifyReport:
    """Verify the whole store; never raises on tampering (the report lists the problems).

    Args:
        trusted_keys: Ed25519 public keys whose records are accepted (this device's own and
            the trusted cards'); None accepts any validly signed record.
        own_key: this device's key: its chain must be complete, in order, and match its
            checkpoint strictly.
    """
    report = VerifyReport()
    conn = store.db.conn
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        report.integrity = "; ".join(str(r[0]) for r in rows)
    except sqlite3.DatabaseError as exc:
        report.integrity = str(exc)
    total = conn.execute("SELECT count(*) FROM findings").fetchone()[0]
    own_fp = None
    if own_key is not None:
        from inspector_app.identity.card import fingerprint

        own_fp = fingerprint(own_key)
    signers = [
        r[0]
        for r in conn.execute(
            "SELECT signer FROM findings UNION SELECT signer FROM checkpoints"
        ).fetchall()
    ]
    signers.sort(key=lambda s: (s != own_fp, s))
    done = 0
    seen_ids: dict[str, str] = {}  # finding_id -> case_id, for supersedes checks
    pending_supersedes: list[tuple[str, str, int, str, str]] = []

    def problem(
        code: str, row_id: str | None, signer: str | None, seq: int | None, detail: str
    ) -> None:
        report.problems.append(Problem(code, row_id, signer, seq, detail))

    for signer in signers:
        strict = signer == own_fp or (own_fp is None and _is_local(conn, signer))
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM findings WHERE signer = ? ORDER BY seq, id", (signer,)
        ).fetchall()
        expected_seq = 1
        prev_hash: str | None = None
        last_seq = 0
        last_hash: str | None = None
        signer_ok = True
        for row in rows:
            check(cancel)
            (
                _rid,
                finding_id,
                _signer,
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
            done += 1
            report.records += 1
            if progress is not None and (done % 200 == 0 or done == total):
                progress(done, total, "verify")
            try:
                record = parse_record(body.encode("utf-8"), unb64(sig, 64))
            except (RecordError, ValueError, AttributeError) as exc:
                problem("MALFORMED", finding_id, signer, seq, f"record does not parse: {exc}")
                signer_ok = False
                break
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
                    record.finding_id,
                    signer,
                    record.seq,
                    f"columns {', '.join(bad)} differ from the signed record",
                )
                signer_ok = False
                break
            if hsh != record.hash:
                problem(
                    "HASH_MISMATCH",
                    finding_id,
                    signer,
                    seq,
                    "stored hash is not SHA-256 of the record",
                )
                signer_ok = False
                break
            if not record.signature_ok():
                problem("BAD_SIGNATURE", finding_id, signer, seq, "the signature does not verify")
                signer_ok = False
                break
            if trusted_keys is not None and record.signer_key not in trusted_keys:
                problem(
                    "UNTRUSTED_SIGNER",
                    finding_id,
                    signer,
                    seq,
                    "signed by a key that is neither this device's nor a trusted card's",
                )
                signer_ok = False
                break
            if origin == "local" and own_fp is not None and signer != own_fp:
                problem(
                    "FOREIGN_LOCAL",
                    finding_id,
                    signer,
                    seq,
                    "marked local but signed by another device",
                )
                signer_ok = False
                break
            if seq != expected_seq:
                if strict or seq < expected_seq:
                    problem(
                        "CHAIN_GAP",
                        finding_id,
                        signer,
                        seq,
                        f"expected seq {expected_seq}: records {expected_seq}..{seq - 1} are missing",
                    )
                    signer_ok = False
                    break
                report.gaps.append({"signer": signer, "first": expected_seq, "last": seq - 1})
            elif record.prev != prev_hash:
                problem(
                    "CHAIN_BROKEN",
                    finding_id,
                    signer,
                    seq,
                    "prev is not the hash of the previous record",
                )
                signer_ok = False
                break
            for i, att in enumerate(record.data.get("attachments", []) or []):
                report.attachments += 1
                try:
                    issue = store.attachments.check(str(att["sha256"]), int(att["size"]))
                except (KeyError, TypeError, ValueError):
                    issue = "malformed reference"
                if issue is not None:
                    problem(
                        "ATTACHMENT",
                        finding_id,
                        signer,
                        seq,
                        f"attachment {i} ({att.get('name') if isinstance(att, dict) else '?'}): {issue}",
                    )
                    signer_ok = False
            if not signer_ok:
                break
            if record.supersedes is not None:
                pending_supersedes.append(
                    (record.supersedes, record.case_id, record.seq, signer, record.finding_id)
                )
            seen_ids[record.finding_id] = record.case_id
            expected_seq = seq + 1
            prev_hash = record.hash
            last_seq, last_hash = seq, record.hash
        if signer_ok and strict:
            by_rowid = conn.execute(
                "SELECT finding_id, seq FROM findings WHERE signer = ? ORDER BY id", (signer,)
            ).fetchall()
            for (fid, s), expected in zip(by_rowid, range(1, len(by_rowid) + 1), strict=False):
                if s != expected:
                    problem(
                        "REORDERED",
                        fid,
                        signer,
                        s,
                        f"stored at position {expected}, but its seq is {s}",
                    )
                    signer_ok = False
                    break
        cp_row = conn.execute(
            "SELECT seq, head, head_finding_id, body, signature, signer_key FROM checkpoints WHERE signer = ?",
            (signer,),
        ).fetchone()
        info: dict[str, Any] = {
            "records": len(rows),
            "last_seq": last_seq,
            "head": last_hash,
            "checkpoint_seq": None,
            "own": signer == own_fp,
        }
        report.signers[signer] = info
        if not signer_ok:
            continue
        if cp_row is None:
            if strict and rows:
                problem("NO_CHECKPOINT", None, signer, None, "records but no signed checkpoint")
            continue
        try:
            cp = parse_checkpoint(cp_row[3].encode("utf-8"), unb64(cp_row[4], 64))
        except (RecordError, ValueError) as exc:
            problem("CHECKPOINT", cp_row[2], signer, cp_row[0], f"checkpoint does not parse: {exc}")
            continue
        info["checkpoint_seq"] = cp.seq
        if (cp.seq, cp.head, cp.head_finding_id, cp.signer) != (
            cp_row[0],
            cp_row[1],
            cp_row[2],
            signer,
        ) or not cp.signature_ok():
            problem(
                "CHECKPOINT",
                cp.head_finding_id,
                signer,
                cp.seq,
                "the checkpoint's signature or columns do not verify",
            )
            continue
        if trusted_keys is not None and cp.signer_key not in trusted_keys:
            problem(
                "UNTRUSTED_SIGNER",
                cp.head_finding_id,
                signer,
                cp.seq,
                "checkpoint signed by an untrusted key",
            )
            continue
        if cp.seq > last_seq:
            problem(
                "TRUNCATED",
                cp.head_finding_id,
                signer,
                cp.seq,
                f"the signed checkpoint covers seq {cp.seq} (record {cp.head_finding_id}), but the store ends at seq {last_seq}: records were removed",
            )
        elif strict and cp.seq < last_seq:
            problem(
                "BEYOND_CHECKPOINT",
                None,
                signer,
                last_seq,
                f"records after the signed checkpoint (seq {cp.seq})",
            )
        else:
            held = conn.execute(
                "SELECT hash FROM findings WHERE signer = ? AND seq = ?", (signer, cp.seq)
            ).fetchone()
            if held is None or held[0] != cp.head:
                problem(
                    "CHECKPOINT",
                    cp.head_finding_id,
                    signer,
                    cp.seq,
                    "the checkpoint's head hash is not the record's hash",
                )
    for target, case_id, seq, signer, fid in pending_supersedes:
        if target in seen_ids and seen_ids[target] != case_id:
            problem("SUPERSEDES", fid, signer, seq, f"supersedes {target} of another case")
        elif target not in seen_ids and signer == own_fp:
            problem(
                "SUPERSEDES", fid, signer, seq, f"supersedes {target}, which is not in the store"
            )
    return report


def _is_local(conn: sqlite3.Connection, signer: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM findings WHERE signer = ? AND origin = 'local' LIMIT 1", (signer,)
    ).fetchone()
    return row is not None
