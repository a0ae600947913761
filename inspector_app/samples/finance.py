"""Contracts, contract items, the product catalogue, invoices and payments of a sample case.

Shaped like a Kunming pilot project: each software provider signs one 数字化改造 contract whose
items come from the platform's catalogue of listed digital products at a negotiated price a
little under the listed one; the contract is invoiced in two or three 全电发票 (an advance, a
progress or acceptance invoice), and paid a few days after each invoice, with 5 % kept back as
质保金 (retention money) until the warranty year ends.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from inspector_app.casepkg.csvfiles import TABLES
from inspector_app.samples.names import Party
from inspector_app.values import money_str

CENT = Decimal("0.01")
GOVERNMENT = "昆明市工业和信息化局"


@dataclass
class CatalogEntry:
    code: str
    product: str
    provider: str
    unit: str
    listed: Decimal


@dataclass
class Item:
    line_no: int
    item: str
    category: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    catalog_code: str | None
    #: an amount written on the line instead of quantity × unit price (a planted error)
    written_amount: Decimal | None = None

    @property
    def amount(self) -> Decimal:
        if self.written_amount is not None:
            return self.written_amount
        return (self.quantity * self.unit_price).quantize(CENT)


@dataclass
class Contract:
    contract_no: str
    signed_at: date
    party_a: str
    party_b: Party
    subject: str
    items: list[Item] = field(default_factory=list)
    warranty_months: int = 12

    @property
    def amount(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal("0.00"))


@dataclass
class Invoice:
    invoice_no: str
    issued_at: date
    seller: Party
    buyer: Party
    total: Decimal
    rate: Decimal
    item: str
    contract_no: str | None

    @property
    def excl_tax(self) -> Decimal:
        return (self.total / (1 + self.rate)).quantize(CENT, ROUND_HALF_UP)

    @property
    def tax(self) -> Decimal:
        return self.total - self.excl_tax


@dataclass
class Payment:
    paid_at: date
    direction: str
    payer: str
    payee: str
    amount: Decimal
    bank_ref: str
    memo: str
    contract_no: str | None


def total_amount(contracts: list[Contract]) -> Decimal:
    """What the contracts come to together (the project's total investment)."""
    return sum((c.amount for c in contracts), Decimal("0.00"))


#: the most a project asks for (SUBSIDY_EXCESSIVE's default cap)
SUBSIDY_CAP = Decimal("1000000.00")


def requested_subsidy(contracts: list[Contract]) -> Decimal:
    """The subsidy a project asks for: 40 % of its contracts, at most :data:`SUBSIDY_CAP`."""
    return min((total_amount(contracts) * Decimal("0.4")).quantize(CENT), SUBSIDY_CAP)


def round_price(value: Decimal) -> Decimal:
    """Negotiated prices are round: to 100 yuan above 10,000, to 10 yuan below."""
    step = Decimal(100) if value >= 10000 else Decimal(10)
    return ((value / step).quantize(Decimal(1), ROUND_HALF_UP) * step).quantize(CENT)


def catalog_code(rng: random.Random) -> str:
    return f"KMSZ-{rng.choice(('RJ', 'FW', 'YJ', 'YF'))}-{rng.randint(10000, 99999)}"


def invoice_no(rng: random.Random, issued: date) -> str:
    """A 20-digit 全电发票 number: year, 53 (云南), channel, 15-digit sequence."""
    return f"{issued.year % 100:02d}53{rng.choice('12')}{rng.randint(0, 10**15 - 1):015d}"


def bank_ref(rng: random.Random, when: date) -> str:
    return f"{when:%Y%m%d}{rng.randint(10**11, 10**12 - 1)}"


def split_amounts(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Split ``total`` by ``shares`` (summing to 1); the last part takes the rounding rest."""
    parts = [(total * s).quantize(CENT, ROUND_HALF_UP) for s in shares[:-1]]
    parts.append(total - sum(parts, Decimal("0.00")))
    return parts


def upper_amount(value: Decimal) -> str:
    """Chinese financial capitals (大写), e.g. 341850.00 → 叁拾肆万壹仟捌佰伍拾元整."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = ["", "拾", "佰", "仟"]
    big = ["", "万", "亿", "万亿"]
    value = value.quantize(CENT)
    negative = value < 0
    value = abs(value)
    yuan = int(value)
    cents = int((value - yuan) * 100)
    out = ""
    if yuan == 0:
        out = "零"
    else:
        groups: list[int] = []
        n = yuan
        while n:
            groups.append(n % 10000)
            n //= 10000
        zero = False
        for gi in range(len(groups) - 1, -1, -1):
            g = groups[gi]
            if g == 0:
                zero = zero or bool(out)
                continue
            for pos in range(3, -1, -1):
                d = g // 10**pos % 10
                if d == 0:
                    zero = zero or bool(out)
                    continue
                if zero:
                    out += "零"
                    zero = False
                out += digits[d] + units[pos]
            out += big[gi]
    out += "元"
    jiao, fen = divmod(cents, 10)
    if jiao == 0 and fen == 0:
        out += "整"
    else:
        if jiao:
            out += digits[jiao] + "角"
        elif yuan:
            out += "零"
        if fen:
            out += digits[fen] + "分"
        else:
            out += "整"
    return ("负" if negative else "") + out


# --- CSV rows ---------------------------------------------------------------------------


def contract_rows(contracts: list[Contract]) -> list[list[str]]:
    return [
        [
            c.contract_no,
            c.signed_at.isoformat(),
            c.party_a,
            c.party_b.name,
            c.party_b.uscc,
            money_str(c.amount),
            c.subject,
        ]
        for c in contracts
    ]


def item_rows(contracts: list[Contract]) -> list[list[str]]:
    rows = []
    for c in contracts:
        for i in c.items:
            rows.append(
                [
                    c.contract_no,
                    str(i.line_no),
                    i.item,
                    i.category,
                    f"{i.quantity:f}",
                    i.unit,
                    money_str(i.unit_price),
                    money_str(i.amount),
                    i.catalog_code or "",
                ]
            )
    return rows


def catalog_rows(catalog: list[CatalogEntry]) -> list[list[str]]:
    return [[e.code, e.product, e.provider, e.unit, money_str(e.listed)] for e in catalog]


def invoice_rows(invoices: list[Invoice]) -> list[list[str]]:
    return [
        [
            v.invoice_no,
            v.issued_at.isoformat(),
            v.seller.name,
            v.seller.uscc,
            v.buyer.name,
            v.buyer.uscc,
            money_str(v.excl_tax),
            money_str(v.tax),
            money_str(v.total),
            v.item,
            v.contract_no or "",
        ]
        for v in invoices
    ]


def payment_rows(payments: list[Payment]) -> list[list[str]]:
    return [
        [
            p.paid_at.isoformat(),
            p.direction,
            p.payer,
            p.payee,
            money_str(p.amount),
            p.bank_ref,
            p.memo,
            p.contract_no or "",
        ]
        for p in payments
    ]


def columns(path: str) -> list[str]:
    """The header of finance table ``path``: the columns the package reader expects."""
    return [name for name, _, _ in TABLES[path][1]]
