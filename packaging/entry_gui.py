"""Frozen entry of the windowed executable ``Inspector``: ``inspector-app gui [ARGS…]``.

A windowed executable has no console (``sys.stdout``/``sys.stderr`` are ``None`` on Windows and
for a macOS ``.app``). What the CLI layer would print (a usage error, an internal error naming
the log file) is captured and, when the app ends with an error before or without its own
dialog, shown in a message box, so a failure is never silent.
"""

import io
import os
import sys


def _show(text: str) -> None:
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication(sys.argv[:1])
        box = QMessageBox(QMessageBox.Icon.Critical, "Inspector", text)
        box.exec()
        del app
    except Exception:  # no Qt at all: nothing more can be shown
        pass


def run() -> int:
    no_console = sys.stdout is None or sys.stderr is None
    captured = io.StringIO()
    out = open(os.devnull, "w", encoding="utf-8") if sys.stdout is None else sys.stdout  # noqa: SIM115, PTH123
    if sys.stdout is None:
        sys.stdout = out
    if sys.stderr is None:
        sys.stderr = captured
    from inspector_app import cli

    # this executable only ever runs `gui`: its parser alone, not every command module (the
    # full parser imports sync, reports and reportlab, about a second of start-up)
    cli.COMMAND_MODULES[:] = ["ui.command"]
    cli_run = cli.run

    args = sys.argv[1:]
    err = captured if no_console else sys.stderr
    code = cli_run(["gui", *args], stdout=out, stderr=err)
    if code != 0 and no_console and captured.getvalue().strip():
        _show(captured.getvalue().strip())
    return code


def _multiprocessing() -> None:
    """``multiprocessing`` only where it is needed: a process this executable started for a
    process pool — a spawn child (``--multiprocessing-fork``, how Windows, macOS and a spawn
    context start one) or the resource tracker / fork server (``-c "from multiprocessing…"``) —
    runs PyInstaller's ``freeze_support`` (applied when ``multiprocessing`` is imported:
    ``packaging/rthook_lazy.py``), which does its work and exits. Any other start imports
    nothing here (~40 ms). ``INSPECTOR_MP_START`` (``spawn``, ``forkserver``) sets the start
    method: the smoke test runs a Linux build's pools the Windows/macOS way."""
    child = sys.argv[1:2] == ["--multiprocessing-fork"] or "-c" in sys.argv[1:]
    method = os.environ.get("INSPECTOR_MP_START")
    if not (child or method):
        return
    import gc
    import multiprocessing

    if child:
        gc.enable()  # packaging/rthook_gc.py turned it off for the app's start
        multiprocessing.freeze_support()  # a child: exits here
    if method:
        multiprocessing.set_start_method(method, force=True)


if __name__ == "__main__":
    _multiprocessing()
    sys.exit(run())
