"""``merge flags`` over real case packages: the shared ``clean`` and ``payment-reflux``
examples plus two packages derived from ``clean`` with planted cross-enterprise patterns —
each rule fires exactly on what was planted, and nothing involves the independent package."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from inspector_app.cli import run
from inspector_app.home import Home
from inspector_app.uscc import complete
from sync.cross.runner import run_cross_rules

EXAMPLES = Path(__file__).resolve().parents[4] / "shared" / "examples"
CLEAN = EXAMPLES / "clean.case.zip"
REFLUX = EXAMPLES / "payment-reflux.case.zip"

pytestmark = pytest.mark.skipif(
    not (CLEAN.is_file() and REFLUX.is_file()), reason="shared examples not present"
)

REPORT = (
    "{name}数字化改造成效说明。自{date}起，车间工单全部在制造执行系统中流转，报工数据实时采集，"
    "质量问题可以追溯到工序与班组；仓库出入库改为扫码作业，库存准确率由{a}%提升到{b}%，"
    "月度盘点时间由{c}天缩短为{d}天。管理层每周通过看板查看交付、质量与成本三类指标，"
    "并据此调整生产计划。下一步将推进设备数据采集与排程系统的集成。"
)


def _derive(
    tmp: Path, name: str, uscc17: str, enterprise: str, change: Callable[[Path], None]
) -> Path:
    folder = tmp / name
    with zipfile.ZipFile(CLEAN) as zf:
        zf.extractall(folder)
    ent = json.loads((folder / "enterprise.json").read_text(encoding="utf-8"))
    ent.update(name=enterprise, uscc=complete(uscc17))
    (folder / "enterprise.json").write_text(json.dumps(ent, ensure_ascii=False), encoding="utf-8")
    proj = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    proj["project_id"] = f"KM-DX-{name}"
    (folder / "project.json").write_text(json.dumps(proj, ensure_ascii=False), encoding="utf-8")
    change(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["package_id"]
    manifest["files"] = [
        {k: v for k, v in f.items() if k not in ("sha256", "size")}
        for f in manifest["files"]
        if (folder / f["path"]).is_file()
    ]
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False), encoding="utf-8"
    )
    from inspector_app.casepkg import pack_folder

    out = tmp / f"{name}.case.zip"
    pack_folder(folder, out)
    return out


def _shift_log(src: Path, dest: Path, days: int) -> None:
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(rows[0])
    for row in rows[1:]:
        ts = datetime.fromisoformat(row[0]) - timedelta(days=days)
        w.writerow([ts.isoformat(), *row[1:]])
    dest.write_text(out.getvalue(), encoding="utf-8")


def _report_txt(folder: Path, name: str, date: str, numbers: tuple[int, ...]) -> None:
    target = folder / "docs" / "附件7_改造成效佐证材料" / "成效说明.txt"
    a, b, c, d = numbers
    target.write_text(REPORT.format(name=name, date=date, a=a, b=b, c=c, d=d), encoding="utf-8")


def _keep_docs(folder: Path, keep: set[str]) -> None:
    for path in (folder / "docs").rglob("*"):
        if path.is_file() and path.name not in keep:
            path.unlink()


def build_c(folder: Path) -> None:
    """A copy of photos, a log and a document of ``clean``, under another enterprise."""
    clean_log = folder / "logs" / "mes" / "usage.csv"
    _shift_log(clean_log, clean_log, days=3)  # the whole MES log, shifted in time
    (folder / "logs" / "erp" / "usage.csv").unlink()
    photos = folder / "photos"
    for p in photos.iterdir():
        if p.name == "报工终端.jpg":
            with Image.open(p) as img:
                img.save(p, "JPEG", quality=55)  # same scene, other bytes
        elif p.name != "车间看板.jpg":
            p.unlink()
    _keep_docs(folder, {"改造成效佐证材料.pdf"})  # one identical 附件7 file
    _report_txt(folder, "昆明仿冒机械有限公司", "2024年6月1日", (81, 98, 5, 1))


def build_d(folder: Path) -> None:
    """Only the contracts of ``clean`` (same provider) at three times the MES unit price."""
    shutil.rmtree(folder / "photos")
    for log in (folder / "logs").rglob("usage.csv"):
        log.unlink()
    _keep_docs(folder, set())
    _report_txt(folder, "曲靖另一食品有限公司", "2024-07-15", (70, 95, 4, 2))
    items = folder / "finance" / "contract_items.csv"
    rows = list(csv.DictReader(io.StringIO(items.read_text(encoding="utf-8"))))
    rows[0]["unit_price_yuan"] = f"{float(rows[0]['unit_price_yuan']) * 3:.2f}"
    rows[0]["amount_yuan"] = rows[0]["unit_price_yuan"]
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    items.write_text(out.getvalue(), encoding="utf-8")


def _import(home: Path, package: Path) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["case", "import", str(package), "--json", "--home", str(home)], out, err)
    assert code == 0, err.getvalue()
    return dict(json.loads(out.getvalue()))


def test_cross_rules_fire_exactly_on_what_was_planted(tmp_path: Path) -> None:
    c_pkg = _derive(tmp_path, "c", "91530100MA6K0X123", "昆明仿冒机械有限公司", build_c)
    d_pkg = _derive(tmp_path, "d", "91530100MA6K0Y345", "曲靖另一食品有限公司", build_d)
    home = tmp_path / "agency"
    a, b, c, d = (_import(home, p) for p in (CLEAN, REFLUX, c_pkg, d_pkg))
    result = run_cross_rules(Home(home), workers=1).to_json()
    assert result["cases"] == 4 and result["indexed_now"] == 4
    flags = {f["id"]: f for f in result["flags"]}
    ua, ub, uc, ud = (x["uscc"] for x in (a, b, c, d))
    assert not any(ub in f["usccs"] for f in flags.values()), "the independent package is clean"
    by_rule: dict[str, set[tuple[str, ...]]] = {}
    for f in flags.values():
        by_rule.setdefault(f["rule"], set()).add(tuple(sorted(f["usccs"])))

    def pair(x: str, y: str) -> tuple[str, ...]:
        return tuple(sorted((x, y)))

    assert by_rule == {
        "CROSS_DUPLICATE_PHOTO": {pair(ua, uc)},
        "CROSS_DUPLICATE_DOCUMENT": {pair(ua, uc), pair(uc, ud)},
        "CROSS_LOG_CLONE": {pair(ua, uc)},
        "CROSS_PRICE_OUTLIER": {(ud,)},
    }
    first, second = sorted((ua, uc))
    photos = sorted(f["subject"] for f in flags.values() if f["rule"] == "CROSS_DUPLICATE_PHOTO")
    assert photos == sorted(
        f"{first}:photos/{n}|{second}:photos/{n}" for n in ("报工终端.jpg", "车间看板.jpg")
    )
    docs = {f["subject"]: f for f in flags.values() if f["rule"] == "CROSS_DUPLICATE_DOCUMENT"}
    txt = "docs/附件7_改造成效佐证材料/成效说明.txt"
    low, high = sorted((uc, ud))
    assert f"{low}:{txt}|{high}:{txt}" in docs
    (clone,) = (f for f in flags.values() if f["rule"] == "CROSS_LOG_CLONE")
    assert clone["subject"] == f"{first}:mes|{second}:mes"
    events = len(_clean_rows())
    assert events > 200
    assert [e["rows"] for e in clone["evidence"]] == [[1, events], [1, events]]
    # indexing is incremental: a second run re-indexes nothing and finds the same flags
    again = run_cross_rules(Home(home), workers=1).to_json()
    assert again["indexed_now"] == 0 and again["flags"] == result["flags"]


def _clean_rows() -> list[str]:
    with zipfile.ZipFile(CLEAN) as zf:
        return zf.read("logs/mes/usage.csv").decode("utf-8").splitlines()[1:]
