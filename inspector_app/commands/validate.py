"""``inspector-app validate PACKAGE [--json] [--identity FILE]`` (``cli.md``)."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from inspector_app.commands.common import (
    add_identity_option,
    age_identities,
    existing_file,
    issue_where,
)
from inspector_app.errors import Issue
from inspector_app.i18n import N_, bi
from inspector_app.values import TZ


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "validate",
        parents=parents,
        help=N_("check a case package against the format without importing it"),
        description=N_(
            "Checks every entry's name, size and SHA-256, every JSON field and every "
            "CSV row (every usage-log row included). Exit 0 when valid, 1 when refused."
        ),
    )
    p.add_argument("package", metavar="PACKAGE", help=N_("*.case.zip or *.case.zip.age"))
    p.add_argument("--json", action="store_true", help=N_("print one JSON object"))
    add_identity_option(p)
    p.set_defaults(handler=run)


def _issue_line(issue: Issue) -> str:
    return f"  {issue.code:<22} {issue_where(issue)}  {issue.message}".rstrip()


def _when(ts: int | None) -> str:
    if ts is None:
        return "—"
    return datetime.fromtimestamp(ts, TZ).strftime("%Y-%m-%d %H:%M")


def run(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import validate_package

    path = existing_file(args.package)
    identities = age_identities(args, ctx)
    result = validate_package(
        ctx.home, path, identities=identities, progress=ctx.progress(), cancel=ctx.cancel
    )
    if args.json:
        ctx.print_json(result.to_json())
        return 0 if result.valid else 1
    if not result.valid:
        ctx.out(bi("The package is not valid: {path}", path=str(path)))
        if result.package_id:
            ctx.out("  " + str(bi("Package id: {id}", id=result.package_id)))
        ctx.out(bi("Errors ({count}):", count=len(result.errors)))
        for issue in result.errors:
            ctx.out(_issue_line(issue))
    else:
        _summary(ctx, result, str(path))
    if result.warnings:
        ctx.out(bi("Warnings ({count}):", count=len(result.warnings)))
        for issue in result.warnings:
            ctx.out(_issue_line(issue))
    return 0 if result.valid else 1


def _summary(ctx: Any, result: Any, path: str) -> None:
    pkg = result.package
    ctx.out(bi("The package is valid: {path}", path=path))
    ctx.out("  " + str(bi("Package id: {id}", id=result.package_id)))
    if pkg is None:
        return
    e, p = pkg.enterprise, pkg.project
    ctx.out(
        "  "
        + str(
            bi(
                "Enterprise: {name} (USCC {uscc}), {district}, {industry}",
                name=e.name,
                uscc=e.uscc,
                district=e.district,
                industry=e.industry_code,
            )
        )
    )
    ctx.out(
        "  "
        + str(
            bi(
                "Project: {id} {title}, batch {batch}",
                id=p.project_id,
                title=p.title,
                batch=p.batch,
            )
        )
    )
    ctx.out(
        "  "
        + str(
            bi(
                "Dates: registered {registered}, completed {completed}, acceptance applied {applied}",
                registered=p.registered_at,
                completed=p.completed_at,
                applied=p.acceptance_applied_at,
            )
        )
    )
    ctx.out(
        "  "
        + str(
            bi(
                "Money: investment {investment} yuan, subsidy requested {requested} yuan",
                investment=p.total_investment_yuan,
                requested=p.subsidy_requested_yuan,
            )
        )
    )
    ctx.out("  " + str(bi("Systems ({count}):", count=len(pkg.systems))))
    for s in pkg.systems:
        stats = result.usage.get(s.system_id)
        if stats is None:
            usage = bi("no usage log")
        else:
            usage = bi(
                "{rows} usage rows, {first} … {last}",
                rows=f"{stats.rows:,}",
                first=_when(stats.first_ts),
                last=_when(stats.last_ts),
            )
        ctx.out(f"    {s.system_id:<12} {s.name} — {usage}")
    ctx.out(
        "  "
        + str(
            bi(
                "Finance: contracts {contracts}, contract items {items}, invoices {invoices}, payments {payments}, catalogue entries {catalog}",
                contracts=len(pkg.contracts),
                items=len(pkg.contract_items),
                invoices=len(pkg.invoices),
                payments=len(pkg.payments),
                catalog=len(pkg.catalog),
            )
        )
    )
    photos = len(pkg.photos)
    attachments = ", ".join(str(a) for a in sorted(pkg.attachments_present())) or "—"
    ctx.out(
        "  "
        + str(
            bi(
                "Documents: {docs} documents and {photos} photos; attachments present: {attachments}",
                docs=len(pkg.documents) - photos,
                photos=photos,
                attachments=attachments,
            )
        )
    )
    ctx.out(
        "  "
        + str(
            bi(
                "Self-assessment: {items} items, claimed score {score}, claimed level {level}",
                items=len(pkg.self_assessment.items),
                score=pkg.self_assessment.claimed_score
                if pkg.self_assessment.claimed_score is not None
                else "—",
                level=pkg.self_assessment.claimed_level
                if pkg.self_assessment.claimed_level is not None
                else "—",
            )
        )
    )
