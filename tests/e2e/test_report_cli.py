"""``inspector-app report`` end to end, in a subprocess, over an agency store with three
enterprises (pass, improve, disqualify) built from sample packages and two experts' bundles."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.reports.world import World, build_world

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "examples"
REPORTS = ("成效验收报告", "数字化水平评测报告", "专项财务审核报告")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("report-cli"))


def cli(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INSPECTOR_HOME": str(home)}
    env.pop("INSPECTOR_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "inspector_app", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )


def test_all_formats_for_the_batch(world: World, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    done = cli(
        world.agency.root,
        "report",
        "--all",
        "--format",
        "pdf,docx,xlsx,json",
        "--out",
        str(out),
        "--workers",
        "2",
    )
    assert done.returncode == 0, done.stderr
    files = [Path(line) for line in done.stdout.splitlines()]
    assert len(files) == 3 * 8 + 1 and all(f.is_file() for f in files)
    assert "已为 3 家企业生成 25 个文件" in done.stderr
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    assert len(folders) == 3
    for folder in folders:
        names = {p.name for p in folder.iterdir()}
        assert names == {f"{r}.{ext}" for r in REPORTS for ext in ("pdf", "docx")} | {
            "一企一档.json",
            "一企一档.xlsx",
        }
    assert (out / "批次汇总表.xlsx").is_file()
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(folders[0] / "成效验收报告.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "企业数字化改造项目成效验收报告" in text


def test_one_case_by_prefix_and_json_output(world: World, tmp_path: Path) -> None:
    case = world.cases["disqualify"]
    done = cli(
        world.agency.root,
        "report",
        "--case",
        case[:8],
        "--format",
        "xlsx,json",
        "--out",
        str(tmp_path),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    obj = json.loads(done.stdout)
    assert obj["enterprises"] == 1 and obj["summary"] is None
    assert sorted(Path(f).name for f in obj["files"]) == ["一企一档.json", "一企一档.xlsx"]
    record = json.loads(
        Path(next(f for f in obj["files"] if f.endswith(".json"))).read_text("utf-8")
    )
    assert record["results"]["outcome"] == "disqualify"


def test_english_file_names(world: World, tmp_path: Path) -> None:
    done = cli(
        world.agency.root,
        "report",
        "--case",
        world.cases["pass"],
        "--format",
        "pdf",
        "--out",
        str(tmp_path),
        "--lang",
        "en",
    )
    assert done.returncode == 0, done.stderr
    assert sorted(Path(f).name for f in done.stdout.splitlines()) == [
        "acceptance report.pdf",
        "digital level assessment report.pdf",
        "financial audit report.pdf",
    ]


def test_inspection_plan_from_a_package_and_from_a_case(world: World, tmp_path: Path) -> None:
    done = cli(
        world.agency.root,
        "report",
        "--plan",
        str(world.packages["improve"]),
        "--out",
        str(tmp_path / "a"),
    )
    assert done.returncode == 0, done.stderr
    (path,) = done.stdout.split()
    assert path.endswith("-现场核查计划.pdf") and Path(path).stat().st_size > 10_000
    done = cli(
        world.agency.root,
        "report",
        "--plan",
        world.cases["improve"][:10],
        "--out",
        str(tmp_path / "b"),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["flags"] >= 1


@pytest.mark.skipif(
    not (EXAMPLES / "clean.case.zip.age").is_file(), reason="shared examples not present"
)
def test_plan_of_an_encrypted_package(world: World, tmp_path: Path) -> None:
    done = cli(
        world.agency.root,
        "report",
        "--plan",
        str(EXAMPLES / "clean.case.zip.age"),
        "--identity",
        str(EXAMPLES / "example-expert.agekey"),
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_file()


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["--all", "--out", "{tmp}"], 2, "--format"),
        (["--all", "--format", "pdf,odt", "--out", "{tmp}"], 2, "odt"),
        (["--plan", "x.case.zip", "--format", "pdf", "--out", "{tmp}"], 2, "--plan"),
        (["--all", "--format", "pdf", "--identity", "k", "--out", "{tmp}"], 2, "--identity"),
        (["--case", "ffffffff", "--format", "pdf", "--out", "{tmp}"], 1, "ffffffff"),
        (["--plan", "no-such-case", "--out", "{tmp}"], 1, "no-such-case"),
        (["--all", "--format", "pdf", "--out", "{file}"], 1, "不是文件夹"),
        (["--all", "--plan", "x", "--out", "{tmp}"], 2, "--all"),
    ],
)
def test_refusals(world: World, tmp_path: Path, argv: list[str], code: int, says: str) -> None:
    afile = tmp_path / "file.txt"
    afile.write_text("x", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path / "out")).replace("{file}", str(afile)) for a in argv]
    done = cli(world.agency.root, "report", *args)
    assert done.returncode == code, (done.stdout, done.stderr)
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_nothing_imported(tmp_path: Path) -> None:
    done = cli(
        tmp_path / "empty-home", "report", "--all", "--format", "pdf", "--out", str(tmp_path / "o")
    )
    assert done.returncode == 1
    assert "尚未导入任何案件" in done.stderr
