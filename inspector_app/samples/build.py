"""Assembling a package: the case, its scenario, and the ZIP writer with progress and cancel."""

from __future__ import annotations

from typing import IO

from inspector_app.progress import CancelToken, ProgressFn, check, report
from inspector_app.samples.case import Case, build_case
from inspector_app.samples.package import entries, manifest_bytes
from inspector_app.samples.scenarios import SCENARIO_FUNCS
from inspector_app.samples.writer import Encoding, write_zip


def build_case_for(scenario: str, seed: int, size: str) -> Case:
    case = build_case(seed, size)
    SCENARIO_FUNCS[scenario](case)
    return case


def write_package(
    case: Case,
    fh: IO[bytes],
    variant: str | None,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> None:
    enc = Encoding(variant, case.seed)
    large = case.size == "large"
    done = [0]

    def on_entry(path: str) -> None:
        done[0] += 1
        check(cancel)
        report(progress, done[0], None, path)

    write_zip(
        fh,
        entries(case, enc, photo_size=(1280, 960) if large else (800, 600)),
        created_at=case.created_at,
        variant=variant,
        manifest=lambda files: manifest_bytes(case, files, enc),
        level=1 if large else 6,
        zip64_streams=large,
        on_entry=on_entry,
        on_chunk=lambda: check(cancel),
    )
