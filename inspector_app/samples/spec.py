"""The synthetic case's data: plain, mutable dataclasses (no logic beyond small helpers).

:func:`~inspector_app.samples.case.build_case` fills a :class:`Case`; the photo planner, the
billing and the scenarios change it; the writer renders it. Kept apart from the modules that
build it, so none of them imports another in a circle.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from inspector_app.samples import names
from inspector_app.samples.finance import CatalogEntry, Contract, Invoice, Payment, total_amount
from inspector_app.samples.logs import LogPlan, User
from inspector_app.samples.selfassess import Answers
from inspector_app.samples.systems import SystemKind

D = timedelta


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
    claimed_investment: Decimal | None = None  # None: what the contracts come to
    batch_deadline: date | None = None  # the batch's closing date in settings/rules.toml

    @property
    def total_investment(self) -> Decimal:
        """The investment the project claims: its contracts' total unless a scenario pads it."""
        if self.claimed_investment is not None:
            return self.claimed_investment
        return total_amount(self.contracts)

    @property
    def log_end(self) -> date:
        """Logs run until the day before the package was made."""
        return self.created_at.date() - D(days=1)


__all__ = ["Case", "Goal", "PhotoSpec", "SystemSpec"]
