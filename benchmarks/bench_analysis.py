"""Benchmark: the usage-log pass of ``analyze`` against a minimal polars baseline; photos/s.

One command::

    .venv/bin/python benchmarks/bench_analysis.py                 # the large sample (10 M rows)
    .venv/bin/python benchmarks/bench_analysis.py --package FILE  # any valid package
    .venv/bin/python benchmarks/bench_analysis.py --rows 1000000 --no-photos  # quick, synthetic
    .venv/bin/python benchmarks/bench_analysis.py --rows 5000000 --shape few-actions --no-photos

The large sample is built once with ``inspector-app sample --scenario clean --size large`` and
cached in ``benchmarks/.cache/`` (shared with ``bench_validate.py``).

Measured, each side in its own process (peak memory is that process's ``ru_maxrss``):

* **ours** — the package is opened with ``open_package`` (validation, not timed), then the
  timed part: the single streaming pass over the largest usage log, read from the package
  (statistics and the state of every usage rule), and the four usage rules;
* **polars** — reads the same entry out of the ZIP, parses the timestamps and computes daily
  event counts and distinct users per day (a minimal baseline that does much less);
* **photos** — EXIF and pHash of every image of the package (``run_image_pass``), photos/s.

Prints the wall times, the ratio ours / polars (goal ≤ 1.5) and the peak RSS (goal ≤ 1 GB).
polars is not a dependency of the app: install it into the venv for the benchmark
(``pip install polars``); without it the baseline is skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"

OURS = r"""
import json, resource, sys, time
from inspector_app.casepkg import open_package
from inspector_app.analysis.context import Context
from inspector_app.analysis.engine import run_image_pass, run_usage_pass
from inspector_app.analysis.settings import layer
from inspector_app.analysis import usage

path, tmp, photos = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
t0 = time.perf_counter()
with open_package(path, tmp_dir=tmp) as pkg:
    opened = time.perf_counter() - t0
    sizes = {f.path: f.size for f in pkg.manifest.files}
    system = max(pkg.usage_logs, key=lambda s: sizes.get(pkg.usage_logs[s], 0))
    keep = [s for s in pkg.systems if s.system_id == system]
    pkg.systems = tuple(keep)
    settings = layer(pkg.rules)
    t1 = time.perf_counter()
    c1 = time.process_time()
    logs = run_usage_pass(pkg, settings)
    ctx = Context(pkg, settings, logs)
    flags = usage.check(ctx)
    stats = logs[system].stats_json()
    t2 = time.perf_counter()
    out = {"opened_s": opened, "pass_s": t2 - t1, "cpu_s": time.process_time() - c1,
           "system": system,
           "entry": pkg.usage_logs[system], "events": stats["events"],
           "days": len(stats["daily"]), "flags": [f.id for f in flags]}
    if photos:
        images = [d for d in pkg.documents if d.is_image]
        t3 = time.perf_counter()
        run_image_pass(pkg)
        out["photos"] = len(images)
        out["photos_s"] = time.perf_counter() - t3
