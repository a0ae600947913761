"""Chronology rules: old systems relabelled as new, and late applications."""

from __future__ import annotations

from datetime import date

from inspector_app.analysis.context import Conditions, Context, make_flag, texts
from inspector_app.analysis.flags import Evidence, Flag
from inspector_app.analysis.usagestats import ts_datetime
from inspector_app.casepkg.model import Contract, System
from inspector_app.i18n import Message, bi
from inspector_app.values import add_months


def system_contracts(ctx: Context, system: System) -> list[Contract]:
    """A system's contracts (case-package.md): the contract named by its ``contract_no`` plus
    every contract whose ``party_b_uscc`` equals its ``vendor_uscc``."""
    vendor = (system.vendor_uscc or "").strip().upper()
    out = []
    for c in ctx.package.contracts:
        named = system.contract_no is not None and c.contract_no == system.contract_no
        same_vendor = bool(vendor) and (c.party_b_uscc or "").strip().upper() == vendor
        if named or same_vendor:
            out.append(c)
    return out


def check_predates(ctx: Context, system: System) -> Flag | None:
    """SYSTEM_PREDATES_PROJECT (新瓶装旧酒): an existing system relabelled as the project's.

    Fires when the system's first usage event, its first records.csv date with ``created`` > 0,
    or its ``go_live`` is more than ``margin_days`` (30) before the earliest signing date of its
    contracts — or, when it has none, before the project's ``registered_at``. 30 days allow a
    pilot installation or a trial account set up while the contract was being signed.

    Known false positives: a system bought earlier and genuinely extended by this project
    (the contract should say so); test data imported with old dates.
    """
    margin = ctx.settings["SYSTEM_PREDATES_PROJECT"]["margin_days"]
    sid = system.system_id
    contracts = system_contracts(ctx, system)
    if contracts:
        first_contract = min(contracts, key=lambda c: (c.signed_at, c.contract_no))
        reference = first_contract.signed_at
        ref_text = texts(
            "contract {contract} signed {date}",
            contract=first_contract.contract_no,
            date=reference.isoformat(),
        )
        ref_evidence = Evidence("finance/contracts.csv", rows=(first_contract.row,) * 2)
    else:
        reference = ctx.registered
        ref_text = texts("project registered {date}", date=reference.isoformat())
        ref_evidence = Evidence("project.json", pointer="/registered_at")
    facts: list[tuple[int, Message, Evidence]] = []
    log = ctx.usage.get(sid)
    if log is not None and log.first_ts is not None and log.first_row is not None:
        first_day = ts_datetime(log.first_ts).date()
        path = ctx.usage_path(sid)
        assert path is not None
        facts.append(
            (
                (reference - first_day).days,
                texts("first usage event on {date}", date=first_day.isoformat()),
                Evidence(path, rows=(log.first_row, log.first_row)),
            )
        )
    records = ctx.records.get(sid)
    if records is not None and records.first_created is not None:
        row = records.first_created_row or 1
        facts.append(
            (
                (reference - records.first_created).days,
                texts(
                    "first business records created on {date}",
                    date=records.first_created.isoformat(),
                ),
                Evidence(records.path, rows=(row, row)),
            )
        )
    if system.go_live is not None:
        facts.append(
            (
                (reference - system.go_live).days,
                texts("go-live on {date}", date=system.go_live.isoformat()),
                ctx.system_pointer(sid, "go_live"),
            )
        )
    early = [f for f in facts if f[0] > margin]
    if not early:
        return None
    worst = max(early, key=lambda f: f[0])
    title = texts(
        "Existing system relabelled: {system} in use {days} days before the project",
        system=sid,
        days=worst[0],
    )
    parts = [
        texts(
            "{system}: {what}, {days} days before {reference}",
            system=sid,
            what=what,
            days=days,
            reference=ref_text,
        )
        for days, what, _ in early
    ]
    return make_flag(
        "SYSTEM_PREDATES_PROJECT",
        sid,
        title,
        parts,
        bi(
            "Ask the enterprise to open the system's oldest records and its installation or "
            "licence page; compare their dates with the contract, and ask what the project "
            "added to the system."
        ),
        [*(f[2] for f in early), ref_evidence],
        {"days_before": worst[0]},
    )


def check_deadline(ctx: Context) -> Flag | None:
    """DEADLINE_EXCEEDED (超期申请): the application came too late.

    Fires when applied is later than ``completed_at`` plus ``months`` (3) calendar months —
    same day of month, clamped to the month's end (08-31 → 11-30) — the acceptance notice's
    limit for submitting the materials; or later than the deadline the settings'
    ``batch_deadlines`` give for the project's ``batch``. That table is empty by default: each
    batch's closing date is set by the city office in its call for applications (the seed's
    batch 2 would be ``"2025-2" = 2025-06-30``), so only the agency can set it.

    Known false positives: a deadline extended in writing by the agency; a project filed under
    the wrong batch on the platform.
    """
    project = ctx.package.project
    cfg = ctx.settings["DEADLINE_EXCEEDED"]
    months = cfg["months"]
    applied = project.acceptance_applied_at
    applied_ev = Evidence("project.json", pointer="/acceptance_applied_at")
    found = Conditions()
    limit: date = add_months(project.completed_at, months)
    if applied > limit:
        late = (applied - limit).days
        found.add(
            texts(
                "Application too late: {days} days after the {months}-month limit",
                days=late,
                months=months,
            ),
            texts(
                "completed {completed}, limit {limit}, applied {applied}",
                completed=project.completed_at.isoformat(),
                limit=limit.isoformat(),
                applied=applied.isoformat(),
            ),
            Evidence("project.json", pointer="/completed_at"),
            applied_ev,
        )
        found.facts["days_late"] = late
    batch_deadline = cfg["batch_deadlines"].get(project.batch)
    if batch_deadline is not None and applied > date.fromisoformat(batch_deadline):
        late = (applied - date.fromisoformat(batch_deadline)).days
        found.add(
            texts(
                "Application too late: {days} days after the deadline of batch {batch}",
                days=late,
                batch=project.batch,
            ),
            texts(
                "batch {batch} closed {deadline}, applied {applied}",
                batch=project.batch,
                deadline=batch_deadline,
                applied=applied.isoformat(),
            ),
            Evidence("project.json", pointer="/batch"),
            applied_ev,
        )
        found.facts["days_after_batch_deadline"] = late
    return found.flag(
        "DEADLINE_EXCEEDED",
        None,
        bi(
            "Ask for the completion acceptance record (竣工/上线验收单) and any written "
            "extension from the agency; check the completion date against the last invoice "
            "and payment."
        ),
    )


def check(ctx: Context) -> list[Flag]:
    flags: list[Flag] = []
    for system in ctx.package.systems:
        flag = check_predates(ctx, system)
        if flag is not None:
            flags.append(flag)
    deadline = check_deadline(ctx)
    if deadline is not None:
        flags.append(deadline)
    return flags
