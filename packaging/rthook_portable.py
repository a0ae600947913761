"""PyInstaller runtime hook: portable mode (runs before the app's own code).

The resolution lives in the core (:func:`inspector_app.home.portable_root`: ``portable.txt``
beside the executable, or beside ``Inspector.app`` on macOS → ``Inspector-data`` there); this
hook exports it as ``INSPECTOR_HOME`` unless one was given, so that the CLI, the desktop app
and anything they start (worker processes) agree, and the desktop app does not consult the
host machine's remembered data folder. ``--home`` still wins.
"""

import os


def _portable() -> None:
    if os.environ.get("INSPECTOR_HOME"):
        return
    from inspector_app.home import portable_root

    root = portable_root()
    if root is not None:
        os.environ["INSPECTOR_HOME"] = str(root)
        os.environ["INSPECTOR_PORTABLE"] = "1"


_portable()
