"""The agency's merge of another device's signed records into its store."""

from __future__ import annotations

from collections.abc import Sequence

from inspector_app.errors import InputRefused
from inspector_app.findings import db as dbm
from inspector_app.findings.core import StoreCore, insert_records, put_checkpoint
from inspector_app.findings.model import ImportResult
from inspector_app.findings.records import SignedCheckpoint, SignedRecord
from inspector_app.i18n import bi


class MergeMixin(StoreCore):
    def import_records(
        self,
        records: Sequence[SignedRecord],
        checkpoint: SignedCheckpoint | None,
        *,
        signer_key: bytes,
    ) -> ImportResult:
        """Merge one signer's records (from a bundle) into this store, all or nothing.

        Every record must be signed by ``signer_key`` (the key of a trusted card — the caller
        checks the trust), and link to its predecessor when that is held (here or earlier in
        ``records``). A record already held with identical bytes is skipped (re-importing a
        bundle is a no-op); the same ``(signer, seq)`` with different bytes is a fork and is
        refused. The checkpoint, when given, must be signed by the same key and is stored
        if it is ahead of the one held; records past it are refused.

        Raises:
            InputRefused: naming the first offending record.
        """
        from inspector_app.identity.card import fingerprint

        signer = fingerprint(signer_key)
        if signer == self.local_signer:
            raise InputRefused(bi("These records are this device's own; they cannot be imported."))
        ordered = sorted(records, key=lambda r: r.seq)
        added = present = 0
        with self._errors(), dbm.transaction(self.db) as conn:
            for record in ordered:
                where = bi("record {id} (seq {seq})", id=record.finding_id, seq=record.seq)
                if record.signer != signer or record.signer_key != signer_key:
                    raise InputRefused(bi("{where}: not signed by the expected key.", where=where))
                if not record.signature_ok():
                    raise InputRefused(bi("{where}: the signature does not verify.", where=where))
                held = conn.execute(
                    "SELECT hash FROM findings WHERE signer = ? AND seq = ?", (signer, record.seq)
                ).fetchone()
                if held is not None:
                    if held[0] != record.hash:
                        raise InputRefused(
                            bi(
                                "{where}: differs from the record already held (a fork).",
                                where=where,
                            )
                        )
                    present += 1
                    continue
                if record.seq > 1:
                    before = conn.execute(
                        "SELECT hash FROM findings WHERE signer = ? AND seq = ?",
                        (signer, record.seq - 1),
                    ).fetchone()
                    if before is not None and before[0] != record.prev:
                        raise InputRefused(
                            bi("{where}: does not link to the previous record.", where=where)
                        )
                after = conn.execute(
                    "SELECT prev FROM findings WHERE signer = ? AND seq = ?",
                    (signer, record.seq + 1),
                ).fetchone()
                if after is not None and after[0] != record.hash:
                    raise InputRefused(
                        bi("{where}: the next record held does not link to it.", where=where)
                    )
                if conn.execute(
                    "SELECT 1 FROM findings WHERE finding_id = ?", (record.finding_id,)
                ).fetchone():
                    raise InputRefused(bi("{where}: the finding id is already used.", where=where))
                insert_records(conn, [record], "imported")
                added += 1
            cp_seq = None
            if checkpoint is not None:
                if checkpoint.signer_key != signer_key or not checkpoint.signature_ok():
                    raise InputRefused(
                        bi("The checkpoint is not validly signed by the expected key.")
                    )
                head = conn.execute(
                    "SELECT hash FROM findings WHERE signer = ? AND seq = ?",
                    (signer, checkpoint.seq),
                ).fetchone()
                if head is None or head[0] != checkpoint.head:
                    raise InputRefused(bi("The checkpoint does not match the records held."))
                beyond = conn.execute(
                    "SELECT finding_id FROM findings WHERE signer = ? AND seq > ? ORDER BY seq LIMIT 1",
                    (signer, checkpoint.seq),
                ).fetchone()
                held_cp = conn.execute(
                    "SELECT seq FROM checkpoints WHERE signer = ?", (signer,)
                ).fetchone()
                if beyond is not None and (held_cp is None or held_cp[0] <= checkpoint.seq):
                    raise InputRefused(
                        bi("The record {id} lies beyond the signer's checkpoint.", id=beyond[0])
                    )
                if held_cp is None or held_cp[0] < checkpoint.seq:
                    put_checkpoint(conn, checkpoint)
                cp_seq = checkpoint.seq
        return ImportResult(
            signer=signer, added=added, already_present=present, checkpoint_seq=cp_seq
        )
