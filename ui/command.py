"""``inspector-app gui``: starts the desktop app (registered by the composition root).

This module imports no Qt at import time, so building the CLI's parser stays fast and works
without PySide6; the handler imports :mod:`ui.app` when it runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app.errors import UsageError
from inspector_app.i18n import N_, bi

PAGE_CHOICES = (
    "cases",
    "overview",
    "evidence",
    "usage",
    "scoring",
    "flags",
    "record",
    "conclusion",
    "export",
    # the agency console's pages (an agency identity); on the other kind of window a page
    # name it does not have shows its first page
    "roster",
    "inbox",
    "disagreements",
    "cross",
    "reports",
    "dashboard",
)


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "gui",
        parents=parents,
        allow_abbrev=False,
        help=N_("start the desktop app (or render one page to a PNG with --screenshot)"),
    )
    p.add_argument(
        "case",
        metavar="CASE",
        nargs="?",
        help=N_("a case package to import and open, or an imported case's id"),
    )
    p.add_argument("--page", choices=PAGE_CHOICES, help=N_("the page to show first"))
    p.add_argument(
        "--screenshot",
        metavar="FILE",
        help=N_("render --page offscreen to the PNG FILE and exit (no window is shown)"),
    )
    p.set_defaults(handler=cmd_gui)


def cmd_gui(args: argparse.Namespace, ctx: Any) -> int:
    import gc
    import os

    gc.disable()  # while the app starts: ui.app.started() turns it on again
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from ui.app import run
    except ImportError as exc:  # PySide6 is an optional extra
        raise UsageError(
            bi(
                "The desktop app needs PySide6: install the gui extra (pip install inspector-app[gui]). {error}",
                error=str(exc),
            )
        ) from exc
    return run(
        ctx.home,
        case=args.case,
        language=getattr(args, "lang", None),
        page=args.page,
        screenshot=Path(args.screenshot) if args.screenshot else None,
        home_explicit=bool(getattr(args, "home", None) or os.environ.get("INSPECTOR_HOME")),
    )
