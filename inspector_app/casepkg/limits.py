"""The limits table of ``case-package.md``, enforced while reading."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from inspector_app.casepkg.textio import MAX_RATIO, RATIO_FREE_BYTES, StreamProblem
from inspector_app.i18n import bi

GIB = 1 << 30
MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Defaults of the format; configurable in the app's settings."""

    max_entries: int = 100_000
    #: total uncompressed size, inner gzip streams included
    max_total_size: int = 20 * GIB
    #: once more than ``ratio_free`` bytes have come out, output > ``max_ratio`` x input
    max_ratio: int = MAX_RATIO
    ratio_free: int = RATIO_FREE_BYTES
    max_json_size: int = 16 * MIB


class SizeBudget:
    """Counts uncompressed bytes across threads; ``TOO_LARGE`` past the total limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def add(self, n: int) -> None:
        with self._lock:
            self.used += n
            used = self.used
        if used > self.limit:
            raise StreamProblem(
                "TOO_LARGE",
                bi(
                    "The package expands to more than {limit} bytes uncompressed.",
                    limit=self.limit,
                ),
            )
