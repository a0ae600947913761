"""The store's anchor outside the database: this device's latest signed checkpoint, kept beside
the identity (``<home>/identity/checkpoint-anchor.json``).

The checkpoint inside the database detects a truncated tail, but not a store wiped whole (every
finding and the checkpoint deleted, or the database replaced by an empty file): an empty store
verifies. The anchor is the same signed checkpoint written to a second place after every
commit of a local record; ``findings verify`` reports a store that is behind it
(``BEHIND_ANCHOR``) or differs from it (``ANCHOR_MISMATCH``), and the store refuses to record
anything on top of a chain that lost records the anchor names. Written after the commit (a
crash in between leaves the anchor behind, never ahead), atomically, mode 0600, never moved
backwards. Limits: someone who deletes the anchor as well as the database is only caught by
the agency's signed receipts.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from pathlib import Path

from inspector_app.findings.records import RecordError, SignedCheckpoint, parse_checkpoint

ANCHOR_NAME = "checkpoint-anchor.json"
ANCHOR_FORMAT = "inspector-checkpoint-anchor/1"


class AnchorDamaged(ValueError):
    """The anchor file exists but cannot be read as a signed checkpoint."""


def anchor_path(workspace: Path) -> Path:
    """``<home>/identity/checkpoint-anchor.json`` for the store of ``<home>/workspace``."""
    return Path(workspace).parent / "identity" / ANCHOR_NAME


def read_anchor(workspace: Path) -> SignedCheckpoint | None:
    """The anchor, or None when there is none.

    Raises:
        AnchorDamaged: unreadable, not of the anchor's shape, or its signature does not verify.
    """
    path = anchor_path(workspace)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AnchorDamaged(f"cannot read {path}: {exc}") from exc
    try:
        obj = json.loads(raw)
        if not isinstance(obj, dict) or obj.get("format") != ANCHOR_FORMAT:
            raise AnchorDamaged("not a checkpoint anchor")
        cp = parse_checkpoint(
            str(obj["checkpoint"]).encode("utf-8"), base64.b64decode(obj["signature"])
        )
    except (ValueError, KeyError, TypeError, RecordError) as exc:
        raise AnchorDamaged(f"the anchor does not parse: {exc}") from exc
    if not cp.signature_ok():
        raise AnchorDamaged("the anchor's signature does not verify")
    return cp


def write_anchor(workspace: Path, cp: SignedCheckpoint) -> None:
    """Keep ``cp`` as the anchor unless the anchor held already covers more of the chain."""
    path = anchor_path(workspace)
    if not path.parent.is_dir():
        return  # no identity folder: nothing signs here
    with contextlib.suppress(AnchorDamaged):
        held = read_anchor(workspace)
        if held is not None and held.signer == cp.signer and held.seq > cp.seq:
            return
    data = json.dumps(
        {
            "format": ANCHOR_FORMAT,
            "checkpoint": cp.body.decode("utf-8"),
            "signature": base64.b64encode(cp.signature).decode("ascii"),
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    tmp = path.with_name(f".{ANCHOR_NAME}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    tmp.replace(path)


__all__ = ["ANCHOR_NAME", "AnchorDamaged", "anchor_path", "read_anchor", "write_anchor"]
