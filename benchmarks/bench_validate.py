"""Benchmark: ``inspector-app validate`` against ``unzip -p PACKAGE | sha256sum`` on one package.

One command::

    .venv/bin/python benchmarks/bench_validate.py            # the large sample (~2 GB, 10 M rows)
    .venv/bin/python benchmarks/bench_validate.py --rows 1000000 --photos-mb 200   # quick, synthetic
    .venv/bin/python benchmarks/bench_validate.py --many-entries 100000   # 100,000 tiny entries

The large sample is built once with ``inspector-app sample --scenario clean --size large`` and
cached in ``benchmarks/.cache/``. Each measured command runs in its own process; peak memory is
that process's ``ru_maxrss``. The file is read once beforehand so that every pass starts with
the same (warm) page cache. Printed: wall times, the ratio of the full validation (every entry
hashed, every JSON field and every CSV row — all usage rows — checked and typed) to the
baseline, the ratio of the integrity pass alone (container, manifest, hashes), and peak RSS.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
APP = [sys.executable, "-m", "inspector_app"]


def measure(argv: list[str], *, shell: bool = False) -> tuple[float, int, int, str]:
    """Wall seconds, exit code, peak RSS (MiB) and stdout of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv if not shell else ["bash", "-c", argv[0]],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "INSPECTOR_HOME": str(CACHE / "home")},
    )
    assert proc.stdout is not None
    out = proc.stdout.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, proc.returncode, usage.ru_maxrss // 1024, out


def large_sample(seed: int) -> Path:
    target = CACHE / f"large-clean-{seed}.case.zip"
    if target.is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = CACHE / f".building-{os.getpid()}.case.zip"
    print(f"building the large sample (once) → {target}", flush=True)
    start = time.perf_counter()
    subprocess.run(
        [
            *APP,
            "sample",
            "--scenario",
            "clean",
            "--size",
            "large",
            "--seed",
            str(seed),
            "--out",
            str(tmp),
        ],
        check=True,
        env={**os.environ, "INSPECTOR_HOME": str(CACHE / "home")},
    )
    tmp.replace(target)
    print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)
    return target


def synthetic(rows: int, photos_mb: int) -> Path:
    """A valid package with a ``rows``-row usage log and ``photos_mb`` MiB of incompressible
    photos, built from the test builders' minimal package (for quick iterations)."""
    target = CACHE / f"synthetic-{rows}-{photos_mb}.case.zip"
    if target.is_file():
        return target
    sys.path.insert(0, str(ROOT))
    from tests.unit.casepkg.builders import base_files, manifest_for

    CACHE.mkdir(parents=True, exist_ok=True)
    rng = random.Random(0)
    work = Path(tempfile.mkdtemp(dir=CACHE))
    try:
        files = base_files()
        log = work / "usage.csv"
        actions = ["login", "view", "create", "update", "approve", "export", "logout", "view"]
        t = 1_719_795_600
        with log.open("w", encoding="utf-8", newline="\n") as f:
            f.write("timestamp,user_id,action,object\n")
            for i in range(rows):
                t += rng.randint(0, 5)
                lt = time.gmtime(t + 28800)
                f.write(
                    f"{lt.tm_year:04d}-{lt.tm_mon:02d}-{lt.tm_mday:02d}T{lt.tm_hour:02d}:{lt.tm_min:02d}:{lt.tm_sec:02d}+08:00,"
                    f"u{rng.randint(1, 400):03d},{actions[i % 8]},WO-{rng.randint(1, 99999)}\n"
                )
        photos = []
        for i in range(photos_mb):
            p = work / f"p{i}.jpg"
            p.write_bytes(b"\xff\xd8\xff\xe0" + rng.randbytes(1 << 20))
            photos.append(p)
        listing = {n: d for n, d in files.items() if n != "logs/mes/usage.csv"}
        manifest = manifest_for(listing)
        for name, path in [("logs/mes/usage.csv", log)] + [
            (f"photos/现场/p{i}.jpg", p) for i, p in enumerate(photos)
        ]:
            h = hashlib.sha256()
            with path.open("rb") as f:
                while block := f.read(1 << 20):
                    h.update(block)
            manifest["files"].append(
                {"path": name, "sha256": h.hexdigest(), "size": path.stat().st_size}
            )
        tmp = work / "out.zip"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
            for name, data in listing.items():
                zf.writestr(name, data)
            zf.write(log, "logs/mes/usage.csv")
            for i, p in enumerate(photos):
                zf.write(p, f"photos/现场/p{i}.jpg", compress_type=zipfile.ZIP_STORED)
        tmp.replace(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def many_entries(count: int) -> Path:
    """A valid package of ``count`` entries in all: the minimal package plus tiny documents
    (the hostile shape of issue 16: ~100,000 entries of a few bytes, under the entry limit)."""
    target = CACHE / f"many-{count}.case.zip"
    if target.is_file():
        return target
    sys.path.insert(0, str(ROOT))
    from tests.unit.casepkg.builders import base_files, manifest_for

    CACHE.mkdir(parents=True, exist_ok=True)
    files = base_files()
    for i in range(count - len(files) - 1):
        files[f"docs/附件7_佐证/{i // 1000:03d}/n{i:06d}.txt"] = f"note {i}\n".encode()
    tmp = CACHE / f".building-{os.getpid()}.case.zip"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest_for(files), ensure_ascii=False))
        for name, data in files.items():
            zf.writestr(name, data)
    tmp.replace(target)
    return target


