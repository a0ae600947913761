"""``inspector-app pack FOLDER --out FILE [--recipient KEY_OR_CARD ...]`` (``cli.md``)."""

from __future__ import annotations

import argparse
from typing import Any

from inspector_app.commands.common import issue_where
from inspector_app.errors import PackageRefused
from inspector_app.i18n import N_, bi, nbi


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "pack",
        parents=parents,
        help=N_("build a case package from a folder (optionally age-encrypted)"),
        description=N_(
            "Adds every file of FOLDER to manifest.json with its size and SHA-256, "
            "fills package_id and created_at when absent, validates the result and writes it."
        ),
    )
    p.add_argument("folder", metavar="FOLDER", help=N_("a folder laid out as in case-package.md"))
    p.add_argument("--out", required=True, metavar="FILE", help=N_("the package to write"))
    p.add_argument(
        "--recipient",
        action="append",
        default=[],
        metavar="KEY_OR_CARD",
        help=N_("encrypt with age to this public key (age1…) or identity card file (repeatable)"),
    )
    p.add_argument("--json", action="store_true", help=N_("print a JSON object"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import pack_package

    try:
        result = pack_package(
            args.folder,
            args.out,
            recipients=args.recipient,
            home=ctx.home,
            progress=ctx.progress(),
            cancel=ctx.cancel,
        )
    except PackageRefused as exc:
        ctx.err(bi("The folder does not make a valid package; nothing was written:"))
        for issue in exc.issues:
            ctx.err(f"  {issue.code} {issue_where(issue)}  {issue.message}")
        return 1
    recipients = args.recipient
    if args.json:
        ctx.print_json(
            {
                "out": str(args.out),
                "package_id": result.package_id,
                "encrypted": bool(recipients),
                "warnings": [w.to_json() for w in result.warnings],
            }
        )
        return 0
    ctx.out(bi("Package written: {path}", path=str(args.out)))
    ctx.out(f"  package_id: {result.package_id}")
    if recipients:
        ctx.out(
            "  "
            + str(
                nbi(
                    "Encrypted with age to {n} recipient.",
                    "Encrypted with age to {n} recipients.",
                    len(recipients),
                )
            )
        )
    for w in result.warnings:
        ctx.out(f"  {w.code} {w.path or ''}  {w.message}")
    return 0
