"""Frozen entry of the console executable ``inspector-app`` (the same CLI as the wheel's)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # pHash indexing runs in worker processes: a frozen child must stop here
    multiprocessing.freeze_support()
    from inspector_app.__main__ import main

    sys.exit(main())
