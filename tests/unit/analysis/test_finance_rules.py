"""Contract / invoice / payment reconciliation, PAYMENT_REFLUX and PRICE_OUTLIER."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from inspector_app.analysis import finance
from inspector_app.casepkg.model import CatalogEntry, Contract, ContractItem, Invoice, Payment
from tests.unit.analysis.builders import (
    ENT_NAME,
    ENT_USCC,
    SIGNED,
    VENDOR,
    VENDOR_USCC,
    build,
    context,
)

OTHER = "昆明另一家科技有限公司"


def inv(total: str, *, no: str | None = "HT-1", row: int = 1, **kw) -> Invoice:
    base = Invoice(
        f"2553200000000000{row:04d}",
        date(2024, 12, 1),
        VENDOR,
        VENDOR_USCC,
        ENT_NAME,
        ENT_USCC,
        Decimal(total),
        Decimal(0),
        Decimal(total),
        "MES",
        no,
        row,
    )
    return replace(base, **kw)


def pay(amount: str, *, no: str | None = "HT-1", row: int = 1, **kw) -> Payment:
    base = Payment(
        date(2024, 12, 10), "out", ENT_NAME, VENDOR, Decimal(amount), None, None, no, row
    )
    return replace(base, **kw)


def contract(no: str = "HT-1", amount: str = "100000.00", row: int = 1, **kw) -> Contract:
    return replace(
        Contract(no, SIGNED, ENT_NAME, VENDOR, VENDOR_USCC, Decimal(amount), None, row), **kw
    )


def flags(**kw):
    ctx = context(build(**kw))
    return sorted(finance.check(ctx), key=lambda f: f.id)


def ids(**kw):
    return [f.id for f in flags(**kw)]


def unit_flags(invoices, payments, contracts=None):
    """The finance flags of a package with ``contracts`` (one contract by default), these
    invoices and payments, and no contract items."""
    return flags(
        contracts=contracts or [contract()], invoices=invoices, payments=payments, items=[]
    )


def unit_ids(invoices, payments, contracts=None):
    return [f.id for f in unit_flags(invoices, payments, contracts)]


def test_honest_package_has_no_finance_flag() -> None:
    assert ids() == []


# --------------------------------------------------------------------------- invoices
@pytest.mark.parametrize(
    ("total", "fires"),
    [("101000.00", False), ("101000.01", True), ("99000.00", False), ("98999.99", True)],
)
def test_invoice_total_tolerance(total: str, fires: bool) -> None:
    got = unit_ids([inv(total)], [pay(total)])
    assert ("CONTRACT_INVOICE_MISMATCH:HT-1" in got) is fires
    assert "PAYMENT_MISMATCH:HT-1" not in got


def test_invoice_seller_and_buyer() -> None:
    got = unit_flags([inv("100000.00", seller=OTHER, seller_uscc=None)], [pay("100000.00")])
    (flag,) = [f for f in got if f.rule == "CONTRACT_INVOICE_MISMATCH"]
    assert OTHER in flag.title_en and flag.evidence[-1].rows == (1, 1)
    got = unit_flags([inv("100000.00", buyer="别的公司", buyer_uscc=None)], [pay("100000.00")])
    assert [f.id for f in got] == ["CONTRACT_INVOICE_MISMATCH:HT-1"]
    assert "not to the enterprise" in got[0].title_en


def test_unnumbered_invoice_belongs_to_the_only_contract_of_its_seller() -> None:
    got = unit_ids(
        [inv("60000.00", no=None, row=1), inv("40000.00", no="HT-1", row=2)], [pay("100000.00")]
    )
    assert got == []
    # a seller matching no contract: the invoice belongs to none, the contract is short
    got = unit_ids([inv("60000.00", no=None, row=1, seller=OTHER, seller_uscc=None)], [])
    assert got == ["CONTRACT_INVOICE_MISMATCH:HT-1"]


def test_contracts_sharing_a_party_b_are_checked_together() -> None:
    two = [contract("HT-1", "60000.00", 1), contract("HT-2", "40000.00", 2)]
    got = unit_ids([inv("100000.00", no=None)], [pay("100000.00", no=None)], two)
    assert got == []  # 100,000 against 60,000 + 40,000
    got = unit_ids([inv("90000.00", no=None)], [pay("90000.00", no=None)], two)
    assert got == ["CONTRACT_INVOICE_MISMATCH:HT-1+HT-2"]
    # without unnumbered entries, each contract is checked alone
    got = unit_ids(
        [inv("60000.00", no="HT-1", row=1), inv("40000.00", no="HT-2", row=2)],
        [pay("60000.00", no="HT-1", row=1), pay("40000.00", no="HT-2", row=2)],
        two,
    )
    assert got == []


def test_invoice_before_contract() -> None:
    got = unit_flags([inv("100000.00", issued_at=SIGNED)], [pay("100000.00")])
    assert got == []
    got = unit_flags([inv("100000.00", issued_at=date(2024, 9, 19))], [pay("100000.00")])
    assert [f.id for f in got] == ["INVOICE_BEFORE_CONTRACT:HT-1"]
    assert "1 days before" in got[0].title_en and "发票开具早于合同签订1天" in got[0].title


# --------------------------------------------------------------------------- payments
@pytest.mark.parametrize(
    ("paid", "fires"),
    [("101000.00", False), ("101000.01", True), ("90000.00", False), ("89999.99", True)],
)
def test_payment_tolerances(paid: str, fires: bool) -> None:
    got = unit_ids([inv("100000.00")], [pay(paid)])
    assert ("PAYMENT_MISMATCH:HT-1" in got) is fires
    assert "CONTRACT_INVOICE_MISMATCH:HT-1" not in got


def test_payment_to_another_party() -> None:
    got = unit_flags([inv("100000.00")], [pay("100000.00", payee=OTHER)])
    assert [f.id for f in got] == ["PAYMENT_MISMATCH:HT-1"]
    assert OTHER in got[0].title_en
    # an unnumbered payment to another party belongs to no contract: the contract is unpaid
    got = unit_ids([inv("100000.00")], [pay("100000.00", payee=OTHER, no=None)])
    assert got == ["PAYMENT_MISMATCH:HT-1"]


# --------------------------------------------------------------------------- reflux
def reflux(amount: str, paid_at: date, payer: str = VENDOR):
    return [
        pay("100000.00", row=1, paid_at=date(2024, 12, 10)),
        Payment(paid_at, "in", payer, ENT_NAME, Decimal(amount), None, "退款", None, 2),
    ]


@pytest.mark.parametrize(
    ("amount", "paid_at", "payer", "fires"),
    [
        ("1000.00", date(2024, 12, 11), VENDOR, True),
        ("999.99", date(2024, 12, 11), VENDOR, False),
        ("5000.00", date(2024, 12, 10), VENDOR, False),  # same day as the first payment out
        ("5000.00", date(2024, 12, 9), VENDOR, False),
        ("5000.00", date(2025, 1, 5), "云南某某软件有限责任公司", True),  # same party by name
        ("5000.00", date(2025, 1, 5), OTHER, False),
    ],
)
def test_payment_reflux(amount: str, paid_at: date, payer: str, fires: bool) -> None:
    got = unit_flags([inv("100000.00")], reflux(amount, paid_at, payer))
    reflux_flags = [f for f in got if f.rule == "PAYMENT_REFLUX"]
    assert bool(reflux_flags) is fires
    if fires:
        (flag,) = reflux_flags
        assert flag.id == f"PAYMENT_REFLUX:{VENDOR_USCC}"
        assert flag.evidence[0].rows == (2, 2)
        assert "退款" in flag.detail  # whatever the memo says


def test_reflux_threshold_from_settings() -> None:
    ctx = context(
        build(
            contracts=[contract()],
            invoices=[inv("100000.00")],
            payments=reflux("1000.00", date(2025, 1, 5)),
            items=[],
        ),
        {"PAYMENT_REFLUX": {"min_amount_yuan": "1000.01"}},
    )
    assert finance.check_reflux(ctx) == []


def test_provider_without_uscc_is_keyed_by_normalised_name() -> None:
    ctx = context(
        build(
            project={"providers": ()},
            system={"vendor": None, "vendor_uscc": None},
            contracts=[contract(party_b_uscc=None)],
            invoices=[inv("100000.00", seller_uscc=None)],
            payments=reflux("2000.00", date(2025, 1, 5)),
            items=[],
        )
    )
    (flag,) = finance.check_reflux(ctx)
    assert flag.id == "PAYMENT_REFLUX:云南某某软件"


# --------------------------------------------------------------------------- prices
@pytest.mark.parametrize(("price", "fires"), [("130000.00", False), ("130000.01", True)])
def test_price_outlier(price: str, fires: bool) -> None:
    item = ContractItem(
        "HT-1", 3, "MES软件", "software", Decimal(1), "套", Decimal(price), Decimal(price), "C1", 4
    )
    got = flags(
        contracts=[contract(amount=price)],
        invoices=[inv(price)],
        payments=[pay(price)],
        items=[item],
        catalog=[
            CatalogEntry("C1", "MES", OTHER, "套", Decimal("50000.00"), 1),
            CatalogEntry("C1", "MES", VENDOR, "套", Decimal("100000.00"), 2),
        ],
    )
    assert [f.id for f in got] == (["PRICE_OUTLIER:HT-1/3"] if fires else [])
    if fires:
        assert got[0].evidence[0].rows == (4, 4)
        assert got[0].evidence[1].rows == (2, 2)  # the party B's own catalogue entry
        assert "30%" in got[0].title_en


def test_item_without_catalogue_entry_is_not_priced() -> None:
    item = ContractItem(
        "HT-1", 1, "定制", "service", Decimal(1), None, Decimal("999999.00"), Decimal(1), "X9", 1
    )
    assert finance.check_prices(context(build(items=[item]))) == []
