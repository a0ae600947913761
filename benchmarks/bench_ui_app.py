"""Desktop-app shell benchmarks (issue "the expert's desktop app"); printed, never timed tests.
(The CSV view's benchmark is ``bench_ui.py csv``.)

    .venv/bin/python benchmarks/bench_ui_app.py gap [--package FILE]   # default: the large sample
    .venv/bin/python benchmarks/bench_ui_app.py start [--runs N]

``gap`` — a package imported and analysed **through the main window** (what dropping it on the
window does: validation, extraction, evidence indexes and the red-flag analysis run through
``ui.tasks`` while a progress dialog shows), into a fresh home; a 5 ms timer in the UI thread
measures the longest gap of the event loop from the start of the import to the overview shown,
and for 3 s after (the other pages fill as the case opens). Goal: no gap over 200 ms.
``--why``: a watchdog thread samples the UI thread's and the workers' Python stacks whenever
the loop has not ticked for 100 ms, and prints the most frequent ones (who held the UI thread,
or the GIL, during the long gaps).

``start`` — process start to a shown main window with its case list filled (an expert's home
with one imported case), beside a bare PySide6 ``QMainWindow`` started the same way (same
interpreter, offscreen platform, bytecode cached as installed), alternately, in the same run;
medians. Goal: ratio ≤ 2. ``--analysed``: the case's analysis is cached (the list shows its
open red flags).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("bare")); w.resize(1280, 800); w.show()
app.processEvents()
w.grab()
print(time.time(), flush=True)
"""

APP = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from inspector_app.home import Home
from ui.app import create_app
app = create_app()
from ui.mainwindow import MainWindow
from ui import tasks
w = MainWindow(Home(Path({home!r})), defer_pages=True)  # as ui.app.run builds it
w.show()
cases = w.pages["cases"]
while cases.model.rowCount() == 0:
    app.processEvents()
    time.sleep(0.001)
