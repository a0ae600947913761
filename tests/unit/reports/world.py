"""An agency store for the report tests: three sample enterprises, two experts, merged bundles.

* ``pass`` — the clean sample: both experts score every item with the enterprise's own
  (honest) self-assessment, except Q2 where they differ and the agency decides; both conclude
  ``pass``.
* ``improve`` — the usage-burst sample: both experts confirm the burst, score the scenes one
  level down (level 1) and disagree on S8, which the agency leaves undecided; both conclude
  ``improve`` with requirements.
* ``disqualify`` — the payment-reflux sample: both experts confirm the reflux flag, one
  records an interview, both conclude ``disqualify`` with the flag as grounds.

Built with the public APIs the CLI uses (``case import``, the findings store, bundle export
and import), so the store is what an agency really holds.
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
from sync.agency import AgencyStore
from sync.expert import export_bundle

PASSPHRASE = "correct horse battery staple"
SCENARIOS = {
    "pass": ("clean", 11),
    "improve": ("usage_burst", 12),
    "disqualify": ("payment_reflux", 13),
}
EXPERTS = {"e1": "王丽", "e2": "赵强"}


@dataclass
class World:
    root: Path
    agency: Home
    packages: dict[str, Path] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)  # outcome -> case id
    findings: dict[str, dict[str, str]] = field(default_factory=dict)  # outcome -> label -> id
    flags: dict[str, list[str]] = field(default_factory=dict)  # outcome -> flag ids


def _cli(home: Path, *argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = run([*argv, "--home", str(home)], out, err)
    assert code == 0, (argv, out.getvalue(), err.getvalue())
    return out.getvalue()


def _answer(item: Any) -> dict[str, Any]:
    if item.level is not None:
        return {"level": int(item.level)}
    answer = item.answer
    return {"answer": list(answer) if isinstance(answer, tuple) else answer}


def build_world(root: Path) -> World:
    root.mkdir(parents=True, exist_ok=True)
    template = root / "template"
    world = World(root, Home(root / "agency"))
    ids: dict[str, str] = {}
    for outcome, (scenario, seed) in SCENARIOS.items():
        path = generate(scenario, root / f"{outcome}.case.zip", seed=seed)
        world.packages[outcome] = path
        before = set(ids.values())
        _cli(template, "case", "import", str(path))
        with open_store(Home(template)) as store:
            (ids[outcome],) = {r.case_id for r in store.cases()} - before
    homes: dict[str, Home] = {}
    for name, role, person in (
        ("agency", "agency", "某评估机构"),
        ("e1", "expert", EXPERTS["e1"]),
        ("e2", "expert", EXPERTS["e2"]),
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
    for e in ("e1", "e2"):
        identity.trust_card(homes[e], homes["agency"].identity_dir / "card.json")
        identity.trust_card(homes["agency"], homes[e].identity_dir / "card.json")

    unlocked = {n: identity.unlock(h, PASSPHRASE) for n, h in homes.items()}

    def add(who: str, case: str, payload: dict[str, Any]) -> str:
        with open_store(homes[who]) as store:
            return store.add_finding(unlocked[who], case, payload).finding_id

    # the cases as the agency sees them (package, analysis)
    with open_store(homes["agency"]) as store:
        agency_rows = {r.case_id: r for r in store.cases()}
    sessions = {}
    for outcome in world.packages:
        row = agency_rows[ids[outcome]]
        world.cases[outcome] = row.case_id
        sessions[outcome] = CaseSession(homes["agency"], row)
        world.flags[outcome] = [f.id for f in sessions[outcome].analysis().flags]
        world.findings[outcome] = {}

    # --- pass
    case = world.cases["pass"]
    sa = sessions["pass"].package.self_assessment
    for e in ("e1", "e2"):
        for item_id, item in sorted(sa.items.items()):
            payload = {"kind": "score", "item": item_id, **_answer(item)}
            if item_id == "Q2" and e == "e2":
                payload = {"kind": "score", "item": "Q2", "answer": "B"}
            fid = add(e, case, payload)
            if item_id == "Q2":
                world.findings["pass"][f"Q2-{e}"] = fid
    add("e1", case, {"kind": "observation", "text": "车间报工终端在用，现场抽查三张工单与系统一致"})
    add(
        "e2",
        case,
        {
            "kind": "interview",
            "person": "李师傅",
            "role": "车间主任",
            "notes": [{"q": "每天用系统做什么？", "a": "派工、报工和质检录入"}],
        },
    )
    for e in ("e1", "e2"):
        add(
            e,
            case,
            {"kind": "conclusion", "recommendation": "pass", "summary": "系统在用，成效属实"},
        )

    # --- improve
    case = world.cases["improve"]
    sa = sessions["improve"].package.self_assessment
    burst = next(f for f in world.flags["improve"] if f.startswith("USAGE_BURST"))
    for e in ("e1", "e2"):
        for item_id, item in sorted(sa.items.items()):
            payload = {"kind": "score", "item": item_id, **_answer(item)}
            if item_id.startswith("S"):
                payload = {"kind": "score", "item": item_id, "level": 1}
            if item_id == "S8":
                payload = {"kind": "score", "item": "S8", "level": 2 if e == "e1" else 1}
            add(e, case, payload)
        add(
            e,
            case,
            {
                "kind": "flag_review",
                "flag": burst,
                "decision": "confirmed",
                "reason": "申请前一个月集中补录",
            },
        )
        add(
            e,
            case,
            {
                "kind": "conclusion",
                "recommendation": "improve",
                "summary": "系统使用集中在申请前，常态化使用不足",
                "requirements": ["连续三个月常态化使用生产管理系统", "补充质检模块的使用记录"],
            },
        )

    # --- disqualify
    case = world.cases["disqualify"]
    reflux = next(f for f in world.flags["disqualify"] if f.startswith("PAYMENT_REFLUX"))
    world.findings["disqualify"]["flag"] = reflux
    for e in ("e1", "e2"):
        add(e, case, {"kind": "score", "item": "Q5", "answer": "B"})
        add(
            e,
            case,
            {
                "kind": "flag_review",
                "flag": reflux,
                "decision": "confirmed",
                "reason": "银行流水显示服务商回款",
            },
        )
    interview = add(
        "e1",
        case,
        {
            "kind": "interview",
            "person": "张会计",
            "role": "财务",
            "notes": [{"q": "回款原因？", "a": "说不清楚"}],
        },
    )
    for e in ("e1", "e2"):
        add(
            e,
            case,
            {
                "kind": "conclusion",
                "recommendation": "disqualify",
                "summary": "服务商合同款回流企业",
                "grounds": {"flags": [reflux], **({"findings": [interview]} if e == "e1" else {})},
            },
        )

    # bundles to the agency
    agency_card = identity.own_card(homes["agency"])
    store = AgencyStore(
        homes["agency"], unlocked["agency"], identity.trusted_lookup(homes["agency"])
    )
    for e in ("e1", "e2"):
        out = root / f"{e}-out"
        out.mkdir(exist_ok=True)
        result = export_bundle(homes[e], unlocked[e], agency_card, out)
        assert result.written is not None
        assert store.import_file(result.written.path).status == "merged"

    # the agency decides Q2 of the pass case
    pass_ids = world.findings["pass"]
    world.findings["pass"]["Q2-decision"] = add(
        "agency",
        world.cases["pass"],
        {
            "kind": "decision",
            "settles": [pass_ids["Q2-e1"], pass_ids["Q2-e2"]],
            "item": "Q2",
            "answer": _answer(sessions["pass"].package.self_assessment.items["Q2"])["answer"],
            "reason": "现场核实网络覆盖",
        },
    )
    return world
