"""Progress reporting and cancellation for long core jobs.

Every long core function takes ``progress: ProgressFn | None`` and ``cancel: CancelToken |
None``. The CLI passes a stderr printer, the UI a callback that emits a queued Qt signal. Work
functions call ``report(progress, done, total, text)`` now and then and ``check(cancel)`` at
safe points; a cancelled job raises :class:`~inspector_app.errors.Cancelled` and leaves nothing
half-written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from inspector_app.errors import Cancelled
from inspector_app.i18n import Message, as_message

#: ``progress(done, total, text)``; ``total`` is ``None`` when unknown; ``text`` is a message
#: rendered by whoever shows it.
ProgressFn = Callable[[int, int | None, Message], None]


class CancelToken:
    """Thread-safe cancellation flag."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            from inspector_app.i18n import bi

            raise Cancelled(bi("Cancelled by the user."))


def check(cancel: CancelToken | None) -> None:
    """Raise :class:`Cancelled` when ``cancel`` was set."""
    if cancel is not None:
        cancel.raise_if_cancelled()


def report(
    progress: ProgressFn | None, done: int, total: int | None, text: Message | str = ""
) -> None:
    """Call ``progress`` when there is one (a plain ``text`` is shown as it is)."""
    if progress is not None:
        progress(done, total, as_message(text))
