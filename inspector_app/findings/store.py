"""The workspace store: imported cases, signed findings, checkpoints, drafts.

Use :func:`open_store` (a context manager is the usual way)::

    with open_store(home) as store:
        store.register_case(...)
        finding = store.add_finding(unlocked_identity, case_id, {"kind": "observation", ...})

Every signed write is one ``BEGIN IMMEDIATE`` transaction that appends the record(s) **and**
moves the signer's signed checkpoint forward; attachments are written (durably) before it.
With WAL and ``synchronous=FULL`` a call that returned is on the disk.

Stable API for the sync layer (bundles, agency merge) — see also the docstrings:

* ``signers()``, ``head(signer)``, ``records(signer, first_seq, last_seq)`` → ``SignedRecord``,
  ``checkpoint(signer)`` → ``SignedCheckpoint`` (export in sequence ranges);
* ``import_records(records, checkpoint)`` (the agency's merge of an expert device's records,
  verified, idempotent, stored with ``origin = 'imported'``);
* ``local_signer`` (this device's fingerprint, or None before the first local record);
* ``open_store(home, extra=(MigrationSet("sync", ...),))`` to add the sync layer's own tables
  (export/ack bookkeeping) as named migrations of its own namespace.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from inspector_app.findings import db as dbm
from inspector_app.findings.drafts import DraftsMixin
from inspector_app.findings.merge import MergeMixin
from inspector_app.findings.model import (
    CASE_STATUSES,
    CaseRow,
    Draft,
    Finding,
    ImportResult,
    load_payload,
    package_paths,
)
from inspector_app.home import Home


class FindingsStore(DraftsMixin, MergeMixin):
    """The workspace database and its attachment folder. Not thread-safe: one per thread.

    Cases, findings and the chain come from :class:`~inspector_app.findings.core.StoreCore`,
    drafts from :class:`~inspector_app.findings.drafts.DraftsMixin`, the agency's merge from
    :class:`~inspector_app.findings.merge.MergeMixin`.
    """


def open_store(
    home: Home | Path, *, extra: Sequence[dbm.MigrationSet] = (), read_only: bool = False
) -> FindingsStore:
    """Open (creating and migrating) the workspace store of ``home``.

    ``home`` is a :class:`Home` or a home folder path; the database lives in its workspace.
    ``read_only``: to read only, without sqlite-utils (the case list; see
    :class:`~inspector_app.findings.core.StoreCore`).
    """
    workspace = home.workspace if isinstance(home, Home) else Path(home) / "workspace"
    return FindingsStore(workspace, extra=extra, read_only=read_only)


__all__ = [
    "CASE_STATUSES",
    "CaseRow",
    "Draft",
    "Finding",
    "FindingsStore",
    "ImportResult",
    "load_payload",
    "open_store",
    "package_paths",
]
