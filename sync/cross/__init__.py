"""The cross-enterprise red-flag rules of ``red-flags.md`` and the indexes behind them.

* :mod:`sync.cross.photos` — perceptual hashes, banded for near-duplicate lookup;
* :mod:`sync.cross.documents` — text of 附件6/7 documents, character n-gram sets, bottom-k
  sketches in an inverted index;
* :mod:`sync.cross.logs` — usage-log tokens, winnowed rolling hashes;
* :mod:`sync.cross.prices` — provider prices per catalogue code;
* :mod:`sync.cross.index` — the persistent, incremental index (``<workspace>/sync/cross.sqlite3``);
* :mod:`sync.cross.runner` — indexes the agency's cases and bundle attachments, runs the rules.
"""
