"""The programme's money rules: contracts that do not add up, products outside the catalogue,
an investment the contracts and invoices do not support, a subsidy above the rules, committed
targets missed.

These are the checks a financial auditor and the city office look at first. Amounts are
``Decimal`` throughout; ratio settings are applied as ``Decimal(str(value))``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from inspector_app.analysis.context import Conditions, Context, make_flag, texts
from inspector_app.analysis.finance import CATALOG, CONTRACTS, INVOICES, ITEMS
from inspector_app.analysis.flags import Evidence, Flag
from inspector_app.casepkg.model import CatalogEntry, Contract, ContractItem
from inspector_app.i18n import Message, bi
from inspector_app.parties import same_party
from inspector_app.values import money_str

PROJECT = "project.json"


def _ratio(value: float) -> Decimal:
    return Decimal(str(value))


def _is_enterprise(ctx: Context, name: str | None, uscc: str | None = None) -> bool:
    ent = ctx.package.enterprise
    return same_party(name, uscc, ent.name, ent.uscc)


def _row(path: str, row: int) -> Evidence:
    return Evidence(path, rows=(row, row))


def _span(path: str, rows: list[int]) -> list[Evidence]:
    return [Evidence(path, rows=(min(rows), max(rows)))] if rows else []


def _num(value: Decimal) -> str:
    """A goal's number as written (``95``, ``92.5``), never in exponent form."""
    return f"{value.normalize():f}"


# --------------------------------------------------------------------------- CONTRACT_INCONSISTENT
def check_contract(ctx: Context, contract: Contract, items: list[ContractItem]) -> Flag | None:
    """CONTRACT_INCONSISTENT (合同内容不一致): a contract that contradicts itself or the project.

    Fires when the contract's party A is not the same party as the enterprise (by name: a
    contract carries no party-A USCC); or, when it has items, the sum of their ``amount_yuan``
    differs from the contract's ``amount_yuan`` by more than ``items_tolerance`` (1 %: the
    rounding of a few tax-included lines, never a missing or invented line); or one item's
    ``amount_yuan`` differs from ``quantity × unit_price_yuan`` by more than
    ``line_tolerance_yuan`` (1 yuan: the rounding of one line to the fen, with room for a unit
    price written to fewer decimals than the quantity needs).

    Known false positives: a contract signed by the enterprise's parent or subsidiary (the
    subsidy's beneficiary must be the enterprise itself, so the expert asks why); items that
    list only the licensed products while the contract's amount also covers an unitemised
    service; a discount given on the total instead of on the lines.
    """
    cfg = ctx.settings["CONTRACT_INCONSISTENT"]
    line_tol = ctx.settings.money("CONTRACT_INCONSISTENT", "line_tolerance_yuan")
    ent = ctx.package.enterprise
    found = Conditions([_row(CONTRACTS, contract.row)])
    if not _is_enterprise(ctx, contract.party_a):
        t = texts(
            "Contract inconsistent: party A is {party_a}, not the enterprise {enterprise}",
            party_a=contract.party_a,
            enterprise=ent.name,
        )
        found.add(t, t)
    if items:
        total = sum((i.amount_yuan for i in items), Decimal(0))
        amount = contract.amount_yuan
        if abs(total - amount) > _ratio(cfg["items_tolerance"]) * abs(amount):
            share = abs(total - amount) / amount * 100 if amount else Decimal(100)
            found.add(
                texts(
                    "Contract inconsistent: items total {total} yuan against {amount} yuan "
                    "({share}% apart)",
                    total=money_str(total),
                    amount=money_str(amount),
                    share=f"{share:.1f}",
                ),
                texts(
                    "{contract}: {count} items total {total} yuan, contract amount {amount} yuan",
                    contract=contract.contract_no,
                    count=len(items),
                    total=money_str(total),
                    amount=money_str(amount),
                ),
                *_span(ITEMS, [i.row for i in items]),
            )
        for item in items:
            expected = item.quantity * item.unit_price_yuan
            if abs(item.amount_yuan - expected) <= line_tol:
                continue
            t = texts(
                "Contract inconsistent: line {line} amounts to {amount} yuan, {quantity} × "
                "{price} yuan is {expected} yuan",
                line=item.line_no,
                amount=money_str(item.amount_yuan),
                quantity=f"{item.quantity.normalize():f}",
                price=money_str(item.unit_price_yuan),
                expected=money_str(expected.quantize(Decimal("0.01"))),
            )
            found.add(t, t, _row(ITEMS, item.row))
    return found.flag(
        "CONTRACT_INCONSISTENT",
        contract.contract_no,
        bi(
            "Ask for the signed original of the contract with its price list; check who signed "
            "as party A (name and seal) and recompute the lines and the total together with the "
            "enterprise."
        ),
    )


