"""Frozen entry of the console executable ``inspector-app`` (the same CLI as the wheel's)."""

import os
import sys


def _multiprocessing() -> None:
    """As ``packaging/entry_gui.py``: a process a pool started from this executable (pHash
    indexing, report drafts) runs ``freeze_support`` and exits; any other start does not import
    ``multiprocessing`` here. ``INSPECTOR_MP_START`` sets the start method (smoke test)."""
    child = sys.argv[1:2] == ["--multiprocessing-fork"] or "-c" in sys.argv[1:]
    method = os.environ.get("INSPECTOR_MP_START")
    if not (child or method):
        return
    import multiprocessing

    if child:
        multiprocessing.freeze_support()  # a child: exits here
    if method:
        multiprocessing.set_start_method(method, force=True)


if __name__ == "__main__":
    _multiprocessing()
    from inspector_app.__main__ import main

    sys.exit(main())
