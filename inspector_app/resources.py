"""The one place that finds bundled data files (``resources/``).

Works the same from a source checkout, a non-editable ``pip install .`` (``resources`` is
installed as a package) and a PyInstaller build (``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen is not None:
        return Path(frozen) / "resources"
    import resources as _res

    return Path(_res.__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("checklists", "miit-2024.json")``."""
    return resources_dir().joinpath(*parts)


def cjk_font_path() -> Path | None:
    """A TrueType CJK font that reportlab can embed and Qt/Pillow can load, or ``None``.

    The lookup (bundled ``resources/fonts`` first, then the system locations of Linux, Windows
    and macOS) lives in :func:`inspector_app.pdfstyle.find_cjk_font`. Font binaries are never
    committed; the frozen build bundles one.
    """
    from inspector_app.pdfstyle import find_cjk_font

    return find_cjk_font()
