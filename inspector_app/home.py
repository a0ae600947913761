"""The home folder: identities, workspace, settings and the log file live here.

Resolved from ``--home``, then ``INSPECTOR_HOME``, then the platform's user data folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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


def resolve_home(option: str | os.PathLike[str] | None = None) -> Home:
    if option:
        return Home(Path(option).expanduser().resolve())
    env = os.environ.get("INSPECTOR_HOME")
    if env:
        return Home(Path(env).expanduser().resolve())
    import platformdirs

    return Home(Path(platformdirs.user_data_dir("Inspector", "Inspector")).resolve())