out["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

POLARS = r"""
import gzip, io, json, resource, sys, time, zipfile
import polars as pl

path, entry = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
c0 = time.process_time()
with zipfile.ZipFile(path) as zf:
    data = zf.read(entry)
if entry.endswith(".gz"):
    data = gzip.decompress(data)
df = pl.read_csv(io.BytesIO(data), columns=["timestamp", "user_id"], schema_overrides={"timestamp": pl.String, "user_id": pl.String})
del data
daily = (
    df.lazy()
    .with_columns(
        pl.col("timestamp").str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False)
        .dt.convert_time_zone("Asia/Shanghai").dt.date().alias("day")
    )
    .group_by("day")
    .agg(pl.len().alias("events"), pl.col("user_id").n_unique().alias("users"))
    .sort("day")
    .collect()
)
t1 = time.perf_counter()
print(json.dumps({"pass_s": t1 - t0, "cpu_s": time.process_time() - c0, "events": int(daily["events"].sum()), "days": daily.height,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


#: usage-log shapes unlike the project's own samples (issue 16): the fast path must not depend
#: on the samples' shape. (users, actions, object width, share of scripted repeated runs)
SHAPES: dict[str, tuple[int, tuple[str, ...], int, float]] = {
    "few-actions": (400, ("login", "view"), 8, 0.0),
    "many-users": (50_000, ("login", "view", "create", "update", "logout"), 8, 0.0),
    "repeated-runs": (400, ("login", "view", "create", "update", "logout"), 8, 0.8),
    "wide-objects": (400, ("view", "update"), 120, 0.0),
}


def shaped(rows: int, shape: str) -> Path:
    """A valid package whose one usage log of ``rows`` rows has the shape ``shape``."""
    import hashlib
    import random
    import shutil
    import tempfile
    import time as _time
    import zipfile

    target = CACHE / f"shape-{shape}-{rows}.case.zip"
    if target.is_file():
        return target
    users, actions, width, scripted = SHAPES[shape]
    sys.path.insert(0, str(ROOT))
    from tests.unit.casepkg.builders import base_files, manifest_for

    CACHE.mkdir(parents=True, exist_ok=True)
    rng = random.Random(0)
    work = Path(tempfile.mkdtemp(dir=CACHE))
    try:
        files = base_files()
        log = work / "usage.csv"
        t = 1_719_795_600
        run = [rng.choice(actions) for _ in range(6)]  # the scripted sequence, replayed
        with log.open("w", encoding="utf-8", newline="\n") as f:
            f.write("timestamp,user_id,action,object\n")
            i = 0
            while i < rows:
                user = f"u{rng.randrange(users):05d}"
                burst = run if rng.random() < scripted else [rng.choice(actions)]
                for action in burst[: rows - i]:
                    t += rng.randint(0, 3)
                    lt = _time.gmtime(t + 28800)
                    obj = f"WO-{rng.randrange(99999):05d}".ljust(width, "x")
                    f.write(
                        f"{lt.tm_year:04d}-{lt.tm_mon:02d}-{lt.tm_mday:02d}T{lt.tm_hour:02d}:"
                        f"{lt.tm_min:02d}:{lt.tm_sec:02d}+08:00,{user},{action},{obj}\n"
                    )
                    i += 1
        listing = {n: d for n, d in files.items() if n != "logs/mes/usage.csv"}
        manifest = manifest_for(listing)
        h = hashlib.sha256()
        with log.open("rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
        manifest["files"].append(
            {"path": "logs/mes/usage.csv", "sha256": h.hexdigest(), "size": log.stat().st_size}
        )
        tmp = work / "out.zip"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
            for name, data in listing.items():
                zf.writestr(name, data)
            zf.write(log, "logs/mes/usage.csv")
        tmp.replace(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def run(code: str, *args: str, cwd: Path | None = None) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "INSPECTOR_HOME": str(CACHE / "home")},
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{proc.stderr[-3000:]}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def compare(package: Path, tmp: Path, before: Path, pairs: int) -> int:
    """Alternate the two versions' usage pass under the same load; CPU times are the figure."""
    cpu: dict[str, list[float]] = {"before": [], "after": []}
    wall: dict[str, list[float]] = {"before": [], "after": []}
    for i in range(pairs):
        for label, cwd in (("before", before), ("after", None)):
            out = run(OURS, str(package.resolve()), str(tmp), "0", cwd=cwd)
            cpu[label].append(float(out["cpu_s"]))  # type: ignore[arg-type]
            wall[label].append(float(out["pass_s"]))  # type: ignore[arg-type]
            load = os.getloadavg()[0]
            print(
                f"pair {i + 1} {label:6}: {wall[label][-1]:6.2f} s wall, "
                f"{cpu[label][-1]:6.2f} s CPU (load {load:.1f})",
                flush=True,
            )
    mean = {k: sum(v) / len(v) for k, v in cpu.items()}
    change = (mean["after"] / mean["before"] - 1) * 100
    verdict = "within 10 % or better" if change <= 10 else "MORE than 10 % slower"
    print(
        f"CPU mean: before {mean['before']:.2f} s, after {mean['after']:.2f} s: "
        f"{change:+.1f} % ({verdict})"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="a valid case package (default: large)")
    parser.add_argument(
        "--rows", type=int, help="synthetic package with this many usage rows (bench_validate's)"
    )
    parser.add_argument(
        "--code",
        type=Path,
        help="time the inspector_app of this folder instead (e.g. `git archive` of an older "
        "commit), to compare versions under the same load",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="alternate the usage pass of DIR's inspector_app (before) and this checkout's "
        "(after), --pairs times, and print the CPU times and their change (no polars, no photos)",
    )
    parser.add_argument("--pairs", type=int, default=3, help="with --compare (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        help="with --rows: a usage log of another shape than the samples' (few actions, many "
        "users, scripted repeated runs, wide objects)",
    )
    parser.add_argument("--no-photos", action="store_true", help="skip the photo timing")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    args = parser.parse_args()
    # the same cached packages as bench_validate.py
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_validate import large_sample, synthetic

    if args.package:
        package = args.package
    elif args.rows and args.shape:
        package = shaped(args.rows, args.shape)
    elif args.rows:
        package = synthetic(args.rows, 200)
    else:
        package = large_sample(args.seed)
    tmp = CACHE / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    size = package.stat().st_size / 2**20
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"package {package} ({size:,.0f} MiB); load average {load}", flush=True)

    if args.compare:
        return compare(package, tmp, args.compare, args.pairs)

    ours = run(
        OURS, str(package.resolve()), str(tmp), "0" if args.no_photos else "1", cwd=args.code
    )
    events = int(ours["events"])  # type: ignore[call-overload]
    pass_s = float(ours["pass_s"])  # type: ignore[arg-type]
    print(
        f"ours:   {pass_s:8.2f} s  ({float(ours['cpu_s']):.2f} s CPU, all threads) "  # type: ignore[arg-type]
        f"usage pass over {ours['entry']} "
        f"({events:,} events, {ours['days']} days; {events / pass_s:,.0f} events/s), "
        f"peak RSS {float(ours['rss_mib']):,.0f} MiB "  # type: ignore[arg-type]
        f"(opening and validating the package first took {float(ours['opened_s']):.1f} s, "  # type: ignore[arg-type]
        "not timed)"
    )
    print(f"        flags from the usage rules: {ours['flags'] or 'none'}")
    summary: dict[str, object] = {"ours": ours}
    try:
        import polars  # noqa: F401
    except ImportError:
        print("polars: skipped — polars is not installed (pip install polars; benchmark only)")
    else:
        base = run(POLARS, str(package), str(ours["entry"]))
        base_s = float(base["pass_s"])  # type: ignore[arg-type]
        ratio = pass_s / base_s
        print(
            f"polars: {base_s:8.2f} s  ({float(base['cpu_s']):.2f} s CPU, all threads) "  # type: ignore[arg-type]
            "read + daily events and distinct users "
            f"({int(base['events']):,} events, {base['days']} days), "  # type: ignore[call-overload]
            f"peak RSS {float(base['rss_mib']):,.0f} MiB"  # type: ignore[arg-type]
        )
        goal = "meets" if ratio <= 1.5 else "misses"
        cpu_ratio = float(ours["cpu_s"]) / float(base["cpu_s"])  # type: ignore[arg-type]
        print(f"ratio ours / polars: {ratio:.2f} ({goal} the goal ≤ 1.5); CPU time {cpu_ratio:.2f}")
        summary["cpu_ratio"] = cpu_ratio
        summary["polars"] = base
        summary["ratio"] = ratio
    rss = float(ours["rss_mib"])  # type: ignore[arg-type]
    print(f"peak RSS ours: {rss:,.0f} MiB ({'meets' if rss <= 1024 else 'misses'} the goal ≤ 1 GB)")
    if "photos" in ours:
        n = int(ours["photos"])  # type: ignore[call-overload]
        seconds = float(ours["photos_s"])  # type: ignore[arg-type]
        rate = n / seconds if seconds else 0.0
        print(f"photos: {n:,} images in {seconds:.1f} s = {rate:,.1f} photos/s (EXIF + pHash)")
        summary["photos_per_s"] = rate
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end: {load} (other jobs inflate wall times; CPU times less so)")
    if args.json:
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
