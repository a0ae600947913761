"""sqlite-utils imported without numpy (first import of the findings package).

sqlite-utils imports numpy (and pandas) whenever it can, only to map their scalar types to
column types; the store is written with Python values only. numpy costs 0.3–1 s of the desktop
app's start-up, whose first page (the case list) opens the store and never needs numpy (the
rule engine imports it when a case is analysed). So, when neither is imported yet, sqlite-utils
is imported with numpy and pandas hidden — under the global import lock, so that no other thread
can meet the hidden module meanwhile — and they stay importable afterwards.
tests/unit/services/test_startup_imports.py guards it.
"""

from __future__ import annotations

import _imp
import sys

_HIDDEN = ("numpy", "pandas")


def import_sqlite_utils() -> None:
    if "sqlite_utils" in sys.modules:
        return
    _imp.acquire_lock()
    try:
        hidden = [name for name in _HIDDEN if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # "import numpy" raises ImportError
        try:
            import sqlite_utils  # noqa: F401
        finally:
            for name in hidden:
                if sys.modules.get(name, False) is None:
                    del sys.modules[name]
    finally:
        _imp.release_lock()


import_sqlite_utils()
