"""Sync: the expert's encrypted, signed bundles and the agency's merge (``docs/sync.md``).

Builds on the Qt-free core (:mod:`inspector_app`); never imports Qt, ``ui`` or ``reports``.

* :mod:`sync.tarstream` — the strict ustar container inside a bundle;
* :mod:`sync.bundle` — the bundle format: manifest, Ed25519 signature, age v1 encryption;
* :mod:`sync.receipt` — the agency's signed receipts;
* :mod:`sync.expert` — the expert's side: ``bundle export``, ``bundle ack``, ``bundle recover``;
* :mod:`sync.agency` — the agency store, ``bundle import`` (chain checks, pending, quarantine);
* :mod:`sync.status` — ``merge status`` and the agency's ``decision`` findings;
* :mod:`sync.cross` — the cross-enterprise red-flag rules and their indexes.
"""
