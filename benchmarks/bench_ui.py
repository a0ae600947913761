"""Desktop-app benchmarks (issue "the expert's desktop app"); printed, never timed tests.

    .venv/bin/python benchmarks/bench_ui.py csv                    # the large sample
    .venv/bin/python benchmarks/bench_ui.py csv --package FILE     # any package

``csv`` — the CSV view over the record-offset index on the package's biggest usage log:

1. the package is imported once into ``benchmarks/.cache/ui-home`` (``case import``: validation,
   extraction and the evidence indexes); the import time and the index build time (from the
   index's own record) are printed side by side;
2. then, in a fresh process (so that its memory is the view's alone): a ``CsvViewer`` on that
   log, the time to its first rows painted, the time to jump to the last data record (scroll,
   select, paint), and the resident memory the view added.

Goals: first rows and the jump under 0.5 s each, under 200 MB added.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _rss_mib() -> float:
    with Path("/proc/self/status").open(encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def import_once(package: Path) -> tuple[Path, str]:
    """Import ``package`` into the benchmark home (once); its case folder and biggest log."""
    from inspector_app import services
    from inspector_app.evidence import index_dir_for
    from inspector_app.home import Home

    home = Home(CACHE / f"ui-home-{package.stem}")
    marker = home.root / "import.json"
    if not marker.is_file():
        home.root.mkdir(parents=True, exist_ok=True)
        print(f"importing {package.name} (once)…", flush=True)
        start = time.perf_counter()
        summary = services.import_case(home, package)
        seconds = time.perf_counter() - start
        folder = Path(str(summary.folder))
        meta = json.loads((index_dir_for(folder) / "index.json").read_text(encoding="utf-8"))
        marker.write_text(
            json.dumps(
                {
                    "folder": str(folder),
                    "import_seconds": round(seconds, 2),
                    "index_seconds": meta.get("seconds"),
                    "rows": meta.get("rows"),
                }
            ),
            encoding="utf-8",
        )
    info = json.loads(marker.read_text(encoding="utf-8"))
    folder = Path(info["folder"])
    print(
        f"import (validate + extract + index): {info['import_seconds']:.1f} s, of which the "
        f"evidence index build: {float(info['index_seconds']):.1f} s "
        f"({int(info['rows']):,} CSV records indexed)"
    )
    sidecar = json.loads((folder / ".inspector-case.json").read_text(encoding="utf-8"))
    logs = sorted(sidecar.get("usage", {}).values(), key=lambda u: int(u["rows"]))
    if not logs:
        raise SystemExit("the package has no usage log")
    return folder, str(logs[-1]["path"])


def csv_view(folder: Path, path: str) -> None:
    """Runs in its own process: time the CSV view on ``path`` of the case in ``folder``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from inspector_app.evidence import CaseIndex
    from ui.viewers.table import CsvViewer

    viewer = CsvViewer()
    viewer.resize(1200, 800)
    viewer.grab()  # the widget's own first paint, before the data
    app.processEvents()
    before = _rss_mib()
    start = time.perf_counter()
    index = CaseIndex.open(folder).records.get(path)
    assert index is not None, path
    viewer.set_index(index)
    viewer.grab()  # paints the first rows
    first = time.perf_counter() - start
    shown = viewer.model.index(0, 0).data()
    start = time.perf_counter()
    viewer.jump_to(index.rows)
    viewer.grab()
    jump = time.perf_counter() - start
    last = viewer.model.index(index.rows - 1, 0).data()
    after = _rss_mib()
    print(
        f"CSV view on {path}: {index.rows:,} data records, {index.data_file.stat().st_size / 2**20:,.0f} MiB"
    )
    print(f"  first rows painted: {first * 1000:.0f} ms (record 1 starts {shown!r})")
    print(
        f"  jump to the last record: {jump * 1000:.0f} ms (record {index.rows:,} starts {last!r})"
    )
    print(
        f"  memory added by the view: {after - before:.1f} MiB (RSS {before:.0f} → {after:.0f} MiB)"
    )
    ok = first < 0.5 and jump < 0.5 and after - before < 200
    print("  goals (< 0.5 s, < 0.5 s, < 200 MB): " + ("met" if ok else "NOT met"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("csv", help="the CSV view on the biggest usage log")
    p.add_argument("--package", type=Path, help="a package (default: the large sample)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--view", nargs=2, metavar=("FOLDER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.view:
        csv_view(Path(args.view[0]), args.view[1])
        return
    if args.package is None:
        from bench_validate import large_sample

        package = large_sample(args.seed)
    else:
        package = args.package
    folder, path = import_once(package)
    subprocess.run(
        [sys.executable, __file__, "csv", "--view", str(folder), path],
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


if __name__ == "__main__":
    main()
