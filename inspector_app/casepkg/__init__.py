"""Case packages (``case-package.md``): reading, validation, workspace import, packing.

Public API (others code against these names):

* :func:`validate_package` → :class:`ValidationResult` (``validate --json``)
* :func:`open_package` — context manager yielding a validated :class:`~.model.CasePackage`
* :func:`import_package` → :class:`ImportedCase` (all or nothing, into ``workspace/cases/``)
* :func:`load_case` — an imported case from its workspace folder
* :func:`pack_folder` — build (and optionally encrypt) a package from a folder
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspector_app.lazy import lazy_exports

if TYPE_CHECKING:
    from inspector_app.casepkg.api import ValidationResult, open_package, validate_package
    from inspector_app.casepkg.crypto import load_identity_file, parse_identities, parse_recipient
    from inspector_app.casepkg.limits import Limits
    from inspector_app.casepkg.packer import pack_folder
    from inspector_app.casepkg.workspace import ImportedCase, import_package, load_case

#: where each public name lives: imported on first use (PEP 562), so importing the package
#: (or one light submodule of it) does not import every module behind it
_LAZY: dict[str, str] = {
    "ValidationResult": "inspector_app.casepkg.api",
    "open_package": "inspector_app.casepkg.api",
    "validate_package": "inspector_app.casepkg.api",
    "load_identity_file": "inspector_app.casepkg.crypto",
    "parse_identities": "inspector_app.casepkg.crypto",
    "parse_recipient": "inspector_app.casepkg.crypto",
    "Limits": "inspector_app.casepkg.limits",
    "pack_folder": "inspector_app.casepkg.packer",
    "ImportedCase": "inspector_app.casepkg.workspace",
    "import_package": "inspector_app.casepkg.workspace",
    "load_case": "inspector_app.casepkg.workspace",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)


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
