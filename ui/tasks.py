"""The one sanctioned helper for running core work off the UI thread.

A work function is a plain core function; it never touches widgets. It runs in a
:class:`QRunnable` on a thread pool; its progress, result and error come back to the UI thread
through *queued* signals of a small :class:`TaskSignals` object that lives in the UI thread.

Usage::

    from ui.tasks import run_task

    handle = run_task(
        services.import_case, path,          # called as fn(path, progress=…, cancel=…)
        on_done=self._imported,              # slot(result) in the UI thread
        on_error=self._show_error,           # slot(exc): InspectorError or an internal error
        on_progress=self._progress,          # slot(done, total | None, text)
        on_cancelled=self._cancelled,        # slot()
    )
    handle.cancel()                           # sets the core's CancelToken

The work function receives ``progress`` (a :data:`~inspector_app.progress.ProgressFn`) and
``cancel`` (a :class:`~inspector_app.progress.CancelToken`) keyword arguments, unless
``pass_progress=False`` (for functions that take neither). Progress signals are throttled
(at most one every :data:`PROGRESS_INTERVAL` seconds, plus the last one) so that a chatty core
loop cannot flood the event loop.

Writes to the findings store go through the *serial* pool (``serial=True``): one thread, so
that SQLite writes never race each other (``docs/architecture.md``, Threading).

Errors: :class:`~inspector_app.errors.Cancelled` emits ``cancelled``;
:class:`~inspector_app.errors.InspectorError` (refused input, environment problem) is passed
to ``on_error`` as it is; anything else is a bug: it is logged with its traceback here, and
``on_error`` receives it too (the main window shows it as an internal error and names the log).

:class:`ProgressDialog` wraps a task in a modal progress dialog with a Cancel button.

Garbage collection: a full collection walks every tracked object while holding the GIL (an
import builds millions: 65–290 ms each, the UI thread waiting, and they find nothing to free).
While a *bulk* task runs (``run_task(..., bulk=True)``; every :class:`ProgressDialog` task: the
import, opening a case) the automatic full collections are held back (young generations are
still collected); when the last one ends the objects alive are frozen (:func:`gc.freeze`: the
case's objects are never walked again by later collections; freed as usual when unreferenced).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from inspector_app.errors import Cancelled, InspectorError
from inspector_app.progress import CancelToken

log = logging.getLogger("inspector.ui.tasks")

#: Seconds between two progress signals of one task.
PROGRESS_INTERVAL = 0.05
#: A progress dialog shows larger totals (bytes…) in this many steps.
PROGRESS_STEPS = 1000

_pools: dict[str, QThreadPool] = {}
_live: set[TaskHandle] = set()  # handles kept alive until their task has ended


def pool(serial: bool = False) -> QThreadPool:
    """The shared pool (``serial``: the one-thread pool for store writes)."""
    key = "serial" if serial else "parallel"
    found = _pools.get(key)
    if found is None:
        found = QThreadPool()
        found.setObjectName(f"inspector-{key}")
        found.setMaxThreadCount(
            1 if serial else max(2, QThreadPool.globalInstance().maxThreadCount())
        )
        _pools[key] = found
    return found


def wait_all(msecs: int = 30_000) -> bool:
    """Wait for every task of both pools (application shutdown, tests)."""
    return all(p.waitForDone(msecs) for p in _pools.values())


class _BulkGc:
    """Holds back full collections while bulk tasks run (UI thread only)."""

    def __init__(self) -> None:
        self.running = 0
        self.saved: tuple[int, int, int] | None = None

    def enter(self) -> None:
        if self.running == 0:
            self.saved = gc.get_threshold()
            gc.set_threshold(self.saved[0], self.saved[1], 1 << 30)
        self.running += 1

    def leave(self) -> None:
        self.running -= 1
        if self.running == 0 and self.saved is not None:
            gc.collect(1)  # the young garbage is freed, not frozen (a few thousand objects)
            gc.freeze()
            gc.set_threshold(*self.saved)
            self.saved = None


_bulk_gc = _BulkGc()


class TaskSignals(QObject):
    """Lives in the UI thread; the worker emits, Qt queues the calls to the UI thread."""

    progress = Signal(
        object, object, str
    )  # done, total (int | None), text: Python ints (bytes pass 2**31)
    done = Signal(object)  # the work function's result
    error = Signal(object)  # the exception
    cancelled = Signal()
    ended = Signal()  # always last, whatever the outcome


class _Runnable(QRunnable):
    def __init__(
        self,
        handle: TaskHandle,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._handle = handle
        self._fn = fn
        self._args = args
        self._kwargs = kwargs

    def run(self) -> None:
        try:
            self._run()
        except RuntimeError as exc:  # its signals were deleted: the app is gone (quitting)
            log.info("task %s ended after its signals were deleted (%s)", self._handle.name, exc)

    def _run(self) -> None:
        handle = self._handle
        signals = handle.signals
        try:
            result = self._fn(*self._args, **self._kwargs)
        except Cancelled:
            signals.cancelled.emit()
        except InspectorError as exc:
            if handle.token.cancelled:
                signals.cancelled.emit()
            else:
                signals.error.emit(exc)
        except BaseException as exc:  # a bug: keep the traceback in the log
            log.exception("internal error in task %s", handle.name)
            signals.error.emit(exc)
        else:
            if handle.token.cancelled:
                signals.cancelled.emit()
            else:
                handle.flush_progress()
                signals.done.emit(result)
        finally:
            try:
                signals.ended.emit()
            except RuntimeError:  # the app is gone (quitting): nobody waits for the result
                log.info("task %s ended after its signals were deleted", handle.name)


class TaskHandle:
    """One running (or finished) task: cancel it, or connect to its signals."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.token = CancelToken()
        self.signals = TaskSignals()
        self.running = True
        self._lock = threading.Lock()
        self._last_emit = 0.0
        self._pending: tuple[int, int | None, str] | None = None
        self.signals.ended.connect(self._ended)

    def cancel(self) -> None:
        """Ask the work function to stop at its next safe point."""
        self.token.cancel()

    def report(self, done: int, total: int | None, text: object = "") -> None:
        """The ``progress`` callback handed to the work function (any thread); ``text`` may be
        a core message (rendered here, in the app's language)."""
        text = str(text)
        now = time.monotonic()
        with self._lock:
            final = total is not None and done >= total
            if not final and now - self._last_emit < PROGRESS_INTERVAL:
                self._pending = (done, total, text)
                return
            self._last_emit = now
            self._pending = None
        self.signals.progress.emit(done, total, text)

    def flush_progress(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is not None:
            self.signals.progress.emit(*pending)

    def _ended(self) -> None:
        self.running = False
        # let the queued slots connected after this one run before the handle may go
        QTimer.singleShot(0, lambda: _live.discard(self))


def run_task(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int | None, str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    on_ended: Callable[[], None] | None = None,
    pass_progress: bool = True,
    serial: bool = False,
    name: str | None = None,
    bulk: bool = False,
    **kwargs: Any,
) -> TaskHandle:
    """Run ``fn(*args, **kwargs)`` off the UI thread; call from the UI thread.

    The callbacks run in the UI thread. ``fn`` gets ``progress=`` and ``cancel=`` keywords
    unless ``pass_progress`` is false. ``bulk``: the task builds many objects (an import):
    no full garbage collection while it runs (see the module docstring).
    """
    handle = TaskHandle(name or getattr(fn, "__qualname__", repr(fn)))
    signals = handle.signals
    if bulk:
        _bulk_gc.enter()
        signals.ended.connect(_bulk_gc.leave, Qt.ConnectionType.QueuedConnection)
    queued = Qt.ConnectionType.QueuedConnection
    if on_progress is not None:
        signals.progress.connect(on_progress, queued)
    if on_done is not None:
        signals.done.connect(on_done, queued)
    if on_error is not None:
        signals.error.connect(on_error, queued)
    if on_cancelled is not None:
        signals.cancelled.connect(on_cancelled, queued)
    if on_ended is not None:
        signals.ended.connect(on_ended, queued)
    if pass_progress:
        kwargs = {**kwargs, "progress": handle.report, "cancel": handle.token}
    _live.add(handle)
    pool(serial).start(_Runnable(handle, fn, args, kwargs))
    return handle


class ProgressDialog(QProgressDialog):
    """A modal progress dialog with Cancel for one task (busy indicator when total is unknown).

    ``ProgressDialog.run(parent, label, fn, *args, on_done=…, on_error=…, **kwargs)`` starts the
    task and shows the dialog after a short delay; Cancel cancels the task; the dialog closes
    when the task ends.
    """

    def __init__(self, parent: QWidget | None, label: str) -> None:
        super().__init__(label, "", 0, 0, parent)
        from inspector_app.i18n import _

        self.setCancelButtonText(_("&Cancel"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(300)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.handle: TaskHandle | None = None

    @classmethod
    def run(
        cls,
        parent: QWidget | None,
        label: str,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        serial: bool = False,
        **kwargs: Any,
    ) -> ProgressDialog:
        dialog = cls(parent, label)
        dialog.handle = run_task(
            fn,
            *args,
            on_done=on_done,
            on_error=on_error,
            on_cancelled=on_cancelled,
            on_progress=dialog.show_progress,
            on_ended=dialog._ended,
            serial=serial,
            bulk=True,
            **kwargs,
        )
        dialog.canceled.connect(dialog.handle.cancel)
        dialog.setValue(0)
        return dialog

    @Slot(object, object, str)
    def show_progress(self, done: int, total: object, text: str) -> None:
        if isinstance(total, int) and total > 0:
            # totals in bytes pass 2**31 (QProgressDialog holds an int): show per mille then
            if total > PROGRESS_STEPS:
                done, total = done * PROGRESS_STEPS // total, PROGRESS_STEPS
            self.setMaximum(total)
            self.setValue(max(0, min(done, total)))
        else:
            self.setMaximum(0)
        if text:
            self.setLabelText(text)

    @Slot()
    def _ended(self) -> None:
        self.reset()
        self.hide()
        self.deleteLater()
