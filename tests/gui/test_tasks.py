"""ui.tasks: results, errors, progress and cancel come back to the UI thread."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from inspector_app.errors import InputRefused
from inspector_app.progress import CancelToken, ProgressFn, check, report
from ui.tasks import ProgressDialog, run_task


def _count(n: int, *, progress: ProgressFn, cancel: CancelToken) -> tuple[int, str]:
    for i in range(n):
        check(cancel)
        report(progress, i + 1, n, f"step {i + 1}")
    return n, threading.current_thread().name


def test_result_comes_back_in_the_ui_thread(qtbot: QtBot) -> None:
    results: list[object] = []
    seen: list[tuple[int, object, str]] = []
    threads: list[str] = []
    handle = run_task(
        _count,
        5,
        on_done=lambda r: (results.append(r), threads.append(threading.current_thread().name)),
        on_progress=lambda d, t, s: seen.append((d, t, s)),
    )
    qtbot.waitUntil(lambda: not handle.running, timeout=5000)  # connected before start: no race
    qtbot.waitUntil(lambda: bool(results))
    count, worker = results[0]  # type: ignore[misc]
    assert count == 5
    assert worker != threading.main_thread().name
    assert threads == [threading.main_thread().name]
    assert seen[-1] == (5, 5, "step 5")  # the last step always arrives, throttled or not
    assert not handle.running


def test_refused_input_goes_to_on_error(qtbot: QtBot) -> None:
    def refuse(*, progress: ProgressFn, cancel: CancelToken) -> None:
        raise InputRefused("nope")

    errors: list[BaseException] = []
    handle = run_task(refuse, on_error=errors.append)
    qtbot.waitUntil(lambda: not handle.running, timeout=5000)  # connected before start: no race
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], InputRefused)


def test_a_bug_is_logged_with_its_traceback(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    def bug(*, progress: ProgressFn, cancel: CancelToken) -> None:
        raise ZeroDivisionError("boom")

    errors: list[BaseException] = []
    handle = run_task(bug, on_error=errors.append)
    qtbot.waitUntil(lambda: not handle.running, timeout=5000)  # connected before start: no race
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ZeroDivisionError)
    assert any(r.exc_info and "internal error in task" in r.getMessage() for r in caplog.records)


def test_cancel_stops_the_work(qtbot: QtBot) -> None:
    started = threading.Event()

    def slow(*, progress: ProgressFn, cancel: CancelToken) -> str:
        started.set()
        for _ in range(500):
            check(cancel)
            time.sleep(0.01)
        return "finished"

    done: list[object] = []
    cancelled: list[bool] = []
    handle = run_task(slow, on_done=done.append, on_cancelled=lambda: cancelled.append(True))
    assert started.wait(5)
    handle.cancel()
    qtbot.waitUntil(lambda: not handle.running, timeout=5000)  # connected before start: no race
    qtbot.waitUntil(lambda: bool(cancelled))
    assert done == []


def test_progress_dialog_cancel_button_cancels(qtbot: QtBot) -> None:
    started = threading.Event()

    def slow(*, progress: ProgressFn, cancel: CancelToken) -> None:
        started.set()
        for i in range(500):
            check(cancel)
            report(progress, i, 500, "working")
            time.sleep(0.01)

    cancelled: list[bool] = []
    dialog = ProgressDialog.run(None, "Working", slow, on_cancelled=lambda: cancelled.append(True))
    assert started.wait(5)
    button = dialog.findChild(QPushButton)
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(cancelled), timeout=3000)


def test_progress_dialog_takes_totals_beyond_an_int(qtbot: QtBot) -> None:
    dialog = ProgressDialog(None, "Working")
    qtbot.addWidget(dialog)
    dialog.show_progress(3 * 2**31, 4 * 2**31, "bytes")  # a 8 GiB log, three quarters read
    assert dialog.maximum() == 1000
    assert dialog.value() == 750
    dialog.show_progress(5, None, "")
    assert dialog.maximum() == 0  # busy indicator when the total is unknown


def test_progress_beyond_an_int_reaches_the_ui(qtbot: QtBot) -> None:
    def big(*, progress: ProgressFn, cancel: CancelToken) -> None:
        report(progress, 3 * 2**31, 4 * 2**31, "bytes")

    seen: list[tuple[int, object, str]] = []
    handle = run_task(big, on_progress=lambda d, t, s: seen.append((d, t, s)))
    qtbot.waitUntil(lambda: not handle.running, timeout=5000)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[-1] == (3 * 2**31, 4 * 2**31, "bytes")


def test_no_full_collection_while_bulk_tasks_run_then_what_lives_is_frozen(qtbot: QtBot) -> None:
    import gc

    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    release = [threading.Event(), threading.Event()]
    seen: list[tuple[int, int, int]] = []

    def work(n: int) -> int:
        seen.append(gc.get_threshold())
        release[n].wait(5)
        return n

    ended: list[int] = []
    first = run_task(work, 0, pass_progress=False, bulk=True, on_ended=lambda: ended.append(0))
    second = run_task(work, 1, pass_progress=False, bulk=True, on_ended=lambda: ended.append(1))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert seen[0][2] > 10**6 and seen[0][:2] == before[:2]  # full collections held back
    release[0].set()
    qtbot.waitUntil(lambda: ended == [0] and not first.running, timeout=5000)
    assert gc.get_threshold()[2] > 10**6  # the other bulk task still runs
    release[1].set()
    qtbot.waitUntil(lambda: ended == [0, 1] and not second.running, timeout=5000)
    qtbot.waitUntil(lambda: gc.get_threshold() == before, timeout=5000)
    assert gc.get_freeze_count() > frozen  # what lives now is frozen
    # a task that is not bulk leaves the collector alone
    plain = run_task(work, 0, pass_progress=False)
    qtbot.waitUntil(lambda: not plain.running, timeout=5000)
    assert gc.get_threshold() == before
    gc.unfreeze()
