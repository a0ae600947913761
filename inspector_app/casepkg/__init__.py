"""Case packages (``case-package.md``): reading, validation, workspace import, packing.

Public API (others code against these names):

* :func:`validate_package` → :class:`ValidationResult` (``validate --json``)
* :func:`open_package` — context manager yielding a validated :class:`~.model.CasePackage`
* :func:`import_package` → :class:`ImportedCase` (all or nothing, into ``workspace/cases/``)
* :func:`load_case` — an imported case from its workspace folder
* :func:`pack_folder` — build (and optionally encrypt) a package from a folder
"""

from __future__ import annotations

from inspector_app.casepkg.api import ValidationResult, open_package, validate_package
from inspector_app.casepkg.crypto import load_identity_file, parse_identities, parse_recipient
from inspector_app.casepkg.limits import Limits
from inspector_app.casepkg.packer import pack_folder
from inspector_app.casepkg.workspace import ImportedCase, import_package, load_case

__all__ = [
    "ImportedCase",
    "Limits",
    "ValidationResult",
    "import_package",
    "load_case",
    "load_identity_file",
    "open_package",
    "pack_folder",
    "parse_identities",
    "parse_recipient",
    "validate_package",
]
