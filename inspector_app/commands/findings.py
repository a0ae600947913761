"""``inspector-app findings add|list|verify|draft|drafts|sign``: the signed findings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from inspector_app import labels
from inspector_app.errors import InputRefused
from inspector_app.i18n import N_, bi


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "findings",
        parents=parents,
        allow_abbrev=False,
        help=N_("record, list and verify signed findings"),
    )
    sub = parser.add_subparsers(dest="findings_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "add", parents=parents, allow_abbrev=False, help=N_("record one signed finding")
    )
    p.add_argument("case", metavar="CASE", help=N_("case id (package_id) or a unique prefix"))
    p.add_argument(
        "--json-file", required=True, metavar="FILE", help=N_("the finding's JSON (- for stdin)")
    )
    p.add_argument("--json", action="store_true", help=N_('print {"finding_id": …}'))
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser(
        "list", parents=parents, allow_abbrev=False, help=N_("the current findings of a case")
    )
    p.add_argument("case", metavar="CASE")
    p.add_argument("--all", action="store_true", help=N_("include superseded versions"))
    p.add_argument("--json", action="store_true", help=N_("print a JSON list"))
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser(
        "verify",
        parents=parents,
        allow_abbrev=False,
        help=N_("check every signature, chain link and attachment"),
    )
    p.add_argument("--json", action="store_true", help=N_("print the report as JSON"))
    p.set_defaults(handler=cmd_verify)

    p = sub.add_parser(
        "flags",
        parents=parents,
        allow_abbrev=False,
        help=N_(
            "SELF_ASSESSMENT_INFLATED and TARGET_MISSED:level of each expert who has answered every item"
        ),
    )
    p.add_argument("case", metavar="CASE")
    p.add_argument("--json", action="store_true", help=N_("print a JSON list of flags"))
    p.set_defaults(handler=cmd_flags)

    p = sub.add_parser(
        "draft",
        parents=parents,
        allow_abbrev=False,
        help=N_("save an unsigned draft (replaces KEY)"),
    )
    p.add_argument("case", metavar="CASE")
    p.add_argument("key", metavar="KEY", help=N_("the draft's key, e.g. score:Q5"))
    p.add_argument("--json-file", required=True, metavar="FILE", help=N_("the draft's JSON"))
    p.set_defaults(handler=cmd_draft)

    p = sub.add_parser(
        "drafts", parents=parents, allow_abbrev=False, help=N_("list the unsigned drafts")
    )
    p.add_argument("case", metavar="CASE", nargs="?")
    p.add_argument("--json", action="store_true", help=N_("print a JSON list"))
    p.set_defaults(handler=cmd_drafts)

    p = sub.add_parser(
        "sign", parents=parents, allow_abbrev=False, help=N_("sign a case's drafts as findings")
    )
    p.add_argument("case", metavar="CASE")
    p.add_argument("--key", action="append", metavar="KEY", help=N_("only this draft (repeatable)"))
    p.add_argument("--json", action="store_true", help=N_("print the new finding ids"))
    p.set_defaults(handler=cmd_sign)


def _read_json(path_text: str) -> tuple[Any, Path | None]:
    from inspector_app.findings import load_payload

    if path_text == "-":
        text, base = sys.stdin.read(), None
    else:
        path = Path(path_text)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputRefused(
                bi("Cannot read {path}: {error}", path=path_text, error=exc)
            ) from exc
        base = path.resolve().parent
    try:
        return load_payload(text), base
    except ValueError as exc:
        raise InputRefused(
            bi("{path} is not valid JSON: {error}", path=path_text, error=exc)
        ) from exc


def cmd_add(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app import identity, services

    payload, base = _read_json(args.json_file)
    case = services.resolve_case(ctx.home, args.case)  # refused before the passphrase
    identity.load(ctx.home)  # no identity: refused before the passphrase
    signer = services.unlock_identity(ctx.home, ctx.passphrase())
    added = services.add_finding(ctx.home, case.case_id, payload, signer=signer, base_dir=base)
    finding = added.finding
    if args.json:
        ctx.print_json(added.to_json())
    else:
        ctx.out(
            bi(
                "Recorded finding {id} (number {seq}).",
                id=finding.finding_id,
                seq=finding.record.seq,
            )
        )
    for flag in added.flags:
        ctx.err(f"{flag.id}: {flag.detail}")
    return 0


def _summary(f: Any) -> str:
    data = f.data
    kind = f.kind
    if kind == "score":
        value = data.get("answer", data.get("level"))
        if isinstance(value, list):
            value = ", ".join(value)
        return f"{data['item']} = {value}"
    if kind == "flag_review":
        return f"{data['flag']}: {labels.decision(data['decision'])}"
    if kind == "observation":
        return str(data["text"])[:60]
    if kind == "interview":
        return f"{data['person']} ({len(data['notes'])})"
    if kind == "conclusion":
        return f"{labels.recommendation(data['recommendation'])}: {str(data['summary'])[:50]}"
    return ", ".join(str(v) for k, v in data.items() if k in ("item", "flag", "recommendation"))


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import list_findings

    found = list_findings(ctx.home, args.case, include_superseded=args.all)
    if args.json:
        ctx.print_json([f.to_json() for f in found])
    else:
        for f in found:
            mark = "!" if f.stale else " " if f.current else "~"
            kind = labels.ljust(labels.finding_kind(f.kind), 16)
            ctx.out(f"{mark} {f.finding_id}  #{f.record.seq:<4} {kind} {_summary(f)}")
            if f.stale:
                ctx.out(
                    bi(
                        "    stale: its grounds {grounds} were withdrawn; sign a new conclusion",
                        grounds=", ".join(f.withdrawn_grounds),
                    )
                )
    return 0


def cmd_verify(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import verify_findings

    report = verify_findings(ctx.home, progress=ctx.progress(), cancel=ctx.cancel)
    if args.json:
        ctx.print_json(report.to_json())
    first = report.first
    if report.ok:
        if not args.json:
            ctx.out(
                bi(
                    "All {records} findings and {attachments} attachments verify; every chain matches its signed checkpoint.",
                    records=report.records,
                    attachments=report.attachments,
                )
            )
        return 0
    if first is not None:
        ctx.err(
            bi(
                "Verification failed at finding {id} (number {seq}): {code}: {detail}",
                id=first.finding_id or "-",
                seq=first.seq if first.seq is not None else "-",
                code=first.code,
                detail=first.detail,
            )
        )
    if report.integrity != "ok":
        ctx.err(bi("The database's own integrity check failed: {result}", result=report.integrity))
    return 1


def cmd_flags(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import expert_flags

    flags = expert_flags((ctx.home, args.case))
    if args.json:
        ctx.print_json([f.to_json() for f in flags])
    else:
        if not flags:
            ctx.out(bi("No red flag."))
        for flag in flags:
            ctx.out(f"{flag.id}  {flag.title}")
            ctx.out(f"    {flag.detail}")
    return 0


def cmd_draft(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import save_draft

    payload, _base = _read_json(args.json_file)
    save_draft(ctx.home, args.case, args.key, payload)
    ctx.err(bi("Draft {key} saved (not signed).", key=args.key))
    return 0


def cmd_drafts(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import list_drafts

    drafts = list_drafts(ctx.home, args.case or None)
    if args.json:
        ctx.print_json(
            [
                {
                    "case_id": d.case_id,
                    "key": d.key,
                    "updated_at": d.updated_at,
                    "payload": d.payload,
                }
                for d in drafts
            ]
        )
    else:
        for d in drafts:
            ctx.out(f"{d.case_id}  {d.key:24} {d.updated_at}")
    return 0


def cmd_sign(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app import services

    case = services.resolve_case(ctx.home, args.case)  # refused before the passphrase
    signer = services.unlock_identity(ctx.home, ctx.passphrase())
    signed = services.sign_drafts(ctx.home, case.case_id, signer=signer, keys=args.key)
    if args.json:
        ctx.print_json([{"finding_id": f.finding_id, "seq": f.record.seq} for f in signed])
    else:
        ctx.out(bi("Signed {count} drafts as findings.", count=len(signed)))
    return 0
