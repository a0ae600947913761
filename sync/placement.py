"""Where a verified bundle goes, given what the agency holds from its device.

Pure decisions over the database (read only): :func:`check_identity` (a bundle id seen
before: duplicate, already pending, or the same id with other content) and
:func:`check_chain` (continuation of the device's head, else ``ROLLBACK``, ``FORK`` or
``CHAIN_GAP``). They raise :class:`Decision`; :mod:`sync.agency` acts on it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from inspector_app.i18n import Message, bi
from sync.bundle import BundleRefused, OpenedBundle
from sync.records import parse_line


@dataclass(frozen=True)
class Head:
    bundles: int = 0
    last_bundle: str | None = None
    head_seq: int = 0
    head: str | None = None


class Decision(Exception):
    """Internal: the transaction ends without a merge (no-op, pending or refusal)."""

    def __init__(
        self, outcome: str, refusal: BundleRefused | None = None, message: str = ""
    ) -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.refusal = refusal
        self.message = message

    @classmethod
    def refused(cls, code: str, reason: Message) -> Decision:
        """The bundle is refused with ``BundleRefused(code, reason)``."""
        return cls("refused", BundleRefused(code, reason))


def head_of(conn: sqlite3.Connection, device: str) -> Head:
    """What the agency holds from ``device`` (zeros for a device never merged)."""
    row = conn.execute(
        "SELECT bundles, last_bundle, head_seq, head FROM sync_devices WHERE fingerprint = ?",
        (device,),
    ).fetchone()
    return Head(*row) if row else Head()


def check_identity(conn: sqlite3.Connection, opened: OpenedBundle) -> None:
    """No-op decisions and same-id refusals (raises :class:`Decision`)."""
    row = conn.execute(
        "SELECT bundle_hash FROM sync_bundles WHERE bundle_id = ?", (opened.bundle_id,)
    ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT bundle_hash, 'pending' FROM sync_pending WHERE bundle_id = ?",
            (opened.bundle_id,),
        ).fetchone()
        pending = row is not None
    else:
        pending = False
    if row is None:
        return
    if row[0] != opened.bundle_hash:
        raise Decision.refused(
            "SAME_ID_DIFFERENT_CONTENT",
            bi(
                "A different bundle with the same id {bundle} was already received: this one was altered or forged.",
                bundle=opened.bundle_id,
            ),
        )
    raise Decision("already_pending" if pending else "duplicate")


def check_chain(conn: sqlite3.Connection, opened: OpenedBundle, head: Head) -> None:
    """Refuse a bundle that does not continue the device's head (raises :class:`Decision`)."""
    m = opened.manifest
    first, last = opened.first_seq, opened.last_seq
    if opened.number <= head.bundles or first <= head.head_seq:
        lo, hi = first, min(last, head.head_seq)
        differing = []
        if lo <= hi:
            line_hashes = {}
            for rec_line in opened.findings[: hi - lo + 1]:
                rec = parse_line(rec_line)
                line_hashes[rec.seq] = rec.hash
            stored = dict(
                conn.execute(
                    "SELECT seq, hash FROM findings WHERE signer = ? AND seq BETWEEN ? AND ?",
                    (opened.device, lo, hi),
                ).fetchall()
            )
            differing = [s for s in range(lo, hi + 1) if stored.get(s) != line_hashes.get(s)]
        if differing:
            raise Decision.refused(
                "ROLLBACK",
                bi(
                    "{expert} re-exported findings numbered {first}–{last}, which the agency already holds with different content: the store was restored from an older copy or copied to another device. The expert must run `inspector-app bundle recover` with their last bundle before exporting again.",
                    expert=opened.signer.name,
                    first=differing[0],
                    last=differing[-1],
                ),
            )
        raise Decision.refused(
            "FORK",
            bi(
                "Bundle #{number} of {expert} does not continue the chain the agency holds (it already has {count} bundles up to finding {seq}): the chain forks.",
                number=opened.number,
                expert=opened.signer.name,
                count=head.bundles,
                seq=head.head_seq,
            ),
        )
    if m["previous_bundle"] != head.last_bundle:
        raise Decision.refused(
            "FORK",
            bi(
                "Bundle #{number} of {expert} does not continue from the last bundle the agency holds from that device: the chain forks.",
                number=opened.number,
                expert=opened.signer.name,
            ),
        )
    if first != head.head_seq + 1 or m["chain"]["previous_head"] != head.head:
        raise Decision.refused(
            "CHAIN_GAP",
            bi(
                "Bundle #{number} of {expert} starts at finding {first}, but the agency holds findings up to {seq}: findings are missing.",
                number=opened.number,
                expert=opened.signer.name,
                first=first,
                seq=head.head_seq,
            ),
        )
