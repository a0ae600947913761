"""PyInstaller runtime hook of the windowed executable only (build.spec puts it first): the
cyclic garbage collector is off while the app starts — the other runtime hooks import Qt, the
entry the app — and ``ui.app.started()`` turns it on once the main window
has shown (the objects made until then live as long as the app; ``docs/building.md``)."""

import gc

gc.disable()
