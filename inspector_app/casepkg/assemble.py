"""After the streaming pass: layout and cross-reference checks, then the typed package."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from inspector_app.casepkg.csvfiles import REQUIRED_TABLES
from inspector_app.casepkg.issues import pointer
from inspector_app.casepkg.model import CasePackage, EntrySource
from inspector_app.casepkg.validator import REQUIRED_JSON, Validation, classify, documents
from inspector_app.errors import Issue
from inspector_app.i18n import bi


def cross_check(v: Validation) -> None:
    """Required files, layout warnings, references and consistency (after the pass)."""
    log = v.log
    already = {(i.code, i.path) for i in log.errors}
    for name in (*REQUIRED_JSON, *REQUIRED_TABLES):
        if name not in v.files and ("FILE_MISSING", name) not in already:
            log.add_error(
                "FILE_MISSING", name, bi("The required file {name} is missing.", name=name)
            )
    for name in v.files:
        if classify(name) == "unknown":
            log.add_warning(
                "UNKNOWN_ENTRY", name, bi("The entry is not part of the package layout.")
            )
    logs_ids = sorted(
        {n.split("/")[1] for n in v.files if n.startswith("logs/") and n.count("/") >= 2}
    )
    for sid in logs_ids:
        if f"logs/{sid}/usage.csv" in v.files and f"logs/{sid}/usage.csv.gz" in v.files:
            log.add_error(
                "SCHEMA_INVALID",
                f"logs/{sid}/usage.csv.gz",
                bi("Both usage.csv and usage.csv.gz are present for system {system}.", system=sid),
            )
    if not v.content:
        return
    systems = v.parsed.get("systems.json")
    project = v.parsed.get("project.json")
    sa = v.parsed.get("self_assessment.json")
    if systems is not None:
        ids = {s.system_id for s in systems}
        for sid in logs_ids:
            if sid not in ids:
                log.add_warning(
                    "REFERENCE_UNRESOLVED",
                    f"logs/{sid}/",
                    bi("The logs folder {system} names no system of systems.json.", system=sid),
                )
        if project is not None:
            for i, goal in enumerate(project.goals):
                if goal.system_id is not None and goal.system_id not in ids:
                    log.add_warning(
                        "REFERENCE_UNRESOLVED",
                        "project.json",
                        bi(
                            "The goal names system {system}, which is not in systems.json.",
                            system=goal.system_id,
                        ),
                        pointer=pointer("goals", i, "system_id"),
                    )
    _contract_refs(v)
    if sa is not None:
        names = set(v.files)
        for item_id, item in sa.items.items():
            for j, path in enumerate(item.evidence):
                if unicodedata.normalize("NFC", path) not in names:
                    log.add_warning(
                        "REFERENCE_UNRESOLVED",
                        "self_assessment.json",
                        bi("The evidence {path} is not in the package.", path=path),
                        pointer=pointer("items", item_id, "evidence", j),
                    )
    manifest = v.manifest
    if manifest is not None:
        if project is not None and manifest.batch is not None and project.batch != manifest.batch:
            log.add_warning(
                "INCONSISTENT",
                "project.json",
                bi(
                    "The project's batch {project} differs from the manifest's {manifest}.",
                    project=project.batch,
                    manifest=manifest.batch,
                ),
                pointer="/batch",
            )
        if sa is not None and sa.checklist != manifest.checklist:
            log.add_warning(
                "INCONSISTENT",
                "self_assessment.json",
                bi(
                    "The self-assessment uses checklist {sa}, the manifest says {manifest}; the self-assessment's is used for scoring it.",
                    sa=sa.checklist,
                    manifest=manifest.checklist,
                ),
                pointer="/checklist",
            )
    if sa is not None:
        checker = _checklist_validator()
        if checker is not None:
            for issue in checker(sa):  # all warnings (UNKNOWN_ITEM, INVALID_ANSWER…)
                log.add_warning(
                    issue.code, issue.path, issue.message, line=issue.line, pointer=issue.pointer
                )


def _contract_refs(v: Validation) -> None:
    contracts = v.tables.get("finance/contracts.csv")
    if contracts is None:
        return
    known = {c.contract_no for c in contracts}
    for name in ("finance/contract_items.csv", "finance/invoices.csv", "finance/payments.csv"):
        rows = v.tables.get(name, [])
        lines = v.table_lines.get(name, [])
        for row, line in zip(rows, lines, strict=False):
            if row.contract_no is not None and row.contract_no not in known:
                v.log.add_warning(
                    "REFERENCE_UNRESOLVED",
                    name,
                    bi(
                        "The contract {contract} is not in contracts.csv.", contract=row.contract_no
                    ),
                    line=line,
                )
    for i, system in enumerate(v.parsed.get("systems.json") or ()):
        if system.contract_no is not None and system.contract_no not in known:
            v.log.add_warning(
                "REFERENCE_UNRESOLVED",
                "systems.json",
                bi("The contract {contract} is not in contracts.csv.", contract=system.contract_no),
                pointer=pointer(i, "contract_no"),
            )


def _checklist_validator() -> Callable[[Any], list[Issue]] | None:
    """``inspector_app.checklist.validate_self_assessment`` once the checklist package has it."""
    try:
        from inspector_app import checklist
    except ImportError:
        return None
    fn = getattr(checklist, "validate_self_assessment", None)
    return fn if callable(fn) else None


def build_package(v: Validation, source: EntrySource) -> CasePackage:
    """The typed package of a validation without errors."""
    assert v.manifest is not None
    usage_logs: dict[str, str] = {}
    record_logs: dict[str, str] = {}
    for name in v.files:
        kind = classify(name)
        if kind in ("usage", "usage_gz"):
            usage_logs[name.split("/")[1]] = name
        elif kind == "records":
            record_logs[name.split("/")[1]] = name
    return CasePackage(
        manifest=v.manifest,
        enterprise=v.parsed["enterprise.json"],
        project=v.parsed["project.json"],
        self_assessment=v.parsed["self_assessment.json"],
        systems=v.parsed["systems.json"],
        contracts=tuple(v.tables.get("finance/contracts.csv", ())),
        contract_items=tuple(v.tables.get("finance/contract_items.csv", ())),
        invoices=tuple(v.tables.get("finance/invoices.csv", ())),
        payments=tuple(v.tables.get("finance/payments.csv", ())),
        catalog=tuple(v.tables.get("finance/catalog.csv", ())),
        documents=documents(v),
        rules=v.rules,
        warnings=list(v.log.warnings),
        source=source,
        usage_logs=usage_logs,
        record_logs=record_logs,
    )
