"""Lazy re-exports for a package's ``__init__`` (PEP 562), so that importing the package does
not import every module behind its public names (the desktop app's start-up path).

    _LAZY = {"open_case": "inspector_app.services.cases", ...}
    __getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)

Names are resolved on first use and cached in the package's namespace; type checkers see the
names through the package's ``if TYPE_CHECKING:`` imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, namespace: dict[str, Any], names: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` for the lazily exported ``names``
    (name → the module that defines it)."""

    def getattr_(name: str) -> object:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *names})

    return getattr_, dir_
