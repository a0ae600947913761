"""Writing the report drafts to a folder (``inspector-app report``; ``docs/reports.md``).

Layout of ``--out DIR``::

    DIR/<USCC>-<enterprise>/<report>.pdf|.docx     the three reports (pdf, docx)
    DIR/<USCC>-<enterprise>/一企一档.json|.xlsx      the enterprise record (json, xlsx)
    DIR/batch-summary.xlsx                          the batch summary (xlsx with --all)

Each file is written to a temporary name and renamed, so a half-written draft never replaces a
good one. Enterprises are independent: with ``workers`` > 1 they are drafted in worker
processes (reportlab is CPU-bound Python).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from inspector_app.findings import CaseRow
from inspector_app.home import Home
from inspector_app.i18n import _, get_language, language
from inspector_app.progress import CancelToken, ProgressFn, check, report
from reports import archive, content
from reports.data import EnterpriseData, Signer, gather, home_signers
from reports.doc import render_docx, render_pdf
from reports.summary import SummaryEntry, summary_entry, summary_xlsx

FORMATS = ("pdf", "docx", "xlsx", "json")


def file_stem(kind: str) -> str:
    return {
        "acceptance": _("acceptance report"),
        "assessment": _("digital level assessment report"),
        "financial": _("financial audit report"),
        "archive": _("enterprise record"),
        "summary": _("batch summary"),
        "plan": _("inspection plan"),
    }[kind]


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def folder_name(d: EnterpriseData) -> str:
    name = _UNSAFE.sub("_", f"{d.uscc or d.cases[0].case_id}-{d.enterprise or ''}").strip("-_ .")
    return name[:120]


def write_atomic(path: Path, data: bytes) -> None:
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def enterprise_files(d: EnterpriseData, formats: Sequence[str], out: Path) -> list[Path]:
    """Write one enterprise's drafts; returns the files written."""
    folder = out / folder_name(d)
    written: list[Path] = []
    docs = (
        [(k, getattr(content, k)(d)) for k in content.REPORTS]
        if {"pdf", "docx"} & set(formats)
        else []
    )
    for kind, doc in docs:
        if "pdf" in formats:
            path = folder / f"{file_stem(kind)}.pdf"
            write_atomic(path, render_pdf(doc))
            written.append(path)
        if "docx" in formats:
            path = folder / f"{file_stem(kind)}.docx"
            write_atomic(path, render_docx(doc))
            written.append(path)
    if "json" in formats:
        path = folder / f"{file_stem('archive')}.json"
        write_atomic(path, archive.archive_json(d))
        written.append(path)
    if "xlsx" in formats:
        path = folder / f"{file_stem('archive')}.xlsx"
        write_atomic(path, archive.archive_xlsx(d))
        written.append(path)
    return written


@dataclass
class Outcome:
    files: list[Path]
    enterprises: int
    summary: Path | None


@dataclass(frozen=True)
class Drafted:
    """What comes back from drafting one enterprise (from a worker process): its cases and
    name, and its rows of the batch summary (None when no summary is made) — a few rows
    instead of all its data."""

    cases: list[CaseRow]
    enterprise: str | None
    summary: SummaryEntry | None


def _work(
    args: tuple[Path, list[CaseRow], list[str], Path, datetime, str, dict[str, Signer], bool],
) -> tuple[list[Path], Drafted]:
    root, cases, formats, out, now, lang, signers, summary = args
    with language(lang):  # the caller's language, in this thread (or worker process)
        home = Home(root)
        d = gather(home, cases, now=now, signers=signers)
        written = enterprise_files(d, formats, out)
        return written, Drafted(d.cases, d.enterprise, summary_entry(d) if summary else None)


def _prepare(formats: Sequence[str]) -> None:
    """What every worker would make first: the modules that gathering loads (the package
    reader, the rule engine whose results the analysis cache holds), the PDF font (registered,
    its tables read) and the DOCX base package."""
    import inspector_app.analysis.engine
    import inspector_app.casepkg.workspace  # noqa: F401

    if "pdf" in formats:
        from reports.pdfdraw import prepare_font

        prepare_font()
    if "docx" in formats:
        from reports.doc import prepare_docx

        prepare_docx()


def generate(
    home: Home,
    projects: Sequence[list[CaseRow]],
    formats: Sequence[str],
    out: Path,
    *,
    summary: bool,
    now: datetime,
    workers: int = 1,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    on_enterprise: Callable[[Drafted, list[Path]], None] | None = None,
) -> Outcome:
    """Draft every project's files (and the batch summary when ``summary``)."""
    signers = home_signers(home)  # the trusted cards, read once for the batch
    summarize = summary and "xlsx" in formats
    jobs = [
        (home.root, cases, list(formats), out, now, get_language(), signers, summarize)
        for cases in projects
    ]
    files: list[Path] = []
    entries: list[SummaryEntry] = []
    total = len(jobs)

    def done(i: int, result: tuple[list[Path], Drafted]) -> None:
        written, d = result
        files.extend(written)
        if d.summary is not None:
            entries.append(d.summary)
        if on_enterprise is not None:
            on_enterprise(d, written)
        report(progress, i, total, d.enterprise or d.cases[0].case_id)

    if workers > 1 and total > 1:
        if multiprocessing.get_start_method() == "fork":
            _prepare(formats)  # once here, inherited by every worker
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, result in enumerate(pool.map(_work, jobs), 1):
                check(cancel)
                done(i, result)
    else:
        for i, job in enumerate(jobs, 1):
            check(cancel)
            done(i, _work(job))
    summary_path = None
    if summarize:
        summary_path = out / f"{file_stem('summary')}.xlsx"
        write_atomic(summary_path, summary_xlsx(entries))
        files.append(summary_path)
    report(progress, total, total, "")
    return Outcome(files, total, summary_path)
