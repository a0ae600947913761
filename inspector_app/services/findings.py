"""Signed findings of a case: add, list, drafts, sign, verify, and the flags the store raises.

Every function takes the home and a case reference (its id or a unique prefix) or an open
:class:`~inspector_app.services.cases.CaseSession`, and the face's :data:`Signer` where a
signature is made (the passphrase is asked once per session, not per finding).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector_app.analysis.flags import EXPERT, Evidence, Flag
from inspector_app.errors import InputRefused
from inspector_app.findings import Draft, Finding, VerifyReport, open_store, verify_store
from inspector_app.findings.store import FindingsStore
from inspector_app.home import Home
from inspector_app.i18n import bi, from_json
from inspector_app.progress import CancelToken, ProgressFn
from inspector_app.services.cases import CaseSession
from inspector_app.services.identities import Signer
from inspector_app.services.writer import CASE, DRAFT, FINDING, StoreChange, store_writer


@dataclass(frozen=True)
class AddedFinding:
    """A finding just signed, and the flags its signer's complete scoring now raises
    (``SELF_ASSESSMENT_INFLATED``, ``TARGET_MISSED:level``; empty unless it is a score)."""

    finding: Finding
    flags: tuple[Flag, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``findings add --json`` object."""
        r = self.finding.record
        return {"finding_id": r.finding_id, "seq": r.seq, "supersedes": r.supersedes}


def _case_id(store: FindingsStore, case_ref: str | CaseSession) -> str:
    if isinstance(case_ref, CaseSession):
        return case_ref.case_id
    return store.resolve_case(case_ref).case_id


def store_flag(raw: dict[str, Any]) -> Flag:
    """A flag the store raises (the findings store's dict) as the one :class:`Flag` type
    (``scope`` EXPERT); the numbers behind it (``expert_score``…) are its ``facts``, which its
    JSON carries."""
    rule = str(raw["rule"])
    flag_id = str(raw["id"])
    subject = flag_id[len(rule) + 1 :] if flag_id.startswith(rule + ":") else None
    known = {"id", "rule", "severity", "evidence"}
    known |= {f"{key}{en}" for key in ("title", "detail", "hint") for en in ("", "_en")}
    return Flag(
        rule=rule,
        subject=subject,
        title=from_json(raw, "title"),
        detail=from_json(raw, "detail"),
        hint=from_json(raw, "hint"),
        evidence=tuple(Evidence.from_json(e) for e in raw.get("evidence", ())),
        facts={k: v for k, v in raw.items() if k not in known},
        scope=EXPERT,
    )


def flag_json(flag: Flag) -> dict[str, Any]:
    """A flag's JSON (``findings flags --json``: a store-raised flag's keys, then its facts)."""
    return flag.to_json()


def _expert_flags(store: FindingsStore, case_id: str, signer: str | None) -> list[Flag]:
    from inspector_app.findings.selfassess import expert_flags as raised

    return [store_flag(raw) for raw in raised(store, case_id, signer)]


def add_finding(
    home: Home,
    case_ref: str | CaseSession,
    payload: Any,
    *,
    signer: Signer,
    base_dir: Path | None = None,
) -> AddedFinding:
    """Validate, sign and record one finding (``payload`` as parsed by
    :func:`~inspector_app.findings.load_payload`); relative attachment paths are read from
    ``base_dir``.

    Raises:
        InputRefused: an invalid finding, an unknown case, a bad ``supersedes``.
    """

    def job() -> AddedFinding:
        with open_store(home) as store:
            case_id = _case_id(store, case_ref)
            finding = store.add_finding(signer, case_id, payload, base_dir=base_dir)
            flags = (
                tuple(_expert_flags(store, case_id, signer.fingerprint))
                if finding.kind == "score"
                else ()
            )
        return AddedFinding(finding, flags)

    def announce(done: AddedFinding) -> list[StoreChange]:
        r = done.finding.record
        return [
            StoreChange(FINDING, r.case_id, r.finding_id, r.kind),
            StoreChange(CASE, r.case_id),
        ]

    return store_writer(home).call(job, announce)


