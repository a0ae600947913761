"""Writes the window icon's small sizes (``resources/icons/inspector-<N>.png``) from the master
``resources/icons/inspector.png`` (512 px, which the build converts to ``.ico``/``.icns``).

The window icon is made of these sizes, not of the master: on X11 every size of a window's
icon is sent to the X server when the window is shown (``_NET_WM_ICON``), and a 512 px icon
(1 MiB of pixels) cost ~6 ms of each start. Run again after the master changes:

    .venv/bin/python tools/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "resources" / "icons"
#: the sizes title bars, task bars and window switchers ask for (1x and 2x)
SIZES = (16, 24, 32, 48, 64, 128)


def main() -> None:
    with Image.open(FOLDER / "inspector.png") as master:
        rgba = master.convert("RGBA")
        for size in SIZES:
            out = FOLDER / f"inspector-{size}.png"
            rgba.resize((size, size), Image.Resampling.LANCZOS).save(out, optimize=True)
            print(f"{out.relative_to(ROOT)}: {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
