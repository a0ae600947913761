"""Error dialogs in plain words, each with what to do next.

* a refused input (:class:`~inspector_app.errors.InputRefused`): its message, the list of
  problems (a refused package lists every error), and the next step for that kind of problem;
* an environment problem (disk full, read-only folder): the message and what to free or change;
* anything else is a bug: the traceback is already in the log (``ui.tasks`` and the app's
  excepthook log it); the dialog says so and names the log file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

from inspector_app.errors import (
    Cancelled,
    EnvironmentProblem,
    InputRefused,
    InspectorError,
    Issue,
    UsageError,
)
from inspector_app.i18n import N_, _

if TYPE_CHECKING:  # annotations only: a Qt class is made when first named (its enums too)
    from PySide6.QtWidgets import QMessageBox

#: What to do next, per package error code (``case-package.md``); the default below otherwise.
NEXT_STEP = {
    "NOT_A_ZIP": N_("This file is not a case package. Choose the *.case.zip file you received."),
    "DECRYPT_FAILED": N_(
        "The package could not be decrypted. Check that it was encrypted for this device's card."
    ),
    "NOT_FOR_THIS_IDENTITY": N_(
        "The package was encrypted for another identity. Ask the agency to send it for this "
        "device's card."
    ),
    "HASH_MISMATCH": N_(
        "The package was damaged or altered in transit. Copy it again from the original source."
    ),
    "SIZE_MISMATCH": N_(
        "The package was damaged or altered in transit. Copy it again from the original source."
    ),
    "TRUNCATED": N_("The package is incomplete. Copy it again and make sure the copy finished."),
    "TOO_LARGE": N_("The package is larger than the app accepts. Ask the agency to check it."),
    "UNSUPPORTED_VERSION": N_(
        "The package was made for a newer version of the app. Update the app and try again."
    ),
}
DEFAULT_PACKAGE_STEP = N_(
    "Ask the agency or the district bureau for a corrected package; the list above says what "
    "is wrong and where."
)
MAX_LISTED = 30

_where = {"log": "-"}


def set_log_file(path: object) -> None:
    """Where internal errors are logged (shown in the internal-error dialog)."""
    _where["log"] = str(path)


def issue_line(issue: Issue) -> str:
    """One problem in plain words: where, then what."""
    where = issue.path or ""
    if issue.line is not None:
        where = _("{path}, line {line}", path=where, line=issue.line)
    if issue.pointer:
        where = f"{where} {issue.pointer}".strip()
    message = str(issue.message)
    return f"{where}: {message}" if where else message


def next_step(exc: BaseException) -> str:
    """What the user should do next about ``exc``."""
    if isinstance(exc, InputRefused) and exc.issues:
        codes = [i.code for i in exc.issues]
        for code in codes:
            if code in NEXT_STEP:
                return _(NEXT_STEP[code])
        return _(DEFAULT_PACKAGE_STEP)
    if isinstance(exc, EnvironmentProblem):
        return _("Free some disk space or choose a folder you can write to, then try again.")
    if isinstance(exc, UsageError):
        return _("Check what you entered and try again.")
    if isinstance(exc, InspectorError):
        return _("Check the file or the value you gave, then try again.")
    return _(
        "This is a fault in the app, not in your data. The details are in the log file "
        "{log}; please send that file to the support team.",
        log=_where["log"],
    )


def describe(exc: BaseException) -> tuple[str, str, str]:
    """``(title, text, details)`` of the dialog for ``exc``."""
    if isinstance(exc, InspectorError):
        title = (
            _("The input was refused") if isinstance(exc, InputRefused) else _("Cannot continue")
        )
        if isinstance(exc, EnvironmentProblem):
            title = _("A problem with the disk or folder")
        issues: Iterable[Issue] = getattr(exc, "issues", [])
        lines = [issue_line(i) for i in issues]
        details = "\n".join(lines[:MAX_LISTED])
        if len(lines) > MAX_LISTED:
            details += "\n" + _("…and {count} more.", count=len(lines) - MAX_LISTED)
        return title, str(exc.message), details
    return (
        _("Internal error"),
        _("Something went wrong inside the app ({error}).", error=type(exc).__name__),
        "",
    )


def error_box(exc: BaseException, parent: QWidget | None = None) -> QMessageBox:
    """The (not yet shown) dialog for ``exc``."""
    from PySide6.QtWidgets import QMessageBox

    title, text, details = describe(exc)
    box = QMessageBox(parent)
    box.setObjectName("error-dialog")
    icon = (
        QMessageBox.Icon.Warning if isinstance(exc, InspectorError) else QMessageBox.Icon.Critical
    )
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(next_step(exc))
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_error(exc: BaseException | str, parent: QWidget | None = None) -> None:
    """Show ``exc`` (or a plain message) in a dialog; a cancelled job shows nothing."""
    if isinstance(exc, Cancelled):
        return
    if isinstance(exc, str):
        exc = InputRefused(exc)
    error_box(exc, parent).exec()


def show_internal_error(exc: BaseException) -> None:
    app = QApplication.instance()
    from PySide6.QtCore import QThread  # named when an error shows, not at the app's start

    if app is None or QThread.currentThread() is not app.thread():
        # a worker thread (ui.tasks) cannot open a dialog: it would wait forever (seen while
        # the app quit); the excepthook has logged the traceback
        return
    show_error(exc, QApplication.activeWindow())
