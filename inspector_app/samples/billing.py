"""Drafting contract items from the catalogue, and billing them: invoices and payments."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from inspector_app.samples import names
from inspector_app.samples.finance import (
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
from inspector_app.samples.spec import SystemSpec

D = timedelta


def add_item(  # noqa: PLR0917 - a row of the catalogue, positional like one
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


def licence_items(
    rng: random.Random, c: Contract, s: SystemSpec, catalog: list[CatalogEntry]
) -> None:
    add = partial(add_item, rng, c, catalog, s.vendor.name)
    if s.deployment == "saas":
        seats = Decimal(s.licensed_users or 10)
        listed = Decimal(rng.choice((1800, 2400, 3000, 3600)))
        add(s.kind.saas_product, "saas", "用户·年", listed, seats)
    else:
        listed = Decimal(rng.randrange(80000, 260000, 5000))
        add(s.kind.licence_product, "software", "套", listed, Decimal(1))
    if s.deployment == "private_cloud":
        listed = Decimal(rng.randrange(24000, 60000, 1000))
        add("私有云资源租用(一年)", "cloud", "年", listed, Decimal(1))
    listed = Decimal(rng.randrange(40000, 120000, 5000))
    add(s.kind.short_name + "实施与培训服务", "service", "项", listed, Decimal(1))


def service_items(
    rng: random.Random, c: Contract, catalog: list[CatalogEntry], vendor: str
) -> None:
    add = partial(add_item, rng, c, catalog, vendor)
    if rng.random() < 0.6:
        listed = Decimal(rng.randrange(6000, 12000, 500))
        add("工业数据采集网关", "hardware", "台", listed, Decimal(rng.randint(2, 8)))
    if rng.random() < 0.5:
        listed = Decimal(rng.randrange(15000, 40000, 1000))
        add("定制接口开发(与财务软件对接)", "service", "项", listed, Decimal(1), listed_item=False)


#: (product, unit, listed price range and step, quantity range) of the hardware contract.
_HARDWARE: tuple[tuple[str, str, tuple[int, int, int], tuple[int, int]], ...] = (
    ("工业平板电脑(报工终端)", "台", (3500, 6500, 100), (4, 16)),
    ("无线扫码枪", "把", (600, 1500, 50), (4, 12)),
    ("工业以太网交换机", "台", (2500, 6000, 100), (1, 4)),
)


def hardware_items(
    rng: random.Random, c: Contract, catalog: list[CatalogEntry], vendor: str
) -> None:
    for product, unit, price_range, quantity_range in _HARDWARE:
        listed = Decimal(rng.randrange(*price_range))
        quantity = Decimal(rng.randint(*quantity_range))
        add_item(rng, c, catalog, vendor, product, "hardware", unit, listed, quantity)


_SOFTWARE_RATE = Decimal("0.13")
_SERVICE_RATE = Decimal("0.06")


def bill(
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
