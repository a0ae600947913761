"""The programme's money rules (CONTRACT_INCONSISTENT, PRODUCT_NOT_LISTED,
INVESTMENT_UNSUPPORTED, SUBSIDY_EXCESSIVE, TARGET_MISSED) and the later conditions of
PAYMENT_MISMATCH (payer) and DEADLINE_EXCEEDED (batch deadline): each threshold at and just
past its edge."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from inspector_app.analysis import analyze, chronology, finance, programme
from inspector_app.analysis.settings import layer, validate_layer
from inspector_app.casepkg.model import (
    CatalogEntry,
    Contract,
    ContractItem,
    Goal,
    Invoice,
    SelfAssessment,
)
from tests.unit.analysis.builders import (
    APPLIED,
    COMPLETED,
    ENT_NAME,
    ENT_USCC,
    SIGNED,
    VENDOR,
    VENDOR_USCC,
    build,
    context,
)

D = timedelta(days=1)
NEW_RULES = {
    "CONTRACT_INCONSISTENT",
    "PRODUCT_NOT_LISTED",
    "INVESTMENT_UNSUPPORTED",
    "SUBSIDY_EXCESSIVE",
    "TARGET_MISSED",
}


def item(
    line: int = 1,
    *,
    quantity: str = "1",
    price: str = "680000.00",
    amount: str | None = None,
    category: str = "software",
    code: str | None = "CAT-1",
    contract_no: str = "HT-1",
) -> ContractItem:
    total = amount if amount is not None else f"{Decimal(quantity) * Decimal(price):.2f}"
    return ContractItem(
        contract_no,
        line,
        f"产品{line}",
        category,
        Decimal(quantity),
        "套",
        Decimal(price),
        Decimal(total),
        code,
        line,
    )


def contract(no: str = "HT-1", amount: str = "680000.00", row: int = 1, **kw) -> Contract:
    base = Contract(no, SIGNED, ENT_NAME, VENDOR, VENDOR_USCC, Decimal(amount), "MES", row)
    return replace(base, **kw)


def invoice(total: str, row: int = 1, **kw) -> Invoice:
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
        "HT-1",
        row,
    )
    return replace(base, **kw)


def run(rule, *layers, **kw):
    """One rule function of ``programme`` on ``build(**kw)`` (settings layered)."""
    return rule(context(build(**kw), *layers))


def fired(**kw) -> set[str]:
    return {f.rule for f in analyze(build(**kw)).flags}


def test_honest_package_raises_none_of_the_new_rules() -> None:
    assert not fired() & NEW_RULES
    assert programme.check(context(build())) == []


# --------------------------------------------------------------------------- CONTRACT_INCONSISTENT
def contract_flag(*layers, **kw):
    ctx = context(build(**kw), *layers)
    flags = programme.check_contracts(ctx)
    assert len(flags) <= 1
    return flags[0] if flags else None


@pytest.mark.parametrize(
    ("party_a", "fires"),
    [
        (ENT_NAME, False),
        ("昆明某某机械制造（有限公司）", False),  # same party after normalising
        ("昆明某某机械制造有限公司 ", False),
        ("云南另一家集团有限公司", True),
    ],
)
def test_party_a_must_be_the_enterprise(party_a: str, fires: bool) -> None:
    flag = contract_flag(contracts=[contract(party_a=party_a)])
    assert (flag is not None) is fires
    if flag is not None:
        assert flag.id == "CONTRACT_INCONSISTENT:HT-1"
        assert flag.severity == "medium"
        assert "party A is 云南另一家集团有限公司" in flag.title_en
        assert flag.evidence[0].path == "finance/contracts.csv" and flag.evidence[0].rows == (1, 1)
        assert flag.hint


@pytest.mark.parametrize(
    ("items_total", "fires"),
    [
        ("686800.00", False),  # exactly 1 % above
        ("686800.01", True),  # just past
        ("673200.00", False),  # exactly 1 % below
        ("673199.99", True),
    ],
)
def test_items_must_add_up_to_the_contract(items_total: str, fires: bool) -> None:
    # two lines whose own arithmetic is right; their sum is items_total
    first = Decimal("400000.00")
    second = Decimal(items_total) - first
    items = [
        item(1, price="400000.00"),
        item(2, price=f"{second:.2f}", code=None, category="service"),
    ]
    flag = contract_flag(items=items)
    assert (flag is not None) is fires
    if flag is not None:
        assert "items total" in flag.title_en
        assert any(
            e.path == "finance/contract_items.csv" and e.rows == (1, 2) for e in flag.evidence
        )


def test_items_tolerance_is_a_setting() -> None:
    items = [item(1, price="687000.00")]  # 1.03 % above the contract
    assert contract_flag(items=items) is not None
    assert contract_flag({"CONTRACT_INCONSISTENT": {"items_tolerance": 0.02}}, items=items) is None


def test_contract_without_items_is_not_checked_for_their_sum() -> None:
    assert contract_flag(items=[]) is None


@pytest.mark.parametrize(
    ("amount", "fires"),
    [("30001.00", False), ("29999.00", False), ("30001.01", True), ("29998.99", True)],
)
def test_a_line_must_be_quantity_times_price(amount: str, fires: bool) -> None:
    # 3 × 10000.00 = 30000.00; the contract amount follows the lines so the sum holds
    items = [item(1, quantity="3", price="10000.00", amount=amount, category="hardware", code=None)]
    flag = contract_flag(contracts=[contract(amount=amount)], items=items)
    assert (flag is not None) is fires
    if flag is not None:
        assert "line 1 amounts to" in flag.title_en and "is 30000.00 yuan" in flag.title_en
        assert flag.evidence[-1].rows == (1, 1)


def test_line_tolerance_is_a_money_setting() -> None:
    items = [item(1, quantity="3", price="10000.00", amount="30004.00", category="hardware")]
    kw = {"contracts": [contract(amount="30004.00")], "items": items}
    assert contract_flag(**kw) is not None
    assert contract_flag({"CONTRACT_INCONSISTENT": {"line_tolerance_yuan": "5.00"}}, **kw) is None


def test_several_conditions_raise_one_flag_listing_each() -> None:
    items = [item(1, quantity="2", price="100.00", amount="250.00", category="hardware")]
    flag = contract_flag(contracts=[contract(party_a="别的公司")], items=items)
    assert flag is not None
    assert "party A" in flag.title_en  # titled by the first condition
    assert "items total" in flag.detail and "line 1 amounts to" in flag.detail


# --------------------------------------------------------------------------- PRODUCT_NOT_LISTED
def product_ids(*layers, **kw) -> list[str]:
    return [f.id for f in run(programme.check_products, *layers, **kw)]


@pytest.mark.parametrize("category", ["software", "saas", "cloud"])
def test_catalogue_categories_without_a_code_fire(category: str) -> None:
    assert product_ids(items=[item(code=None, category=category)]) == ["PRODUCT_NOT_LISTED:HT-1/1"]


@pytest.mark.parametrize("category", ["hardware", "service", "other"])
def test_other_categories_need_no_code(category: str) -> None:
    assert product_ids(items=[item(code=None, category=category)]) == []


def test_a_code_the_catalogue_does_not_list_fires() -> None:
    flags = run(programme.check_products, items=[item(code="CAT-9")])
    assert [f.id for f in flags] == ["PRODUCT_NOT_LISTED:HT-1/1"]
    assert "code CAT-9 is not listed" in flags[0].title_en


@pytest.mark.parametrize(
    ("provider", "fires"),
    [
        (VENDOR, False),
        ("云南某某软件", False),  # same party after normalising
        ("昆明别家软件有限公司", True),
    ],
)
def test_the_catalogue_provider_must_be_party_b(provider: str, fires: bool) -> None:
    catalog = [CatalogEntry("CAT-1", "MES", provider, "套", Decimal("600000.00"), 1)]
    flags = run(programme.check_products, catalog=catalog)
    assert bool(flags) is fires
    if flags:
        paths = [e.path for e in flags[0].evidence]
        assert paths == [
            "finance/contract_items.csv",
            "finance/catalog.csv",
            "finance/contracts.csv",
        ]
        assert "listed for 昆明别家软件有限公司" in flags[0].title_en


def test_a_code_listed_for_several_providers_passes_when_one_is_party_b() -> None:
    catalog = [
        CatalogEntry("CAT-1", "MES", "昆明别家软件有限公司", "套", Decimal("600000.00"), 1),
        CatalogEntry("CAT-1", "MES", VENDOR, "套", Decimal("600000.00"), 2),
    ]
    assert product_ids(catalog=catalog) == []


def test_without_catalogue_rows_the_rule_is_skipped() -> None:
    assert product_ids(catalog=[], items=[item(code=None)]) == []


def test_product_categories_are_a_setting() -> None:
    items = [item(code=None, category="hardware")]
    cfg = {"PRODUCT_NOT_LISTED": {"categories": ["hardware"]}}
    assert product_ids(cfg, items=items) == ["PRODUCT_NOT_LISTED:HT-1/1"]
    assert product_ids({"PRODUCT_NOT_LISTED": {"categories": []}}, items=[item(code=None)]) == []


# --------------------------------------------------------------------------- INVESTMENT_UNSUPPORTED
@pytest.mark.parametrize(
    ("claim", "fires"),
    [("714000.00", False), ("714000.01", True)],  # 680,000 × 1.05 = 714,000
)
def test_investment_against_contracts_and_invoices(claim: str, fires: bool) -> None:
    flag = run(programme.check_investment, project={"total_investment_yuan": Decimal(claim)})
    assert (flag is not None) is fires
    if flag is not None:
        assert flag.id == "INVESTMENT_UNSUPPORTED" and flag.severity == "high"
        assert flag.evidence[0].pointer == "/total_investment_yuan"
        # both the contracts and the invoices total 680,000: both conditions hold
        assert "enterprise's contracts" in flag.detail and "invoices made out" in flag.detail


@pytest.mark.parametrize(("invoiced", "fires"), [("600000.00", False), ("599999.99", True)])
def test_investment_against_invoices_alone(invoiced: str, fires: bool) -> None:
    # claim 630,000 = 600,000 × 1.05; contracts 680,000 support it
    flag = run(
        programme.check_investment,
        project={"total_investment_yuan": Decimal("630000.00")},
        invoices=[invoice(invoiced)],
    )
    assert (flag is not None) is fires
    if flag is not None:
        assert "invoices made out to the enterprise total 599999.99" in flag.title_en
        assert flag.evidence[-1].path == "finance/invoices.csv"


def test_only_the_enterprise_s_contracts_and_invoices_count() -> None:
    other = [contract(party_a="别的公司")]
    flag = run(programme.check_investment, contracts=other)
    assert flag is not None and "contracts total 0.00 yuan" in flag.title_en
    flag = run(
        programme.check_investment,
        invoices=[invoice("680000.00", buyer="别的公司", buyer_uscc=None)],
    )
    assert flag is not None and "invoices made out to the enterprise total 0.00" in flag.title_en


def test_no_invoice_fires_when_the_claim_is_above_zero() -> None:
    assert run(programme.check_investment, invoices=[]) is not None
    zero = {"total_investment_yuan": Decimal("0.00"), "subsidy_requested_yuan": Decimal("0.00")}
    assert run(programme.check_investment, invoices=[], project=zero) is None


def test_investment_tolerance_is_a_setting() -> None:
    project = {"total_investment_yuan": Decimal("740000.00")}  # 108.8 %
    assert run(programme.check_investment, project=project) is not None
    cfg = {"INVESTMENT_UNSUPPORTED": {"tolerance": 0.1}}
    assert run(programme.check_investment, cfg, project=project) is None


# --------------------------------------------------------------------------- SUBSIDY_EXCESSIVE
@pytest.mark.parametrize(("requested", "fires"), [("340000.00", False), ("340000.01", True)])
def test_subsidy_ratio(requested: str, fires: bool) -> None:
    flag = run(programme.check_subsidy, project={"subsidy_requested_yuan": Decimal(requested)})
    assert (flag is not None) is fires
    if flag is not None:
        assert flag.id == "SUBSIDY_EXCESSIVE" and flag.severity == "medium"
        assert "50.0% of the investment" in flag.title_en
        assert "at most 0.5 × investment 680000.00 yuan = 340000.00 yuan" in flag.detail
        assert [e.pointer for e in flag.evidence] == [
            "/subsidy_requested_yuan",
            "/total_investment_yuan",
        ]


@pytest.mark.parametrize(("requested", "fires"), [("1000000.00", False), ("1000000.01", True)])
def test_subsidy_cap(requested: str, fires: bool) -> None:
    project = {
        "subsidy_requested_yuan": Decimal(requested),
        "total_investment_yuan": Decimal("5000000.00"),
    }
    flag = run(programme.check_subsidy, project=project)
    assert (flag is not None) is fires
    if flag is not None:
        assert "above the cap of 1000000.00 yuan" in flag.title_en


def test_subsidy_ratio_and_cap_are_settings() -> None:
    project = {"subsidy_requested_yuan": Decimal("400000.00")}
    assert run(programme.check_subsidy, project=project) is not None
    assert (
        run(programme.check_subsidy, {"SUBSIDY_EXCESSIVE": {"max_ratio": 0.6}}, project=project)
        is None
    )
    cfg = {"SUBSIDY_EXCESSIVE": {"cap_yuan": "200000.00"}}
    assert run(programme.check_subsidy, cfg) is None  # 200,000 requested is not above it
    cfg = {"SUBSIDY_EXCESSIVE": {"cap_yuan": "199999.99"}}
    assert run(programme.check_subsidy, cfg) is not None


def test_subsidy_facts_show_the_eligible_cost() -> None:
    items = [item(1, price="600000.00"), item(2, price="80000.00", category="other", code=None)]
    flag = run(
        programme.check_subsidy,
        items=items,
        project={"subsidy_requested_yuan": Decimal("400000.00")},
    )
    assert flag is not None and flag.facts["eligible_yuan"] == Decimal("600000.00")


# --------------------------------------------------------------------------- TARGET_MISSED
def goal(baseline: str, target: str, claimed: str) -> Goal:
    return Goal("生产计划达成率", "%", Decimal(baseline), Decimal(target), Decimal(claimed))


def target_ids(**kw) -> list[str]:
    return [f.id for f in run(programme.check_targets, **kw)]


@pytest.mark.parametrize(
    ("baseline", "target", "claimed", "fires"),
    [
        ("80", "90", "90", False),  # rising: at the target
        ("80", "90", "89.9", True),  # just below
        ("80", "90", "95", False),
        ("45", "30", "30", False),  # falling (库存周转天数): at the target
        ("45", "30", "30.1", True),  # just above
        ("45", "30", "20", False),
        ("50", "50", "10", False),  # target equals baseline: skipped
    ],
)
def test_goal_target(baseline: str, target: str, claimed: str, fires: bool) -> None:
    ids = target_ids(project={"goals": (goal("1", "1", "1"), goal(baseline, target, claimed))})
    assert ids == (["TARGET_MISSED:goals/1"] if fires else [])


def test_missed_goal_names_the_prepaid_subsidy() -> None:
    project = {"goals": (goal("80", "90", "85"),), "subsidy_prepaid_yuan": Decimal("60000.00")}
    (flag,) = run(programme.check_targets, project=project)
    assert "生产计划达成率 85 % against a target of 90 %" in flag.title_en
    assert "pre-paid subsidy 60000.00 yuan is to be clawed back" in flag.detail
    assert [e.pointer for e in flag.evidence] == ["/goals/0", "/subsidy_prepaid_yuan"]
    (flag,) = run(programme.check_targets, project={"goals": (goal("80", "90", "85"),)})
    assert "clawed back" not in flag.detail
    assert [e.pointer for e in flag.evidence] == ["/goals/0"]


@pytest.mark.parametrize(
    ("claimed_level", "target", "fires"),
    [(2, 2, False), (1, 2, True), (3, 4, True), (None, 4, False)],
)
def test_level_target(claimed_level: int | None, target: int, fires: bool) -> None:
    sa = SelfAssessment("miit-2024", {}, claimed_level=claimed_level)
    flags = run(programme.check_targets, self_assessment=sa, project={"level_target": target})
    assert [f.id for f in flags] == (["TARGET_MISSED:level"] if fires else [])
    if flags:
        assert flags[0].evidence[0].path == "self_assessment.json"
        assert flags[0].evidence[1].pointer == "/level_target"


# --------------------------------------------------------------------------- PAYMENT_MISMATCH: payer
def payment_flags(payer: str) -> list:
    pkg = build()
    pays = list(pkg.payments)
    pays[1] = replace(pays[1], payer=payer)
    ctx = context(build(payments=pays))
    return [f for f in finance.check(ctx) if f.rule == "PAYMENT_MISMATCH"]


@pytest.mark.parametrize(
    ("payer", "fires"),
    [
        (ENT_NAME, False),
        ("昆明某某机械制造", False),  # same party by name
        (VENDOR, True),  # the provider paying itself: the enterprise's share is not real
        ("昆明某担保有限公司", True),
    ],
)
def test_payer_must_be_the_enterprise(payer: str, fires: bool) -> None:
    flags = payment_flags(payer)
    assert bool(flags) is fires
    if flags:
        (flag,) = flags
        assert flag.id == "PAYMENT_MISMATCH:HT-1"
        assert f"306000.00 yuan paid by {payer}, not by the enterprise" in flag.title_en
        assert flag.evidence[-1].path == "finance/payments.csv" and flag.evidence[-1].rows == (2, 2)


# --------------------------------------------------------------------------- DEADLINE_EXCEEDED: batch
def deadline(*layers, **project):
    return chronology.check_deadline(context(build(project=project), *layers))


@pytest.mark.parametrize(
    ("deadline_date", "fires"), [(APPLIED, False), (APPLIED - D, True), (APPLIED + D, False)]
)
def test_batch_deadline(deadline_date: date, fires: bool) -> None:
    cfg = {"DEADLINE_EXCEEDED": {"batch_deadlines": {"2025-2": deadline_date}}}
    flag = deadline(cfg)
    assert (flag is not None) is fires
    if flag is not None:
        assert flag.id == "DEADLINE_EXCEEDED"
        assert flag.title_en == "Application too late: 1 days after the deadline of batch 2025-2"
        assert [e.pointer for e in flag.evidence] == ["/batch", "/acceptance_applied_at"]
        assert flag.facts["days_after_batch_deadline"] == 1


def test_batch_deadline_of_another_batch_or_none_is_not_checked() -> None:
    assert deadline() is None  # no batch deadlines by default
    cfg = {"DEADLINE_EXCEEDED": {"batch_deadlines": {"2025-1": "2024-12-31"}}}
    assert deadline(cfg) is None


def test_both_deadlines_missed_raise_one_flag() -> None:
    cfg = {"DEADLINE_EXCEEDED": {"batch_deadlines": {"2025-2": "2025-06-01"}}}
    late = COMPLETED + 100 * D
    flag = deadline(cfg, acceptance_applied_at=late)
    assert flag is not None
    assert "month limit" in flag.title_en  # titled by the first condition
    assert "batch 2025-2 closed 2025-06-01" in flag.detail


# --------------------------------------------------------------------------- settings
def test_new_settings_defaults() -> None:
    s = layer()
    assert s["DEADLINE_EXCEEDED"] == {"months": 3, "batch_deadlines": {}}
    assert s["CONTRACT_INCONSISTENT"] == {"items_tolerance": 0.01, "line_tolerance_yuan": "1.00"}
    assert s["PRODUCT_NOT_LISTED"] == {"categories": ["software", "saas", "cloud"]}
    assert s["INVESTMENT_UNSUPPORTED"] == {"tolerance": 0.05}
    assert s["SUBSIDY_EXCESSIVE"] == {
        "max_ratio": 0.5,
        "cap_yuan": "1000000.00",
        "eligible_categories": ["software", "saas", "hardware", "service", "cloud"],
    }


def test_batch_deadlines_accept_toml_dates_and_iso_strings() -> None:
    from inspector_app.analysis.settings import parse_toml

    data = parse_toml(
        '[DEADLINE_EXCEEDED]\nbatch_deadlines = {"2025-2" = 2025-06-30, "2025-1" = "2024-12-31"}\n'
    )
    assert validate_layer(data) == []
    assert layer(data)["DEADLINE_EXCEEDED"]["batch_deadlines"] == {
        "2025-1": "2024-12-31",
        "2025-2": "2025-06-30",
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"DEADLINE_EXCEEDED": {"batch_deadlines": ["2025-06-30"]}},
        {"DEADLINE_EXCEEDED": {"batch_deadlines": {"2025-2": "2025-13-01"}}},
        {"DEADLINE_EXCEEDED": {"batch_deadlines": {"2025-2": 20250630}}},
        {"PRODUCT_NOT_LISTED": {"categories": ["softwares"]}},
        {"SUBSIDY_EXCESSIVE": {"eligible_categories": "software"}},
        {"SUBSIDY_EXCESSIVE": {"cap_yuan": 1000000}},
        {"CONTRACT_INCONSISTENT": {"line_tolerance_yuan": "1.001"}},
        {"INVESTMENT_UNSUPPORTED": {"tolerance": -0.1}},
        {"TARGET_MISSED": {}},  # the rule has no settings
    ],
)
def test_new_settings_refuse_wrong_values(bad: dict) -> None:
    problems = validate_layer(bad)
    assert len(problems) == 1, problems


def test_the_documented_default_settings_hash_is_current() -> None:
    from pathlib import Path

    from inspector_app.analysis.settings import settings_sha256

    doc = Path(__file__).resolve().parents[3] / "docs" / "red-flags.md"
    assert f"`{settings_sha256(layer())}`" in doc.read_text(encoding="utf-8")
