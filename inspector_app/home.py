"""The home folder: identities, workspace, settings and the log file live here.

Resolved (:func:`resolve_home`, the one resolution the CLI and the desktop app share) from
``--home``, then ``INSPECTOR_HOME``, then the **portable** data folder of a frozen build, then
the platform's user data folder.

Portable mode (an expert carrying the app on a USB drive): when the file ``portable.txt``
(:data:`PORTABLE_MARKER`) sits beside the executable, the data folder is ``Inspector-data``
(:data:`PORTABLE_DATA`) beside it. On macOS the executable lives inside ``Inspector.app``; the
marker and the data folder are then beside the ``.app``, never inside the bundle (which is
signed and may be read-only). Only a frozen build is portable: a Python interpreter's folder
is never taken for the app's.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath

#: the file beside the executable (or beside ``Inspector.app``) that turns portable mode on
PORTABLE_MARKER = "portable.txt"
#: the data folder of portable mode, beside the marker
PORTABLE_DATA = "Inspector-data"


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def workspace(self) -> Path:
        """Imported cases (``cases/<case_id>/``), the findings database, attachments."""
        return self.root / "workspace"

    @property
    def identity_dir(self) -> Path:
        return self.root / "identity"

    @property
    def settings_dir(self) -> Path:
        return self.root / "settings"

    @property
    def log_file(self) -> Path:
        return self.root / "logs" / "inspector.log"

    @property
    def tmp_dir(self) -> Path:
        """Private temporary files (decrypted packages…); always inside the home folder."""
        return self.root / "tmp"

    def ensure(self) -> Home:
        for path in (
            self.root,
            self.workspace,
            self.identity_dir,
            self.settings_dir,
            self.log_file.parent,
            self.tmp_dir,
        ):
            path.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            for private in (self.root, self.tmp_dir, self.identity_dir):
                private.chmod(0o700)
        return self


def app_folder(executable: str | os.PathLike[str], platform: str | None = None) -> Path:
    """The folder the user sees the app in: the executable's folder, or on macOS the folder
    holding ``Something.app`` when the executable is ``Something.app/Contents/MacOS/x``."""
    exe = Path(executable)
    platform = platform or sys.platform
    if platform == "darwin":
        parts = PurePath(exe).parts
        for i in range(len(parts) - 3, -1, -1):
            if parts[i].lower().endswith(".app") and parts[i + 1 : i + 3] == ("Contents", "MacOS"):
                return Path(*parts[:i]) if i else Path()
    return exe.parent


def portable_root(
    executable: str | os.PathLike[str] | None = None,
    *,
    frozen: bool | None = None,
    platform: str | None = None,
) -> Path | None:
    """The portable data folder when this is a frozen build with the marker beside it."""
    if frozen is None:
        frozen = bool(getattr(sys, "frozen", False))
    if not frozen:
        return None
    folder = app_folder(executable if executable is not None else sys.executable, platform)
    if not (folder / PORTABLE_MARKER).is_file():
        return None
    return (folder / PORTABLE_DATA).resolve()


def resolve_home(option: str | os.PathLike[str] | None = None) -> Home:
    """``--home``, else ``INSPECTOR_HOME``, else the portable folder, else the user's data."""
    if option:
        return Home(Path(option).expanduser().resolve())
    env = os.environ.get("INSPECTOR_HOME")
    if env:
        return Home(Path(env).expanduser().resolve())
    portable = portable_root()
    if portable is not None:
        return Home(portable)
    import platformdirs

    return Home(Path(platformdirs.user_data_dir("Inspector", "Inspector")).resolve())
