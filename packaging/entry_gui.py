"""Frozen entry of the windowed executable ``Inspector``: ``inspector-app gui [ARGS…]``.

A windowed executable has no console (``sys.stdout``/``sys.stderr`` are ``None`` on Windows and
for a macOS ``.app``). What the CLI layer would print (a usage error, an internal error naming
the log file) is captured and, when the app ends with an error before or without its own
dialog, shown in a message box, so a failure is never silent.
"""

import io
import multiprocessing
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


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(run())
