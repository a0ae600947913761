"""Benchmark: the agency console's event loop while its inbox imports N bundles (issue 14).

The console must never block its event loop for more than 200 ms while importing 200 bundles.
This drives the real :class:`ui.agency.window.AgencyWindow` (offscreen): the inbox imports the
bundles off the UI thread (:mod:`ui.tasks`), reports progress, fills its result table, then
the batch status is reloaded. A 5 ms ``QTimer`` records the gap between its consecutive
timeouts; the longest gap is how long the event loop was blocked (plus the timer's period).

Usage::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_console.py            # 200 bundles
    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_console.py --count 20

The bundles are made as in ``bench_bundles.py`` (not timed): ``--findings`` signed findings
and ``--photos`` photo-like JPEG attachments each, from ``--experts`` expert devices.
``BENCH_CONSOLE_DUMP=FILE`` writes every thread's stack to FILE whenever the event loop stalls
for more than 200 ms (``faulthandler``), to find what blocked it.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LIMIT_MS = 200.0
TICK_MS = 5


def _bench_bundles():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "bench_bundles", ROOT / "benchmarks" / "bench_bundles.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--experts", type=int, default=4)
    parser.add_argument("--findings", type=int, default=60)
    parser.add_argument("--photos", type=int, default=1)
    parser.add_argument("--base-photos", type=int, default=2)
    parser.add_argument("--photo-size", type=int, default=2_000_000)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-console-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    bb = _bench_bundles()
    template, paths, made_s = bb.make_bundles(args, work)
    print(f"made {len(paths)} bundles in {made_s:.1f} s (not timed)")
    home_root = work / "agency"
    shutil.copytree(template.root, home_root)

    from PySide6.QtCore import QEventLoop, QTimer

    from inspector_app import identity
    from inspector_app.home import Home
    from ui.agency.window import AgencyWindow
    from ui.app import create_app
    from ui.tasks import wait_all

    app = create_app(language="zh_CN")
    home = Home(home_root)
    window = AgencyWindow(home)
    window.signer_keeper.signer = identity.unlock(home, bb.PASSPHRASE)
    window.show()
    window.show_page("inbox")
    inbox = window.pages["inbox"]
    wait_all()
    app.processEvents()

    gaps: list[float] = []
    last = [time.perf_counter()]

    dump = os.environ.get("BENCH_CONSOLE_DUMP")
    if dump:
        import faulthandler

        dump_file = Path(dump).open("w")  # noqa: SIM115

    def tick() -> None:
        if dump:
            faulthandler.cancel_dump_traceback_later()
            faulthandler.dump_traceback_later(0.2, file=dump_file)
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    loop = QEventLoop()
    ticker = QTimer()
    ticker.setInterval(TICK_MS)
    ticker.timeout.connect(tick)
    started = [False]

    def check_done() -> None:
        if started[0] and not inbox.busy() and not window.context._loading:
            loop.quit()

    watcher = QTimer()
    watcher.setInterval(50)
    watcher.timeout.connect(check_done)

    def start() -> None:
        last[0] = time.perf_counter()
        inbox.add_files(list(paths))
        started[0] = True

    t0 = time.perf_counter()
    ticker.start()
    watcher.start()
    QTimer.singleShot(0, start)
    loop.exec()
    wall = time.perf_counter() - t0
    ticker.stop()
    watcher.stop()
    wait_all()
    outcomes = [inbox.model.records[i] for i in inbox.model.ids]
    merged = sum(o.status == "merged" for o in outcomes)
    longest = max(gaps) if gaps else 0.0
    p99 = statistics.quantiles(gaps, n=100)[98] if len(gaps) >= 100 else longest
    over = sum(g > LIMIT_MS for g in gaps)
    print(f"imported {len(paths)} bundles ({merged} merged) in {wall:.1f} s wall")
    print(
        f"event loop: {len(gaps)} ticks of {TICK_MS} ms; longest gap {longest:.0f} ms, "
        f"99th percentile {p99:.0f} ms, gaps over {LIMIT_MS:.0f} ms: {over}"
    )
    big = [(round(sum(gaps[:i]) / 1000, 2), round(g)) for i, g in enumerate(gaps) if g > 50]
    print(f"gaps over 50 ms (at s, ms): {big[:20]}")
    print("PASS" if longest <= LIMIT_MS else f"FAIL: the event loop was blocked {longest:.0f} ms")
    window.close()
    app.processEvents()
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if merged == len(paths) else 1


if __name__ == "__main__":
    raise SystemExit(main())
