"""One provider's prices for a catalogue code across enterprises (``CROSS_PRICE_OUTLIER``).

A provider is a contract's party B (its USCC, else its normalised name — "same party" of
``red-flags.md``). For each provider and catalogue code, every enterprise's unit price (the
median of its lines) is compared with the median over the enterprises; one above
``max_ratio ×`` or below ``1 / max_ratio ×`` that median is flagged. At least three
enterprises are needed: with two, each is "the outlier" of the other and the median says
nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

MIN_ENTERPRISES = 3


@dataclass(frozen=True)
class Price:
    uscc: str
    provider: str
    provider_name: str
    catalog_code: str
    unit_price: Decimal
    contract_no: str
    line_no: int


@dataclass(frozen=True)
class Outlier:
    price: Price
    enterprise_price: Decimal
    median: Decimal
    enterprises: int


def outliers(prices: Iterable[Price], max_ratio: Decimal) -> Iterator[Outlier]:
    groups: dict[tuple[str, str], dict[str, list[Price]]] = defaultdict(lambda: defaultdict(list))
    for p in prices:
        groups[(p.provider, p.catalog_code)][p.uscc].append(p)
    for (_provider, _code), per in sorted(groups.items()):
        if len(per) < MIN_ENTERPRISES:
            continue
        own = {u: Decimal(median(x.unit_price for x in ps)) for u, ps in per.items()}
        mid = Decimal(median(own.values()))
        if mid <= 0:
            continue
        for uscc in sorted(own):
            value = own[uscc]
            if value > mid * max_ratio or value * max_ratio < mid:
                first = min(per[uscc], key=lambda x: (x.contract_no, x.line_no))
                yield Outlier(first, value, mid, len(per))