def check_contracts(ctx: Context) -> list[Flag]:
    items: dict[str, list[ContractItem]] = defaultdict(list)
    for item in ctx.package.contract_items:
        items[item.contract_no].append(item)
    flags = []
    for contract in ctx.package.contracts:
        flag = check_contract(ctx, contract, items.get(contract.contract_no, []))
        if flag is not None:
            flags.append(flag)
    return flags


# --------------------------------------------------------------------------- PRODUCT_NOT_LISTED
def check_products(ctx: Context) -> list[Flag]:
    """PRODUCT_NOT_LISTED (非目录产品): software or cloud bought outside the catalogue.

    Fires for a contract item whose category is in ``categories`` (``software``, ``saas``,
    ``cloud``: the programme subsidises listed digital products, 数字化产品和服务目录, and these
    are the categories the catalogue lists; hardware and services are bought freely) when it has
    no ``catalog_code``, or one that ``finance/catalog.csv`` does not list, or one whose
    catalogue ``provider`` is not the same party as the contract's party B (a listed product
    resold by someone else). Skipped when the package has no catalogue rows: nothing to compare.

    Known false positives: a product listed after the platform exported the catalogue; a
    provider that sells through a subsidiary or a regional agent named differently.
    """
    pkg = ctx.package
    if not pkg.catalog:
        return []
    categories = set(ctx.settings["PRODUCT_NOT_LISTED"]["categories"])
    by_code: dict[str, list[CatalogEntry]] = defaultdict(list)
    for e in pkg.catalog:
        by_code[e.catalog_code.strip()].append(e)
    by_no = {c.contract_no: c for c in pkg.contracts}
    flags = []
    for item in pkg.contract_items:
        if item.category not in categories:
            continue
        code = (item.catalog_code or "").strip()
        contract = by_no.get(item.contract_no)
        evidence = [_row(ITEMS, item.row)]
        entries = by_code.get(code, [])
        if not code:
            title = texts(
                "Product not in the catalogue: {item} has no catalogue code", item=item.item
            )
            detail = texts(
                "{contract} line {line} ({category}): no catalog_code",
                contract=item.contract_no,
                line=item.line_no,
                category=item.category,
            )
        elif not entries:
            title = texts(
                "Product not in the catalogue: {item}, code {code} is not listed",
                item=item.item,
                code=code,
            )
            detail = texts(
                "{contract} line {line} ({category}): catalog_code {code} is not in "
                "finance/catalog.csv",
                contract=item.contract_no,
                line=item.line_no,
                category=item.category,
                code=code,
            )
        elif contract is not None and not any(
            same_party(e.provider, None, contract.party_b, contract.party_b_uscc) for e in entries
        ):
            title = texts(
                "Product not in the catalogue: {item} bought from {party_b}, listed for {provider}",
                item=item.item,
                party_b=contract.party_b,
                provider=entries[0].provider,
            )
            detail = texts(
                "{contract} line {line}: catalogue {code} is provided by {providers}, the "
                "contract's party B is {party_b}",
                contract=item.contract_no,
                line=item.line_no,
                code=code,
                providers="、".join(dict.fromkeys(e.provider for e in entries)),
                party_b=contract.party_b,
            )
            evidence.extend(_row(CATALOG, e.row) for e in entries)
            evidence.append(_row(CONTRACTS, contract.row))
        else:
            continue
        flags.append(
            make_flag(
                "PRODUCT_NOT_LISTED",
                f"{item.contract_no}/{item.line_no}",
                title,
                [detail],
                bi(
                    "Look the product up in the platform's catalogue of listed digital products; "
                    "ask the enterprise for the provider's listing certificate or the reseller "
                    "authorisation, and see the product running on site."
                ),
                evidence,
            )
        )
    return flags