def bench_many_entries(count: int) -> int:
    """``validate`` of a package of ``count`` tiny entries; goal: under 10 s for 100,000."""
    package = many_entries(count)
    wall, code, rss, out = measure([*APP, "validate", str(package), "--json"])
    result = json.loads(out)
    print(f"package: {package} ({package.stat().st_size / 2**20:.1f} MiB, {count} entries)")
    print(f"validate (full)      : {wall:7.2f} s   peak RSS {rss} MiB   valid {result['valid']}")
    goal = 10.0 * count / 100_000
    print(f"goal: under {goal:.1f} s ({'met' if wall < goal and code == 0 else 'NOT met'})")
    return 0 if result["valid"] else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", type=Path, help="benchmark this package instead")
    parser.add_argument("--rows", type=int, help="synthetic package with this many usage rows")
    parser.add_argument("--photos-mb", type=int, default=200, help="synthetic photos (MiB)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--many-entries",
        type=int,
        metavar="N",
        help="instead: a package of N tiny entries (goal: 100,000 validate in under 10 s)",
    )
    args = parser.parse_args()
    if args.many_entries:
        return bench_many_entries(args.many_entries)
    if args.package:
        package = args.package
    elif args.rows:
        package = synthetic(args.rows, args.photos_mb)
    else:
        package = large_sample(args.seed)
    size = package.stat().st_size
    with package.open("rb") as f:  # warm the page cache for every pass alike
        while f.read(16 << 20):
            pass
    with zipfile.ZipFile(package) as zf:
        infos = zf.infolist()
    print(
        f"package: {package} ({size / 2**30:.2f} GiB, {len(infos)} entries, {sum(i.file_size for i in infos) / 2**30:.2f} GiB uncompressed)"
    )

    base_t, code, _base_rss, _out = measure([f"unzip -p '{package}' | sha256sum"], shell=True)
    assert code == 0, "unzip -p | sha256sum failed"
    full_t, code, full_rss, out = measure([*APP, "validate", str(package), "--json"])
    result = json.loads(out)
    if not result["valid"]:
        print(json.dumps(result, ensure_ascii=False, indent=1)[:2000])
        return 1
    hash_t, code, hash_rss, _ = measure(
        [
            sys.executable,
            "-c",
            "import sys; from inspector_app.casepkg import validate_package; "
            "r = validate_package(sys.argv[1], content=False); sys.exit(0 if r.valid else 1)",
            str(package),
        ]
    )
    assert code == 0, "integrity pass failed"
    print(f"unzip -p | sha256sum : {base_t:7.2f} s")
    print(
        f"validate (full)      : {full_t:7.2f} s   ratio {full_t / base_t:.2f}   peak RSS {full_rss} MiB"
    )
    print(
        f"integrity pass only  : {hash_t:7.2f} s   ratio {hash_t / base_t:.2f}   peak RSS {hash_rss} MiB"
    )
    print(
        f"goals: full ratio ≤ 1.0 ({'met' if full_t <= base_t else 'NOT met'}), "
        f"peak RSS ≤ 200 MiB ({'met' if full_rss <= 200 else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
