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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from inspector_app.samples import names
from inspector_app.samples.finance import (
    GOVERNMENT,
    CatalogEntry,
    Contract,
    Invoice,
    Item,
    Payment,
    bank_ref,
    catalog_code,
    invoice_no,
    round_price,
    split_amounts,
)
from inspector_app.samples.logs import LogPlan, ObjectType, Role, User, make_users
from inspector_app.samples.selfassess import Answers, base_answers
from inspector_app.values import TZ

D = timedelta


@dataclass(frozen=True)
class SystemKind:
    key: str
    name: str
    modules: tuple[str, ...]
    objects: tuple[ObjectType, ...]
    roles: tuple[tuple[Role, float], ...]
    licence_product: str
    scene: str  # photo scene of its terminals


def _r(name: str, acts: str, objects: tuple[int, ...], pace: tuple[float, float]) -> Role:
    weights = {
        "v": "view",
        "c": "create",
        "u": "update",
        "a": "approve",
        "e": "export",
        "d": "delete",
    }
    parsed = []
    for part in acts.split():
        k, w = part.split("=")
        parsed.append((weights[k], float(w)))
    return Role(name, tuple(parsed), objects, pace)


KINDS: dict[str, SystemKind] = {
    k.key: k
    for k in (
        SystemKind(
            "mes",
            "制造执行系统(MES)",
            ("生产计划", "生产报工", "质量检验", "物料管理"),
            (
                ObjectType("工单", "WO"),
                ObjectType("报工单", "BG"),
                ObjectType("质检单", "QC"),
                ObjectType("领料单", "LL"),
            ),
            (
                (_r("操作工", "v=3 c=5 u=1", (1, 0), (420, 900)), 6.0),
                (_r("班组长", "v=4 a=3 u=2 c=1", (1, 0), (300, 700)), 2.0),
                (_r("质检员", "v=2 c=4 u=2", (2,), (360, 800)), 1.5),
                (_r("计划员", "v=3 c=3 u=3 e=1", (0,), (300, 600)), 1.0),
                (_r("仓管员", "v=2 c=4 u=1", (3,), (500, 1000)), 1.0),
                (_r("生产主管", "v=6 a=2 e=1", (0, 1, 2), (500, 1200)), 0.7),
            ),
            "MES系统软件许可",
            "terminal",
        ),
        SystemKind(
            "erp",
            "企业资源计划(ERP)",
            ("采购管理", "销售管理", "库存管理", "财务管理"),
            (
                ObjectType("采购单", "PO"),
                ObjectType("销售订单", "SO"),
                ObjectType("入库单", "RK"),
                ObjectType("出库单", "CK"),
            ),
            (
                (_r("采购员", "v=3 c=3 u=2 e=1", (0, 2), (400, 900)), 1.5),
                (_r("销售内勤", "v=3 c=3 u=2 e=1", (1, 3), (400, 900)), 2.0),
                (_r("仓管员", "v=2 c=4 u=1", (2, 3), (450, 900)), 2.0),
                (_r("会计", "v=5 u=1 e=2 a=1", (0, 1), (500, 1100)), 1.0),
                (_r("部门经理", "v=5 a=3 e=1", (0, 1), (600, 1400)), 0.8),
            ),
            "ERP系统软件许可",
            "screen",
        ),
        SystemKind(
            "wms",
            "仓储管理系统(WMS)",
            ("入库管理", "出库管理", "库位管理", "盘点管理"),
            (ObjectType("入库单", "RK"), ObjectType("出库单", "CK"), ObjectType("盘点单", "PD")),
            (
                (_r("仓管员", "v=2 c=5 u=2", (0, 1), (300, 700)), 4.0),
                (_r("叉车工", "v=3 u=4", (0, 1), (400, 900)), 2.0),
                (_r("仓库主管", "v=5 a=3 e=1 c=1", (0, 1, 2), (500, 1100)), 1.0),
            ),
            "WMS仓储管理软件许可",
            "warehouse",
        ),
        SystemKind(
            "qms",
            "质量管理系统(QMS)",
            ("来料检验", "过程检验", "成品检验", "不合格品管理"),
            (
                ObjectType("检验单", "JY"),
                ObjectType("不合格品处理单", "NC"),
                ObjectType("8D报告", "ED"),
            ),
            (
                (_r("检验员", "v=2 c=5 u=2", (0,), (360, 800)), 4.0),
                (_r("质量工程师", "v=3 c=2 u=3 a=1", (1, 2), (500, 1100)), 1.5),
                (_r("质量经理", "v=5 a=3 e=1", (0, 1, 2), (600, 1300)), 0.8),
            ),
            "QMS质量管理软件许可",
            "lab",
        ),
        SystemKind(
            "eam",
            "设备管理系统(EAM)",
            ("设备台账", "点检管理", "维修管理", "保养计划"),
            (
                ObjectType("点检记录", "DJ"),
                ObjectType("维修工单", "WX"),
                ObjectType("保养计划", "BY"),
            ),
            (
                (_r("设备员", "v=2 c=5 u=2", (0, 1), (400, 900)), 3.0),
                (_r("维修工", "v=2 c=1 u=4", (1,), (500, 1000)), 2.0),
                (_r("设备主管", "v=5 a=3 e=1 c=1", (0, 1, 2), (600, 1200)), 0.8),
            ),
            "EAM设备管理软件许可",
            "machine",
        ),
    )
}


