"""Sub-commands of the sync layer: ``bundle export|import|ack|recover|list``, ``merge
status|flags`` (see ``docs/sync.md``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app import labels
from inspector_app.commands.common import check_optional_file, existing_file
from inspector_app.i18n import N_, bi, join, verbatim


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bundle",
        parents=parents,
        help=N_("encrypted, signed bundles between experts and the agency"),
    )
    sub = parser.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "export", parents=parents, help=N_("write a bundle of everything not yet exported (expert)")
    )
    p.add_argument("--out", required=True, metavar="DIR", help=N_("folder to write the bundle to"))
    p.add_argument("--json", action="store_true", help=N_("print the result as JSON"))
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser(
        "import", parents=parents, help=N_("verify, decrypt and merge bundles (agency)")
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=N_("bundle files (*.bundle.age)"))
    p.add_argument("--json", action="store_true", help=N_("print one JSON object per run"))
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "ack", parents=parents, help=N_("record the agency's signed receipts (expert)")
    )
    p.add_argument(
        "receipts", nargs="+", metavar="RECEIPT", help=N_("receipt files (*.receipt.json)")
    )
    p.add_argument("--json", action="store_true", help=N_("print the result as JSON"))
    p.set_defaults(handler=cmd_ack)

    p = sub.add_parser(
        "recover",
        parents=parents,
        help=N_(
            "after restoring the store from a backup, recover the chain head from your own bundles"
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=N_("this device's own bundle files"))
    p.add_argument("--json", action="store_true", help=N_("print the result as JSON"))
    p.set_defaults(handler=cmd_recover)

    p = sub.add_parser(
        "list", parents=parents, help=N_("the bundles this device exported (expert)")
    )
    p.add_argument("--json", action="store_true", help=N_("print a JSON list"))
    p.set_defaults(handler=cmd_list)

    parser = subparsers.add_parser(
        "merge", parents=parents, help=N_("the agency's merged view of every expert's findings")
    )
    sub = parser.add_subparsers(dest="merge_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "status", parents=parents, help=N_("per enterprise: experts reported, disagreements")
    )
    p.add_argument("--json", action="store_true", help=N_("print the status as JSON"))
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser(
        "flags", parents=parents, help=N_("run the cross-enterprise red-flag rules over the batch")
    )
    p.add_argument("--json", action="store_true", help=N_("print the flags as JSON"))
    p.add_argument("--rules", metavar="FILE", help=N_("a settings file layered over the defaults"))
    p.set_defaults(handler=cmd_flags)


def cmd_export(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import unlock_identity
    from sync import services as sync_services

    home = ctx.home
    sync_services.export_preflight(home)  # refused before the passphrase is asked
    signer = unlock_identity(home, ctx.passphrase())
    result = sync_services.export_bundle(
        home, args.out, signer=signer, progress=ctx.progress(), cancel=ctx.cancel
    )
    for stale in result.stale:
        ctx.err(stale.message())
    if args.json:
        ctx.print_json(result.to_json())
        return 0
    for done in result.completed:
        ctx.out(bi("Completed the interrupted export {path}.", path=str(done.path)))
    if result.written is None:
        ctx.out(bi("Nothing new to export: every finding is in an earlier bundle."))
        return 0
    m = result.written.manifest
    ctx.out(
        bi(
            "Wrote bundle #{number} ({count} findings, numbers {first}–{last}, {attachments} attachments) to {path}",
            number=m["number"],
            count=result.findings,
            first=m["sequence"]["first"],
            last=m["sequence"]["last"],
            attachments=result.attachments,
            path=str(result.written.path),
        )
    )
    return 0


def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import unlock_identity
    from sync import services as sync_services

    home = ctx.home
    paths = [existing_file(f) for f in args.files]  # a bad input: exit 1, as for every command
    sync_services.require_role(home, "agency")  # refused before the passphrase is asked
    signer = unlock_identity(home, ctx.passphrase())
    done = sync_services.import_bundles(
        home, paths, signer=signer, progress=ctx.progress(), cancel=ctx.cancel
    )
    refused = done.refused
    if args.json:
        ctx.print_json(done.to_json())
    else:
        for out in done.outcomes:
            for o in (out, *out.then_merged):
                line = f"{Path(o.source).name}: {o.message}"
                if o.receipt and o.status in ("merged", "duplicate"):
                    line += "\n  " + str(bi("receipt: {path}", path=o.receipt))
                if o.quarantined:
                    line += "\n  " + str(bi("moved to quarantine: {path}", path=o.quarantined))
                (ctx.err if o.status == "refused" else ctx.out)(line)
    return 1 if refused else 0


def cmd_ack(args: argparse.Namespace, ctx: Any) -> int:
    from sync import services as sync_services

    report = sync_services.ack_receipts(ctx.home, args.receipts)
    through = report.acknowledged_through
    if args.json:
        ctx.print_json(report.to_json())
        return 0
    for r in report.results:
        if r.already:
            ctx.out(bi("Bundle #{number} was already acknowledged.", number=r.number))
        else:
            ctx.out(
                bi(
                    "The agency confirms it holds bundle #{number} (findings {first}–{last}).",
                    number=r.number,
                    first=r.first_seq,
                    last=r.last_seq,
                )
            )
    ctx.out(bi("Every finding up to number {seq} is confirmed by the agency.", seq=through))
    return 0


def cmd_recover(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import unlock_identity
    from sync import services as sync_services

    home = ctx.home
    sync_services.require_role(home, "expert")  # refused before the passphrase is asked
    signer = unlock_identity(home, ctx.passphrase())
    result = sync_services.recover_chain(home, args.files, signer=signer)
    if args.json:
        ctx.print_json(
            {
                "bundles": result.bundles,
                "restored_findings": result.restored,
                "head_seq": result.head_seq,
                "last_bundle": result.last_number,
            }
        )
        return 0
    ctx.out(
        bi(
            "Recovered from {bundles} bundles: {restored} findings put back; the chain head is number {seq}, the last bundle #{number}.",
            bundles=result.bundles,
            restored=result.restored,
            seq=result.head_seq,
            number=result.last_number,
        )
    )
    return 0


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    from sync import services as sync_services

    rows = sync_services.list_exports(ctx.home)
    if args.json:
        ctx.print_json(
            [
                {
                    "number": r.number,
                    "bundle_id": r.bundle_id,
                    "bundle_hash": r.bundle_hash,
                    "sequence": {"first": r.first_seq, "last": r.last_seq},
                    "file": r.file,
                    "state": r.state,
                    "acknowledged": r.acked_at is not None,
                }
                for r in rows
            ]
        )
        return 0
    if not rows:
        ctx.out(bi("No bundle exported yet."))
    for r in rows:
        ack = bi("acknowledged") if r.acked_at else bi("not yet acknowledged")
        ctx.out(f"#{r.number}  {r.first_seq}–{r.last_seq}  {ack}  {r.file}")
    return 0


def cmd_status(args: argparse.Namespace, ctx: Any) -> int:
    from sync import services as sync_services

    status = sync_services.merge_status(ctx.home)
    if args.json:
        ctx.print_json(status.to_json())
        return 0
    if not status.projects:
        ctx.out(bi("No case and no expert findings yet."))
    for proj in status.projects:
        ctx.out(f"{proj.enterprise or '-'}  {proj.uscc or '-'}  {proj.project_id or '-'}")
        for e in proj.experts:
            level = "-" if e.level is None else e.level
            score = "-" if e.score is None else e.score
            ctx.out(
                "  "
                + str(
                    bi(
                        "{name}: {count} findings, score {score}, level {level}, conclusion {conclusion}",
                        name=e.name,
                        count=e.findings,
                        score=score,
                        level=level,
                        conclusion=labels.recommendation(e.conclusion),
                    )
                )
            )
        if not proj.experts:
            ctx.out("  " + str(bi("No expert has reported yet.")))
        elif not proj.disagreements:
            ctx.out("  " + str(bi("No disagreement.")))
        for d in proj.disagreements:
            values = join(verbatim(f"{k}={_show(v)}") for k, v in d.values.items())
            settled = (
                "  " + str(bi("settled: {value}", value=_show(d.settled["value"])))
                if d.settled
                else ""
            )
            kind = labels.disagreement_type(d.type)
            subject = "" if d.type in ("conclusion", "level") else f" {d.subject}"
            ctx.out(f"  ≠ {kind}{subject}: {values}{settled}")
    for p in status.pending_bundles:
        ctx.out(
            bi(
                "Waiting: bundle #{number} of {expert} (its predecessor has not arrived).",
                number=p.number,
                expert=p.expert or p.device,
            )
        )
    return 0


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    if value in labels.RECOMMENDATIONS:
        return str(labels.recommendation(value))
    if value in labels.DECISIONS:
        return str(labels.decision(value))
    return str(value)


def cmd_flags(args: argparse.Namespace, ctx: Any) -> int:
    from sync import services as sync_services

    check_optional_file(args.rules)
    result = sync_services.cross_flags(
        ctx.home, rules_file=args.rules, progress=ctx.progress(), cancel=ctx.cancel
    )
    if args.json:
        ctx.print_json(result.to_json())
        return 0
    if not result.flags:
        ctx.out(bi("No cross-enterprise flag."))
    for flag in result.flags:
        ctx.out(f"[{labels.severity(flag.severity)}] {flag.id}: {flag.title}")
        ctx.out(f"    {flag.detail}")
    return 0
