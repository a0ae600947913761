"""``analyze(package)``: every per-package rule of red-flags.md, and the usage statistics.

Order of work: one streaming pass over each usage log (statistics and the state every usage
rule needs), one pass over each records.csv, one decode of each image (EXIF and pHash), then
the rule families, each a plain function of the :class:`~inspector_app.analysis.context.Context`.
Progress is reported through ``progress(done, total, text)`` (events read, images decoded) and
``cancel`` is checked every 65,536 events and between images.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from inspector_app.analysis import chronology, eligibility, evidence, finance, programme, usage
from inspector_app.analysis.context import Context, RecordsSummary
from inspector_app.analysis.flags import Flag, sort_flags
from inspector_app.analysis.settings import Settings, layer, settings_sha256
from inspector_app.analysis.usagestats import LogPass, UsageStats, day_number
from inspector_app.casepkg.columns import UsageColumns
from inspector_app.casepkg.logs import iter_usage_columns, package_records
from inspector_app.casepkg.model import CasePackage
from inspector_app.checklist.model import Checklist
from inspector_app.i18n import bi
from inspector_app.imaging import ImageInfo, analyse_image
from inspector_app.progress import CancelToken, ProgressFn, check, report


@dataclass
class AnalysisResult:
    package_id: str
    uscc: str
    enterprise: str
    settings: Settings
    flags: list[Flag]
    usage: dict[str, UsageStats]
    photos_without_exif: list[str] = field(default_factory=list)
    #: photos that could not be decoded (damaged, a decompression bomb…): no EXIF, no pHash
    photos_unreadable: list[str] = field(default_factory=list)

    @property
    def settings_sha256(self) -> str:
        return settings_sha256(self.settings)

    def flag(self, flag_id: str) -> Flag | None:
        for f in self.flags:
            if f.id == flag_id:
                return f
        return None

    @property
    def rules_fired(self) -> list[str]:
        return sorted({f.rule for f in self.flags})

    def to_json(self) -> dict[str, Any]:
        """The ``analyze --json`` object of cli.md (plus ``photos_without_exif``)."""
        return {
            "package_id": self.package_id,
            "uscc": self.uscc,
            "enterprise": self.enterprise,
            "settings_sha256": self.settings_sha256,
            "flags": [f.to_json() for f in self.flags],
            "usage": {sid: stats.to_json() for sid, stats in self.usage.items()},
            "photos_without_exif": list(self.photos_without_exif),
            "photos_unreadable": list(self.photos_unreadable),
        }


def run_usage_pass(
    package: CasePackage,
    settings: Settings,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, LogPass]:
    """The single streaming pass over every system's usage log."""
    applied = day_number(package.project.acceptance_applied_at)
    user_window = max(90, settings["USAGE_FEW_USERS"]["window_days"])
    created_ts = int(package.manifest.created_at.timestamp())
    syn = settings["LOG_SYNTHETIC"]
    out: dict[str, LogPass] = {}
    systems = [s.system_id for s in package.systems if s.system_id in package.usage_logs]
    for i, sid in enumerate(systems):
        check(cancel)
        log = LogPass(
            applied=applied,
            user_window_days=user_window,
            max_gap_seconds=syn["max_gap_seconds"],
            created_ts=created_ts,
            repeat_run=syn["repeat_run"],
            repeat_dates=syn["repeat_dates"],
        )

        def tick(n: int, sid: str = sid, i: int = i) -> None:
            check(cancel)
            report(
                progress,
                i,
                len(systems),
                bi(
                    "Reading the usage log of {system}: {events} events",
                    system=sid,
                    events=f"{n:,}",
                ),
            )

        report(
            progress,
            i,
            len(systems),
            bi("Reading the usage log of {system}: {events} events", system=sid, events="0"),
        )
        batches = _usage_columns(package, sid)
        try:
            log.consume_columns(batches, tick)
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()  # stops the reader's prefetch thread at once when cancelled
        out[sid] = log
    return out


