"""``batch import|status`` in a subprocess: CSV and XLSX rosters, a broken roster (exit 1, lines
listed, nothing imported), re-import, a bad deadline (exit 2), JSON and text status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from inspector_app.uscc import complete

ROOT = Path(__file__).resolve().parents[2]
U1 = complete("91530100MA6K0X123")
U2 = complete("91530102MA6K1X456")


def cli(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INSPECTOR_HOME": str(home)}
    env.pop("INSPECTOR_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "inspector_app", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_import_status_reimport_and_refusals(tmp_path: Path) -> None:
    import openpyxl

    home = tmp_path / "home"
    roster = tmp_path / "附件9.csv"
    roster.write_bytes(
        (
            "序号,企业名称,统一社会信用代码,所属区县,服务商,复核,原批次\n"
            f"1,昆明甲公司,{U1},五华区,云智科技,是,2024-1\n"
            f"2,昆明乙公司,{U2},盘龙区,滇数服务,,\n"
        ).encode("gb18030")
    )
    done = cli(
        home, "batch", "import", str(roster), "--batch", "2025-2", "--deadline", "2025-06-30"
    )
    assert done.returncode == 0, done.stderr
    assert "2025-2" in done.stdout and "2" in done.stdout

    done = cli(home, "--lang", "en", "batch", "status", "--json")
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["deadline"] == "2025-06-30" and status["counts"]["pending"] == 2
    assert [r["uscc"] for r in status["rows"]] == [U1, U2]
    assert status["rows"][0]["earlier_missing"] is True

    done = cli(home, "--lang", "en", "batch", "status")
    assert done.returncode == 0
    assert "昆明甲公司" in done.stdout and "no earlier case" in done.stdout

    broken = tmp_path / "broken.csv"
    broken.write_text(f"enterprise,uscc\nA,{U1[:-1]}Z\nB,{U2}\nC,{U2}\n", encoding="utf-8")
    done = cli(home, "--lang", "en", "batch", "import", str(broken), "--batch", "2025-2")
    assert done.returncode == 1
    assert "line 2" in done.stderr and "line 4" in done.stderr and "Traceback" not in done.stderr
    again = json.loads(cli(home, "batch", "status", "--json").stdout)
    assert len(again["rows"]) == 2  # nothing was imported

    book = openpyxl.Workbook()
    book.active.append(["enterprise", "uscc", "district"])
    book.active.append(["乙", U2, "安宁市"])
    xlsx = tmp_path / "roster.xlsx"
    book.save(xlsx)
    done = cli(home, "batch", "import", str(xlsx), "--batch", "2025-2", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "batch": "2025-2",
        "rows": 1,
        "reinspections": 0,
        "deadline": "2025-06-30",
        "replaced": 2,
    }

    done = cli(home, "batch", "import", str(xlsx), "--batch", "x", "--deadline", "June")
    assert done.returncode == 2
    done = cli(home, "batch", "status", "--batch", "nope")
    assert done.returncode == 1


def test_status_without_roster(tmp_path: Path) -> None:
    done = cli(tmp_path / "home", "batch", "status")
    assert done.returncode == 1 and "batch import" in done.stderr
