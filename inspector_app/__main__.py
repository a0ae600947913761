"""Entry point: ``python -m inspector_app`` and the ``inspector-app`` console script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from inspector_app.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    # pHash indexing runs in worker processes; a frozen Windows build needs this first.
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