# --------------------------------------------------------------------------- INVESTMENT_UNSUPPORTED
def check_investment(ctx: Context) -> Flag | None:
    """INVESTMENT_UNSUPPORTED (投资额不实): the claimed investment is above what is documented.

    Fires when ``total_investment_yuan`` is more than ``tolerance`` (5 %) above the sum of the
    ``amount_yuan`` of the contracts whose party A is the enterprise, or more than 5 % above the
    sum of the ``total_yuan`` of the invoices whose buyer is the enterprise (so a package with no
    such contract or invoice fires whenever the claim is above zero). The subsidy is a share of
    the investment: an investment claimed beyond its contracts and invoices inflates the
    subsidy (夸大改造成本). 5 % leaves room for small purchases without a formal contract and
    for an invoice still to come, and still catches a claim padded by a fifth.

    Known false positives: the enterprise's own staff costs or earlier purchases counted in the
    investment (not eligible, but sometimes honestly claimed); the last invoice issued after
    the package was exported.
    """
    project = ctx.package.project
    claim = project.total_investment_yuan
    limit = 1 + _ratio(ctx.settings["INVESTMENT_UNSUPPORTED"]["tolerance"])
    contracts = [c for c in ctx.package.contracts if _is_enterprise(ctx, c.party_a)]
    invoices = [i for i in ctx.package.invoices if _is_enterprise(ctx, i.buyer, i.buyer_uscc)]
    contracted = sum((c.amount_yuan for c in contracts), Decimal(0))
    invoiced = sum((i.total_yuan for i in invoices), Decimal(0))
    claim_ev = Evidence(PROJECT, pointer="/total_investment_yuan")
    found = Conditions(
        [claim_ev], facts={"claimed": claim, "contracts": contracted, "invoices": invoiced}
    )
    for basis, amount, what, ev in (
        (
            "contracts",
            contracted,
            texts("the enterprise's contracts"),
            _span(CONTRACTS, [c.row for c in contracts]),
        ),
        (
            "invoices",
            invoiced,
            texts("the invoices made out to the enterprise"),
            _span(INVOICES, [i.row for i in invoices]),
        ),
    ):
        if claim <= amount * limit:
            continue
        share = f"{claim / amount * 100:.0f}%" if amount else "∞"
        found.add(
            texts(
                "Claimed investment not supported: {claim} yuan claimed, {what} total {amount} "
                "yuan",
                claim=money_str(claim),
                what=what,
                amount=money_str(amount),
            ),
            texts(
                "claimed investment {claim} yuan is {share} of {what} ({amount} yuan)",
                claim=money_str(claim),
                share=share,
                what=what,
                amount=money_str(amount),
            ),
            *ev,
        )
        found.facts[f"{basis}_share"] = share
    return found.flag(
        "INVESTMENT_UNSUPPORTED",
        None,
        bi(
            "Ask the finance staff for the project's cost ledger (项目支出明细账) and go through "
            "it line by line against the contracts, the invoices and the bank statements."
        ),
    )


# --------------------------------------------------------------------------- SUBSIDY_EXCESSIVE
def check_subsidy(ctx: Context) -> Flag | None:
    """SUBSIDY_EXCESSIVE (补助超标): the subsidy requested is above the programme's rules.

    Fires when ``subsidy_requested_yuan`` is above ``max_ratio`` (0.5) × ``total_investment_yuan``
    or above ``cap_yuan`` (1,000,000 yuan). The defaults stand in for the city's own rules
    (pilot cities commonly pay at most half of the transformation cost, capped per
    enterprise), which the agency sets in the batch's settings. Whether the investment itself
    is real is ``INVESTMENT_UNSUPPORTED``'s question, not this rule's: the ratio is taken on the
    claimed investment. ``eligible_categories`` is not read by this rule: it says which
    contract-item categories the financial report counts as eligible cost (shown in the flag's
    facts as ``eligible_yuan``).

    Known false positives: a city whose rules allow a higher share for some enterprises (the
    agency sets ``max_ratio`` for the batch); a request that already deducts the pre-paid
    amount in a different way than the form expects.
    """
    cfg = ctx.settings["SUBSIDY_EXCESSIVE"]
    project = ctx.package.project
    requested = project.subsidy_requested_yuan
    investment = project.total_investment_yuan
    ratio = _ratio(cfg["max_ratio"])
    cap = ctx.settings.money("SUBSIDY_EXCESSIVE", "cap_yuan")
    eligible = set(cfg["eligible_categories"])
    eligible_yuan = sum(
        (i.amount_yuan for i in ctx.package.contract_items if i.category in eligible), Decimal(0)
    )
    requested_ev = Evidence(PROJECT, pointer="/subsidy_requested_yuan")
    found = Conditions(
        [requested_ev],
        facts={"requested": requested, "investment": investment, "eligible_yuan": eligible_yuan},
    )
    allowed = (ratio * investment).quantize(Decimal("0.01"))
    if requested > ratio * investment:
        share = f"{requested / investment * 100:.1f}%" if investment else "∞"
        found.add(
            texts(
                "Subsidy above the rules: {requested} yuan requested, {share} of the investment",
                requested=money_str(requested),
                share=share,
            ),
            texts(
                "subsidy requested {requested} yuan, at most {ratio} × investment {investment} "
                "yuan = {allowed} yuan",
                requested=money_str(requested),
                ratio=f"{ratio.normalize():f}",
                investment=money_str(investment),
                allowed=money_str(allowed),
            ),
            Evidence(PROJECT, pointer="/total_investment_yuan"),
        )
    if requested > cap:
        t = texts(
            "Subsidy above the rules: {requested} yuan requested, above the cap of {cap} yuan",
            requested=money_str(requested),
            cap=money_str(cap),
        )
        found.add(t, t)
    return found.flag(
        "SUBSIDY_EXCESSIVE",
        None,
        bi(
            "Compare the subsidy application form (验收申请表) with the city's subsidy rules "
            "for this batch; ask how the requested amount was computed."
        ),
    )


