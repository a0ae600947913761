"""Finance rules: contracts, invoices and payments that disagree; money flowing back; prices
above the catalogue.

**A contract's invoices and payments** (red-flags.md): those whose ``contract_no`` names it;
an invoice or an outgoing payment with an empty ``contract_no`` belongs to the only contract
whose party B is the same party as its seller / payee. Where several contracts share that
party B, they are checked together as one (their amounts summed). :func:`contract_units`
builds these checking units once for the three reconciliation rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

from inspector_app.analysis.context import Conditions, Context, make_flag, texts
from inspector_app.analysis.flags import Evidence, Flag
from inspector_app.casepkg.model import CatalogEntry, Contract, Invoice, Payment
from inspector_app.i18n import bi
from inspector_app.parties import party_key, same_party
from inspector_app.values import money_str

CONTRACTS = "finance/contracts.csv"
ITEMS = "finance/contract_items.csv"
INVOICES = "finance/invoices.csv"
PAYMENTS = "finance/payments.csv"
CATALOG = "finance/catalog.csv"

_Entry = TypeVar("_Entry", Invoice, Payment)


@dataclass
class Unit:
    """One contract, or several contracts sharing a party B checked together."""

    contracts: list[Contract]
    invoices: list[Invoice] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return "+".join(sorted(c.contract_no for c in self.contracts))

    @property
    def amount(self) -> Decimal:
        return sum((c.amount_yuan for c in self.contracts), Decimal(0))

    @property
    def invoiced(self) -> Decimal:
        return sum((i.total_yuan for i in self.invoices), Decimal(0))

    @property
    def paid(self) -> Decimal:
        return sum((p.amount_yuan for p in self.payments), Decimal(0))

    def named(self, contract_no: str | None) -> Contract | None:
        """The unit's contract an invoice / payment names by ``contract_no`` (None: unnumbered,
        so it belongs to the unit through party B)."""
        no = (contract_no or "").strip()
        for c in self.contracts:
            if c.contract_no == no:
                return c
        return None


def _shares_party_b(contracts: list[Contract]) -> bool:
    first = contracts[0]
    return all(
        same_party(first.party_b, first.party_b_uscc, c.party_b, c.party_b_uscc)
        for c in contracts[1:]
    )


def _owner(contracts: tuple[Contract, ...], name: str, uscc: str | None) -> list[Contract] | None:
    """The contracts an unnumbered invoice / payment belongs to: those whose party B is the
    same party as ``name``/``uscc``, when they all share that party B; else None."""
    matches = [c for c in contracts if same_party(name, uscc, c.party_b, c.party_b_uscc)]
    if not matches or not _shares_party_b(matches):
        return None
    return matches


def contract_units(ctx: Context) -> list[Unit]:
    """The checking units of the reconciliation rules, each with its invoices and outgoing
    payments."""
    pkg = ctx.package
    contracts = pkg.contracts
    by_no = {c.contract_no: c for c in contracts}
    # contract_no -> index of its unit; start with one unit per contract
    units: list[Unit] = [Unit([c]) for c in contracts]
    unit_of: dict[str, int] = {c.contract_no: i for i, c in enumerate(contracts)}

    def merge(group: list[Contract]) -> None:
        target = unit_of[group[0].contract_no]
        for c in group[1:]:
            other = unit_of[c.contract_no]
            if other == target:
                continue
            for moved in units[other].contracts:
                unit_of[moved.contract_no] = target
            units[target].contracts.extend(units[other].contracts)
            units[other].contracts = []

    def owners(
        entries: Sequence[_Entry], party: Callable[[_Entry], tuple[str, str | None]]
    ) -> list[tuple[_Entry, str]]:
        """Each entry with the number of a contract it belongs to (merging the contracts an
        unnumbered entry belongs to); entries belonging to none are left out."""
        out: list[tuple[_Entry, str]] = []
        for e in entries:
            no = (e.contract_no or "").strip()
            if no:
                if no in by_no:
                    out.append((e, no))
                continue
            owner = _owner(contracts, *party(e))
            if owner is not None:
                merge(owner)
                out.append((e, owner[0].contract_no))
        return out

    # first pass: who owns what; second pass: attach them to their (final) unit
    invoice_owner = owners(pkg.invoices, lambda i: (i.seller, i.seller_uscc))
    outgoing = [p for p in pkg.payments if p.direction == "out"]
    payment_owner = owners(outgoing, lambda p: (p.payee, None))
    for inv, no in invoice_owner:
        units[unit_of[no]].invoices.append(inv)
    for pay, no in payment_owner:
        units[unit_of[no]].payments.append(pay)
    return [u for u in units if u.contracts]


def _span(path: str, entries: Sequence[Invoice | Payment]) -> list[Evidence]:
    """The rows of ``entries`` in ``path``, first to last; empty without entries."""
    if not entries:
        return []
    rows = [e.row for e in entries]
    return [Evidence(path, rows=(min(rows), max(rows)))]


def _contract_evidence(unit: Unit) -> list[Evidence]:
    return [Evidence(CONTRACTS, rows=(c.row, c.row)) for c in unit.contracts]


def _within(actual: Decimal, expected: Decimal, tolerance: float) -> bool:
    return abs(actual - expected) <= Decimal(str(tolerance)) * abs(expected)


# --------------------------------------------------------------------------- rules
def check_contract_invoices(ctx: Context, unit: Unit) -> Flag | None:
    """CONTRACT_INVOICE_MISMATCH (合同发票不符): the invoices do not match the contract.

    Fires when the sum of the unit's invoices' ``total_yuan`` differs from its ``amount_yuan``
    by more than ``tolerance`` (1 %: rounding of tax lines, never a real difference); or an
    invoice naming the contract was issued by someone other than its party B; or an invoice's
    buyer is not the enterprise.

    Known false positives: an invoice still to come for the last instalment; a credit note
    issued after the package was exported; a buyer written with an old company name.
    """
    tol = ctx.settings["CONTRACT_INVOICE_MISMATCH"]["tolerance"]
    ent = ctx.package.enterprise
    found = Conditions(_contract_evidence(unit))
    total = unit.invoiced
    amount = unit.amount
    if not _within(total, amount, tol):
        diff = total - amount
        share = abs(diff) / amount * 100 if amount else Decimal(100)
        found.add(
            texts(
                "Contract and invoices disagree: invoiced {total} yuan against {amount} yuan "
                "({share}% apart)",
                total=money_str(total),
                amount=money_str(amount),
                share=f"{share:.1f}",
            ),
            texts(
                "{contract}: invoices total {total} yuan, contract amount {amount} yuan",
                contract=unit.subject,
                total=money_str(total),
                amount=money_str(amount),
            ),
            *_span(INVOICES, unit.invoices),
        )
    for inv in unit.invoices:
        row = Evidence(INVOICES, rows=(inv.row, inv.row))
        contract = unit.named(inv.contract_no)
        if contract is not None and not same_party(
            inv.seller, inv.seller_uscc, contract.party_b, contract.party_b_uscc
        ):
            t = texts(
                "Contract and invoices disagree: invoice {invoice} issued by {seller}, "
                "not by {party_b}",
                invoice=inv.invoice_no,
                seller=inv.seller,
                party_b=contract.party_b,
            )
            found.add(t, t, row)
        if not same_party(inv.buyer, inv.buyer_uscc, ent.name, ent.uscc):
            t = texts(
                "Contract and invoices disagree: invoice {invoice} made out to {buyer}, "
                "not to the enterprise",
                invoice=inv.invoice_no,
                buyer=inv.buyer,
            )
            found.add(t, t, row)
    return found.flag(
        "CONTRACT_INVOICE_MISMATCH",
        unit.subject,
        bi(
            "Ask for the original contract and the invoices; check each invoice in the national "
            "tax platform (全国增值税发票查验平台) and compare seller, buyer and amounts with "
            "the contract."
        ),
    )


def check_invoice_dates(ctx: Context, unit: Unit) -> Flag | None:
    """INVOICE_BEFORE_CONTRACT (先开票后签约): invoiced before the contract was signed.

    Fires when one of the unit's invoices is issued before its contract's ``signed_at`` (for
    an unnumbered invoice of several contracts checked together: before the earliest). Real
    projects invoice after signing; an earlier invoice suggests a contract written afterwards.

    Known false positive: an advance invoice (预付款发票) for a framework agreement signed
    later; a signing date mistyped in the platform.
    """
    first = min(unit.contracts, key=lambda c: c.signed_at)
    early: list[tuple[Invoice, date, str]] = []
    for inv in unit.invoices:
        contract = unit.named(inv.contract_no) or first
        if inv.issued_at < contract.signed_at:
            early.append((inv, contract.signed_at, contract.contract_no))
    if not early:
        return None
    worst = max(early, key=lambda e: (e[1] - e[0].issued_at).days)
    title = texts(
        "Invoiced before signing: invoice issued {days} days before the contract",
        days=(worst[1] - worst[0].issued_at).days,
    )
    parts = [
        texts(
            "invoice {invoice} issued {issued}, contract {contract} signed {signed}",
            invoice=inv.invoice_no,
            issued=inv.issued_at.isoformat(),
            contract=no,
            signed=signed.isoformat(),
        )
        for inv, signed, no in early
    ]
    evidence = _contract_evidence(unit) + [
        Evidence(INVOICES, rows=(inv.row, inv.row)) for inv, _, _ in early
    ]
    return make_flag(
        "INVOICE_BEFORE_CONTRACT",
        unit.subject,
        title,
        parts,
        bi(
            "Ask for the original signed contract and the tender or quotation records; ask why "
            "the invoice came before the signature."
        ),
        evidence,
    )


def check_payments(ctx: Context, unit: Unit) -> Flag | None:
    """PAYMENT_MISMATCH (付款不符): the money paid does not match the invoices.

    Fires when one of the unit's outgoing payments naming its contract goes to a party other
    than its party B; or one of its outgoing payments names as its ``payer`` a party other than
    the enterprise — a provider or a third party paying the enterprise's share, so the
    enterprise's own investment is not real (payments carry names only, so "same party" is by
    name); or its outgoing payments exceed its invoiced total by more than ``over_tolerance``
    (1 %), or fall short of it by more than ``short_tolerance`` (10 %: retention money, 质保金,
    usually 5–10 %, explains less).

    Known false positives: retention money above 10 %; a payment made through a group company
    or a factoring bank (as payee, or as payer on the enterprise's behalf); the last instalment
    paid after the export.
    """
    cfg = ctx.settings["PAYMENT_MISMATCH"]
    ent = ctx.package.enterprise
    found = Conditions(_contract_evidence(unit))
    for pay in unit.payments:
        if not same_party(pay.payer, None, ent.name, None):
            t = texts(
                "Payments disagree: {amount} yuan paid by {payer}, not by the enterprise",
                amount=money_str(pay.amount_yuan),
                payer=pay.payer,
            )
            found.add(t, t, Evidence(PAYMENTS, rows=(pay.row, pay.row)))
        contract = unit.named(pay.contract_no)
        if contract is not None and not same_party(
            pay.payee, None, contract.party_b, contract.party_b_uscc
        ):
            t = texts(
                "Payments disagree: {amount} yuan paid to {payee}, not to {party_b}",
                amount=money_str(pay.amount_yuan),
                payee=pay.payee,
                party_b=contract.party_b,
            )
            found.add(t, t, Evidence(PAYMENTS, rows=(pay.row, pay.row)))
    invoiced = unit.invoiced
    paid = unit.paid
    over = paid > invoiced * (1 + Decimal(str(cfg["over_tolerance"])))
    short = paid < invoiced * (1 - Decimal(str(cfg["short_tolerance"])))
    if over or short:
        share = (paid / invoiced * 100) if invoiced else Decimal(0)
        found.add(
            texts(
                "Payments disagree: paid {paid} yuan against {invoiced} yuan invoiced ({share}%)",
                paid=money_str(paid),
                invoiced=money_str(invoiced),
                share=f"{share:.0f}" if invoiced else "∞",
            ),
            texts(
                "{contract}: outgoing payments {paid} yuan, invoices {invoiced} yuan",
                contract=unit.subject,
                paid=money_str(paid),
                invoiced=money_str(invoiced),
            ),
            *_span(PAYMENTS, unit.payments),
            *_span(INVOICES, unit.invoices),
        )
    return found.flag(
        "PAYMENT_MISMATCH",
        unit.subject,
        bi(
            "Ask for the bank statements (银行流水) and the payment receipts of this contract; "
            "check payee names and amounts against the invoices."
        ),
    )


@dataclass
class _Provider:
    names: list[str]
    uscc: str | None

    def matches(self, name: str | None, uscc: str | None) -> bool:
        return any(same_party(name, uscc, n, self.uscc) for n in self.names)

    @property
    def key(self) -> str:
        return party_key(self.names[0], self.uscc)


def providers(ctx: Context) -> list[_Provider]:
    """The project's providers, its systems' vendors and its contracts' party B, merged when
    they are the same party."""
    pkg = ctx.package
    raw: list[tuple[str, str | None]] = [(p.name, p.uscc or None) for p in pkg.project.providers]
    raw += [(s.vendor, s.vendor_uscc or None) for s in pkg.systems if s.vendor]
    raw += [(c.party_b, c.party_b_uscc or None) for c in pkg.contracts]
    out: list[_Provider] = []
    for name, uscc in raw:
        for p in out:
            if p.matches(name, uscc):
                if name not in p.names:
                    p.names.append(name)
                p.uscc = p.uscc or uscc
                break
        else:
            out.append(_Provider([name], uscc))
    return out


def check_reflux(ctx: Context) -> list[Flag]:
    """PAYMENT_REFLUX (资金回流): money flows back from a provider to the enterprise.

    Fires for a provider (project providers, system vendors, contracts' party B — same party
    merged) when an incoming payment (``direction = in``) of at least ``min_amount_yuan``
    (1,000 yuan: below that are bank fees and deposit refunds) comes from it after the first
    outgoing payment to it, whatever its memo says — the classic kickback (约定回扣) pattern.

    Known false positive: a documented refund (退款) of an overpayment or a returned device,
    which the expert dismisses after seeing the agreement.
    """
    threshold = ctx.settings.money("PAYMENT_REFLUX", "min_amount_yuan")
    pays = ctx.package.payments
    flags = []
    for prov in providers(ctx):
        outgoing = [p for p in pays if p.direction == "out" and prov.matches(p.payee, None)]
        if not outgoing:
            continue
        first_out = min(p.paid_at for p in outgoing)
        back = [
            p
            for p in pays
            if p.direction == "in"
            and p.amount_yuan >= threshold
            and p.paid_at > first_out
            and prov.matches(p.payer, None)
        ]
        if not back:
            continue
        total_back = sum((p.amount_yuan for p in back), Decimal(0))
        total_out = sum((p.amount_yuan for p in outgoing), Decimal(0))
        title = texts(
            "Money flows back: {amount} yuan received from provider {provider}",
            amount=money_str(total_back),
            provider=prov.names[0],
        )
        parts = [
            texts(
                "{date}: {amount} yuan in from {payer} (memo: {memo})",
                date=p.paid_at.isoformat(),
                amount=money_str(p.amount_yuan),
                payer=p.payer,
                memo=p.memo or "—",
            )
            for p in back
        ]
        parts.append(
            texts(
                "{amount} yuan paid out to it since {date}",
                amount=money_str(total_out),
                date=first_out.isoformat(),
            )
        )
        evidence = [Evidence(PAYMENTS, rows=(p.row, p.row)) for p in back]
        evidence.extend(_span(PAYMENTS, outgoing))
        flags.append(
            make_flag(
                "PAYMENT_REFLUX",
                prov.key,
                title,
                parts,
                bi(
                    "Ask for the bank statement showing the incoming transfer and the agreement "
                    "behind it (refund, return of goods); ask the finance staff who arranged it."
                ),
                evidence,
            )
        )
    return flags


def check_prices(ctx: Context) -> list[Flag]:
    """PRICE_OUTLIER (价格虚高): a contract item priced above the catalogue.

    Fires when an item's ``unit_price_yuan`` is more than ``max_over_listed`` (30 %) above the
    ``listed_unit_price_yuan`` of its ``catalog_code``. Catalogue prices are list prices
    (tax included); customisation and installation rarely add 30 % to a unit price, while
    inflated costs (夸大改造成本) usually show as 1.5–3 ×.

    Known false positives: an item with bundled customisation or on-site service; a catalogue
    entry priced per module while the contract prices a bundle.
    """
    limit = 1 + Decimal(str(ctx.settings["PRICE_OUTLIER"]["max_over_listed"]))
    pkg = ctx.package
    by_no = {c.contract_no: c for c in pkg.contracts}
    by_code: dict[str, list[CatalogEntry]] = defaultdict(list)
    for e in pkg.catalog:
        by_code[e.catalog_code].append(e)
    flags = []
    for item in pkg.contract_items:
        code = (item.catalog_code or "").strip()
        entries = by_code.get(code)
        if not code or not entries:
            continue
        contract = by_no.get(item.contract_no)
        entry = entries[0]
        if contract is not None:
            for e in entries:
                if same_party(e.provider, None, contract.party_b, contract.party_b_uscc):
                    entry = e
                    break
        listed = entry.listed_unit_price_yuan
        if listed <= 0 or item.unit_price_yuan <= listed * limit:
            continue
        over = (item.unit_price_yuan / listed - 1) * 100
        title = texts(
            "Price above the catalogue: {item} at {over}% above the listed price",
            item=item.item,
            over=f"{over:.0f}",
        )
        detail = texts(
            "{contract} line {line}: unit price {price} yuan, catalogue {code} lists {listed} yuan",
            contract=item.contract_no,
            line=item.line_no,
            price=money_str(item.unit_price_yuan),
            code=code,
            listed=money_str(listed),
        )
        flags.append(
            make_flag(
                "PRICE_OUTLIER",
                f"{item.contract_no}/{item.line_no}",
                title,
                [detail],
                bi(
                    "Ask the provider's quotation and what the price includes (customisation, "
                    "installation, training); compare with the catalogue entry."
                ),
                [
                    Evidence(ITEMS, rows=(item.row, item.row)),
                    Evidence(CATALOG, rows=(entry.row, entry.row)),
                ],
            )
        )
    return flags


def check(ctx: Context) -> list[Flag]:
    flags: list[Flag] = []
    units = contract_units(ctx)
    rules: tuple[Callable[[Context, Unit], Flag | None], ...] = (
        check_contract_invoices,
        check_invoice_dates,
        check_payments,
    )
    for unit in units:
        for rule in rules:
            flag = rule(ctx, unit)
            if flag is not None:
                flags.append(flag)
    flags.extend(check_reflux(ctx))
    flags.extend(check_prices(ctx))
    return flags
