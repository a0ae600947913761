"""``inspector-app sample --scenario NAME --out FILE [--seed N] [--size small|large]
[--variant V] [--recipient KEY]`` (``cli.md``): write a synthetic case package."""

from __future__ import annotations

import argparse
from typing import Any

from inspector_app.i18n import N_, bi
from inspector_app.samples import SCENARIOS, SIZES, VARIANTS


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "sample",
        parents=parents,
        help=N_("write a synthetic, realistic case package"),
        description=N_(
            "Write one synthetic but realistic case package: an honest project "
            "(clean) or one with exactly one red-flag pattern planted. Same seed, same bytes."
        ),
    )
    p.add_argument(
        "--scenario",
        required=True,
        choices=SCENARIOS,
        metavar="NAME",
        help="clean, or a per-package rule id in lower case, or a later condition of a rule "
        "(payment_mismatch_payer, deadline_exceeded_batch): " + ", ".join(SCENARIOS[1:]),
    )
    p.add_argument(
        "--out", required=True, metavar="FILE", help=N_("the package to write (*.case.zip)")
    )
    p.add_argument("--seed", type=int, default=0, help=N_("random seed (default 0)"))
    p.add_argument(
        "--size",
        choices=SIZES,
        default="small",
        help=N_("small (a few MB) or large (about 2 GB, 10 million usage rows)"),
    )
    p.add_argument(
        "--variant", choices=VARIANTS, metavar="V", help="export variant: " + ", ".join(VARIANTS)
    )
    p.add_argument(
        "--recipient",
        action="append",
        default=[],
        metavar="KEY",
        help=N_("age recipient (age1…) for --variant encrypted (repeatable)"),
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: Any) -> int:
    from inspector_app.services.samples import generate_sample

    path = generate_sample(
        args.scenario,
        args.out,
        seed=args.seed,
        size=args.size,
        variant=args.variant,
        recipients=args.recipient,
        progress=ctx.progress(),
        cancel=ctx.cancel,
    )
    ctx.err(bi("Sample package written: {path}", path=path))
    return 0
