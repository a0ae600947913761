"""Drafts: what the expert is typing, unsigned and autosaved, until signed as findings.

Drafts live in the ``drafts`` table (one row per case and key, replaced on each save, in a
``synchronous=FULL`` transaction: nothing typed is lost on a crash). They are never validated
on save, never counted, never exported; :meth:`DraftsMixin.sign_drafts` validates and signs
them all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from inspector_app.errors import InputRefused, UsageError
from inspector_app.findings import db as dbm
from inspector_app.findings.core import StoreCore
from inspector_app.findings.model import Draft, Finding, load_payload, payload_json
from inspector_app.findings.outcome import is_conclusion
from inspector_app.i18n import bi
from inspector_app.values import isoformat, now

if TYPE_CHECKING:
    from inspector_app.findings.kinds import ValidatedFinding
    from inspector_app.identity.device import UnlockedIdentity


class DraftsMixin(StoreCore):
    def save_draft(self, case_id: str, key: str, payload: dict[str, Any]) -> Draft:
        """Autosave what is being typed (unsigned; replaces the draft of the same key).

        Drafts are never validated, counted or exported; ``sign_drafts`` turns them into
        findings.
        """
        if self.case(case_id) is None:
            raise InputRefused(bi("No imported case matches {case}.", case=case_id))
        updated_at = isoformat(now())
        with self._errors(), dbm.transaction(self.db) as conn:
            conn.execute(
                "INSERT INTO drafts (case_id, key, payload, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (case_id, key) DO UPDATE SET payload = excluded.payload,"
                " updated_at = excluded.updated_at",
                (case_id, key, payload_json(payload), updated_at),
            )
        return Draft(case_id, key, payload, updated_at)

    def list_drafts(self, case_id: str | None = None) -> list[Draft]:
        sql = "SELECT case_id, key, payload, updated_at FROM drafts"
        params: list[Any] = []
        if case_id is not None:
            sql += " WHERE case_id = ?"
            params.append(case_id)
        with self._errors():
            rows = self.db.execute(sql + " ORDER BY case_id, updated_at, key", params).fetchall()
        return [Draft(r[0], r[1], load_payload(r[2]), r[3]) for r in rows]

    def delete_draft(self, case_id: str, key: str) -> None:
        with self._errors(), dbm.transaction(self.db) as conn:
            conn.execute("DELETE FROM drafts WHERE case_id = ? AND key = ?", (case_id, key))

    def sign_drafts(
        self,
        identity: UnlockedIdentity,
        case_id: str,
        keys: Iterable[str] | None = None,
    ) -> list[Finding]:
        """Sign the case's drafts (all, or those of ``keys``) as findings, all or nothing.

        Every draft is validated first; if one is invalid nothing is signed and the error
        names its key. A conclusion is signed after the other drafts, so that the outcome rules
        see them; a refused conclusion signs nothing. The signed drafts are deleted in the same
        transaction.
        """
        drafts = self.list_drafts(case_id)
        if keys is not None:
            wanted = set(keys)
            missing = wanted - {d.key for d in drafts}
            if missing:
                raise UsageError(bi("No draft {key} for this case.", key=sorted(missing)[0]))
            drafts = [d for d in drafts if d.key in wanted]
        validated: list[tuple[Draft, ValidatedFinding]] = []
        for draft in drafts:
            try:
                validated.append((draft, self._validate(identity, case_id, draft.payload, None)))
            except InputRefused as exc:
                raise InputRefused(
                    bi(
                        "The draft {key} cannot be signed: {error}",
                        key=draft.key,
                        error=exc.message,
                    ),
                    exc.issues,
                ) from exc
        # a conclusion is judged on the rest (findings.outcome): sign it after the other drafts
        validated.sort(key=lambda dv: is_conclusion(dv[1].kind, dv[1].data))
        for _draft, v in validated:
            self._store_attachments(v)
        out: list[Finding] = []
        created_at = isoformat(now())
        with self._errors(), dbm.transaction(self.db) as conn:
            for draft, v in validated:
                record = self._append(conn, identity, case_id, v, created_at)
                conn.execute(
                    "DELETE FROM drafts WHERE case_id = ? AND key = ?", (draft.case_id, draft.key)
                )
                out.append(Finding(record=record, origin="local"))
            self._update_status(conn, case_id)
        if out:
            self._write_anchor(identity.fingerprint)
        return out
