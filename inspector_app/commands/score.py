"""``inspector-app score PACKAGE --self [--json]`` (``cli.md``).

Scores the enterprise's own self-assessment with the checklist it names, exactly as an expert's
answers are scored, and sets it beside the score and level the enterprise claimed. Without
``--json`` it prints the explanation (``docs/scoring.md``); with ``--json`` one JSON object whose
numbers are exact decimals. Checklist files in ``<home>/settings/checklists/*.json`` (an
agency's corrected thresholds, a newer version) override the bundled ones by id
(:func:`inspector_app.services.score_package`, through
:func:`~inspector_app.checklist.effective.home_checklists`).
"""

from __future__ import annotations

import argparse
from typing import Any

from inspector_app.checklist.scoring import ScoreResult
from inspector_app.commands.common import (
    add_identity_option,
    age_identities,
    existing_file,
    refused_json,
    report_issues,
)
from inspector_app.errors import PackageRefused, UsageError
from inspector_app.i18n import N_, bi


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "score",
        parents=parents,
        help=N_("score a package's self-assessment with its checklist"),
        description=N_(
            "Score the enterprise's own self-assessment (--self) and set it beside "
            "the score and level it claimed."
        ),
    )
    p.add_argument("package", metavar="PACKAGE", help=N_("*.case.zip or *.case.zip.age"))
    p.add_argument(
        "--self",
        dest="self_assessment",
        action="store_true",
        help=N_("score the enterprise's self-assessment (附件8)"),
    )
    p.add_argument("--json", action="store_true", help=N_("print one JSON object"))
    add_identity_option(p)
    p.set_defaults(handler=run)


def result_json(result: ScoreResult, package_id: str | None = None) -> dict[str, Any]:
    """The ``score --json`` object: ``package_id``, then the keys of ``cli.md`` and the detail."""
    out: dict[str, Any] = {}
    if package_id is not None:
        out["package_id"] = package_id
    out.update(result.to_json())
    return out


def run(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services import score_package

    if not args.self_assessment:
        raise UsageError(
            bi(
                "score needs --self: it scores the enterprise's self-assessment "
                "(expert scores are findings)"
            )
        )
    path = existing_file(args.package)
    try:
        package_id, result = score_package(
            ctx.home,
            path,
            identities=age_identities(args, ctx),
            progress=ctx.progress(),
            cancel=ctx.cancel,
        )
    except PackageRefused as refused:
        if args.json:
            ctx.print_json(refused_json(refused.issues))
        report_issues(ctx, refused.issues)
        return 1
    if args.json:
        ctx.print_json(result_json(result, package_id))
    else:
        for line in result.explanation():
            ctx.out(line)
    return 0
