"""The ``report`` sub-command (``docs/cli.md``, ``docs/reports.md``).

* ``report (--case CASE | --all) --format pdf,docx,xlsx,json --out DIR`` — the drafts;
* ``report --plan PACKAGE_OR_CASE --out DIR [--identity FILE]`` — the inspection plan.

Progress goes to stderr (when it is a terminal); the files written are listed on stdout
(``--json``: one object).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from inspector_app.commands.common import add_identity_option, cannot_write
from inspector_app.errors import InputRefused, UsageError
from inspector_app.i18n import N_, bi


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "report",
        parents=parents,
        help=N_(
            "report drafts: three reports per enterprise, batch summary, 一企一档, inspection plan"
        ),
        description=N_(
            "Draft the three reports per enterprise (PDF, DOCX), the batch summary and "
            "一企一档 (XLSX), 一企一档 (JSON) from the agency's merged findings and the imported case "
            "packages; or the expert's inspection plan from one package."
        ),
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--case", metavar="CASE", help=N_("one enterprise project (case id or prefix)")
    )
    which.add_argument("--all", action="store_true", help=N_("every enterprise project imported"))
    which.add_argument(
        "--plan",
        metavar="PACKAGE_OR_CASE",
        help=N_("the inspection plan of a case package file or an imported case"),
    )
    p.add_argument(
        "--format",
        metavar="LIST",
        help=N_("comma-separated: pdf, docx, xlsx, json (with --case/--all)"),
    )
    p.add_argument("--out", required=True, metavar="DIR", help=N_("folder to write to"))
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help=N_("worker processes for --all (default: the number of CPUs, at most 4)"),
    )
    p.add_argument("--json", action="store_true", help=N_("print the files written as JSON"))
    add_identity_option(p)
    p.set_defaults(handler=cmd_report)


def _formats(text: str | None) -> list[str]:
    from reports.generate import FORMATS

    if not text:
        raise UsageError(bi("--format is required with --case or --all."))
    values = [v.strip().lower() for v in text.split(",") if v.strip()]
    unknown = [v for v in values if v not in FORMATS]
    if unknown or not values:
        raise UsageError(
            bi(
                "Unknown format {formats}; known: {known}.",
                formats=", ".join(unknown) or text,
                known=", ".join(FORMATS),
            )
        )
    return list(dict.fromkeys(values))


def _out_dir(text: str) -> Path:
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise InputRefused(bi("{path} is not a folder.", path=str(out)))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(exc, out) from exc
    return out


def cmd_report(args: argparse.Namespace, ctx: Any) -> int:
    if args.plan:
        if args.format:
            raise UsageError(bi("--format does not apply to --plan."))
        return _plan(args, ctx)
    from inspector_app.values import now
    from reports.data import select_projects
    from reports.generate import generate

    formats = _formats(args.format)
    if getattr(args, "identity", None):
        raise UsageError(bi("--identity applies to --plan only."))
    out = _out_dir(args.out)
    projects = select_projects(ctx.home, None if args.all else args.case)
    workers = args.workers or min(4, os.cpu_count() or 1)
    if workers < 1:
        raise UsageError(bi("--workers must be at least 1."))
    try:
        outcome = generate(
            ctx.home,
            projects,
            formats,
            out,
            summary=bool(args.all),
            now=now(),
            workers=workers,
            progress=ctx.progress(),
            cancel=ctx.cancel,
        )
    except OSError as exc:
        raise cannot_write(exc, out) from exc
    if args.json:
        ctx.print_json(
            {
                "enterprises": outcome.enterprises,
                "files": [str(f) for f in outcome.files],
                "summary": str(outcome.summary) if outcome.summary else None,
            }
        )
        return 0
    for f in outcome.files:
        ctx.out(str(f))
    ctx.err(
        str(
            bi(
                "Wrote {files} files for {enterprises} enterprises to {path}.",
                files=len(outcome.files),
                enterprises=outcome.enterprises,
                path=str(out),
            )
        )
    )
    return 0


def _plan(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.commands.common import age_identities
    from reports.plan import write_plan

    out = _out_dir(args.out)
    identities: list[Any] = []
    if Path(args.plan).is_file():
        args.package = str(args.plan)
        identities = list(age_identities(args, ctx))
    result = write_plan(
        ctx.home, args.plan, out, identities=identities, progress=ctx.progress(), cancel=ctx.cancel
    )
    if args.json:
        ctx.print_json({"files": [str(result.path)], "flags": result.flags})
    else:
        ctx.out(str(result.path))
    return 0