@dataclass
class SystemSpec:
    kind: SystemKind
    system_id: str
    vendor: names.Party
    deployment: str
    go_live: date | None
    licensed_users: int | None
    contract_no: str | None
    users: list[User]
    has_log: bool = True
    plan_start: date | None = None  # first date of the log (default go_live)
    plan_end: date | None = None  # last date of the log
    quiet: list[tuple[date, date]] = field(default_factory=list)
    rate_changes: list[tuple[date, float]] = field(default_factory=list)  # from date: rate
    mode: str = "human"

    def plan(self, seed: int, end: date) -> LogPlan:
        start = self.plan_start or self.go_live
        assert start is not None
        changes = sorted(self.rate_changes)

        def rate(d: date) -> float:
            r = 1.0
            for since, value in changes:
                if d >= since:
                    r = value
            return r

        return LogPlan(
            system_id=self.system_id,
            objects=list(self.kind.objects),
            users=self.users,
            start=start,
            end=self.plan_end or end,
            quiet=self.quiet,
            rate=rate,
            mode=self.mode,
            seed=seed,
        )


@dataclass
class Goal:
    metric: str
    unit: str
    baseline: float
    target: float
    claimed: float | None  # None: derived from the data (key goals)
    key: str | None
    system_id: str | None
    claim_factor: float = 1.0


@dataclass
class PhotoSpec:
    path: str
    title: str
    scene: str
    taken: datetime
    modified: datetime
    attachment: int = 7
    phase: str | None = None
    software: str | None = None
    make: str = "HUAWEI"
    model: str = "Mate 40 Pro"
    copy_of: str | None = None  # near-identical re-save of another photo
    claim: str | None = None  # self-assessment item it supports


@dataclass
class Case:
    seed: int
    size: str
    rng: random.Random
    ent: names.EnterpriseName
    uscc: str
    size_class: str
    employees: int
    contact: names.Person
    prior_support: dict[str, bool]
    project_id: str
    title: str
    batch: str
    registered: date
    diagnosis: date
    completed: date
    applied: date
    planned: date | None
    created_at: datetime
    assessed: date
    level_before: int
    level_target: int
    providers: list[names.Party]
    systems: list[SystemSpec]
    catalog: list[CatalogEntry]
    contracts: list[Contract]
    invoices: list[Invoice]
    payments: list[Payment]
    subsidy_requested: Decimal
    subsidy_prepaid: Decimal
    goals: list[Goal]
    answers: Answers
    photos: list[PhotoSpec]
    package_id: str
    phone: str = ""
    omit_attachments: set[int] = field(default_factory=set)
    score_excess: Decimal = Decimal(0)  # claimed_score minus computed score
    level_excess: int = 0
    investment_override: Decimal | None = None

    @property
    def enterprise_party(self) -> names.Party:
        return names.Party(self.ent.name, self.uscc, self.ent.district)

    @property
    def total_investment(self) -> Decimal:
        if self.investment_override is not None:
            return self.investment_override
        return sum((c.amount for c in self.contracts), Decimal("0.00"))

    @property
    def log_end(self) -> date:
        """Logs run until the day before the package was made."""
        return self.created_at.date() - D(days=1)


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


