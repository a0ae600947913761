"""Scenarios: an honest case with exactly one red-flag pattern of ``red-flags.md`` planted.

Each function changes the case from :func:`~inspector_app.samples.case.build_case` only as
much as its rule needs, keeping every other rule quiet (see ``docs/samples.md`` for why each
change trips its rule and no other).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from inspector_app.samples import names
from inspector_app.samples.case import Case, PhotoSpec
from inspector_app.samples.finance import (
    CENT,
    GOVERNMENT,
    Contract,
    Invoice,
    Item,
    Payment,
    bank_ref,
    invoice_no,
    requested_subsidy,
    round_price,
)
from inspector_app.values import add_months

D = timedelta


def clean(case: Case) -> None:
    """Nothing planted."""


def materials_missing(case: Case) -> None:
    """附件3 财务核查表 is not in the package."""
    case.omit_attachments.add(3)


def deadline_exceeded(case: Case) -> None:
    """The application comes 3 months and 2–6 weeks after completion."""
    late = add_months(case.completed, 3) + D(days=case.rng.randint(14, 45))
    shift = late - case.applied
    case.applied = late
    case.assessed += shift
    case.created_at += shift
    if case.planned is not None:
        case.planned += shift


def duplicate_funding(case: Case) -> None:
    """The enterprise was already in the 2022 pilot (or funded as a 小巨人)."""
    key = "pilot_2022" if case.seed % 2 == 0 else "little_giant_central_fund"
    case.prior_support[key] = True


def usage_dormant(case: Case) -> None:
    """The main system stopped being used 34–45 days before the application."""
    s = case.systems[0]
    stop = case.applied - D(days=case.rng.randint(34, 45))
    s.plan_end = stop


def usage_burst(case: Case) -> None:
    """The main system was barely used until 30 days before the application, then heavily."""
    s = case.systems[0]
    assert s.go_live is not None
    s.rate_changes = [(s.go_live, 0.22), (case.applied - D(days=29), 1.25)]


def usage_few_users(case: Case) -> None:
    """The main system is licensed for many more users than ever log in (< 30 %)."""
    s = case.systems[0]
    n = len(s.users)
    s.licensed_users = max(n * 4, 40) // 10 * 10
    for item in s_items(case, s.contract_no, s.kind.saas_product):
        item.quantity = Decimal(s.licensed_users)
    _rebill(case)


def log_synthetic(case: Case) -> None:
    """The main system's log is machine-made: the same 24-event block replayed daily."""
    s = case.systems[0]
    s.mode = "script"


def system_predates_project(case: Case) -> None:
    """The main system was live (and used) 3–6 months before its contract was signed."""
    s = case.systems[0]
    assert s.go_live is not None
    earliest = min(
        c.signed_at
        for c in case.contracts
        if c.contract_no == s.contract_no or c.party_b == s.vendor
    )
    s.go_live = earliest - D(days=case.rng.randint(90, 180))


def photo_predates_project(case: Case) -> None:
    """An ordinary (not ``phase: before``) photo was taken before the project was registered."""
    ph = next(p for p in case.photos if p.phase is None)
    taken = ph.taken - (ph.taken.date() - case.registered) - D(days=case.rng.randint(20, 90))
    ph.taken = taken
    ph.modified = taken


def photo_edited(case: Case) -> None:
    """A photo was saved again in an editor weeks after it was taken."""
    ph = next(p for p in case.photos if p.phase is None)
    ph.software = "Adobe Photoshop 25.0 (Windows)"
    ph.modified = min(ph.taken + D(days=case.rng.randint(10, 30)), case.created_at - D(hours=2))


def duplicate_evidence(case: Case) -> None:
    """One photo reused, slightly cropped and re-saved, as evidence for another claim."""
    src = next(p for p in case.photos if p.phase is None)
    claims = [i for i in ("S11", "S12", "Q4", "S3") if i != src.claim]
    dup = PhotoSpec(
        path="photos/系统应用现场.jpg",
        title="系统应用现场（第二车间）",
        scene=src.scene,
        taken=src.taken,
        modified=src.taken,
        make=src.make,
        model=src.model,
        copy_of=src.path,
        claim=claims[0],
    )
    case.photos.append(dup)
    case.answers.evidence.setdefault(claims[0], []).append(dup.path)


