"""``inspector-app analyze PACKAGE [--json] [--rules FILE] [--identity FILE]`` (``cli.md``).

Validates the package, then runs every per-package rule of ``red-flags.md``. ``PACKAGE`` may
also name an imported case (its id or a unique prefix; an existing path wins): its analysis is
read from the workspace's cache when the package, the settings and the rule engine are the
same (:meth:`inspector_app.services.CaseSession.analysis`). With ``--json``
it prints exactly one JSON object (package, enterprise, ``settings_sha256``, ``flags``,
``usage``). An invalid package exits 1 and prints the ``validate`` object instead. A ``--rules``
file with an unknown table or key, or a value of the wrong type, is a usage error (exit 2).
"""

from __future__ import annotations

import argparse
from typing import Any

from inspector_app import labels
from inspector_app.commands.common import (
    add_identity_option,
    age_identities,
    check_optional_file,
    existing_file,
    refused_json,
    report_issues,
)
from inspector_app.errors import PackageRefused
from inspector_app.i18n import N_, bi, labelled


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "analyze",
        parents=parents,
        help=N_("red-flag analysis of a case package"),
        description=N_(
            "Validate a case package, then run every per-package red-flag rule and "
            "compute the usage statistics."
        ),
    )
    p.add_argument(
        "package",
        metavar="PACKAGE",
        help=N_(
            "*.case.zip or *.case.zip.age, or an imported case's id (or a unique prefix); "
            "an existing file wins"
        ),
    )
    p.add_argument("--json", action="store_true", help=N_("print one JSON object"))
    p.add_argument(
        "--rules",
        metavar="FILE",
        help=N_("red-flag thresholds (TOML, red-flags.md § Settings), over the package's own"),
    )
    add_identity_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.analysis.settings import load_rules_file
    from inspector_app.services import (
        analysis_target,
        analyze_package,
        open_case,
        validate_package,
    )

    check_optional_file(args.rules)
    rules_layer = load_rules_file(args.rules) if args.rules else None
    target = analysis_target(ctx.home, args.package)
    if isinstance(target, str):  # an imported case: its (cached) analysis
        session = open_case(ctx.home, target, rules_layer=rules_layer)
        result = session.analysis(progress=ctx.progress(), cancel=ctx.cancel)
    else:
        path = existing_file(str(target))
        identities = list(age_identities(args, ctx))
        try:
            result = analyze_package(
                path,
                home=ctx.home,
                identities=identities,
                rules_layer=rules_layer,
                progress=ctx.progress(),
                cancel=ctx.cancel,
            )
        except PackageRefused as refused:
            # print exactly what `validate` prints for this package (the refused path only)
            validation = validate_package(ctx.home, path, identities=identities)
            if validation.valid:  # pragma: no cover - open_package and validate_package agree
                obj = refused_json(refused.issues)
                issues = refused.issues
            else:
                obj = validation.to_json()
                issues = validation.errors
            if args.json:
                ctx.print_json(obj)
            else:
                report_issues(ctx, issues)
            return 1
    if args.json:
        ctx.print_json(result.to_json())
        return 0
    ctx.out(f"{result.enterprise} ({result.uscc}) — {result.package_id}")
    ctx.out(bi("Settings: {sha}", sha=result.settings_sha256))
    if not result.flags:
        ctx.out(bi("No red flag."))
    for flag in result.flags:
        ctx.out(f"[{labels.severity(flag.severity)}] {flag.id}")
        ctx.out(f"  {flag.title}")
        ctx.out(f"  {flag.detail}")
        ctx.out(labelled(bi("On site"), flag.hint).indented(2))
        for ev in flag.evidence:
            extra = ""
            if ev.rows is not None:
                extra = f" {bi('rows {first}–{last}', first=ev.rows[0], last=ev.rows[1])}"
            elif ev.pointer is not None:
                extra = f" {ev.pointer}"
            ctx.out(f"  → {ev.path}{extra}")
    for sid, stats in result.usage.items():
        ctx.out(
            bi(
                "Usage of {system}: {events} events, {first} … {last}; last 90 days: {days} "
                "active days, {users} users; share of the last 30 days {share}",
                system=sid,
                events=f"{stats['events']:,}",
                first=stats["first_event"] or "—",
                last=stats["last_event"] or "—",
                days=stats["active_days_last_90"],
                users=stats["distinct_users_last_90"],
                share=stats["share_last_30"],
            )
        )
    for photo in result.photos_without_exif:
        ctx.out(bi("Photo without EXIF (not flagged): {path}", path=photo))
    for photo in result.photos_unreadable:
        ctx.out(bi("Photo that cannot be decoded (not checked): {path}", path=photo))
    return 0
