"""Sync: the expert's encrypted, signed bundles and the agency's merge (``docs/sync.md``).

Builds on the Qt-free core (:mod:`inspector_app`); never imports Qt, ``ui`` or ``reports``.
Identities are the core's (:mod:`inspector_app.identity`): this device's
:class:`~inspector_app.identity.UnlockedIdentity` signs and decrypts, a trusted
:class:`~inspector_app.identity.Card` verifies and is encrypted to.

* :mod:`sync.tarstream` — the strict ustar container inside a bundle;
* :mod:`sync.bundle` — the bundle format: manifest, Ed25519 signature, age v1 encryption;
* :mod:`sync.records` — checks of the records, chain and checkpoint a bundle carries;
* :mod:`sync.receipt` — the agency's signed receipts;
* :mod:`sync.schema` — sync's tables in the workspace database (migration namespace ``sync``);
* :mod:`sync.expert` — the expert's side: ``bundle export``, ``bundle ack``, ``bundle recover``;
* :mod:`sync.agency`, :mod:`sync.placement`, :mod:`sync.attachments` — ``bundle import``:
  verification, placement (merge, pending, duplicate, refusal), storage, receipts;
* :mod:`sync.snapshot` — a plain-data picture of the agency store (before/after comparisons);
* :mod:`sync.status` — ``merge status``, with the agency's ``decision`` findings;
* :mod:`sync.cross` — the cross-enterprise red-flag rules and their indexes (``merge flags``);
* :mod:`sync.commands` — the CLI sub-commands.
"""