app.processEvents()
w.grab()
print(time.time(), flush=True)
tasks.wait_all()
"""


#: Seconds the event loop is still measured after the overview is filled.
SETTLE = 3.0


def _frames(frame: object, depth: int = 6) -> str:
    stack = traceback.extract_stack(frame)[-depth:]  # type: ignore[arg-type]
    return " > ".join(f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in stack)


def _watch(last: list[float], stop: threading.Event, seen: Counter[str]) -> None:
    """Sample the stacks while the UI thread has not ticked for 100 ms."""
    ui, me = threading.main_thread().ident, threading.get_ident()
    while not stop.wait(0.02):
        if time.perf_counter() - last[0] < 0.1:
            continue
        frames = sys._current_frames()
        lines = [f"UI  {_frames(frames[ui])}" if ui in frames else "UI  ?"]
        lines += [
            f"    worker {_frames(f)}"
            for tid, f in frames.items()
            if tid not in (ui, me) and "_worker" not in _frames(f, 1)
        ]
        seen["\n".join(lines)] += 1


def gap(package: Path, why: bool = False) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer

    from inspector_app.home import Home
    from ui.app import create_app
    from ui.mainwindow import MainWindow

    app = create_app()
    root = CACHE / "ui-gap-home"
    shutil.rmtree(root, ignore_errors=True)
    window = MainWindow(Home(root))
    window.show()
    app.processEvents()
    clock = QElapsedTimer()
    gaps: list[int] = []
    last = [0]

    wall = [time.perf_counter()]
    seen: Counter[str] = Counter()
    stop = threading.Event()

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now
        wall[0] = time.perf_counter()

    if why:
        threading.Thread(target=_watch, args=(wall, stop, seen), daemon=True).start()
    collections: list[tuple[int, float, str]] = []  # generation, ms, thread
    gc_start: dict[int, float] = {}

    def gc_watch(phase: str, info: dict[str, int]) -> None:
        me = threading.get_ident()
        if phase == "start":
            gc_start[me] = time.perf_counter()
        elif me in gc_start:
            ms = (time.perf_counter() - gc_start.pop(me)) * 1000
            collections.append((info["generation"], ms, threading.current_thread().name))

    gc.callbacks.append(gc_watch)

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    start = time.perf_counter()
    window.import_package(package)
    while not (window.session is not None and window.current_page() == "overview"):
        app.processEvents()
        time.sleep(0.001)
        if window.headless_errors or time.perf_counter() - start > 3600:
            raise SystemExit(f"import did not finish: {window.headless_errors}")
    overview = window.pages["overview"]
    while overview.overview is None:
        app.processEvents()
        time.sleep(0.001)
    seconds = time.perf_counter() - start
    # the pages still filling as the case opens (evidence tree, scoring tree, the overview's
    # paint) are part of it: keep the loop running a little, and count the gap in flight
    settle = time.perf_counter() + SETTLE
    while time.perf_counter() < settle:
        app.processEvents()
        time.sleep(0.001)
    gaps.append(clock.elapsed() - last[0])
    timer.stop()
    stop.set()
    gc.callbacks.remove(gc_watch)
    longest = max(gaps) if gaps else 0
    over = sum(1 for g in gaps if g > 200)
    size = package.stat().st_size / 2**20
    print(
        f"import + analysis through the window: {package.name} ({size:,.0f} MiB), {seconds:.1f} s"
    )
    print(
        f"  event loop: {len(gaps):,} ticks of 5 ms, longest gap {longest} ms, "
        f"{over} gaps over 200 ms; 99th percentile "
        f"{statistics.quantiles(gaps, n=100)[-1]:.0f} ms"
    )
    print("  goal (no gap over 200 ms): " + ("met" if longest <= 200 else "NOT met"))
    if os.name == "posix":
        print("  load average at the end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    full = sorted(ms for generation, ms, _thread in collections if generation == 2)
    print(
        f"  garbage collections: {len(collections):,}, {len(full)} full"
        + (f" (longest {full[-1]:.0f} ms, {sum(full):.0f} ms in all)" if full else "")
    )
    for stacks, count in seen.most_common(15):
        print(f"  [{count * 20} ms sampled]\n    " + stacks.replace("\n", "\n    "))
    window.close()


def _timed(code: str) -> float:
    # bytecode is written and used, as by an installed app (pip compiles it, a frozen build
    # carries it): with PYTHONDONTWRITEBYTECODE set, every run would compile the app's modules
    # from source — a cost the bare window, which has none, does not pay
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return float(done.stdout.strip().splitlines()[0]) - start


def start(runs: int, analysed: bool = False) -> None:
    from inspector_app.home import Home
    from inspector_app.services.cases import import_case, list_cases, open_case

    home = Home(CACHE / ("ui-start-home-analysed" if analysed else "ui-start-home")).ensure()
    if not list_cases(home):
        examples = ROOT.parent / "shared" / "examples" / "clean.case.zip"
        import_case(home, examples)
    if analysed:
        for case in list_cases(home):
            open_case(home, case.case_id).analysis()
    app_code = APP.format(root=str(ROOT), home=str(home.root))
    _timed(BARE)  # warm the file cache
    _timed(app_code)
    bare, ours = [], []
    for _ in range(runs):
        bare.append(_timed(BARE))
        ours.append(_timed(app_code))
    b, o = statistics.median(bare), statistics.median(ours)
    what = "an analysed case" if analysed else "one imported case"
    print(f"start to a shown window ({what}), median of {runs} alternate runs (offscreen):")
    print(f"  bare PySide6 window: {b * 1000:.0f} ms")
    print(f"  Inspector main window with its case list: {o * 1000:.0f} ms")
    print(f"  ratio {o / b:.2f} (goal ≤ 2: {'met' if o / b <= 2 else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("gap", help="the event loop's longest gap while importing a package")
    p.add_argument("--package", type=Path, help="a package (default: the large sample)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--why", action="store_true", help="sample the stacks during long gaps")
    p = sub.add_parser("start", help="start to the main window, beside a bare PySide6 window")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--analysed", action="store_true", help="the case's analysis is cached")
    args = parser.parse_args()
    if args.part == "start":
        start(args.runs, args.analysed)
        return
    if args.package is None:
        from bench_validate import large_sample

        package = large_sample(args.seed)
    else:
        package = args.package
    gap(package, args.why)


if __name__ == "__main__":
    main()
