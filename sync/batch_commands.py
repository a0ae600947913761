"""``batch import|status``: the agency's batch roster (``../shared/docs/roster.md``,
``docs/agency.md``)."""

from __future__ import annotations

import argparse
from typing import Any

from inspector_app import labels
from inspector_app.commands.common import existing_file
from inspector_app.i18n import N_, bi, join, nbi, verbatim


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "batch", parents=parents, help=N_("the agency's batch roster (附件9/附件10) and its status")
    )
    sub = parser.add_subparsers(dest="batch_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "import",
        parents=parents,
        help=N_("import a batch roster (CSV or XLSX; all or nothing; replaces the batch's roster)"),
    )
    p.add_argument("file", metavar="FILE", help=N_("the roster (CSV UTF-8/GB18030 or XLSX)"))
    p.add_argument(
        "--batch", required=True, metavar="NAME", help=N_("the batch's name, e.g. 2025-2")
    )
    p.add_argument(
        "--deadline", metavar="DATE", help=N_("the batch's application deadline (YYYY-MM-DD)")
    )
    p.add_argument("--json", action="store_true", help=N_("print the result as JSON"))
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "status",
        parents=parents,
        help=N_("per roster row: packages, experts, levels, disagreements, decision, reports"),
    )
    p.add_argument("--batch", metavar="NAME", help=N_("the batch (default: the latest imported)"))
    p.add_argument("--json", action="store_true", help=N_("print the status as JSON"))
    p.set_defaults(handler=cmd_status)


def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    from sync import services

    path = existing_file(args.file)
    result = services.import_roster(ctx.home, path, args.batch, deadline=args.deadline)
    if args.json:
        ctx.print_json(result.to_json())
        return 0
    ctx.out(
        nbi(
            "Imported the roster of batch {batch}: {rows} enterprises ({n} re-inspection).",
            "Imported the roster of batch {batch}: {rows} enterprises ({n} re-inspections).",
            sum(r.reinspection for r in result.rows),
            batch=result.batch,
            rows=len(result.rows),
        )
    )
    if result.replaced:
        ctx.out(
            bi(
                "It replaces the earlier roster of the batch ({count} rows); findings are kept.",
                count=result.replaced,
            )
        )
    if result.deadline:
        ctx.out(bi("Application deadline: {date}.", date=result.deadline.isoformat()))
    return 0


def cmd_status(args: argparse.Namespace, ctx: Any) -> int:
    from sync import services
    from sync.batch import status_label

    status = services.batch_status(ctx.home, args.batch)
    if args.json:
        ctx.print_json(status.to_json())
        return 0
    ctx.out(bi("Batch {batch}: {rows} enterprises.", batch=status.batch, rows=len(status.rows)))
    if status.deadline is not None:
        ctx.out(
            bi(
                "Deadline {date}: {days} days left.",
                date=status.deadline.isoformat(),
                days=status.days_left,
            )
        )
    counts = status.counts()
    ctx.out("  ".join(f"{status_label(code)} {n}" for code, n in counts.items()))
    for row in status.rows:
        r = row.roster
        experts = ", ".join(
            f"{e.name} L{e.level if e.level is not None else '-'} {labels.recommendation(e.recommendation)}"
            for e in row.experts
        )
        ctx.out(
            f"{r.uscc}  {r.enterprise}  {r.district or '-'}  {'、'.join(r.providers) or '-'}  "
            f"[{status_label(row.status)}]"
        )
        details = [
            bi("package: {value}", value="✓" if row.package else "-"),
            bi("experts: {value}", value=experts or "-"),
            bi("open disagreements: {count}", count=row.open_disagreements),
            bi("decision: {value}", value=labels.recommendation(row.decision)),
            bi("reports: {count}", count=len(row.reports)),
            bi("enterprise record: {value}", value="✓" if row.archive else "-"),
        ]
        ctx.out(join(details).indented(4))  # the language's semicolon
        if r.reinspection:
            if row.earlier is None:
                ctx.out("    " + str(bi("re-inspection: no earlier case in the agency store")))
            else:
                ctx.out(
                    "    "
                    + str(
                        bi(
                            "re-inspection of case {case}: {requirements}",
                            case=row.earlier.case_id,
                            requirements=join(verbatim(q) for q in row.earlier.requirements)
                            if row.earlier.requirements
                            else "-",
                        )
                    )
                )
    for other in status.not_on_roster:
        ctx.out(
            bi(
                "Not on the roster: {uscc} {enterprise} (cases {cases})",
                uscc=other.uscc or "-",
                enterprise=other.enterprise or "-",
                cases=", ".join(other.cases),
            )
        )
    if status.pending_bundles:
        ctx.out(
            nbi(
                "{n} bundle waits for an earlier bundle.",
                "{n} bundles wait for an earlier bundle.",
                status.pending_bundles,
            )
        )
    return 0
