"""Analysing packages and imported cases; the analysis cache of the workspace.

An imported case's analysis is computed once and kept in ``<workspace>/analysis/<case_id>.pickle``
under a key made of three parts: the SHA-256 of the case's ``manifest.json`` (it lists every
file's hash, so it names the content, encrypted or not), the ``settings_sha256`` of the rule
settings in effect, and :data:`RULE_ENGINE_VERSION`. A key that differs, a file that cannot be
read or unpickled, is a miss: the analysis runs again and replaces the file (atomically).

The cache holds only what this app wrote into the user's own workspace; it is never imported
from a bundle or a package.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import inspector_app
from inspector_app.analysis.settings import Settings, layer, load_rules_file, settings_sha256
from inspector_app.home import Home
from inspector_app.progress import CancelToken, ProgressFn

if TYPE_CHECKING:
    # the rule engine (and numpy behind it) is imported when a result is read or computed,
    # not by the case list's start-up path (tests/unit/services/test_startup_imports.py)
    from inspector_app.analysis.engine import AnalysisResult

log = logging.getLogger(__name__)

CACHE_FOLDER = "analysis"
_CACHE_FORMAT = 1


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


class AnalysisCache:
    """The analyses of a workspace's cases, one file per case."""

    def __init__(self, workspace: Path) -> None:
        self.folder = workspace / CACHE_FOLDER

    def path(self, case_id: str) -> Path:
        return self.folder / f"{case_id}.pickle"

    def load(self, case_id: str, key: CacheKey) -> AnalysisResult | None:
        """The cached result for ``key``, or None (a miss)."""
        path = self.path(case_id)
        try:
            with path.open("rb") as fh:
                held = pickle.load(fh)  # the app's own file in the user's workspace
        except FileNotFoundError:
            return None
        except Exception as exc:  # a damaged or outdated file is a miss, never an error
            log.info("analysis cache %s unreadable (%s); recomputing", path, exc)
            return None
        from inspector_app.analysis.engine import AnalysisResult  # loaded by the pickle anyway

        if (
            not isinstance(held, dict)
            or held.get("format") != _CACHE_FORMAT
            or held.get("key") != key.text()
            or not isinstance(held.get("result"), AnalysisResult)
        ):
            return None
        result: AnalysisResult = held["result"]
        return result

    def flags_path(self, case_id: str) -> Path:
        """The ids of the cached result's flags (JSON), beside its pickle: what the case list
        reads, without unpickling the result (which imports the rule engine and numpy)."""
        return self.folder / f"{case_id}.flags.json"

    def store(self, case_id: str, key: CacheKey, result: AnalysisResult) -> None:
        """Keep ``result`` for ``key`` (replacing the case's file atomically), and its flag ids
        beside it. A cache that cannot be written is logged, not raised: the result is still
        good."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # the flag ids go first: a crash between the two files leaves none (read from the
            # pickle then), never the ids of another result
            self.flags_path(case_id).unlink(missing_ok=True)
            _write_atomic(
                self.folder,
                self.path(case_id),
                lambda fh: pickle.dump(
                    {"format": _CACHE_FORMAT, "key": key.text(), "result": result},
                    fh,
                    protocol=pickle.HIGHEST_PROTOCOL,
                ),
            )
            self._store_flags(case_id, [f.id for f in result.flags])
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            log.warning("analysis cache for %s not written: %s", case_id, exc)

    def _store_flags(self, case_id: str, flag_ids: list[str]) -> None:
        text = json.dumps({"format": _CACHE_FORMAT, "flags": flag_ids})
        _write_atomic(self.folder, self.flags_path(case_id), lambda fh: fh.write(text.encode()))

    def drop(self, case_id: str) -> None:
        self.flags_path(case_id).unlink(missing_ok=True)
        self.path(case_id).unlink(missing_ok=True)

    def peek_flags(self, case_id: str) -> list[str] | None:
        """The flag ids of the cached result whatever its key, or None when the case has no
        cached result: read from the small file beside the pickle (a cache written before it
        existed is unpickled once and the file written)."""
        if not self.path(case_id).is_file():
            return None
        try:
            held = json.loads(self.flags_path(case_id).read_bytes())
        except (OSError, ValueError):
            held = None
        if (
            isinstance(held, dict)
            and held.get("format") == _CACHE_FORMAT
            and isinstance(held.get("flags"), list)
            and all(isinstance(f, str) for f in held["flags"])
        ):
            return list(held["flags"])
        result = self.peek(case_id)
        if result is None:
            return None
        ids = [f.id for f in result.flags]
        try:
            self._store_flags(case_id, ids)
        except OSError as exc:
            log.info("analysis cache flags for %s not written: %s", case_id, exc)
        return ids

    def peek(self, case_id: str) -> AnalysisResult | None:
        """The cached result whatever its key (for summaries that must not compute)."""
        try:
            with self.path(case_id).open("rb") as fh:
                held = pickle.load(fh)  # the app's own file
        except Exception:
            return None
        from inspector_app.analysis.engine import AnalysisResult  # loaded by the pickle anyway

        if isinstance(held, dict) and isinstance(held.get("result"), AnalysisResult):
            result: AnalysisResult = held["result"]
            return result
        return None


def _write_atomic(folder: Path, path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` through a temporary file in ``folder`` replaced atomically."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
