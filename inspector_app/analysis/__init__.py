"""Red-flag analysis (``red-flags.md``): settings, the usage pass, every per-package rule.

``analyze(package, *, rules_file_layer=None, progress=None, cancel=None) -> AnalysisResult``.
Attributes are imported lazily so that the package reader can import
:mod:`inspector_app.analysis.settings` without pulling in the rules (no import cycle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspector_app.analysis.engine import AnalysisResult, analyze
    from inspector_app.analysis.flags import RULE_IDS, Evidence, Flag

__all__ = ["RULE_IDS", "AnalysisResult", "Evidence", "Flag", "analyze"]


def __getattr__(name: str) -> Any:
    if name in ("analyze", "AnalysisResult"):
        from inspector_app.analysis import engine

        return getattr(engine, name)
    if name in ("Flag", "Evidence", "RULE_IDS"):
        from inspector_app.analysis import flags

        return getattr(flags, name)
    raise AttributeError(name)