def contract_invoice_mismatch(case: Case) -> None:
    """The main contract's invoices total 110–118 % of its amount (payments follow invoices)."""
    c = case.contracts[0]
    extra = (c.amount * Decimal(str(case.rng.uniform(0.10, 0.18)))).quantize(Decimal("0.01"))
    last = max(_invoices_of(case, c), key=lambda v: v.issued_at)
    last.total += extra
    _last_payment_to(case, c).amount += extra


def invoice_before_contract(case: Case) -> None:
    """The main contract's first invoice is dated 1–3 weeks before the contract was signed."""
    c = case.contracts[0]
    first = min(_invoices_of(case, c), key=lambda v: v.issued_at)
    first.issued_at = c.signed_at - D(days=case.rng.randint(7, 21))
    first.invoice_no = invoice_no(case.rng, first.issued_at)
    case.invoices.sort(key=lambda v: v.issued_at)


def payment_mismatch(case: Case) -> None:
    """Part of the main contract's final payment goes to a third company, not to party B."""
    c = case.contracts[0]
    pay = _last_payment_to(case, c)
    third = names.providers(case.rng, 1, avoid={case.ent.trade, *(_trades(case))})[0]
    part = round_price(pay.amount * Decimal("0.3"))
    pay.amount -= part
    case.payments.append(
        Payment(
            pay.paid_at,
            "out",
            case.ent.name,
            third.name.replace("科技", "商贸"),
            part,
            bank_ref(case.rng, pay.paid_at),
            "技术服务费",
            c.contract_no,
        )
    )
    case.payments.sort(key=lambda p: p.paid_at)


def payment_reflux(case: Case) -> None:
    """The main provider pays 8–15 % of the contract back after the last payment."""
    c = case.contracts[0]
    last = max(
        p.paid_at for p in case.payments if p.direction == "out" and p.payee == c.party_b.name
    )
    amount = round_price(c.amount * Decimal(str(case.rng.uniform(0.08, 0.15))))
    when = min(last + D(days=case.rng.randint(5, 20)), case.created_at.date() - D(days=1))
    case.payments.append(
        Payment(
            when,
            "in",
            c.party_b.name,
            case.ent.name,
            amount,
            bank_ref(case.rng, when),
            "合作推广服务费",
            None,
        )
    )
    case.payments.sort(key=lambda p: p.paid_at)


def price_outlier(case: Case) -> None:
    """One catalogue item is bought 45–70 % above its listed price."""
    c = case.contracts[0]
    item = next(i for i in c.items if i.catalog_code)
    listed = next(e.listed for e in case.catalog if e.code == item.catalog_code)
    item.unit_price = round_price(listed * Decimal(str(case.rng.uniform(1.45, 1.7))))
    _rebill(case)


def contract_inconsistent(case: Case) -> None:
    """One line of the main contract keeps its amount while its unit price was cut by 8–15 %:
    quantity × unit price no longer gives the amount written (the contract's total, its
    invoices and payments are unchanged)."""
    c = case.contracts[0]
    line = next((i for i in c.items if i.quantity > 1), c.items[0])
    line.written_amount = line.amount
    line.unit_price = round_price(line.unit_price * Decimal(str(case.rng.uniform(0.85, 0.92))))


def product_not_listed(case: Case) -> None:
    """The main contract's first listed software (or SaaS, cloud) product is listed in the
    catalogue for another provider: the contract's party B resells it."""
    c = case.contracts[0]
    line = next(i for i in c.items if i.category in ("software", "saas", "cloud"))
    entry = next(e for e in case.catalog if e.code == line.catalog_code)
    other = names.providers(case.rng, 1, avoid={case.ent.trade, *(_trades(case))})[0]
    entry.provider = other.name


def investment_unsupported(case: Case) -> None:
    """The project claims an investment 15–30 % above what its contracts and invoices total
    (the subsidy requested stays 40 % of the contracts)."""
    padding = Decimal(str(case.rng.uniform(1.15, 1.30)))
    case.claimed_investment = round_price(case.total_investment * padding)


def subsidy_excessive(case: Case) -> None:
    """The subsidy requested is 55–65 % of the investment (the rules allow half)."""
    share = Decimal(str(case.rng.uniform(0.55, 0.65)))
    case.subsidy_requested = round_price(case.total_investment * share)


