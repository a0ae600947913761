"""Analysing packages and imported cases; the analysis cache of the workspace.

An imported case's analysis is computed once and kept in ``<workspace>/analysis/<case_id>.pickle``
under a key made of three parts: the SHA-256 of the case's ``manifest.json`` (it lists every
file's hash, so it names the content, encrypted or not), the ``settings_sha256`` of the rule
settings in effect, and :data:`RULE_ENGINE_VERSION`. A key that differs, a file that cannot be
read or unpickled, is a miss: the analysis runs again and replaces the file (atomically). The
cache's files are :mod:`.analysis_cache`'s (:class:`AnalysisCache`, re-exported here).

The cache holds only what this app wrote into the user's own workspace; it is never imported
from a bundle or a package.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import inspector_app
from inspector_app.analysis.settings import Settings, layer, load_rules_file, settings_sha256
from inspector_app.home import Home
from inspector_app.progress import CancelToken, ProgressFn
from inspector_app.services.analysis_cache import AnalysisCache

if TYPE_CHECKING:
    # the rule engine (and numpy behind it) is imported when a result is read or computed,
    # not by the case list's start-up path (tests/unit/services/test_startup_imports.py)
    from inspector_app.analysis.engine import AnalysisResult


def _engine_version() -> str:
    """The app's version and a digest of the rule engine's sources (any rule change is a miss).

    In a frozen build without sources the version alone names the engine.
    """
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent
    sources = [*sorted((here / "analysis").glob("*.py")), here / "imaging.py"]
    for path in sources:
        try:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        except OSError:
            continue
    return f"{inspector_app.__version__}+{digest.hexdigest()[:16]}"


#: the version of the rule engine, part of every cache key
RULE_ENGINE_VERSION = _engine_version()


@dataclass(frozen=True)
class CacheKey:
    """What an analysis depends on."""

    manifest_sha256: str
    settings_sha256: str
    #: the checklist in effect (``checklist_digest``): an agency's correction is a miss
    checklist_sha256: str = "none"
    engine: str = RULE_ENGINE_VERSION

    def text(self) -> str:
        return (
            f"{self.manifest_sha256}:{self.settings_sha256}:{self.checklist_sha256}:{self.engine}"
        )


def manifest_sha256(folder: Path) -> str:
    """SHA-256 of an imported case's ``manifest.json``."""
    return hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()


def home_rules_file(home: Home) -> Path:
    """``<home>/settings/rules.toml``: the home's rule settings over every package's own."""
    return home.settings_dir / "rules.toml"


def case_settings(
    home: Home, folder: Path, rules_layer: Mapping[str, Any] | None = None
) -> Settings:
    """The rule settings in effect for an imported case: the app's defaults, the package's
    ``settings/rules.toml``, the home's ``settings/rules.toml``, then ``rules_layer``.

    Raises:
        UsageError: the home's rules file has an unknown key or a wrong value (exit 2).
    """
    package_layer: dict[str, Any] | None = None
    rules = folder / "settings" / "rules.toml"
    if rules.is_file():  # validated at import
        package_layer = load_rules_file(rules)
    home_rules = home_rules_file(home)
    home_layer = load_rules_file(home_rules) if home_rules.is_file() else None
    return layer(package_layer, home_layer, rules_layer)


def analyze_package(
    path: str | Path,
    *,
    home: Home | None = None,
    identities: Sequence[Any] = (),
    rules_file: str | Path | None = None,
    rules_layer: Mapping[str, Any] | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> AnalysisResult:
    """Validate a package file (``*.case.zip`` or ``*.case.zip.age``) and run every
    per-package rule on it.

    Args:
        path: the package.
        home: the home (its ``tmp/`` holds a decrypted package while it is read; the
            system's temporary folder without it).
        identities: age identities for an encrypted package
            (:func:`~inspector_app.services.cases.package_identities`).
        rules_file: a ``--rules`` TOML file layered over the package's own settings.
        rules_layer: the same, already read (``load_rules_file``); used when no file is given.

    Raises:
        PackageRefused: the package is not valid (exit 1; ``.issues`` says why).
        UsageError: the rules file has an unknown key or a wrong value (exit 2).
        Cancelled: ``cancel`` was set.
    """
    from inspector_app.analysis.engine import analyze
    from inspector_app.casepkg import open_package
    from inspector_app.casepkg.api import default_tmp_dir
    from inspector_app.checklist.effective import home_checklists
    from inspector_app.services.settings import package_limits

    if rules_file:
        rules_layer = load_rules_file(rules_file)
    with open_package(
        Path(path),
        identities=list(identities),
        tmp_dir=home.tmp_dir if home is not None else default_tmp_dir(),
        limits=package_limits(home) if home is not None else None,
        progress=progress,
        cancel=cancel,
    ) as package:
        checklist = (
            home_checklists(home).find(package.self_assessment.checklist)
            if home is not None
            else None
        )
        return analyze(
            package,
            rules_file_layer=rules_layer,
            progress=progress,
            cancel=cancel,
            checklist=checklist,
        )


__all__ = [
    "RULE_ENGINE_VERSION",
    "AnalysisCache",
    "CacheKey",
    "analyze_package",
    "case_settings",
    "home_rules_file",
    "manifest_sha256",
    "settings_sha256",
]
