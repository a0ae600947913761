"""The synthetic case: one enterprise's pilot project as plain, mutable data.

:func:`build_case` draws an honest project from a seeded RNG (the ``clean`` scenario); the
scenarios in :mod:`.scenarios` then change exactly what their red flag needs, and
:mod:`.writer` renders the result into package files. The timeline of an honest project:

    registered → diagnosis (10–25 d) → contracts signed (20–45 d after registration)
    → go-live (30–60 d after signing) → completed (70–110 d after go-live)
    → acceptance applied (25–80 d later, well within 3 months) → package created (3–12 d)
    → sometimes an on-site visit planned (before or after the package was made).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

from inspector_app.samples import names
from inspector_app.samples.billing import bill, hardware_items, licence_items, service_items
from inspector_app.samples.finance import (
    GOVERNMENT,
    CatalogEntry,
    Contract,
    Payment,
    bank_ref,
    requested_subsidy,
)
from inspector_app.samples.logs import make_users
from inspector_app.samples.photoplan import (
    LARGE_PHOTOS,
    link_evidence,
    local_time,
    plan_inspection_photos,
    plan_photos,
)
from inspector_app.samples.selfassess import base_answers
from inspector_app.samples.spec import Case, Goal, PhotoSpec, SystemSpec
from inspector_app.samples.systems import KINDS, SystemKind

__all__ = ["KINDS", "Case", "Goal", "PhotoSpec", "SystemKind", "SystemSpec", "build_case"]

#: The large package: one MES with 420 users at this share of the normal pace between actions
#: gives about 10 million usage rows over its year of operation.
LARGE_PACE = 0.43

D = timedelta


def meet_target(goal: Goal) -> None:
    """An honest goal reaches its target: a drawn claim short of it is mirrored across it
    (claim 90 against a target of 93 becomes 96; 30 days against a target of 25 becomes 20),
    so claims keep their spread. Key goals are claimed from the data later
    (``package.finalize_goals``)."""
    if goal.claimed is None or goal.target == goal.baseline:
        return
    rising = goal.target > goal.baseline
    if (goal.claimed < goal.target) if rising else (goal.claimed > goal.target):
        goal.claimed = 2 * goal.target - goal.claimed


_SYSTEM_SETS = (
    ("mes",),
    ("mes", "erp"),
    ("erp", "wms"),
    ("mes", "qms"),
    ("mes", "eam"),
    ("mes", "erp", "wms"),
    ("erp",),
    ("mes", "erp", "qms"),
)


def build_case(seed: int, size: str = "small", systems: tuple[str, ...] | None = None) -> Case:
    """An honest project, drawn from ``seed``."""
    rng = random.Random(f"inspector-sample:{seed}")
    ent = names.enterprise(rng)
    uscc = names.uscc(rng, ent.division)
    large = size == "large"
    size_class = "medium" if large else rng.choice(("small", "small", "micro", "medium"))
    employees = {
        "medium": rng.randint(320, 900),
        "small": rng.randint(40, 280),
        "micro": rng.randint(12, 19),
    }[size_class]
    # --- timeline ---
    registered = date(2024, 3, 1) + D(days=rng.randint(0, 200))
    diagnosis = registered + D(days=rng.randint(10, 25))
    signed = registered + D(days=rng.randint(20, 45))
    go_live = signed + D(days=rng.randint(30, 60))
    if large:
        go_live = signed + D(days=30)
    completed = go_live + D(days=rng.randint(70, 110) if not large else 300)
    applied = completed + D(days=rng.randint(25, 80))
    created = local_time(
        applied + D(days=rng.randint(3, 12)), rng.randint(9, 16), rng.randint(0, 59)
    )
    roll = rng.random()
    if roll < 0.4:
        planned: date | None = None
    elif roll < 0.7:
        planned = created.date() + D(days=rng.randint(5, 25))
    else:
        planned = applied + D(days=rng.randint(1, (created.date() - applied).days))
    assessed = applied - D(days=rng.randint(1, 6))
    batch = f"{applied.year}-{1 if applied.month <= 6 else 2}"
    project_id = f"KM-SZH-{registered.year}-{rng.randint(1, 400):04d}"
    # --- systems and providers ---
    keys = systems or (("mes",) if large else rng.choice(_SYSTEM_SETS))
    avoid = {ent.trade}
    n_vendors = 1 if len(keys) == 1 or rng.random() < 0.5 else 2
    vendors = names.providers(rng, n_vendors, avoid=avoid)
    hardware = (
        names.providers(rng, 1, avoid=avoid, hardware=True)[0] if rng.random() < 0.4 else None
    )
    specs: list[SystemSpec] = []
    all_people = names.people(rng, 600 if large else 80)
    logins = names.login_ids(all_people)
    used = 0
    for i, key in enumerate(keys):
        kind = KINDS[key]
        if large:
            n_users = 420
        else:
            n_users = rng.randint(8, 22) if size_class != "micro" else rng.randint(4, 8)
        ids = logins[used : used + n_users]
        used += n_users
        users = make_users(
            rng,
            ids,
            list(kind.roles),
            saturday_shop=rng.random() < 0.5,
            pace_scale=LARGE_PACE if large else 1.0,
        )
        licensed = int(n_users * rng.uniform(1.15, 1.7))
        licensed = max(n_users, (licensed + 4) // 5 * 5)
        specs.append(
            SystemSpec(
                kind=kind,
                system_id=key,
                vendor=vendors[min(i, len(vendors) - 1)],
                deployment=rng.choice(("saas", "private_cloud", "on_premise")),
                go_live=go_live + D(days=0 if i == 0 else rng.randint(0, 25)),
                licensed_users=licensed,
                contract_no=None,
                users=users,
            )
        )
    providers = list(vendors) + ([hardware] if hardware else [])
    # --- contracts ---
    party_a = ent.name
    catalog: list[CatalogEntry] = []
    contracts: list[Contract] = []
    for vi, vendor in enumerate(vendors):
        sys_of = [s for s in specs if s.vendor == vendor]
        no = (
            f"HT-{signed.year}-{rng.randint(100, 899):03d}"
            if vi == 0
            else f"ZH{signed.year}{rng.randint(1000, 9999)}"
        )
        c = Contract(
            no,
            signed + D(days=0 if vi == 0 else rng.randint(1, 12)),
            party_a,
            vendor,
            "、".join(s.kind.short_name for s in sys_of) + "建设及数字化改造服务",
        )
        for s in sys_of:
            s.contract_no = no
            licence_items(rng, c, s, catalog)
        service_items(rng, c, catalog, vendor.name)
        contracts.append(c)
    if hardware is not None:
        c = Contract(
            f"CG-{signed.year}-{rng.randint(10, 99):02d}",
            signed + D(days=rng.randint(3, 20)),
            party_a,
            hardware,
            "生产现场数据采集终端及网络设备采购",
        )
        hardware_items(rng, c, catalog, hardware.name)
        contracts.append(c)
    invoices, payments = bill(
        rng, contracts, ent.name, uscc, go_live=go_live, completed=completed, applied=applied
    )
    subsidy = requested_subsidy(contracts)
    prepaid = Decimal("0.00")
    if rng.random() < 0.4:
        prepaid = (subsidy * Decimal("0.3")).quantize(Decimal("0.01"))
        when = signed + D(days=rng.randint(20, 50))
        payments.append(
            Payment(
                when,
                "in",
                GOVERNMENT,
                ent.name,
                prepaid,
                bank_ref(rng, when),
                "中小企业数字化转型城市试点项目补助资金预拨付",
                None,
            )
        )
        payments.sort(key=lambda p: p.paid_at)
    # --- goals ---
    main = specs[0]
    goals = [
        Goal(
            f"{main.kind.short_name}活跃用户数",
            "人",
            0,
            float(max(3, len(main.users) * 2 // 3)),
            None,
            "active_users",
            main.system_id,
            rng.choice((0.9, 0.95, 1.0)),
        ),
        Goal(
            f"{main.kind.short_name}业务单据线上流转量",
            "单/月",
            0,
            0.0,
            None,
            "records_per_month",
            main.system_id,
            rng.choice((0.85, 0.9, 1.0)),
        ),
        Goal(
            "生产计划达成率",
            "%",
            rng.randint(72, 85),
            rng.randint(88, 93),
            float(rng.randint(90, 96)),
            None,
            None,
        ),
        Goal(
            "库存周转天数",
            "天",
            rng.randint(38, 60),
            rng.randint(25, 32),
            float(rng.randint(22, 30)),
            None,
            None,
        ),
    ]
    for g in goals:
        meet_target(g)
    answers = base_answers(rng, [s.system_id for s in specs])
    case = Case(
        seed=seed,
        size=size,
        rng=rng,
        ent=ent,
        uscc=uscc,
        size_class=size_class,
        employees=employees,
        contact=names.person(rng),
        prior_support={"little_giant_central_fund": False, "pilot_2022": False},
        project_id=project_id,
        title=f"{ent.name}{'、'.join(s.kind.short_name for s in specs)}数字化改造项目",
        batch=batch,
        registered=registered,
        diagnosis=diagnosis,
        completed=completed,
        applied=applied,
        planned=planned,
        created_at=created,
        assessed=assessed,
        level_before=1,
        level_target=2,
        providers=providers,
        systems=specs,
        catalog=catalog,
        contracts=contracts,
        invoices=invoices,
        payments=payments,
        subsidy_requested=subsidy,
        subsidy_prepaid=prepaid,
        goals=goals,
        answers=answers,
        photos=[],
        package_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    )
    case.phone = names.phone(rng)
    case.photos = plan_photos(case)
    if large:
        case.photos += plan_inspection_photos(case, LARGE_PHOTOS)
    link_evidence(case)
    return case
