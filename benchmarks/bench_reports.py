"""Benchmark: the full set of report drafts for a 189-enterprise batch.

Prints, measured in the same run:

* **reports** — ``reports.generate`` for every enterprise project of an agency store: 3 PDF +
  3 DOCX each, the 一企一档 XLSX and the batch summary XLSX (what ``inspector-app report --all
  --format pdf,docx,xlsx`` writes), with ``--workers`` processes: total time, time per
  enterprise, mean and largest PDF size, PDF pages;
* **baseline** — reportlab writing the same number of PDF pages of plain text (about 40 lines
  per page) with the same embedded, subset CJK font, in one process (forked before the drafts
  run, so that it loads the font itself);
* the ratio reports / baseline, in wall-clock and in CPU time, each checked against the goal
  (CPU time: the work done, counted in every process, the workers' included; wall-clock: on a
  shared machine it also measures how much CPU the others left, and the baseline lasts only a
  few seconds).

Goals (issue 13): under 3 minutes on 2 cores, within 3 × the baseline, every PDF under 1 MB.

The agency store is built once and cached outside the timed part (``benchmarks/.cache/
reports-<N>/``): *N* sample packages (clean, usage burst and payment reflux in turn, distinct
seeds), imported at the agency; two experts score each enterprise, review its flags and
conclude (pass / improve / disqualify by scenario); their bundles are merged; each package's
analysis is computed into the workspace's analysis cache (derived data the agency already has
once it looked at its cases).

Usage::

    .venv/bin/python benchmarks/bench_reports.py                # 189 enterprises
    .venv/bin/python benchmarks/bench_reports.py --count 6      # a quick run
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inspector_app import identity  # noqa: E402
from inspector_app.cli import run  # noqa: E402
from inspector_app.findings import open_store  # noqa: E402
from inspector_app.home import Home  # noqa: E402
from inspector_app.values import now  # noqa: E402

PASSPHRASE = "benchmark passphrase"
SCENARIOS = ("clean", "usage_burst", "payment_reflux")


def _generate(args: tuple[str, int, Path]) -> Path:
    from inspector_app.samples import generate

    scenario, seed, path = args
    if not path.is_file():
        generate(scenario, path, seed=seed)
    return path


def _analyse(args: tuple[Path, str]) -> int:
    from inspector_app.services.cases import CaseSession

    root, case_id = args
    home = Home(root)
    with open_store(home) as store:
        row = store.case(case_id)
    assert row is not None
    return len(CaseSession(home, row).analysis().flags)


def _answer(item: Any) -> dict[str, Any]:
    if item.level is not None:
        return {"level": int(item.level)}
    answer = item.answer
    return {"answer": list(answer) if isinstance(answer, tuple) else answer}


DEVICES = 10  # laptops per expert: each device signs the findings of count / DEVICES enterprises


def build_store(cache: Path, count: int, workers: int) -> Home:
    """The agency home with ``count`` enterprises (cached; each step resumes what is there)."""
    import json

    from inspector_app.services.cases import CaseSession
    from sync.agency import AgencyStore
    from sync.expert import export_bundle

    agency = Home(cache / "agency")
    if (cache / "ready").is_file():
        return agency
    packages = cache / "packages"
    packages.mkdir(parents=True, exist_ok=True)
    jobs = [
        (SCENARIOS[i % 3], 5000 + i, packages / f"{i:03d}-{SCENARIOS[i % 3]}.case.zip")
        for i in range(count)
    ]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        paths = list(pool.map(_generate, jobs))
    print(f"[prepare] {count} packages in {time.perf_counter() - t0:.0f} s", flush=True)

    t0 = time.perf_counter()
    if not identity.exists(agency):
        agency.ensure()
        identity.init_identity(
            agency,
            name="评估机构",
            role="agency",
            passphrase=PASSPHRASE,
            device="agency-pc",
            _kdf=identity.TEST_KDF,
        )
    with open_store(agency) as store:
        known = {r.package_id: r.case_id for r in store.cases()}
    case_of: dict[Path, str] = {}
    for path in paths:
        with zipfile.ZipFile(path) as zf:
            package_id = json.loads(zf.read("manifest.json"))["package_id"]
        if package_id in known:  # imported by an earlier (interrupted) preparation
            case_of[path] = known[package_id]
            continue
        out, err = io.StringIO(), io.StringIO()
        code = run(["case", "import", str(path), "--home", str(agency.root), "--json"], out, err)
        assert code == 0, err.getvalue()
        case_of[path] = json.loads(out.getvalue())["case_id"]
    print(f"[prepare] imported in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_analyse, [(agency.root, case_of[p]) for p in paths]))
    print(f"[prepare] analysed in {time.perf_counter() - t0:.0f} s", flush=True)

    # two experts, each with DEVICES laptops; device k signs the findings of enterprises
    # k, k + DEVICES, …  (a store of a few hundred findings signs fast)
    t0 = time.perf_counter()
    with open_store(agency) as store:
        rows = {r.case_id: r for r in store.cases()}
    unlocked_agency = identity.unlock(agency, PASSPHRASE)
    agency_card = identity.own_card(agency)
    merger = AgencyStore(agency, unlocked_agency, identity.trusted_lookup(agency))
    for e, person in (("e1", "王丽"), ("e2", "赵强")):
        for k in range(DEVICES):
            home = Home(cache / f"{e}-{k}")
            if home.root.exists():
                shutil.rmtree(home.root)
            home.ensure()
            identity.init_identity(
                home,
                name=person,
                role="expert",
                passphrase=PASSPHRASE,
                device=f"{e}-laptop{k}",
                _kdf=identity.TEST_KDF,
            )
            identity.trust_card(home, agency.identity_dir / "card.json")
            identity.trust_card(agency, home.identity_dir / "card.json")
            me = identity.unlock(home, PASSPHRASE)
            mine = paths[k::DEVICES]
            with open_store(home) as store:
                for path in mine:
                    r = rows[case_of[path]]
                    store.register_case(
                        r.case_id,
                        uscc=r.uscc,
                        enterprise=r.enterprise,
                        project_id=r.project_id,
                        checklist=r.checklist,
                        folder=r.folder,
                    )
                for path in mine:
                    _sign_case(store, me, CaseSession(agency, rows[case_of[path]]), path)
            merger = AgencyStore(agency, unlocked_agency, identity.trusted_lookup(agency))
            out_dir = cache / f"{e}-{k}-out"
            if out_dir.exists():
                shutil.rmtree(out_dir)
            out_dir.mkdir()
            result = export_bundle(home, me, agency_card, out_dir)
            assert result.written is not None
            assert merger.import_file(result.written.path).status == "merged"
        print(
            f"[prepare] {e}: findings signed and merged, {time.perf_counter() - t0:.0f} s",
            flush=True,
        )
    (cache / "ready").write_text("ok\n", encoding="utf-8")
    return agency


def _sign_case(store: Any, me: Any, session: Any, path: Path) -> None:
    """One expert's findings on one enterprise: every item, every flag, the conclusion."""
    sa = session.package.self_assessment
    ids = [f.id for f in session.analysis().flags]
    scenario = path.name.split("-", 1)[1].split(".")[0]
    case = session.case_id
    for item_id, item in sorted(sa.items.items()):
        payload = {"kind": "score", "item": item_id, **_answer(item)}
        if scenario == "usage_burst" and item_id.startswith("S"):
            payload = {"kind": "score", "item": item_id, "level": 1}
        store.add_finding(me, case, payload)
    for fid in ids:
        store.add_finding(
            me,
            case,
            {"kind": "flag_review", "flag": fid, "decision": "confirmed", "reason": "现场核实"},
        )
    if scenario == "clean":
        conclusion: dict[str, Any] = {"recommendation": "pass", "summary": "系统在用"}
    elif scenario == "usage_burst":
        conclusion = {
            "recommendation": "improve",
            "summary": "常态化使用不足",
            "requirements": ["连续三个月常态化使用"],
        }
    else:
        conclusion = {
            "recommendation": "disqualify",
            "summary": "资金回流",
            "grounds": {"flags": ids[:1]},
        }
    store.add_finding(me, case, {"kind": "conclusion", **conclusion})