def _usage_columns(package: CasePackage, system_id: str) -> Iterator[UsageColumns]:
    """The usage log of ``system_id`` as column blocks (the fast streaming reader)."""
    return iter_usage_columns(package.source, package.usage_logs[system_id])


def run_records_pass(package: CasePackage) -> dict[str, RecordsSummary]:
    out: dict[str, RecordsSummary] = {}
    for system in package.systems:
        path = package.record_logs.get(system.system_id)
        if path is None:
            continue
        summary = RecordsSummary(path)
        for rec in package_records(package, system.system_id):
            if rec.created > 0:
                summary.created_by_date[rec.date] = (
                    summary.created_by_date.get(rec.date, 0) + rec.created
                )
                if summary.first_created is None or rec.date < summary.first_created:
                    summary.first_created = rec.date
                    summary.first_created_row = rec.row
            lo, hi = summary.rows_by_date.get(rec.date, (rec.row, rec.row))
            summary.rows_by_date[rec.date] = (min(lo, rec.row), max(hi, rec.row))
        out[system.system_id] = summary
    return out


def run_image_pass(
    package: CasePackage,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    workers: int | None = None,
) -> dict[str, ImageInfo]:
    """EXIF and pHash of every image entry (photos, and images among the documents).

    Entries are read one after the other (the source need not be thread-safe) and decoded by
    a small thread pool: Pillow releases the GIL while decoding, which is most of the work.
    At most ``2 × workers`` images are in memory at once.
    """
    images = [d for d in package.documents if d.is_image]
    out: dict[str, ImageInfo] = {}
    workers = workers or min(4, os.cpu_count() or 1)
    total = len(images)

    def show(done: int) -> None:
        report(
            progress,
            done,
            total,
            bi("Analysing images: {done} of {total}", done=done, total=total),
        )

    show(0)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[tuple[str, Future[ImageInfo]]] = deque()
        done = 0
        for doc in images:
            check(cancel)
            with package.source.open(doc.path) as fp:
                data = fp.read()
            pending.append((doc.path, pool.submit(analyse_image, data)))
            while len(pending) >= 2 * workers:
                path, future = pending.popleft()
                out[path] = future.result()
                done += 1
                if done % 16 == 0:
                    show(done)
        while pending:
            path, future = pending.popleft()
            out[path] = future.result()
            done += 1
    show(total)
    return out


def analyze(
    package: CasePackage,
    *,
    rules_file_layer: Mapping[str, Any] | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    checklist: Checklist | None = None,
) -> AnalysisResult:
    """Run every per-package rule on a loaded, valid package.

    Settings: the app's defaults, then the package's ``settings/rules.toml``
    (``package.rules``), then ``rules_file_layer`` (a validated ``--rules`` file), key by key.
    ``checklist`` is the self-assessment's checklist as in effect for the home (the agency's
    corrections, :func:`~inspector_app.checklist.effective.home_checklists`); the bundled one
    when None.
    """
    settings = layer(package.rules, rules_file_layer)
    logs = run_usage_pass(package, settings, progress, cancel)
    check(cancel)
    records = run_records_pass(package)
    images = run_image_pass(package, progress, cancel)
    check(cancel)
    ctx = Context(package, settings, logs, records, images, checklist)
    flags: list[Flag] = []
    for family in (eligibility, chronology, usage, finance, programme, evidence):
        flags.extend(family.check(ctx))
    usage_stats: dict[str, UsageStats] = {}
    for system in package.systems:
        log = logs.get(system.system_id)
        if log is not None:
            usage_stats[system.system_id] = log.stats()
    without_exif = sorted(
        d.path for d in package.photos if d.path in images and not images[d.path].exif.present
    )
    return AnalysisResult(
        package_id=package.package_id,
        uscc=package.enterprise.uscc,
        enterprise=package.enterprise.name,
        settings=settings,
        flags=sort_flags(flags),
        usage=usage_stats,
        photos_without_exif=without_exif,
        photos_unreadable=sorted(
            d.path for d in package.photos if d.path in images and images[d.path].unreadable
        ),
    )
