"""The one serial writer of a home's store, and the listeners it tells what changed.

Every service that writes the workspace database — registering an imported case, signing a
finding, saving or signing drafts, the sync layer's bundle export, import, receipts and
recovery — runs its write as a job of the home's :class:`StoreWriter`: one thread (a pool of
one) that runs jobs one after the other, each with its own connection (SQLite connections are
per thread). A job called from the writer's own thread runs at once (a service inside a
service never waits for itself).

After a job, the writer calls every listener with the :class:`StoreChange` objects the job
reported — ``case`` (imported, status), ``finding`` (signed; ``kind`` says which, e.g.
``flag_review``), ``draft`` (saved, deleted, signed) or ``findings`` (many at once: a bundle
merged, a chain recovered) — so that views refresh without polling. Listeners run on the
writer's thread: a UI forwards them to its own thread (a queued signal) and never touches a
widget from there. A listener that raises is logged and does not stop the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from inspector_app.home import Home

log = logging.getLogger(__name__)

T = TypeVar("T")

#: what changed
CASE, FINDING, FINDINGS, DRAFT = "case", "finding", "findings", "draft"


@dataclass(frozen=True)
class StoreChange:
    """One change of the store: ``what`` (``case``, ``finding``, ``findings``, ``draft``),
    the case, and the finding id and kind, or the draft key, when there is one."""

    what: str
    case_id: str | None = None
    finding_id: str | None = None
    kind: str | None = None
    key: str | None = None


Listener = Callable[[StoreChange], None]
Job = Callable[[], T]


class StoreWriter:
    """Runs the write jobs of one home one after the other (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._thread_id: int | None = None
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    # -- listeners ------------------------------------------------------------------------
    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every change from now on; returns the function that stops."""
        with self._lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def _notify(self, changes: Iterable[StoreChange]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for change in changes:
            for listener in listeners:
                try:
                    listener(change)
                except Exception:  # a view's bug must not undo a committed write
                    log.exception("store listener %r failed on %r", listener, change)

    # -- jobs -----------------------------------------------------------------------------
    def on_writer_thread(self) -> bool:
        return threading.get_ident() == self._thread_id

    def _run(self, job: Job[T], changes: Callable[[T], Iterable[StoreChange]] | None) -> T:
        outer = self._thread_id
        self._thread_id = threading.get_ident()
        try:
            result = job()
            if changes is not None:  # a listener that writes runs at once, never waits
                self._notify(list(changes(result)))
            return result
        finally:
            self._thread_id = outer

    def submit(
        self, job: Job[T], changes: Callable[[T], Iterable[StoreChange]] | None = None
    ) -> Future[T]:
        """Queue ``job``; its result (or exception) comes back through the future. ``changes``
        turns the result into the changes to announce."""
        if self.on_writer_thread():
            done: Future[T] = Future()
            try:
                done.set_result(self._run(job, changes))
            except BaseException as exc:
                done.set_exception(exc)
            return done
        return self._pool.submit(self._run, job, changes)

    def call(self, job: Job[T], changes: Callable[[T], Iterable[StoreChange]] | None = None) -> T:
        """Run ``job`` on the writer and wait for its result (its exception is raised here)."""
        if self.on_writer_thread():
            return self._run(job, changes)
        return self.submit(job, changes).result()

    def close(self) -> None:
        """Finish the queued jobs and stop the thread."""
        self._pool.shutdown(wait=True)


_writers: dict[Path, StoreWriter] = {}
_writers_lock = threading.Lock()


def store_writer(home: Home) -> StoreWriter:
    """The writer of ``home``'s store (one per home folder in this process)."""
    key = home.root.absolute()
    with _writers_lock:
        writer = _writers.get(key)
        if writer is None:
            writer = _writers[key] = StoreWriter(key)
        return writer


def listen(home: Home, listener: Listener) -> Callable[[], None]:
    """Call ``listener`` with every change of ``home``'s store; returns the function that
    stops it."""
    return store_writer(home).listen(listener)


def close_writers() -> None:
    """Stop every writer (their queued jobs finish first)."""
    with _writers_lock:
        writers = list(_writers.values())
        _writers.clear()
    for writer in writers:
        writer.close()


__all__ = [
    "CASE",
    "DRAFT",
    "FINDING",
    "FINDINGS",
    "Listener",
    "StoreChange",
    "StoreWriter",
    "close_writers",
    "listen",
    "store_writer",
]
