"""``inspector-app case import|list``: case packages in the workspace."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

from inspector_app.errors import InputRefused
from inspector_app.i18n import bi


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "case", parents=parents, help="import and list case packages in the workspace"
    )
    sub = parser.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "import", parents=parents, help="validate, then import a package (all or nothing)"
    )
    p.add_argument("package", metavar="PACKAGE")
    p.add_argument("--json", action="store_true", help='print {"case_id": …}')
    p.add_argument(
        "--identity", metavar="FILE", help="age identity file for a *.case.zip.age package"
    )
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("list", parents=parents, help="the imported cases")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_list)


def read_age_identity_file(path: Path) -> list[Any]:
    """The ``AGE-SECRET-KEY-1…`` identities of a standard age identity file."""
    import pyrage

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputRefused(bi("Cannot read {path}: {error}", path=str(path), error=exc)) from exc
    identities = []
    for raw in lines:
        line = raw.strip()
        if line.startswith("AGE-SECRET-KEY-"):
            try:
                identities.append(pyrage.x25519.Identity.from_str(line))
            except pyrage.IdentityError as exc:
                raise InputRefused(
                    bi("{path} holds a malformed age identity.", path=str(path))
                ) from exc
    if not identities:
        raise InputRefused(bi("{path} holds no age identity.", path=str(path)))
    return identities


def package_identities(args: argparse.Namespace, ctx: Any, package: Path) -> list[Any]:
    """The age identities to open ``package`` with: none for a plain package; for
    ``*.age``, those of ``--identity FILE``, else this device's (after the passphrase)."""
    if not package.name.endswith(".age"):
        return []
    if getattr(args, "identity", None):
        return read_age_identity_file(Path(args.identity))
    from inspector_app import identity

    return [identity.unlock(ctx.home, ctx.passphrase()).age_identity()]


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
    from inspector_app.casepkg import import_package  # type: ignore[attr-defined,unused-ignore]
    from inspector_app.findings import open_store

    package = Path(args.package)
    identities = package_identities(args, ctx, package)
    with open_store(ctx.home) as store:
        imported = import_package(package, ctx.home.workspace, identities=identities)
        folder = Path(imported.folder) if imported.folder else None
        try:
            case = store.register_case(
                imported.case_id,
                package_id=imported.package_id,
                uscc=imported.uscc,
                enterprise=imported.enterprise,
                project_id=imported.project_id,
                checklist=_case_checklist(folder),
                folder=str(folder) if folder else None,
                warnings=[w.to_json() if hasattr(w, "to_json") else w for w in imported.warnings],
            )
        except BaseException:
            # all or nothing: the folder must not outlive a failed registration
            if folder is not None and folder.is_dir() and store.case(imported.case_id) is None:
                shutil.rmtree(folder, ignore_errors=True)
            raise
    if args.json:
        ctx.print_json({**case.to_json(), "case_id": case.case_id})
    else:
        ctx.out(
            bi(
                "Imported case {case}: {enterprise} ({uscc}).",
                case=case.case_id,
                enterprise=case.enterprise or "-",
                uscc=case.uscc or "-",
            )
        )
        for warning in case.warnings:
            message = warning.get("message") if isinstance(warning, dict) else str(warning)
            ctx.err(f"{bi('warning')}: {message}")
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
