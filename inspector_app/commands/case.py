"""``inspector-app case import|list``: case packages in the workspace."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

from inspector_app.commands.common import add_identity_option, age_identities
from inspector_app.i18n import bi


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "case",
        parents=parents,
        allow_abbrev=False,
        help="import and list case packages in the workspace",
    )
    sub = parser.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "import",
        parents=parents,
        allow_abbrev=False,
        help="validate, then import a package (all or nothing)",
    )
    p.add_argument("package", metavar="PACKAGE")
    p.add_argument("--json", action="store_true", help='print {"case_id": …}')
    add_identity_option(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("list", parents=parents, allow_abbrev=False, help="the imported cases")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_list)


def _case_checklist(folder: Path | None) -> str | None:
    """The checklist the case's self-assessment names (else the manifest's)."""
    if folder is None:
        return None
    for name in ("self_assessment.json", "manifest.json"):
        try:
            obj = json.loads((folder / name).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            continue
        if isinstance(obj, dict) and isinstance(obj.get("checklist"), str):
            return str(obj["checklist"])
    return None


def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.casepkg import import_package
    from inspector_app.findings import open_store

    package = Path(args.package)
    identities = age_identities(args, ctx)
    with open_store(ctx.home) as store:
        imported = import_package(
            package,
            ctx.home.workspace,
            identities=identities,
            progress=ctx.progress(),
            cancel=ctx.cancel,
        )
        folder = Path(imported.folder)
        case = store.case(imported.case_id)
        again = case is not None
        if case is None:
            try:
                case = store.register_case(
                    imported.case_id,
                    package_id=imported.package_id,
                    uscc=imported.uscc,
                    enterprise=imported.enterprise,
                    project_id=imported.project_id,
                    checklist=_case_checklist(folder),
                    folder=str(folder),
                    warnings=[w.to_json() for w in imported.warnings],
                )
            except BaseException:
                # all or nothing: no case folder outlives a failed registration
                if folder.is_dir() and store.case(imported.case_id) is None:
                    shutil.rmtree(folder, ignore_errors=True)
                raise
    if args.json:
        ctx.print_json({**case.to_json(), "already_imported": again})
    else:
        names = {
            "case": case.case_id,
            "enterprise": case.enterprise or "-",
            "uscc": case.uscc or "-",
        }
        if again:
            ctx.out(bi("The case {case} was already imported: {enterprise} ({uscc}).", **names))
        else:
            ctx.out(bi("Imported case {case}: {enterprise} ({uscc}).", **names))
        for warning in case.warnings:
            text = warning.get("message") if isinstance(warning, dict) else str(warning)
            ctx.err(f"{bi('warning')}: {text}")
    return 0


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.findings import open_store

    with open_store(ctx.home) as store:
        cases = store.cases()
    if args.json:
        ctx.print_json([c.to_json() for c in cases])
    else:
        for c in cases:
            ctx.out(f"{c.case_id}  {c.status:11} {c.uscc or '-':18}  {c.enterprise or '-'}")
    return 0
