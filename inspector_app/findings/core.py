"""The store's core: connection and migrations, cases, reading findings, the chain, signing.

:class:`~inspector_app.findings.store.FindingsStore` adds drafts (``drafts.py``) and the
agency's merge (``merge.py``) on top of :class:`StoreCore`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from inspector_app.errors import InputRefused, UsageError
from inspector_app.findings import db as dbm
from inspector_app.findings import outcome
from inspector_app.findings.attachments import AttachmentStore
from inspector_app.findings.migrations import CORE
from inspector_app.findings.model import CASE_STATUSES, CaseRow, Finding, package_paths
from inspector_app.findings.reading import CASE_COLUMNS, DB_NAME, case_matches, case_row
from inspector_app.findings.records import (
    SignedCheckpoint,
    SignedRecord,
    checkpoint_body,
    parse_checkpoint,
    parse_record,
    record_body,
    supersession_key,
)
from inspector_app.i18n import bi
from inspector_app.identity.card import b64, unb64
from inspector_app.values import isoformat, now

if TYPE_CHECKING:
    # the write path's modules: a store opened to read (the case list) does without them
    from inspector_app.findings.kinds import ValidatedFinding
    from inspector_app.identity.device import UnlockedIdentity


#: the case itself and every case of the same enterprise project (same USCC and project_id)
_PROJECT_CASES_SQL = (
    "SELECT c.case_id FROM cases c, cases me WHERE me.case_id = ? AND (c.case_id = me.case_id"
    " OR (me.uscc IS NOT NULL AND me.project_id IS NOT NULL AND c.uscc = me.uscc"
    " AND c.project_id = me.project_id)) UNION SELECT ?"
)


def insert_records(conn: Any, records: Iterable[SignedRecord], origin: str) -> None:
    """Insert signed records as rows of ``findings`` (``origin`` 'local' or 'imported').

    The one writer of findings rows: the store's own signing, the agency's merge, the expert's
    recovery. The caller checks the chain and holds the transaction.
    """
    conn.executemany(
        "INSERT INTO findings (finding_id, signer, seq, prev, hash, case_id, kind, skey,"
        " supersedes, created_at, body, signature, origin)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.finding_id,
                r.signer,
                r.seq,
                r.prev,
                r.hash,
                r.case_id,
                r.kind,
                r.skey,
                r.supersedes,
                r.created_at,
                r.body.decode("utf-8"),
                b64(r.signature),
                origin,
            )
            for r in records
        ],
    )


def put_checkpoint(conn: Any, cp: SignedCheckpoint) -> None:
    """Store ``cp`` as its signer's checkpoint, replacing the one held (the caller checks order)."""
    values = (
        b64(cp.signer_key),
        cp.seq,
        cp.head,
        cp.head_finding_id,
        cp.body.decode("utf-8"),
        b64(cp.signature),
        cp.signer,
    )
    cur = conn.execute(
        "UPDATE checkpoints SET signer_key = ?, seq = ?, head = ?, head_finding_id = ?,"
        " body = ?, signature = ? WHERE signer = ?",
        values,
    )
    if cur.rowcount == 0:
        conn.execute(
            "INSERT INTO checkpoints (signer_key, seq, head, head_finding_id, body, signature,"
            " signer) VALUES (?, ?, ?, ?, ?, ?, ?)",
            values,
        )


#: whether a later record of the same signer supersedes the finding ``f`` (uses the index)
_SUPERSEDED = (
    "EXISTS (SELECT 1 FROM findings g INDEXED BY findings_supersedes"
    " WHERE g.supersedes = f.finding_id AND g.signer = f.signer)"
)


