"""Small hand-made case packages for the rule tests (no ZIP, no reader).

``build(**overrides)`` returns a :class:`CasePackage` of an honest project: one system whose
log has a steady daily rhythm, one contract invoiced and paid in full, every attachment present.
Each test changes the one thing its rule looks at. Usage events are given as tuples and served
through an in-memory :class:`MemorySource` (usage logs and records written as CSV into it).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any

from inspector_app.casepkg.model import (
    CasePackage,
    CatalogEntry,
    Contract,
    ContractItem,
    Document,
    Enterprise,
    Invoice,
    Manifest,
    ManifestFile,
    Payment,
    PriorSupport,
    Project,
    Provider,
    RecordCount,
    SelfAssessment,
    System,
    UsageEvent,
)
from inspector_app.values import TZ

ENT_USCC = "91530100MA6K0A0A0A"  # format only; rules do not check the digit
VENDOR_USCC = "91530100MA6K0B0B0B"
ENT_NAME = "昆明某某机械制造有限公司"
VENDOR = "云南某某软件有限公司"

REGISTERED = date(2024, 9, 2)
SIGNED = date(2024, 9, 20)
GO_LIVE = date(2024, 11, 15)
COMPLETED = date(2025, 4, 30)
APPLIED = date(2025, 6, 20)
CREATED = datetime(2025, 6, 25, 10, 0, tzinfo=TZ)


class MemorySource:
    """An :class:`EntrySource` over bytes held in memory."""

    def __init__(self, entries: dict[str, bytes] | None = None) -> None:
        self.entries = dict(entries or {})

    def open(self, path: str) -> IO[bytes]:
        return io.BytesIO(self.entries[path])

    def names(self) -> list[str]:
        return sorted(self.entries)


@dataclass
class TestPackage(CasePackage):
    """A CasePackage whose usage logs and records were given as lists: they are written as
    ``usage.csv`` / ``records.csv`` into its in-memory source and read by the real readers."""

    events: dict[str, list[UsageEvent]] = field(default_factory=dict)
    record_rows: dict[str, list[RecordCount]] = field(default_factory=dict)


def usage_csv(events: Iterable[UsageEvent]) -> bytes:
    """A ``usage.csv`` of ``events`` (timestamps at +08:00)."""
    lines = ["timestamp,user_id,action,object"]
    for e in events:
        stamp = datetime.fromtimestamp(e.ts, TZ).isoformat()
        lines.append(f"{stamp},{e.user_id},{e.action},{e.object}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def records_csv(records: Iterable[RecordCount]) -> bytes:
    """A ``records.csv`` of daily counts."""
    lines = ["date,object_type,created,updated"]
    lines += [f"{r.date.isoformat()},{r.object_type},{r.created},{r.updated}" for r in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


def ts(d: date, hour: int = 9, minute: int = 0, second: int = 0) -> int:
    return int(datetime.combine(d, time(hour, minute, second), TZ).timestamp())


def events_from(items: Iterable[tuple[int, str, str, str]]) -> list[UsageEvent]:
    """Rows numbered 1, 2, … in the given (ascending) order."""
    return [UsageEvent(t, u, a, o, i) for i, (t, u, a, o) in enumerate(items, 1)]


def daily_events(
    first: date,
    last: date,
    *,
    per_day: int = 6,
    users: int = 12,
    weekdays_only: bool = True,
    seed: int = 0,
) -> list[tuple[int, str, str, str]]:
    """A human-looking rhythm: ``per_day`` events on working days between 08:30 and 17:30,
    irregular gaps, users rotating."""
    import random

    rnd = random.Random(seed)
    out = []
    d = first
    actions = ("login", "view", "create", "update", "approve", "export")
    k = 0
    while d <= last:
        if not weekdays_only or d.weekday() < 5:
            start = ts(d, 8, 30)
            t = start
            for _ in range(per_day):
                t += rnd.randrange(60, 4000)
                k += 1
                out.append(
                    (t, f"u{k % users:02d}", rnd.choice(actions), f"WO-{rnd.randrange(10**6)}")
                )
        d += timedelta(days=1)
    return out


def documents() -> list[Document]:
    docs = []
    for n in range(1, 9):
        docs.append(
            Document(
                path=f"docs/附件{n}/材料{n}.pdf",
                sha256=f"{n:064x}",
                size=100,
                attachment=n,
                kind="other",
                title=f"材料{n}",
                phase=None,
            )
        )
    return docs


def build(**overrides: Any) -> TestPackage:
    """An honest package; keyword arguments replace fields of the package or of its parts:
    ``project={...}``, ``enterprise={...}``, ``system={...}`` (the one system), ``events=[...]``
    (tuples for system 'mes'), ``contracts``, ``invoices``, ``payments``, ``items``,
    ``catalog``, ``documents``, ``images`` (path -> bytes), ``rules``, ``records``."""
    project = Project(
        project_id="KM-2024-001",
        title="数字化改造项目",
        batch="2025-2",
        registered_at=REGISTERED,
        diagnosis_completed_at=date(2024, 8, 1),
        completed_at=COMPLETED,
        acceptance_applied_at=APPLIED,
        inspection_planned_at=None,
        providers=(Provider(VENDOR, VENDOR_USCC),),
        total_investment_yuan=Decimal("680000.00"),
        subsidy_requested_yuan=Decimal("200000.00"),
        subsidy_prepaid_yuan=Decimal("0.00"),
        level_before=1,
        level_target=2,
        goals=(),
    )
    project = replace(project, **overrides.pop("project", {}))
    enterprise = Enterprise(
        name=ENT_NAME,
        uscc=ENT_USCC,
        district="官渡区",
        industry_code="C3484",
        industry_name=None,
        size="small",
        employees=120,
        prior_support=PriorSupport(False, False),
    )
    enterprise = replace(enterprise, **overrides.pop("enterprise", {}))
    system = System(
        system_id="mes",
        name="制造执行系统(MES)",
        deployment="saas",
        vendor=VENDOR,
        vendor_uscc=VENDOR_USCC,
        go_live=GO_LIVE,
        licensed_users=20,
        contract_no="HT-1",
    )
    system = replace(system, **overrides.pop("system", {}))
    contracts = overrides.pop(
        "contracts",
        [Contract("HT-1", SIGNED, ENT_NAME, VENDOR, VENDOR_USCC, Decimal("680000.00"), "MES", 1)],
    )
    invoices = overrides.pop(
        "invoices",
        [
            Invoice(
                "25532000000000000001",
                date(2024, 12, 1),
                VENDOR,
                VENDOR_USCC,
                ENT_NAME,
                ENT_USCC,
                Decimal("601769.91"),
                Decimal("78230.09"),
                Decimal("680000.00"),
                "MES",
                "HT-1",
                1,
            )
        ],
    )
    payments = overrides.pop(
        "payments",
        [
            Payment(
                date(2024, 10, 8),
                "out",
                ENT_NAME,
                VENDOR,
                Decimal("340000.00"),
                "B1",
                "首付款",
                "HT-1",
                1,
            ),
            Payment(
                date(2024, 12, 10),
                "out",
                ENT_NAME,
                VENDOR,
                Decimal("306000.00"),
                "B2",
                "尾款",
                "HT-1",
                2,
            ),
        ],
    )
    items = overrides.pop(
        "items",
        [
            ContractItem(
                "HT-1",
                1,
                "MES软件",
                "software",
                Decimal(1),
                "套",
                Decimal("680000.00"),
                Decimal("680000.00"),
                "CAT-1",
                1,
            )
        ],
    )
    catalog = overrides.pop(
        "catalog",
        [CatalogEntry("CAT-1", "MES", VENDOR, "套", Decimal("600000.00"), 1)],
    )
    docs = overrides.pop("documents", documents())
    images: dict[str, bytes] = overrides.pop("images", {})
    raw_events = overrides.pop("events", None)
    if raw_events is None:
        raw_events = daily_events(GO_LIVE, APPLIED)
    events = {"mes": events_from(raw_events)} if raw_events is not False else {}
    records = overrides.pop("records", None)
    sa = overrides.pop("self_assessment", SelfAssessment("miit-2024", {}))
    rules = overrides.pop("rules", None)
    if overrides:
        raise TypeError(f"unknown overrides: {sorted(overrides)}")
    files = tuple(
        ManifestFile(d.path, d.sha256, d.size, d.attachment, d.kind, d.title, d.phase) for d in docs
    )
    manifest = Manifest(
        format="sme-dx-case",
        format_version="1.0",
        package_id="5f1c2a9e-0d1e-4c55-9a7b-2f1e7f0c9b11",
        created_at=CREATED,
        files=files,
    )
    return TestPackage(
        manifest=manifest,
        enterprise=enterprise,
        project=project,
        self_assessment=sa,
        systems=(system,),
        contracts=tuple(contracts),
        contract_items=tuple(items),
        invoices=tuple(invoices),
        payments=tuple(payments),
        catalog=tuple(catalog),
        documents=tuple(docs),
        rules=rules,
        warnings=[],
        source=MemorySource(
            {
                **images,
                **({"logs/mes/usage.csv": usage_csv(events["mes"])} if events else {}),
                **({"logs/mes/records.csv": records_csv(records)} if records is not None else {}),
            }
        ),
        usage_logs={"mes": "logs/mes/usage.csv"} if events else {},
        record_logs={"mes": "logs/mes/records.csv"} if records is not None else {},
        events=events,
        record_rows={"mes": records} if records is not None else {},
    )


def rules_of(result: Any) -> list[str]:
    return sorted(f.id for f in result.flags)


def context(pkg: CasePackage, *layers: Any) -> Any:
    """The analysis context of ``pkg`` (all passes run), settings layered over the defaults."""
    from inspector_app.analysis.context import Context
    from inspector_app.analysis.engine import run_image_pass, run_records_pass, run_usage_pass
    from inspector_app.analysis.settings import layer

    settings = layer(pkg.rules, *layers)
    return Context(
        pkg,
        settings,
        run_usage_pass(pkg, settings),
        run_records_pass(pkg),
        run_image_pass(pkg),
    )


def every_day(
    first: date, last: date, per_day: int = 3, skip: Iterable[date] = ()
) -> list[tuple[int, str, str, str]]:
    """``per_day`` events on every date first … last except ``skip`` (irregular gaps)."""
    skipped = set(skip)
    out = []
    d = first
    k = 0
    while d <= last:
        if d not in skipped:
            for j in range(per_day):
                k += 1
                out.append(
                    (ts(d, 9 + j, (k * 7) % 60, (k * 13) % 60), f"u{k % 7}", "view", f"o{k}")
                )
        d += timedelta(days=1)
    return out