def list_findings(
    home: Home,
    case_ref: str | CaseSession,
    *,
    include_superseded: bool = False,
    kind: str | None = None,
) -> list[Finding]:
    """The case's findings in signing order (current ones unless ``include_superseded``)."""
    with open_store(home) as store:
        case_id = _case_id(store, case_ref)
        return store.findings(case_id, include_superseded=include_superseded, kind=kind)


def expert_flags(session: CaseSession | tuple[Home, str], signer: str | None = None) -> list[Flag]:
    """``SELF_ASSESSMENT_INFLATED:<fingerprint>`` and ``TARGET_MISSED:level:<fingerprint>`` of
    each expert device with a complete scoring of the case (only ``signer``'s when given), with
    the home's checklist."""
    from inspector_app.findings.selfassess import expert_flags as store_flags

    home, ref = (session.home, session.case_id) if isinstance(session, CaseSession) else session
    with open_store(home) as store:
        case_id = store.resolve_case(ref).case_id
        signers = (
            [signer]
            if signer is not None
            else sorted({f.record.signer for f in store.findings(case_id, kind="score")})
        )
        return [store_flag(raw) for s in signers for raw in store_flags(store, case_id, s)]


def save_draft(home: Home, case_ref: str | CaseSession, key: str, payload: Any) -> Draft:
    """Save an unsigned draft (replacing the case's draft ``key``)."""
    if not isinstance(payload, dict):
        raise InputRefused(bi("A finding must be a JSON object."))

    def job() -> Draft:
        with open_store(home) as store:
            return store.save_draft(_case_id(store, case_ref), key, payload)

    return store_writer(home).call(job, lambda d: [StoreChange(DRAFT, d.case_id, key=d.key)])


def list_drafts(home: Home, case_ref: str | CaseSession | None = None) -> list[Draft]:
    """The unsigned drafts (of one case, or every case)."""
    with open_store(home) as store:
        case_id = _case_id(store, case_ref) if case_ref is not None else None
        return store.list_drafts(case_id)


def delete_draft(home: Home, case_ref: str | CaseSession, key: str) -> None:
    """Delete the case's draft ``key`` (nothing when there is none)."""

    def job() -> str:
        with open_store(home) as store:
            case_id = _case_id(store, case_ref)
            store.delete_draft(case_id, key)
        return case_id

    store_writer(home).call(job, lambda case_id: [StoreChange(DRAFT, case_id, key=key)])


def sign_drafts(
    home: Home,
    case_ref: str | CaseSession,
    *,
    signer: Signer,
    keys: Iterable[str] | None = None,
) -> list[Finding]:
    """Sign the case's drafts (all, or ``keys``) as findings, all or nothing."""
    wanted = list(keys) if keys is not None else None

    def job() -> list[Finding]:
        with open_store(home) as store:
            return store.sign_drafts(signer, _case_id(store, case_ref), wanted)

    def announce(signed: list[Finding]) -> list[StoreChange]:
        out = [StoreChange(FINDING, f.record.case_id, f.finding_id, f.kind) for f in signed]
        out += [StoreChange(DRAFT, f.record.case_id) for f in signed[:1]]
        out += [StoreChange(CASE, f.record.case_id) for f in signed[:1]]
        return out

    return store_writer(home).call(job, announce)


def verify_findings(
    home: Home, *, progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> VerifyReport:
    """Check every signature, chain link, checkpoint and attachment of the store, with this
    device's key and the trusted cards' keys."""
    from inspector_app import identity

    own_key = None
    trusted: set[bytes] | None = None
    if identity.exists(home):
        own_key = identity.load(home).ed25519_public
        trusted = {own_key, *(c.ed25519_public for c in identity.trusted_cards(home))}
    with open_store(home) as store:
        return verify_store(
            store, trusted_keys=trusted, own_key=own_key, progress=progress, cancel=cancel
        )


__all__ = [
    "AddedFinding",
    "add_finding",
    "delete_draft",
    "expert_flags",
    "flag_json",
    "list_drafts",
    "list_findings",
    "save_draft",
    "sign_drafts",
    "store_flag",
    "verify_findings",
]