def _baseline_job(args: tuple[int, Path]) -> int:
    """One PDF of ``pages`` pages of plain text with the embedded CJK font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from inspector_app.pdfstyle import FONT, register_cjk_font

    pages, path = args
    register_cjk_font()
    c = Canvas(str(path), pagesize=A4, initialFontName=FONT)
    line = "企业数字化改造项目成效验收报告 合同 发票 付款 核查记录 2024-06-18 235,950.00 元"
    for p in range(pages):
        c.setFont(FONT, 10.5)
        for i in range(40):
            c.drawString(56, 780 - i * 18, f"{p + 1}-{i + 1} {line}")
        c.showPage()
    c.save()
    return path.stat().st_size


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=189)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / ".cache")
    args = parser.parse_args()

    from pypdf import PdfReader

    from reports.data import group_cases
    from reports.generate import generate

    home = build_store(args.cache / f"reports-{args.count}", args.count, args.workers)
    with open_store(home) as store:
        cases = store.cases()
        projects = list(group_cases(cases).values())
    # the analysis cache is keyed by the rule engine's sources: warm it again (not timed)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(_analyse, [(home.root, c.case_id) for c in cases]))
    print(f"[prepare] analysis cache checked in {time.perf_counter() - t0:.0f} s", flush=True)
    assert len(projects) == args.count, len(projects)
    work = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    # the baseline's one process, forked now: it loads the font itself, as it would alone (the
    # drafts load it in this process before they fork their workers)
    baseline_pool = ProcessPoolExecutor(max_workers=1)
    baseline_pool.submit(os.getpid).result()
    try:
        out = work / "drafts"
        cpu0, t0 = _cpu(), time.perf_counter()
        outcome = generate(
            home,
            projects,
            ["pdf", "docx", "xlsx"],
            out,
            summary=True,
            now=now(),
            workers=args.workers,
        )
        wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
        pdfs = [f for f in outcome.files if f.suffix == ".pdf"]
        sizes = [f.stat().st_size for f in pdfs]
        pages = [len(PdfReader(str(f)).pages) for f in pdfs]

        base = work / "baseline"
        base.mkdir()
        jobs = [(n, base / f"{i}.pdf") for i, n in enumerate(pages)]
        bcpu0, b0 = _cpu(), time.perf_counter()
        with baseline_pool:
            base_sizes = list(baseline_pool.map(_baseline_job, jobs, chunksize=8))
        bwall, bcpu = time.perf_counter() - b0, _cpu() - bcpu0
    finally:
        baseline_pool.shutdown()
        shutil.rmtree(work, ignore_errors=True)

    n = args.count
    print(
        f"enterprises: {n}, workers: {args.workers}, files: {len(outcome.files)} "
        f"({len(pdfs)} PDF, {sum(1 for f in outcome.files if f.suffix == '.docx')} DOCX, "
        f"{sum(1 for f in outcome.files if f.suffix == '.xlsx')} XLSX)"
    )
    print(f"reports : {wall:7.1f} s wall, {cpu:7.1f} s CPU; {wall / n:.2f} s per enterprise")
    print(
        f"PDF     : {sum(pages)} pages ({statistics.mean(pages):.1f} per PDF), mean "
        f"{statistics.mean(sizes) / 1024:.0f} KiB, largest {max(sizes) / 1024:.0f} KiB"
    )
    print(
        f"baseline: {bwall:7.1f} s wall, {bcpu:7.1f} s CPU ({sum(pages)} pages of plain text, "
        f"mean {statistics.mean(base_sizes) / 1024:.0f} KiB; 1 process)"
    )
    print(f"ratio   : {wall / bwall:.2f} wall, {cpu / bcpu:.2f} CPU  (goal ≤ 3)")
    ok = wall < 180 and max(sizes) < 1_000_000

    def mark(good: bool) -> str:
        return "✓" if good else "✗"

    print(
        f"goals   : total < 180 s {mark(wall < 180)}; every PDF < 1 MB "
        f"{mark(max(sizes) < 1_000_000)}; ratio ≤ 3 in CPU time {mark(cpu / bcpu <= 3)}, "
        f"in wall-clock time {mark(wall / bwall <= 3)}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
