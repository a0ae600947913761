"""The sync layer's services: one function per user action on bundles and the agency's merge.

They complete :mod:`inspector_app.services` (which, being the core, cannot import ``sync``):
a face calls ``inspector_app.services`` for cases, analysis, scoring, findings and identities,
and this module for ``bundle export|import|ack|recover|list`` and ``merge status|flags``.
Signing and decrypting use the face's unlocked identity
(:func:`inspector_app.services.unlock_identity`), so the passphrase is asked once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app import identity
from inspector_app.errors import InputRefused
from inspector_app.home import Home
from inspector_app.i18n import bi
from inspector_app.identity import require_role, trusted_agency, trusted_lookup
from inspector_app.progress import CancelToken, ProgressFn
from inspector_app.services.files import cannot_write
from inspector_app.services.identities import Signer
from inspector_app.services.writer import FINDINGS, StoreChange, store_writer

if TYPE_CHECKING:
    from sync.agency import ImportOutcome
    from sync.batch import BatchStatus, CrossReview, RosterImport
    from sync.cross.runner import CrossResult
    from sync.expert import AckResult, ExportResult, ExportRow, RecoverResult
    from sync.status import MergeStatus


def export_preflight(home: Home) -> None:
    """What ``bundle export`` checks before the passphrase is asked: this device is an expert
    and trusts exactly one agency card."""
    require_role(home, "expert")
    trusted_agency(home)


def export_bundle(
    home: Home,
    out_dir: str | Path,
    *,
    signer: Signer,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write a bundle of everything not yet exported, encrypted to the trusted agency and
    signed by ``signer`` (an expert); completes an interrupted export first.

    Raises:
        InputRefused: not an expert, no (or several) trusted agency cards, ``out_dir`` not a
            folder or not writable.
    """
    from sync.expert import export_bundle as _export

    identity.check_role(signer, "expert")
    agency = trusted_agency(home)
    out = Path(out_dir)
    # an out_dir that cannot take the bundle is refused before the export is recorded
    if out.exists() and not out.is_dir():
        raise InputRefused(bi("{path} is not a folder.", path=str(out)))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(exc, out) from exc
    return store_writer(home).call(
        lambda: _export(home, signer, agency, out, progress=progress, cancel=cancel)
    )


@dataclass(frozen=True)
class BundleImport:
    """What ``bundle import`` did with each file (and the pending bundles it then merged)."""

    outcomes: tuple[ImportOutcome, ...]

    @property
    def flat(self) -> list[ImportOutcome]:
        return [o for out in self.outcomes for o in (out, *out.then_merged)]

    @property
    def refused(self) -> list[ImportOutcome]:
        return [o for o in self.flat if o.status == "refused"]

    def to_json(self) -> dict[str, Any]:
        """The ``bundle import --json`` object."""
        flat = self.flat
        return {
            "results": [o.to_json() for o in self.outcomes],
            "merged": sum(o.status == "merged" for o in flat),
            "pending": sum(o.status == "pending" for o in flat),
            "duplicate": sum(o.status in ("duplicate", "already_pending") for o in flat),
            "refused": len(self.refused),
        }


