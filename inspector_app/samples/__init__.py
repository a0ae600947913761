"""The synthetic case-package generator (``inspector-app sample``).

``generate(scenario, out, seed=0, size="small", variant=None, recipients=())`` writes one
realistic, deterministic case package: an honest project (``clean``) or the same project with
exactly one red-flag pattern planted (one scenario per per-package rule of ``red-flags.md``,
and one per later condition of a rule: :func:`scenario_rule` names the rule it plants),
in one of the export :data:`VARIANTS`. See ``docs/samples.md``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from inspector_app.progress import CancelToken, ProgressFn, check, report
from inspector_app.samples.scenarios import SCENARIOS, scenario_rule
from inspector_app.samples.writer import VARIANTS

SIZES: tuple[str, ...] = ("small", "large")

__all__ = ["SCENARIOS", "SIZES", "VARIANTS", "generate", "scenario_rule"]


def generate(
    scenario: str,
    out: Path,
    *,
    seed: int = 0,
    size: str = "small",
    variant: str | None = None,
    recipients: Sequence[str] = (),
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Write a sample package to ``out`` and return its path.

    Raises:
        ValueError: unknown scenario, size or variant, or ``encrypted`` without recipients.
        Cancelled: ``cancel`` was set; nothing is left at ``out``.
    """
    from inspector_app.samples.build import build_case_for, write_package

    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}")
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}")
    if variant is not None and variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    if variant == "encrypted" and not recipients:
        raise ValueError("the encrypted variant needs at least one recipient")
    out = Path(out)
    case = build_case_for(scenario, seed, size)
    out.parent.mkdir(parents=True, exist_ok=True)
    # A uniquely named sibling, created with the default (umask) mode like any written file.
    tmp = out.parent / f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}.part"
    try:
        with tmp.open("xb") as fh:
            write_package(case, fh, variant, progress=progress, cancel=cancel)
        check(cancel)
        if variant == "encrypted":
            from inspector_app.samples.writer import encrypt

            enc_tmp = tmp.with_suffix(".age.part")
            try:
                encrypt(tmp, enc_tmp, list(recipients))
                enc_tmp.replace(out)
            finally:
                enc_tmp.unlink(missing_ok=True)
        else:
            tmp.replace(out)
        report(progress, 1, 1, str(out))
    finally:
        tmp.unlink(missing_ok=True)
    return out
