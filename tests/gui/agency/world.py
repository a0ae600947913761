"""An agency home for the console's tests and screenshots, built with the public APIs.

Three enterprises' packages are imported at the agency (the shared ``clean`` example, a copy of
it under another enterprise with planted cross-enterprise evidence — photos, a usage log, a
document — and the ``usage_burst`` sample); three experts work on them and export bundles
that are *not* imported yet (the test imports them through the inbox):

* 王丽 (e1): every item of ``clean`` as self-assessed but Q1, concludes ``improve``;
* 赵强 (e2): every item of ``clean`` as self-assessed, concludes ``pass``; a tampered copy of
  the bundle is made too;
* 李明 (e3): two bundles on ``usage_burst`` (the second is imported first: it waits).

Rosters: ``roster.csv`` (the three enterprises and one without a package, a re-inspection),
``broken.csv`` (a bad check digit and a duplicate).
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector_app import identity
from inspector_app.cli import run
from inspector_app.findings import open_store
from inspector_app.home import Home
from inspector_app.samples import generate
from inspector_app.services.cases import CaseSession
from inspector_app.uscc import complete
from sync.expert import export_bundle
from tests.unit.reports.world import _answer
from tests.unit.sync.test_cross_runner import CLEAN, _derive, build_c

PASSPHRASE = "correct horse battery staple"
EXPERTS = {"e1": "王丽", "e2": "赵强", "e3": "李明"}
EXTRA_USCC = complete("91530181MA6K3X012")


@dataclass
class ConsoleWorld:
    root: Path
    agency: Home
    cases: dict[str, str] = field(default_factory=dict)  # clean, copy, burst -> case id
    usccs: dict[str, str] = field(default_factory=dict)
    bundles: dict[str, Path] = field(default_factory=dict)  # e1, e2, e2-tampered, e3-1, e3-2
    roster: Path = Path()
    broken: Path = Path()


def _cli(home: Path, *argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = run([*argv, "--home", str(home)], out, err)
    assert code == 0, (argv, out.getvalue(), err.getvalue())
    return out.getvalue()


def build_console_world(root: Path) -> ConsoleWorld:
    root.mkdir(parents=True, exist_ok=True)
    template = root / "template"
    packages = {
        "clean": CLEAN,
        "copy": _derive(root, "C", "91530100MA6K9C001", "昆明仿冒机械有限公司", build_c),
        "burst": generate("usage_burst", root / "burst.case.zip", seed=12),
    }
    packages["earlier"] = _earlier_copy(root, packages["burst"])
    for path in packages.values():
        _cli(template, "case", "import", str(path))
    homes: dict[str, Home] = {}
    for name, role, person in (
        ("agency", "agency", "某评估机构"),
        *((e, "expert", p) for e, p in EXPERTS.items()),
    ):
        shutil.copytree(template, root / name)
        homes[name] = Home(root / name)
        identity.init_identity(
            homes[name],
            name=person,
            role=role,
            passphrase=PASSPHRASE,
            device=f"{name}-laptop",
            _kdf=identity.TEST_KDF,
        )
    for e in EXPERTS:
        identity.trust_card(homes[e], homes["agency"].identity_dir / "card.json")
        identity.trust_card(homes["agency"], homes[e].identity_dir / "card.json")
    world = ConsoleWorld(root, homes["agency"])
    with open_store(homes["agency"]) as store:
        rows = store.cases()
    sessions: dict[str, CaseSession] = {}
    by_package = {r.package_id: r for r in rows}
    for key, path in packages.items():
        pid = _package_id(path)
        row = by_package[pid]
        world.cases[key] = row.case_id
        world.usccs[key] = str(row.uscc)
        sessions[key] = CaseSession(homes["agency"], row)
    unlocked = {n: identity.unlock(h, PASSPHRASE) for n, h in homes.items()}

    def add(who: str, case: str, payload: dict[str, Any]) -> str:
        with open_store(homes[who]) as store:
            return store.add_finding(unlocked[who], case, payload).finding_id

    clean = world.cases["clean"]
    sa = sessions["clean"].package.self_assessment
    for e in ("e1", "e2"):
        for item_id, item in sorted(sa.items.items()):
            payload = {"kind": "score", "item": item_id, **_answer(item)}
            if item_id == "Q1" and e == "e1":
                payload = {
                    "kind": "score",
                    "item": "Q1",
                    "answer": ["A"],
                    "comment": "只见到办公网络",
                    "evidence": ["photos/车间看板.jpg"],
                }
            add(e, clean, payload)
    add(
        "e1",
        clean,
        {
            "kind": "conclusion",
            "recommendation": "improve",
            "summary": "网络覆盖不足",
            "requirements": ["车间网络覆盖全部工位"],
        },
    )
    add(
        "e2",
        clean,
        {"kind": "conclusion", "recommendation": "pass", "summary": "系统在用，成效属实"},
    )
    burst = world.cases["burst"]
    add("e3", burst, {"kind": "observation", "text": "报工终端在用"})
    add(
        "e3",
        world.cases["earlier"],
        {
            "kind": "conclusion",
            "recommendation": "improve",
            "summary": "仓储模块未上线",
            "requirements": ["仓储管理系统全面上线", "连续三个月的出入库扫码记录"],
        },
    )
    agency_card = identity.own_card(homes["agency"])
    inbox = root / "incoming"
    inbox.mkdir()

    def export(e: str, label: str) -> None:
        out = root / f"{label}-out"
        out.mkdir(exist_ok=True)
        result = export_bundle(homes[e], unlocked[e], agency_card, out)
        assert result.written is not None
        target = inbox / f"{label}-{result.written.path.name}"
        shutil.copyfile(result.written.path, target)
        world.bundles[label] = target

    export("e1", "e1")
    export("e2", "e2")
    export("e3", "e3-1")
    add("e3", burst, {"kind": "score", "item": "S8", "level": 1, "comment": "排程仍靠表格"})
    export("e3", "e3-2")
    data = bytearray(world.bundles["e2"].read_bytes())
    data[len(data) // 2] ^= 0x55
    tampered = inbox / "e2-tampered.bundle.age"
    tampered.write_bytes(bytes(data))
    world.bundles["e2-tampered"] = tampered

    u = world.usccs
    world.roster = root / "附件9.csv"
    world.roster.write_text(
        "序号,企业名称,统一社会信用代码,所属区县,服务商,复核,原批次,备注\n"
        f"1,{sessions['clean'].package.enterprise.name},{u['clean']},五华区,云智科技,,,\n"
        f"2,昆明仿冒机械有限公司,{u['copy']},盘龙区,云智科技、滇数服务,,,重点核查\n"
        f"3,{sessions['burst'].package.enterprise.name},{u['burst']},安宁市,滇数服务,是,2024-1,\n"
        f"4,昆明未交材料有限公司,{EXTRA_USCC},官渡区,滇数服务,,,\n",
        encoding="utf-8-sig",
    )
    world.broken = root / "broken.csv"
    bad = u["clean"][:-1] + ("0" if u["clean"][-1] != "0" else "1")
    world.broken.write_text(
        f"企业名称,统一社会信用代码\n甲,{bad}\n乙,{u['copy']}\n丙,{u['copy']}\n", encoding="utf-8"
    )
    return world


def _earlier_copy(root: Path, source: Path) -> Path:
    """The same enterprise's package of the earlier batch 2024-1 (another project id)."""
    import json
    import zipfile

    from inspector_app.casepkg import pack_folder

    folder = root / "earlier"
    with zipfile.ZipFile(source) as zf:
        zf.extractall(folder)
    project = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    project.update(batch="2024-1", project_id="KM-SZH-2023-0100")
    (folder / "project.json").write_text(json.dumps(project, ensure_ascii=False), encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["package_id"]
    manifest["batch"] = "2024-1"
    manifest["files"] = [
        {k: v for k, v in f.items() if k not in ("sha256", "size")} for f in manifest["files"]
    ]
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False), encoding="utf-8"
    )
    out = root / "earlier.case.zip"
    pack_folder(folder, out)
    return out


def _package_id(path: Path) -> str:
    import json
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return str(json.loads(zf.read("manifest.json"))["package_id"])
