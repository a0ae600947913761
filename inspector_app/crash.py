"""Native crashes: :mod:`faulthandler` writes the Python stacks of every thread to a file.

A Python exception is a bug the faces already handle (the CLI logs its traceback to the home's
log file and exits 3; the desktop app's excepthook logs it and shows a dialog naming the log
file). A *native* crash (a segmentation fault in Qt, an abort) kills the process before any of
that runs; :func:`enable_fault_log` makes :mod:`faulthandler` write the stacks to
``<home>/logs/faults.log`` first, beside ``inspector.log``.
"""

from __future__ import annotations

import faulthandler
from pathlib import Path
from typing import TextIO

from inspector_app.home import Home

FAULT_LOG = "faults.log"

_state: dict[str, TextIO] = {}


def fault_log_path(home: Home) -> Path:
    return home.log_file.parent / FAULT_LOG


def enable_fault_log(home: Home) -> Path | None:
    """Send :mod:`faulthandler`'s output to ``<home>/logs/faults.log`` (append).

    Left alone when faulthandler is already on (``python -X faulthandler``,
    ``PYTHONFAULTHANDLER`` or pytest, which report to the terminal); returns the file in use,
    or ``None`` when another destination was kept or the file cannot be opened.
    """
    path = fault_log_path(home)
    current = _state.get("file")
    if current is not None and not current.closed and Path(current.name) == path:
        return path
    if faulthandler.is_enabled() and current is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = path.open("a", encoding="utf-8")  # kept open: faulthandler writes to its fd
    except OSError:
        return None
    faulthandler.enable(fh, all_threads=True)
    if current is not None:
        current.close()
    _state["file"] = fh
    return path
