"""Start-up of the frozen desktop app (issue "desktop builds"); printed, never a timed test.

    scripts/build                                  # dist/Inspector (once)
    .venv/bin/python benchmarks/bench_startup.py   # builds the baseline once, then measures

The frozen app (``dist/Inspector/Inspector``, an expert's home with one imported sample case,
so the main window opens on the case list) beside a **minimal PySide6 window frozen the same
way** (``packaging/baseline.spec``: one folder, windowed, the same trimming; built into
``dist-bench/Minimal`` when missing), alternately, in the same run: the time from starting the
process to its main window being **mapped** on an X server (a private ``Xvfb``; the benchmark
waits for the ``MapNotify`` event of a top-level window through Xlib, no polling). Also the
one-folder build's size.

Goals: ratio ≤ 1.5; the folder under 250 MB.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19


class XMapEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("event", ctypes.c_ulong),
        ("window", ctypes.c_ulong),
        ("override_redirect", ctypes.c_int),
    ]


class XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("xmap", XMapEvent), ("pad", ctypes.c_long * 24)]


class XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("pad", ctypes.c_char * 256),
    ]


class Display:
    """A private Xvfb and an Xlib connection watching the root window for mapped windows."""

    def __init__(self) -> None:
        if not shutil.which("Xvfb"):
            raise SystemExit("bench_startup: Xvfb is needed (tools/setup.sh installs it)")
        self.number = 90 + os.getpid() % 100
        self.server = subprocess.Popen(
            ["Xvfb", f":{self.number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.name = f":{self.number}"
        lib = ctypes.util.find_library("X11")
        if lib is None:
            raise SystemExit("bench_startup: libX11 not found")
        self.x = ctypes.CDLL(lib)
        self.x.XOpenDisplay.restype = ctypes.c_void_p
        self.x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        self.x.XPending.argtypes = [ctypes.c_void_p]
        self.x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(XEvent)]
        self.x.XConnectionNumber.argtypes = [ctypes.c_void_p]
        self.x.XFlush.argtypes = [ctypes.c_void_p]
        self.x.XGetWindowAttributes.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(XWindowAttributes),
        ]
        deadline = time.monotonic() + 10
        self.dpy: int | None = None
        while time.monotonic() < deadline and not self.dpy:
            time.sleep(0.1)
            self.dpy = self.x.XOpenDisplay(self.name.encode())
        if not self.dpy:
            raise SystemExit("bench_startup: Xvfb did not start")
        root = self.x.XDefaultRootWindow(self.dpy)
        self.x.XSelectInput(self.dpy, root, SUBSTRUCTURE_NOTIFY_MASK)
        self.x.XFlush(self.dpy)
        self.fd = self.x.XConnectionNumber(self.dpy)

    def drain(self) -> None:
        event = XEvent()
        while self.x.XPending(self.dpy):
            self.x.XNextEvent(self.dpy, ctypes.byref(event))

    def wait_for_main_window(self, timeout: float, min_width: int = 600) -> float | None:
        """Block until a top-level window at least ``min_width`` wide is mapped; its time."""
        event = XEvent()
        deadline = time.monotonic() + timeout
        while True:
            while self.x.XPending(self.dpy):
                self.x.XNextEvent(self.dpy, ctypes.byref(event))
                if event.type == MAP_NOTIFY:
                    when = time.perf_counter()
                    attrs = XWindowAttributes()
                    self.x.XGetWindowAttributes(self.dpy, event.xmap.window, ctypes.byref(attrs))
                    if attrs.width >= min_width:
                        return when
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            select.select([self.fd], [], [], min(left, 0.5))

    def close(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=10)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build_baseline(dist: Path) -> Path:
    exe = dist / "Minimal" / "Minimal"
    if not exe.exists():
        print("[bench] building the frozen baseline (packaging/baseline.spec)…", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "PyInstaller",
                "--noconfirm",
                "--log-level",
                "WARN",
                "--distpath",
                str(dist),
                "--workpath",
                str(ROOT / "build" / "bench"),
                str(ROOT / "packaging" / "baseline.spec"),
            ],
            check=True,
        )
    return exe


def prepare_home(app_dir: Path, home: Path) -> None:
    """An expert identity and one imported sample case (the frozen CLI imports it)."""
    from inspector_app import identity
    from inspector_app.home import Home

    identity.init_identity(
        Home(home),
        name="李明",
        role="expert",
        passphrase="bench-passphrase",
        _kdf=identity.TEST_KDF,
    )
    package = home.parent / "usage_burst.case.zip"
    cli = app_dir / "inspector-app"
    for argv in (
        ["sample", "--scenario", "usage_burst", "--out", str(package)],
        ["case", "import", str(package)],
    ):
        subprocess.run(
            [str(cli), *argv, "--home", str(home)], check=True, capture_output=True, timeout=600
        )


def time_start(display: Display, argv: list[str], env: dict[str, str]) -> float:
    display.drain()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        shown = display.wait_for_main_window(timeout=120)
    finally:
        proc.terminate()
        try:
            _out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    if shown is None:
        raise SystemExit(f"bench_startup: no window from {argv[0]}\n{err.decode()[-2000:]}")
    return shown - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "Inspector")
    parser.add_argument("--baseline-dist", type=Path, default=ROOT / "dist-bench")
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    app_dir: Path = args.dist.resolve()
    app = app_dir / "Inspector"
    if not app.exists():
        raise SystemExit(f"bench_startup: {app} missing; run scripts/build first")
    baseline = build_baseline(args.baseline_dist.resolve())

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="inspector-bench-") as tmp:
        home = Path(tmp) / "home"
        prepare_home(app_dir, home)
        display = Display()
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("INSPECTOR_", "QT_"))}
            env.update(DISPLAY=display.name, QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=tmp)
            times: dict[str, list[float]] = {"app": [], "baseline": []}
            # one warm-up each (the page cache), then alternate
            time_start(display, [str(app), "--home", str(home)], env)
            time_start(display, [str(baseline)], env)
            for _ in range(args.rounds):
                times["app"].append(time_start(display, [str(app), "--home", str(home)], env))
                times["baseline"].append(time_start(display, [str(baseline)], env))
        finally:
            display.close()

    app_s = statistics.median(times["app"])
    base_s = statistics.median(times["baseline"])
    ratio = app_s / base_s
    size = folder_size(app_dir)
    base_size = folder_size(baseline.parent)
    print(
        f"start to a shown main window, median of {args.rounds} (warm);"
        f" load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after:"
    )
    print(
        f"  Inspector (case list)     {app_s * 1000:7.0f} ms  {[round(t * 1000) for t in times['app']]}"
    )
    print(
        f"  minimal PySide6 window    {base_s * 1000:7.0f} ms  {[round(t * 1000) for t in times['baseline']]}"
    )
    print(f"  ratio {ratio:.2f} (goal ≤ 1.5: {'met' if ratio <= 1.5 else 'NOT met'})")
    print(
        f"one-folder size: {size / 1e6:.1f} MB (goal < 250 MB: {'met' if size < 250e6 else 'NOT met'});"
        f" the minimal window's folder {base_size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
