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
    """A TrueType CJK font that reportlab can embed and Qt can load, or ``None``.

    The frozen build bundles one under ``resources/fonts``; from source the set-up scripts
    install Debian's ``fonts-wqy-microhei``. Font binaries are never committed.
    """
    candidates = [
        resource_path("fonts", "wqy-microhei.ttc"),
        Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
        Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
        Path("C:/Windows/Fonts/msyh.ttc"),
        Path("/System/Library/Fonts/PingFang.ttc"),
    ]
    for path in candidates:
        if path.is_file():
            return path
    return None