def target_missed(case: Case) -> None:
    """The production-plan goal (a rising target) is claimed 2–5 points short of its target,
    and part of the subsidy was pre-paid (so the flag names the amount to claw back)."""
    g = next(g for g in case.goals if g.key is None and g.target > g.baseline)
    g.claimed = g.target - case.rng.randint(2, 5)
    if case.subsidy_prepaid == 0:
        case.subsidy_prepaid = (case.subsidy_requested * Decimal("0.3")).quantize(CENT)
        when = min(c.signed_at for c in case.contracts) + D(days=case.rng.randint(20, 50))
        case.payments.append(
            Payment(
                when,
                "in",
                GOVERNMENT,
                case.ent.name,
                case.subsidy_prepaid,
                bank_ref(case.rng, when),
                "中小企业数字化转型城市试点项目补助资金预拨付",
                None,
            )
        )
        case.payments.sort(key=lambda p: p.paid_at)


def payment_mismatch_payer(case: Case) -> None:
    """The main contract's final payment is made by a third company, not by the enterprise:
    the enterprise did not pay its own share."""
    pay = _last_payment_to(case, case.contracts[0])
    third = names.providers(case.rng, 1, avoid={case.ent.trade, *(_trades(case))})[0]
    pay.payer = third.name.replace("科技", "商贸")


def deadline_exceeded_batch(case: Case) -> None:
    """The agency's settings close the project's batch 3–20 days before the application
    (which is still within 3 months of completion)."""
    case.batch_deadline = case.applied - D(days=case.rng.randint(3, 20))


def goal_unsupported(case: Case) -> None:
    """The active-users goal claims 1.6–2 × the distinct users the log shows."""
    g = next(g for g in case.goals if g.key == "active_users")
    g.claim_factor = case.rng.uniform(1.6, 2.0)


def self_assessment_inflated(case: Case) -> None:
    """The claimed score is 6–12 points above what the answers give."""
    case.score_excess = Decimal(case.rng.randint(60, 120)) / 10


SCENARIO_FUNCS: dict[str, Callable[[Case], None]] = {
    f.__name__: f
    for f in (
        clean,
        materials_missing,
        deadline_exceeded,
        duplicate_funding,
        usage_dormant,
        usage_burst,
        usage_few_users,
        log_synthetic,
        system_predates_project,
        photo_predates_project,
        photo_edited,
        duplicate_evidence,
        contract_invoice_mismatch,
        invoice_before_contract,
        payment_mismatch,
        payment_reflux,
        price_outlier,
        contract_inconsistent,
        product_not_listed,
        investment_unsupported,
        subsidy_excessive,
        target_missed,
        goal_unsupported,
        self_assessment_inflated,
        payment_mismatch_payer,
        deadline_exceeded_batch,
    )
}
SCENARIOS: tuple[str, ...] = tuple(SCENARIO_FUNCS)

#: scenarios of a later condition of a rule, and that rule
_CONDITION_SCENARIOS = {
    "payment_mismatch_payer": "PAYMENT_MISMATCH",
    "deadline_exceeded_batch": "DEADLINE_EXCEEDED",
}


def scenario_rule(scenario: str) -> str | None:
    """The rule id a scenario plants (None for ``clean``): its name in upper case, or for a
    later condition of a rule (``payment_mismatch_payer``) that rule."""
    if scenario == "clean":
        return None
    return _CONDITION_SCENARIOS.get(scenario, scenario.upper())


def _trades(case: Case) -> set[str]:
    return {p.name[2:4] for p in case.providers}


def _invoices_of(case: Case, c: Contract) -> list[Invoice]:
    return [v for v in case.invoices if v.contract_no == c.contract_no]


def _last_payment_to(case: Case, c: Contract) -> Payment:
    """The last payment the enterprise made under contract ``c``."""
    return max(
        (p for p in case.payments if p.contract_no == c.contract_no and p.direction == "out"),
        key=lambda p: p.paid_at,
    )


def s_items(case: Case, contract_no: str | None, product: str) -> list[Item]:
    return [
        i
        for c in case.contracts
        if c.contract_no == contract_no
        for i in c.items
        if i.item == product
    ]


def _rebill(case: Case) -> None:
    """Re-issue invoices and payments after a contract's items changed."""
    from inspector_app.samples.billing import bill

    subsidy_in = [p for p in case.payments if p.direction == "in"]
    go_live = min(s.go_live for s in case.systems if s.go_live)
    case.invoices, case.payments = bill(
        case.rng,
        case.contracts,
        case.ent.name,
        case.uscc,
        go_live=go_live,
        completed=case.completed,
        applied=case.applied,
    )
    case.payments = sorted(case.payments + subsidy_in, key=lambda p: p.paid_at)
    case.subsidy_requested = requested_subsidy(case.contracts)