# --------------------------------------------------------------------------- TARGET_MISSED
def check_targets(ctx: Context) -> list[Flag]:
    """TARGET_MISSED (绩效目标未达成): a committed goal or level is not reached.

    Fires for a goal whose ``claimed`` does not reach its ``target`` — at or above it when the
    target is above the baseline, at or below it when the target is below (a goal whose target
    equals its baseline commits to nothing measurable and is skipped) — and, as its own flag,
    when the self-assessment's ``claimed_level`` (when not null) is below the committed
    ``level_target``. No tolerance: the target is the enterprise's own commitment (绩效目标),
    and these are the enterprise's own claims, so a miss is a fact, not an estimate. A
    pre-paid subsidy (预拨付) is then clawed back, so the flag names ``subsidy_prepaid_yuan``
    when it is above zero. (The expert's own level below the target is the findings store's
    ``TARGET_MISSED:level:<fingerprint>``.)

    Known false positives: a goal whose direction the platform recorded the wrong way round
    (baseline and target swapped); a target revised in writing by the agency.
    """
    project = ctx.package.project
    prepaid = project.subsidy_prepaid_yuan
    clawback: list[Message] = []
    clawback_ev: list[Evidence] = []
    if prepaid > 0:
        clawback.append(
            texts(
                "pre-paid subsidy {prepaid} yuan is to be clawed back",
                prepaid=money_str(prepaid),
            )
        )
        clawback_ev.append(Evidence(PROJECT, pointer="/subsidy_prepaid_yuan"))
    hint = bi(
        "Ask the enterprise to show how it measures this result and the records behind the "
        "figure; check with the agency whether the target was revised in writing and how much "
        "was pre-paid."
    )
    facts: dict[str, object] = {"subsidy_prepaid_yuan": prepaid}
    flags = []
    for i, goal in enumerate(project.goals):
        if goal.target == goal.baseline:
            continue
        rising = goal.target > goal.baseline
        if (goal.claimed >= goal.target) if rising else (goal.claimed <= goal.target):
            continue
        title = texts(
            "Committed target missed: {metric} {claimed} {unit} against a target of {target} {unit}",
            metric=goal.metric,
            claimed=_num(goal.claimed),
            unit=goal.unit,
            target=_num(goal.target),
        )
        detail = texts(
            "goal {index}: baseline {baseline}, target {target} ({direction}), claimed {claimed} "
            "{unit}",
            index=i,
            baseline=_num(goal.baseline),
            target=_num(goal.target),
            direction=texts("at least") if rising else texts("at most"),
            claimed=_num(goal.claimed),
            unit=goal.unit,
        )
        flags.append(
            make_flag(
                "TARGET_MISSED",
                f"goals/{i}",
                title,
                [detail, *clawback],
                hint,
                [Evidence(PROJECT, pointer=f"/goals/{i}"), *clawback_ev],
                {**facts, "claimed": goal.claimed, "target": goal.target},
            )
        )
    claimed_level = ctx.package.self_assessment.claimed_level
    target_level = project.level_target
    if claimed_level is not None and claimed_level < target_level:
        title = texts(
            "Committed target missed: level {claimed} claimed, level {target} committed",
            claimed=claimed_level,
            target=target_level,
        )
        detail = texts(
            "the self-assessment claims level {claimed}, the project committed to level {target}",
            claimed=claimed_level,
            target=target_level,
        )
        flags.append(
            make_flag(
                "TARGET_MISSED",
                "level",
                title,
                [detail, *clawback],
                hint,
                [
                    Evidence("self_assessment.json", pointer="/claimed_level"),
                    Evidence(PROJECT, pointer="/level_target"),
                    *clawback_ev,
                ],
                {**facts, "claimed": claimed_level, "target": target_level},
            )
        )
    return flags


def check(ctx: Context) -> list[Flag]:
    flags = check_contracts(ctx)
    flags.extend(check_products(ctx))
    for rule in (check_investment, check_subsidy):
        flag = rule(ctx)
        if flag is not None:
            flags.append(flag)
    flags.extend(check_targets(ctx))
    return flags
