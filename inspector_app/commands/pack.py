"""``inspector-app pack FOLDER --out FILE [--recipient KEY_OR_CARD ...]`` (``cli.md``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app.commands.common import cannot_write, issue_where
from inspector_app.errors import InputRefused, PackageRefused
from inspector_app.i18n import bi


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "pack",
        parents=parents,
        help="build a case package from a folder (optionally age-encrypted)",
        description="Adds every file of FOLDER to manifest.json with its size and SHA-256, "
        "fills package_id and created_at when absent, validates the result and writes it.",
    )
    p.add_argument("folder", metavar="FOLDER", help="a folder laid out as in case-package.md")
    p.add_argument("--out", required=True, metavar="FILE", help="the package to write")
    p.add_argument(
        "--recipient",
        action="append",
        default=[],
        metavar="KEY_OR_CARD",
        help="encrypt with age to this public key (age1…) or identity card file (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(handler=run)


def recipient_key(value: str) -> str:
    """An ``age1…`` key as given, or the age key of an identity card file."""
    text = value.strip()
    if text.startswith("age1"):
        return text
    path = Path(value)
    if path.is_file():
        from inspector_app.identity import read_card

        return str(read_card(path).age_recipient)
    raise InputRefused(bi("Not an age public key or an identity card file: {value}", value=value))


def _about_output(exc: OSError, out: Path, folder: Path) -> bool:
    """Whether ``exc`` is about writing ``out`` (its folder, a temporary file beside it)."""
    if exc.filename is None:
        return False
    failed = Path(exc.filename).absolute()
    if failed.is_relative_to(folder.absolute()):
        return False
    return failed == out.absolute() or failed.is_relative_to(out.absolute().parent)


def run(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.casepkg import pack_folder

    folder = Path(args.folder)
    if not folder.is_dir():
        raise InputRefused(bi("{path} is not a folder.", path=str(folder)))
    recipients = [recipient_key(r) for r in args.recipient]
    out = Path(args.out)
    try:
        result = pack_folder(
            folder,
            out,
            recipients=recipients,
            progress=ctx.progress(),
            cancel=ctx.cancel,
        )
    except OSError as exc:
        if not _about_output(exc, out, folder):
            raise
        raise cannot_write(exc, out) from exc
    except PackageRefused as exc:
        ctx.err(bi("The folder does not make a valid package; nothing was written:"))
        for issue in exc.issues:
            ctx.err(f"  {issue.code} {issue_where(issue)}  {issue.message}")
        return 1
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
        ctx.out("  " + bi("Encrypted with age to {count} recipient(s).", count=len(recipients)))
    for w in result.warnings:
        ctx.out(f"  {w.code} {w.path or ''}  {w.message}")
    return 0