class StoreCore:
    """The workspace database and its attachment folder. Not thread-safe: one per thread."""

    def __init__(
        self,
        workspace: Path,
        *,
        extra: Sequence[dbm.MigrationSet] = (),
        read_only: bool = False,
    ) -> None:
        """``read_only``: for reading only (a list of cases), through the standard library's
        ``sqlite3`` (:func:`~inspector_app.findings.db.connect_reader`); a database that does
        not exist yet or needs a migration is opened, created and migrated as usual."""
        self.workspace = workspace
        self.path = workspace / DB_NAME
        self.attachments = AttachmentStore(workspace / "attachments")
        reader = dbm.connect_reader(self.path, [CORE, *extra]) if read_only else None
        if reader is not None:
            self.db: dbm.Database = reader
            return
        self.db = dbm.connect(self.path)
        try:
            dbm.migrate(self.db, [CORE, *extra], self.path)
        except BaseException:
            self.db.conn.close()
            raise

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _errors(self) -> Any:
        return dbm.environment_errors(self.path)

    # -- cases ----------------------------------------------------------------------------
    def register_case(
        self,
        case_id: str,
        *,
        uscc: str | None,
        enterprise: str | None,
        project_id: str | None = None,
        checklist: str | None = None,
        folder: str | None = None,
        warnings: Sequence[Any] = (),
        package_id: str | None = None,
    ) -> CaseRow:
        """Record an imported case (status ``imported``).

        Raises:
            InputRefused: a case with this id is already registered.
        """
        with self._errors(), dbm.transaction(self.db) as conn:
            if conn.execute("SELECT 1 FROM cases WHERE case_id = ?", (case_id,)).fetchone():
                raise InputRefused(bi("The case {case} is already imported.", case=case_id))
            conn.execute(
                "INSERT INTO cases (case_id, package_id, uscc, enterprise, project_id, checklist,"
                " folder, status, imported_at, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, 'imported', ?, ?)",
                (
                    case_id,
                    package_id or case_id,
                    uscc,
                    enterprise,
                    project_id,
                    checklist,
                    folder,
                    isoformat(now()),
                    json.dumps(list(warnings), ensure_ascii=False, default=str),
                ),
            )
        case = self.case(case_id)
        assert case is not None
        return case

    _case_row = staticmethod(case_row)
    _CASE_COLUMNS = CASE_COLUMNS

    def cases(self) -> list[CaseRow]:
        with self._errors():
            rows = self.db.execute(
                f"SELECT {self._CASE_COLUMNS} FROM cases ORDER BY imported_at, case_id"
            ).fetchall()
        return self._mark_stale([self._case_row(r) for r in rows])

    def case(self, case_id: str, *, stale: bool = True) -> CaseRow | None:
        """The case ``case_id``; ``stale=False`` reads its stored row as is."""
        with self._errors():
            row = self.db.execute(
                f"SELECT {self._CASE_COLUMNS} FROM cases WHERE case_id = ?", (case_id,)
            ).fetchone()
        if not row:
            return None
        return self._mark_stale([self._case_row(row)])[0] if stale else self._case_row(row)

    def stale_conclusions(self, case_id: str | None = None) -> list[Finding]:
        """This device's current conclusions (and the agency's decisions on one) of ``case_id``
        (default: every case) one of whose grounds was withdrawn since they were signed."""
        signer = self.local_signer
        if signer is None:
            return []
        found = self.findings(case_id, signer=signer, kind="conclusion")
        found += [
            f
            for f in self.findings(case_id, signer=signer, kind="decision")
            if "recommendation" in f.data
        ]
        return [f for f in found if f.stale]

    def _mark_stale(self, rows: list[CaseRow]) -> list[CaseRow]:
        """A case whose conclusion is stale shows it, and is back ``in_progress``."""
        if not rows:
            return rows
        stale = {f.record.case_id for f in self.stale_conclusions()}
        return [r.marked_stale() if r.case_id in stale else r for r in rows]

    def resolve_case(self, text: str) -> CaseRow:
        """The case named by its id or a unique prefix of it.

        Raises:
            UsageError: no case given.
            InputRefused: no imported case matches, or the prefix is ambiguous.
        """
        text = text.strip().lower()
        if not text:
            raise UsageError(bi("No case given."))
        matches = case_matches(self.cases(), text)
        if not matches:
            raise InputRefused(bi("No imported case matches {case}.", case=text))
        if len(matches) > 1:
            raise InputRefused(
                bi(
                    "{case} matches several cases: {ids}",
                    case=text,
                    ids=", ".join(c.case_id for c in matches[:5]),
                )
            )
        return matches[0]

    def project_cases(self, case_id: str) -> list[str]:
        """``case_id`` and every case of the same enterprise project (USCC and project_id)."""
        with self._errors():
            rows = self.db.execute(_PROJECT_CASES_SQL, (case_id, case_id)).fetchall()
        return sorted({str(r[0]) for r in rows})

    def set_case_status(self, case_id: str, status: str) -> None:
        if status not in CASE_STATUSES:
            raise ValueError(status)
        with self._errors(), dbm.transaction(self.db) as conn:
            conn.execute("UPDATE cases SET status = ? WHERE case_id = ?", (status, case_id))

    # -- reading findings -----------------------------------------------------------------
    _F_COLUMNS = (
        "f.body, f.signature, f.origin,"
        " (SELECT g.finding_id FROM findings g INDEXED BY findings_supersedes WHERE g.supersedes = f.finding_id"
        "  AND g.signer = f.signer ORDER BY g.seq LIMIT 1)"
    )

    def _finding(self, row: Sequence[Any]) -> Finding:
        # rows were canonical when signed; `verify` re-checks that, listing need not
        record = parse_record(row[0].encode("utf-8"), unb64(row[1], 64), check_canonical=False)
        return Finding(record=record, origin=row[2], superseded_by=row[3])

    def findings(
        self,
        case_id: str | None = None,
        *,
        include_superseded: bool = False,
        signer: str | None = None,
        kind: str | None = None,
        stale: bool = True,
    ) -> list[Finding]:
        """Findings in signing order (signer, seq); by default only the current ones.

        A current conclusion whose grounds were withdrawn carries them in
        ``withdrawn_grounds`` (it is ``stale``); ``stale=False`` skips that check.
        """
        where, params = [], []
        if case_id is not None:
            where.append("f.case_id = ?")
            params.append(case_id)
        if signer is not None:
            where.append("f.signer = ?")
            params.append(signer)
        if kind is not None:
            where.append("f.kind = ?")
            params.append(kind)
        if not include_superseded:
            where.append(f"NOT {_SUPERSEDED}")
        sql = f"SELECT {self._F_COLUMNS} FROM findings f"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY f.signer, f.seq"
        with self._errors():
            rows = self.db.execute(sql, params).fetchall()
        found = [self._finding(r) for r in rows]
        if stale:
            found = self._with_withdrawn(found)
        return found

    def _with_withdrawn(self, found: list[Finding]) -> list[Finding]:
        from inspector_app.findings.outcome import withdrawn_grounds

        cache: dict[Any, Any] = {}
        return [
            replace(f, withdrawn_grounds=tuple(withdrawn_grounds(self, f, cache)))
            if f.current and "grounds" in f.data
            else f
            for f in found
        ]

    def get(self, finding_id: str) -> Finding | None:
        with self._errors():
            row = self.db.execute(
                f"SELECT {self._F_COLUMNS} FROM findings f WHERE f.finding_id = ?", (finding_id,)
            ).fetchone()
        return self._finding(row) if row else None

    # -- the chain (for verification and the sync layer) ----------------------------------
    @property
    def local_signer(self) -> str | None:
        """The fingerprint of this device's records (origin ``local``), if any."""
        with self._errors():
            row = self.db.execute(
                "SELECT signer FROM findings WHERE origin = 'local' LIMIT 1"
            ).fetchone()
        return row[0] if row else None

    def signers(self) -> list[str]:
        """Every signer with records or a checkpoint in the store."""
        with self._errors():
            rows = self.db.execute(
                "SELECT signer FROM findings UNION SELECT signer FROM checkpoints ORDER BY 1"
            ).fetchall()
        return [r[0] for r in rows]

    def head(self, signer: str) -> tuple[int, str] | None:
        """``(seq, hash)`` of the signer's last stored record, or None."""
        with self._errors():
            row = self.db.execute(
                "SELECT seq, hash FROM findings WHERE signer = ? ORDER BY seq DESC LIMIT 1",
                (signer,),
            ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def records(
        self, signer: str, first_seq: int = 1, last_seq: int | None = None
    ) -> list[SignedRecord]:
        """The signer's records with ``first_seq <= seq <= last_seq``, in seq order.

        The bytes are exactly those signed; ``SignedRecord.to_wire()`` is what a bundle carries.
        """
        sql = "SELECT body, signature FROM findings WHERE signer = ? AND seq >= ?"
        params: list[Any] = [signer, first_seq]
        if last_seq is not None:
            sql += " AND seq <= ?"
            params.append(last_seq)
        with self._errors():
            rows = self.db.execute(sql + " ORDER BY seq", params).fetchall()
        return [parse_record(b.encode("utf-8"), unb64(s, 64)) for b, s in rows]

    def checkpoint(self, signer: str) -> SignedCheckpoint | None:
        """The signer's signed checkpoint (seq and head hash), or None."""
        with self._errors():
            row = self.db.execute(
                "SELECT body, signature FROM checkpoints WHERE signer = ?", (signer,)
            ).fetchone()
        if not row:
            return None
        return parse_checkpoint(row[0].encode("utf-8"), unb64(row[1], 64))

    # -- writing findings -----------------------------------------------------------------
    def _validate(
        self, identity: UnlockedIdentity, case_id: str, payload: Any, base_dir: Path | None
    ) -> ValidatedFinding:
        case = self.case(case_id)
        if case is None:
            raise InputRefused(bi("No imported case matches {case}.", case=case_id))
        from inspector_app.checklist.effective import home_checklists
        from inspector_app.findings.kinds import validate_payload

        return validate_payload(
            payload,
            checklist_id=case.checklist,
            checklist=home_checklists(self.workspace.parent).find(case.checklist)
            if case.checklist
            else None,
            role=identity.info.role,
            base_dir=base_dir,
            package_paths=package_paths(Path(case.folder)) if case.folder else None,
        )

    def _store_attachments(self, validated: ValidatedFinding) -> None:
        refs = list(validated.attachment_refs)
        for ref in refs:
            if not self.attachments.has(ref["sha256"]):
                raise InputRefused(
                    bi("The attachment {sha} is not in the store.", sha=ref["sha256"])
                )
        for path in validated.attachment_files:
            refs.append(self.attachments.put_file(path).to_json())
        if refs or validated.attachment_files:
            validated.data["attachments"] = refs

    def _check_tail(self, conn: Any, signer: str) -> tuple[int, str | None]:
        """The signer's (last seq, last hash); refuses to append to a store that lost its tail."""
        row = conn.execute(
            "SELECT seq, hash FROM findings WHERE signer = ? ORDER BY seq DESC LIMIT 1", (signer,)
        ).fetchone()
        cp = conn.execute(
            "SELECT seq, head FROM checkpoints WHERE signer = ?", (signer,)
        ).fetchone()
        last = (int(row[0]), str(row[1])) if row else (0, None)
        if (
            (cp is None and row is not None)
            or (cp is not None and (int(cp[0]), str(cp[1])) != last)
            or self._behind_anchor(signer, last)
        ):
            raise InputRefused(
                bi(
                    "The findings store does not match its signed checkpoint; nothing was recorded. Run `inspector-app findings verify`."
                )
            )
        return last

    def _behind_anchor(self, signer: str, last: tuple[int, str | None]) -> bool:
        """Whether the anchor outside the database names records this chain has lost."""
        from inspector_app.findings.anchor import AnchorDamaged, read_anchor

        try:
            anchor = read_anchor(self.workspace)
        except AnchorDamaged:
            return False  # reported by verify; the database's own checks still hold
        if anchor is None or anchor.signer != signer:
            return False
        return anchor.seq > last[0] or (anchor.seq == last[0] and anchor.head != last[1])

    def _resolve_supersedes(
        self, conn: Any, signer: str, case_id: str, validated: ValidatedFinding
    ) -> str | None:
        skey = supersession_key(validated.kind, validated.data)
        explicit = validated.supersedes
        # a decision is per enterprise project: the cases of the same USCC and project_id
        scope = [case_id]
        if validated.kind == "decision":
            scope = [r[0] for r in conn.execute(_PROJECT_CASES_SQL, (case_id, case_id))]
        marks = ", ".join("?" * len(scope))
        current_sql = (
            f"SELECT finding_id FROM findings f WHERE signer = ? AND case_id IN ({marks})"
            f" AND skey = ? AND NOT {_SUPERSEDED} ORDER BY seq DESC LIMIT 1"
        )
        if skey is not None:
            row = conn.execute(current_sql, (signer, *scope, skey)).fetchone()
            current = row[0] if row else None
            if explicit is not None and explicit != current:
                raise InputRefused(
                    bi(
                        "supersedes names {id}, but the current {kind} finding for this is {current}.",
                        id=explicit,
                        kind=validated.kind,
                        current=current or "-",
                    )
                )
            return current
        if explicit is None:
            return None
        row = conn.execute(
            f"SELECT case_id, kind, signer, {_SUPERSEDED} FROM findings f WHERE finding_id = ?",
            (explicit,),
        ).fetchone()
        if row is None or row[2] != signer:
            raise InputRefused(
                bi("supersedes names {id}, which is not one of your findings.", id=explicit)
            )
        if row[0] != case_id or row[1] != validated.kind:
            raise InputRefused(
                bi(
                    "supersedes names {id}, which is not a {kind} finding of this case.",
                    id=explicit,
                    kind=validated.kind,
                )
            )
        if row[3]:
            raise InputRefused(bi("The finding {id} was already superseded.", id=explicit))
        return explicit

    def _check_settles(self, conn: Any, case_id: str, validated: ValidatedFinding) -> None:
        if validated.kind != "decision":
            return
        case = conn.execute(
            "SELECT uscc, project_id FROM cases WHERE case_id = ?", (case_id,)
        ).fetchone()
        for fid in validated.data.get("settles", []):
            row = conn.execute(
                "SELECT c.uscc, c.project_id FROM findings f LEFT JOIN cases c ON c.case_id = f.case_id"
                " WHERE f.finding_id = ?",
                (fid,),
            ).fetchone()
            if row is None:
                raise InputRefused(
                    bi("The decision settles {id}, which is not in the store.", id=fid)
                )
            if tuple(row) != tuple(case):
                raise InputRefused(
                    bi(
                        "The decision settles {id}, a finding of another enterprise project.",
                        id=fid,
                    )
                )

    def _append(
        self,
        conn: Any,
        identity: UnlockedIdentity,
        case_id: str,
        validated: ValidatedFinding,
        created_at: str,
    ) -> SignedRecord:
        signer = identity.fingerprint
        last_seq, last_hash = self._check_tail(conn, signer)
        supersedes = self._resolve_supersedes(conn, signer, case_id, validated)
        self._check_settles(conn, case_id, validated)
        # the outcome rules (never on import: a bundle holds what its signer signed then)
        outcome.enforce(self, case_id, signer, validated.kind, validated.data)
        import uuid  # here: it imports `platform`, ~5 ms of a read-only start (the case list)

        finding_id = str(uuid.uuid4())
        body = record_body(
            finding_id=finding_id,
            case_id=case_id,
            signer_key=identity.public_key,
            seq=last_seq + 1,
            prev=last_hash,
            created_at=created_at,
            kind=validated.kind,
            supersedes=supersedes,
            data=validated.data,
        )
        record = parse_record(body, identity.sign(body))
        insert_records(conn, [record], "local")
        cp_body = checkpoint_body(
            signer_key=identity.public_key,
            seq=record.seq,
            head=record.hash,
            head_finding_id=record.finding_id,
            created_at=created_at,
        )
        put_checkpoint(conn, parse_checkpoint(cp_body, identity.sign(cp_body)))
        return record

    def _update_status(self, conn: Any, case_id: str) -> None:
        row = conn.execute("SELECT status FROM cases WHERE case_id = ?", (case_id,)).fetchone()
        if row is None:
            return

        def has(kind: str | None) -> bool:
            sql = "SELECT 1 FROM findings WHERE case_id = ? AND origin = 'local'"
            params: tuple[str, ...] = (case_id,)
            if kind is not None:
                sql += " AND kind = ?"
                params = (case_id, kind)
            return conn.execute(sql + " LIMIT 1", params).fetchone() is not None

        new = row[0]
        if has("decision"):
            new = "decided"
        elif has("conclusion"):
            new = "concluded"
        elif has(None):
            new = "in_progress"
        if new in ("concluded", "decided") and self.stale_conclusions(case_id):
            new = "in_progress"  # a ground of its conclusion was withdrawn
        if new != row[0]:
            conn.execute("UPDATE cases SET status = ? WHERE case_id = ?", (new, case_id))

    def add_finding(
        self,
        identity: UnlockedIdentity,
        case_id: str,
        payload: Any,
        *,
        base_dir: Path | None = None,
    ) -> Finding:
        """Validate, sign and append one finding (and move the checkpoint) in one transaction.

        Args:
            identity: this device's unlocked identity (the signer).
            case_id: an imported case's exact id.
            payload: the finding's JSON (``cli.md``), parsed with :func:`load_payload`.
            base_dir: folder for relative ``attachments`` paths.

        Raises:
            InputRefused: invalid finding, bad ``supersedes``, store failing its checkpoint.
            InputRefused: unknown case.
            EnvironmentProblem: disk full, read-only, locked.
        """
        validated = self._validate(identity, case_id, payload, base_dir)
        self._store_attachments(validated)
        with self._errors(), dbm.transaction(self.db) as conn:
            record = self._append(conn, identity, case_id, validated, isoformat(now()))
            self._update_status(conn, case_id)
        self._write_anchor(identity.fingerprint)
        return Finding(record=record, origin="local")

    def _write_anchor(self, signer: str) -> None:
        """After a commit: keep the new checkpoint beside the identity too (``anchor.py``)."""
        from inspector_app.findings.anchor import write_anchor

        cp = self.checkpoint(signer)
        if cp is not None:
            with self._errors():
                write_anchor(self.workspace, cp)
