"""Whether this device has an identity, and its role, from the identity file's public members:
what the desktop app's start needs to choose its window (the expert's or the agency console),
without the modules that read, check and unlock the whole file (cards, key file: canonical
JSON, decimals, hashing). :func:`inspector_app.identity.load` is the full, checked reading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspector_app import safejson
from inspector_app.errors import InputRefused
from inspector_app.home import Home
from inspector_app.i18n import bi

IDENTITY_FILE = "identity.json"
FILE_FORMAT = "inspector-identity/1"


def identity_dir(home: Home | Path) -> Path:
    return home.identity_dir if isinstance(home, Home) else Path(home) / "identity"


def exists(home: Home | Path) -> bool:
    """Whether ``home`` has a device identity."""
    return (identity_dir(home) / IDENTITY_FILE).is_file()


def damaged(path: Path, reason: object) -> InputRefused:
    """The refusal for an identity file that cannot be read as one."""
    return InputRefused(
        bi("The identity file {path} is damaged: {reason}", path=str(path), reason=reason)
    )


def read_header(path: Path) -> dict[str, Any]:
    """The parsed identity file (public members and the still-encrypted secret)."""
    try:
        obj = safejson.loads(path.read_bytes())
    except OSError as exc:
        raise InputRefused(bi("Cannot read {path}: {error}", path=str(path), error=exc)) from exc
    except ValueError as exc:
        raise damaged(path, "not JSON") from exc
    if not isinstance(obj, dict) or obj.get("format") != FILE_FORMAT:
        raise damaged(path, f"format is not {FILE_FORMAT}")
    return obj


def role(home: Home | Path) -> str | None:
    """The role of this device's identity (``expert``, ``agency``), None without one; a file
    that cannot be read as an identity file is refused as by any other reading of it
    (``InputRefused``; :func:`~inspector_app.identity.load` checks the rest)."""
    path = identity_dir(home) / IDENTITY_FILE
    if not path.is_file():
        return None
    value = read_header(path).get("role")
    if not isinstance(value, str):
        raise damaged(path, "no role")
    return value