def import_bundles(
    home: Home,
    paths: Sequence[str | Path],
    *,
    signer: Signer,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> BundleImport:
    """Verify, decrypt and merge expert bundles into the agency's store (``signer`` is the
    agency); each merged bundle gets a signed receipt."""
    from sync.agency import AgencyStore

    identity.check_role(signer, "agency")
    files = [Path(p) for p in paths]

    def job() -> BundleImport:
        store = AgencyStore(home, signer, trusted_lookup(home))
        return BundleImport(tuple(store.import_files(files, progress=progress, cancel=cancel)))

    def announce(done: BundleImport) -> list[StoreChange]:
        merged = any(o.status == "merged" for o in done.flat)
        return [StoreChange(FINDINGS)] if merged else []

    return store_writer(home).call(job, announce)


@dataclass(frozen=True)
class AckReport:
    """The receipts recorded and the finding number up to which the agency confirms."""

    results: tuple[AckResult, ...]
    acknowledged_through: int

    def to_json(self) -> dict[str, Any]:
        """The ``bundle ack --json`` object."""
        return {
            "acknowledged": [
                {
                    "number": r.number,
                    "bundle_id": r.receipt.bundle_id,
                    "sequence": {"first": r.first_seq, "last": r.last_seq},
                    "already": r.already,
                }
                for r in self.results
            ],
            "acknowledged_through": self.acknowledged_through,
        }


def ack_receipts(home: Home, paths: Sequence[str | Path]) -> AckReport:
    """Record the agency's signed receipts for this device's bundles (no passphrase)."""
    from sync.expert import ack_receipts as _ack
    from sync.expert import acknowledged_through, exports

    info = identity.load(home)
    files = [Path(p) for p in paths]

    def job() -> AckReport:
        results = _ack(home, info.fingerprint, trusted_lookup(home, role="agency"), files)
        return AckReport(tuple(results), acknowledged_through(exports(home)))

    return store_writer(home).call(job)


def recover_chain(home: Home, paths: Sequence[str | Path], *, signer: Signer) -> RecoverResult:
    """After restoring the store from a backup, put back this device's findings and chain
    head from its own bundles."""
    from sync.expert import recover

    files = [Path(p) for p in paths]
    return store_writer(home).call(
        lambda: recover(home, signer, files), lambda _result: [StoreChange(FINDINGS)]
    )


def list_exports(home: Home) -> list[ExportRow]:
    """The bundles this device exported, by number."""
    from sync.expert import exports

    return exports(home)


def merge_status(home: Home) -> MergeStatus:
    """Per enterprise project: the experts who reported, their scores and levels (with the
    home's checklists), disagreements and the agency's decisions; bundles waiting for a
    predecessor: a typed :class:`~sync.status.MergeStatus` (``to_json()`` is the
    ``merge status --json`` object). See :mod:`sync.status`."""
    from sync.status import merge_status as _status

    return _status(home)


def cross_flags(
    home: Home,
    *,
    rules_file: str | Path | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> CrossResult:
    """The cross-enterprise red-flag rules over the agency's batch (``merge flags``): a typed
    :class:`~sync.cross.runner.CrossResult` (``to_json()`` is the ``--json`` object)."""
    from sync.cross.runner import run_cross_rules

    return run_cross_rules(
        home,
        rules_file=str(rules_file) if rules_file is not None else None,
        progress=progress,
        cancel=cancel,
    )


def import_roster(
    home: Home, path: str | Path, batch: str, *, deadline: str | None = None
) -> RosterImport:
    """``batch import``: read a roster (CSV or XLSX, all or nothing) and store it as the roster
    of ``batch`` (replacing an earlier import of it; findings are kept). See :mod:`sync.batch`."""
    from sync.batch import import_roster as _import
    from sync.batch import parse_deadline

    when = parse_deadline(deadline)
    return store_writer(home).call(
        lambda: _import(home, path, batch, when), lambda _r: [StoreChange(FINDINGS)]
    )


def batch_status(home: Home, batch: str | None = None) -> BatchStatus:
    """``batch status``: the typed status of every roster row of ``batch`` (default: the
    latest imported)."""
    from sync.batch import batch_status as _status

    return _status(home, batch)


def review_cross_flag(
    home: Home, flag_id: str, decision: str, reason: str, *, signer: Signer
) -> CrossReview:
    """Confirm or dismiss a cross-enterprise flag (signed by the agency, with a reason)."""
    from sync.batch import review_cross_flag as _review

    identity.check_role(signer, "agency")
    return store_writer(home).call(lambda: _review(home, signer, flag_id, decision, reason))


def record_reports(
    home: Home, uscc: str, project_id: str | None, files: Sequence[tuple[str, Path]]
) -> None:
    """Record the drafts written for one enterprise project (``(kind, path)`` pairs)."""
    from sync.batch import record_reports as _record

    store_writer(home).call(lambda: _record(home, uscc, project_id, files))


__all__ = [
    "AckReport",
    "BundleImport",
    "ack_receipts",
    "batch_status",
    "cross_flags",
    "export_bundle",
    "export_preflight",
    "import_bundles",
    "import_roster",
    "list_exports",
    "merge_status",
    "record_reports",
    "recover_chain",
    "require_role",
    "review_cross_flag",
]
