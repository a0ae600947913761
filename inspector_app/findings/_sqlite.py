"""sqlite-utils imported without numpy, when the store is first opened to write (``db.connect``).

sqlite-utils imports numpy (and pandas) whenever it can, only to map their scalar types to
column types; the store is written with Python values only. numpy costs 0.3–1 s of the desktop
app's start-up, whose first page (the case list) never needs numpy (the rule engine imports it
when a case is analysed) and reads the store through the standard library alone
(``db.connect_reader``, no sqlite-utils at all). So, when sqlite-utils is first imported, a
finder at the front of ``sys.meta_path`` refuses numpy and pandas to **this thread only** while
it imports sqlite-utils (no global lock, nothing hidden from other threads); an already imported
numpy is used as before. tests/unit/services/test_startup_imports.py guards it. (The sync
layer names ``sqlite_utils.Database`` in annotations only.)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

_REFUSED = frozenset({"numpy", "pandas"})


class _RefuseInThread:
    """A meta path finder: ``import numpy``/``pandas`` fails in one thread."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name in _REFUSED and threading.get_ident() == self.thread:
            raise ModuleNotFoundError(f"{name} is not imported by sqlite-utils here", name=name)
        return None


def import_sqlite_utils() -> ModuleType:
    """The ``sqlite_utils`` module, imported now (without numpy) if it was not yet."""
    if "sqlite_utils" not in sys.modules:
        finder = _RefuseInThread()
        sys.meta_path.insert(0, finder)
        try:
            import sqlite_utils  # noqa: F401
        finally:
            sys.meta_path.remove(finder)
    return sys.modules["sqlite_utils"]
