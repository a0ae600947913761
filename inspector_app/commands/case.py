"""``inspector-app case import|list``: case packages in the workspace."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app import labels
from inspector_app.commands.common import add_identity_option, age_identities
from inspector_app.i18n import N_, bi


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "case",
        parents=parents,
        allow_abbrev=False,
        help=N_("import and list case packages in the workspace"),
    )
    sub = parser.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "import",
        parents=parents,
        allow_abbrev=False,
        help=N_("validate, then import a package (all or nothing)"),
    )
    p.add_argument("package", metavar="PACKAGE")
    p.add_argument("--json", action="store_true", help=N_('print {"case_id": …}'))
    add_identity_option(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("list", parents=parents, allow_abbrev=False, help=N_("the imported cases"))
    p.add_argument("--json", action="store_true", help=N_("print a JSON list"))
    p.set_defaults(handler=cmd_list)


def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import import_case_row

    done = import_case_row(
        ctx.home,
        Path(args.package),
        identities=age_identities(args, ctx),
        progress=ctx.progress(),
        cancel=ctx.cancel,
    )
    case = done.case
    if args.json:
        ctx.print_json(done.to_json())
    else:
        names = {
            "case": case.case_id,
            "enterprise": case.enterprise or "-",
            "uscc": case.uscc or "-",
        }
        if done.already_imported:
            ctx.out(bi("The case {case} was already imported: {enterprise} ({uscc}).", **names))
        else:
            ctx.out(bi("Imported case {case}: {enterprise} ({uscc}).", **names))
        for warning in case.warnings:
            text = warning.get("message") if isinstance(warning, dict) else str(warning)
            ctx.err(f"{bi('warning')}: {text}")
    return 0


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import list_cases

    cases = list_cases(ctx.home)
    if args.json:
        ctx.print_json([c.row.to_json() for c in cases if c.row is not None])
    else:
        # the words of the app's case list (未开始 / 核查中 / 已结论 / 已导出 / 需复核)
        shown = [str(labels.case_status(c.display_status)) for c in cases]
        column = max((labels.width(s) for s in shown), default=0)
        for c, status in zip(cases, shown, strict=True):
            ctx.out(
                f"{c.case_id}  {labels.ljust(status, column)}  {c.uscc or '-':18}  "
                f"{c.enterprise or '-'}"
            )
    return 0