def _at(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute), TZ)


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
    created = _at(applied + D(days=rng.randint(3, 12)), rng.randint(9, 16), rng.randint(0, 59))
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
            "、".join(s.kind.name.split("(")[0] for s in sys_of) + "建设及数字化改造服务",
        )
        for s in sys_of:
            s.contract_no = no
            _licence_items(rng, c, s, catalog)
        _service_items(rng, c, catalog, vendor.name)
        contracts.append(c)
    if hardware is not None:
        c = Contract(
            f"CG-{signed.year}-{rng.randint(10, 99):02d}",
            signed + D(days=rng.randint(3, 20)),
            party_a,
            hardware,
            "生产现场数据采集终端及网络设备采购",
        )
        _hardware_items(rng, c, catalog, hardware.name)
        contracts.append(c)
    invoices, payments = _bill(
        rng, contracts, ent.name, uscc, go_live=go_live, completed=completed, applied=applied
    )
    total = sum((c.amount for c in contracts), Decimal("0.00"))
    subsidy = (total * Decimal("0.4")).quantize(Decimal("0.01"))
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
            f"{main.kind.name.split('(')[0]}活跃用户数",
            "人",
            0,
            float(max(3, len(main.users) * 2 // 3)),
            None,
            "active_users",
            main.system_id,
            rng.choice((0.9, 0.95, 1.0)),
        ),
        Goal(
            f"{main.kind.name.split('(')[0]}业务单据线上流转量",
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
        title=f"{ent.name}{'、'.join(s.kind.name.split('(')[0] for s in specs)}数字化改造项目",
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


_EVIDENCE = {
    "terminal": "S6",
    "screen": "Q5",
    "machine": "Q3",
    "warehouse": "S12",
    "kanban": "S6",
    "server": "Q6",
    "lab": "S7",
    "office": "Q10",
    "scanner": "S11",
    "dashboard": "Q4",
}


def link_evidence(case: Case) -> None:
    """The self-assessment cites the photos that support its answers."""
    ev: dict[str, list[str]] = {}
    for ph in case.photos:
        item = _EVIDENCE.get(ph.scene)
        if item is None or ph.phase == "before":
            continue
        if item.startswith("S") and case.answers.scenes.get(item, 0) == 0:
            continue
        ph.claim = item
        ev.setdefault(item, []).append(ph.path)
    ev.setdefault("Q9", []).append("docs/附件6_项目总结报告/项目总结报告.pdf")
    case.answers.evidence = ev


def _add_item(  # noqa: PLR0917 - a row of the catalogue, positional like one
    rng: random.Random,
    c: Contract,
    catalog: list[CatalogEntry],
    provider: str,
    product: str,
    category: str,
    unit: str,
    listed: Decimal,
    quantity: Decimal,
    listed_item: bool = True,
) -> None:
    price = round_price(listed * Decimal(str(rng.uniform(0.84, 1.0))))
    code = None
    if listed_item:
        code = catalog_code(rng)
        catalog.append(CatalogEntry(code, product, provider, unit, listed))
    c.items.append(Item(len(c.items) + 1, product, category, quantity, unit, price, code))


def _licence_items(
    rng: random.Random, c: Contract, s: SystemSpec, catalog: list[CatalogEntry]
) -> None:
    vendor = s.vendor.name
    if s.deployment == "saas":
        seats = Decimal(s.licensed_users or 10)
        listed = Decimal(rng.choice((1800, 2400, 3000, 3600)))
        _add_item(
            rng,
            c,
            catalog,
            vendor,
            s.kind.name.split("(")[0] + "SaaS订阅(用户·年)",
            "saas",
            "用户·年",
            listed,
            seats,
        )
    else:
        listed = Decimal(rng.randrange(80000, 260000, 5000))
        _add_item(
            rng, c, catalog, vendor, s.kind.licence_product, "software", "套", listed, Decimal(1)
        )
    if s.deployment == "private_cloud":
        _add_item(
            rng,
            c,
            catalog,
            vendor,
            "私有云资源租用(一年)",
            "cloud",
            "年",
            Decimal(rng.randrange(24000, 60000, 1000)),
            Decimal(1),
        )
    _add_item(
        rng,
        c,
        catalog,
        vendor,
        s.kind.name.split("(")[0] + "实施与培训服务",
        "service",
        "项",
        Decimal(rng.randrange(40000, 120000, 5000)),
        Decimal(1),
    )


def _service_items(
    rng: random.Random, c: Contract, catalog: list[CatalogEntry], vendor: str
) -> None:
    if rng.random() < 0.6:
        _add_item(
            rng,
            c,
            catalog,
            vendor,
            "工业数据采集网关",
            "hardware",
            "台",
            Decimal(rng.randrange(6000, 12000, 500)),
            Decimal(rng.randint(2, 8)),
        )
    if rng.random() < 0.5:
        _add_item(
            rng,
            c,
            catalog,
            vendor,
            "定制接口开发(与财务软件对接)",
            "service",
            "项",
            Decimal(rng.randrange(15000, 40000, 1000)),
            Decimal(1),
            listed_item=False,
        )


def _hardware_items(
    rng: random.Random, c: Contract, catalog: list[CatalogEntry], vendor: str
) -> None:
    _add_item(
        rng,
        c,
        catalog,
        vendor,
        "工业平板电脑(报工终端)",
        "hardware",
        "台",
        Decimal(rng.randrange(3500, 6500, 100)),
        Decimal(rng.randint(4, 16)),
    )
    _add_item(
        rng,
        c,
        catalog,
        vendor,
        "无线扫码枪",
        "hardware",
        "把",
        Decimal(rng.randrange(600, 1500, 50)),
        Decimal(rng.randint(4, 12)),
    )
    _add_item(
        rng,
        c,
        catalog,
        vendor,
        "工业以太网交换机",
        "hardware",
        "台",
        Decimal(rng.randrange(2500, 6000, 100)),
        Decimal(rng.randint(1, 4)),
    )


_SOFTWARE_RATE = Decimal("0.13")
_SERVICE_RATE = Decimal("0.06")


def _bill(
    rng: random.Random,
    contracts: list[Contract],
    buyer: str,
    buyer_uscc: str,
    *,
    go_live: date,
    completed: date,
    applied: date,
) -> tuple[list[Invoice], list[Payment]]:
    """Invoices in instalments and payments a few days after each, 5 % kept as 质保金."""
    invoices: list[Invoice] = []
    payments: list[Payment] = []
    buyer_party = names.Party(buyer, buyer_uscc)
    for c in contracts:
        plan = rng.choice(
            (
                (Decimal("0.3"), Decimal("0.7")),
                (Decimal("0.4"), Decimal("0.6")),
                (Decimal("0.3"), Decimal("0.4"), Decimal("0.3")),
            )
        )
        parts = split_amounts(c.amount, list(plan))
        last = min(completed + D(days=rng.randint(3, 12)), applied - D(days=8))
        dates = [c.signed_at + D(days=rng.randint(3, 12))]
        if len(parts) == 3:
            dates.append(max(go_live, dates[0] + D(days=10)) + D(days=rng.randint(0, 10)))
        dates.append(max(last, dates[-1] + D(days=5)))
        service_heavy = any(i.category == "service" for i in c.items) and not any(
            i.category in ("software", "hardware") for i in c.items
        )
        hardware_only = all(i.category == "hardware" for i in c.items)
        rate = (
            _SERVICE_RATE
            if service_heavy or any(i.category == "saas" for i in c.items)
            else _SOFTWARE_RATE
        )
        desc = (
            "*计算机配套产品*" + c.items[0].item
            if hardware_only
            else (
                "*信息技术服务*" + c.subject
                if rate == _SERVICE_RATE
                else "*软件*" + c.items[0].item
            )
        )
        retention = (c.amount * Decimal("0.05")).quantize(Decimal("0.01"))
        memos = (
            ["合同预付款", "项目进度款", "验收款(扣除5%质保金)"]
            if len(parts) == 3
            else ["合同预付款", "验收款(扣除5%质保金)"]
        )
        for k, (part, when) in enumerate(zip(parts, dates, strict=True)):
            issued = when
            invoices.append(
                Invoice(
                    invoice_no(rng, issued),
                    issued,
                    c.party_b,
                    buyer_party,
                    part,
                    rate,
                    desc,
                    c.contract_no,
                )
            )
            pay = part - retention if k == len(parts) - 1 else part
            paid = min(issued + D(days=rng.randint(2, 9)), applied - D(days=1))
            payments.append(
                Payment(
                    paid,
                    "out",
                    buyer,
                    c.party_b.name,
                    pay,
                    bank_ref(rng, paid),
                    memos[k],
                    c.contract_no,
                )
            )
    invoices.sort(key=lambda v: v.issued_at)
    payments.sort(key=lambda p: p.paid_at)
    return invoices, payments


PHOTO_SCENES = (
    "terminal",
    "screen",
    "machine",
    "warehouse",
    "kanban",
    "server",
    "lab",
    "office",
    "scanner",
    "dashboard",
)
_PHOTO_TITLES = {
    "terminal": ("报工终端", "车间报工终端使用情况"),
    "screen": ("系统界面", "系统操作界面"),
    "machine": ("数控设备", "联网数控设备"),
    "warehouse": ("仓库扫码", "仓库扫码出入库"),
    "kanban": ("车间看板", "车间电子看板"),
    "server": ("机房", "服务器机柜及网络设备"),
    "lab": ("质检工位", "质检工位数据录入"),
    "office": ("培训现场", "系统上线培训"),
    "scanner": ("扫码作业", "物料扫码领用"),
    "dashboard": ("数据大屏", "生产数据驾驶舱"),
}
_CAMERAS = (
    ("HUAWEI", "Mate 40 Pro"),
    ("HUAWEI", "P50"),
    ("Xiaomi", "Redmi K60"),
    ("OPPO", "Reno8"),
    ("vivo", "X90"),
    ("Apple", "iPhone 13"),
)


#: The large package: one MES with 420 users at this share of the normal pace between actions
#: gives about 10 million usage rows over its year of operation; and this many photos.
LARGE_PACE = 0.43
LARGE_PHOTOS = 4300


def plan_inspection_photos(case: Case, n: int) -> list[PhotoSpec]:
    """Routine shop-floor photos (巡检照片) spread over the working days since go-live."""
    rng = random.Random(f"inspection-photos:{case.seed}")
    first = min(s.go_live for s in case.systems if s.go_live) + D(days=1)
    days = [first + D(days=i) for i in range((case.applied - first).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    make, model = "HUAWEI", "nova 11"
    out = []
    for k in range(n):
        d = days[k * len(days) // n]
        scene = PHOTO_SCENES[rng.randrange(len(PHOTO_SCENES))]
        short, title = _PHOTO_TITLES[scene]
        taken = _at(d, rng.randint(8, 17), rng.randint(0, 59)) + D(seconds=rng.randint(0, 59))
        out.append(
            PhotoSpec(
                f"photos/巡检/{d:%Y-%m}/{d:%Y%m%d}_{short}_{k:04d}.jpg",
                f"{title}（{d.month}月{d.day}日巡检 {k + 1}）",
                scene,
                taken,
                taken,
                make=make,
                model=model,
            )
        )
    return out


def plan_photos(case: Case, count: int | None = None) -> list[PhotoSpec]:
    """Evidence photos taken between go-live and the application, one before-photo sometimes."""
    rng = case.rng
    n = count if count is not None else rng.randint(4, 6)
    make, model = rng.choice(_CAMERAS)
    first = min(s.go_live for s in case.systems if s.go_live) + D(days=3)
    span = max(1, (case.applied - first).days)
    photos: list[PhotoSpec] = []
    scenes = list(PHOTO_SCENES)
    rng.shuffle(scenes)
    for i in range(n):
        scene = scenes[i % len(scenes)]
        short, title = _PHOTO_TITLES[scene]
        day = first + D(days=rng.randint(0, span))
        taken = _at(day, rng.randint(9, 16), rng.randint(0, 59)) + D(seconds=rng.randint(0, 59))
        suffix = "" if i < len(scenes) else f"_{i // len(scenes) + 1}"
        photos.append(
            PhotoSpec(
                f"photos/{short}{suffix}.jpg",
                title + suffix.replace("_", " "),
                scene,
                taken,
                taken,
                make=make,
                model=model,
            )
        )
    if rng.random() < 0.6 or (count is None and case.seed == 0):
        day = case.registered - D(days=rng.randint(10, 60))
        taken = _at(day, rng.randint(9, 16), rng.randint(0, 59))
        photos.append(
            PhotoSpec(
                "photos/改造前_手工台账.jpg",
                "改造前手工台账",
                "ledger",
                taken,
                taken,
                phase="before",
                make=make,
                model=model,
            )
        )
    return photos
