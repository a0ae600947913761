"""Cases in the workspace: import one, list them, open one as a :class:`CaseSession`.

The list (:func:`list_cases`, :class:`CaseSummary`) lives in :mod:`.caselist`, re-exported here.

A session is what a face holds while the user works on one imported case: its store row, its
folder, the loaded package (on first use), the checklist and the rule settings in effect for
the home, and the analysis — computed once and then read back from the workspace's cache
(:mod:`inspector_app.services.analysis`), so reopening a case costs milliseconds whatever the
size of its usage logs.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.analysis.settings import Settings, settings_sha256
from inspector_app.checklist.effective import checklist_digest, home_checklists
from inspector_app.checklist.model import Checklist
from inspector_app.errors import InputRefused
from inspector_app.findings import CaseRow, FindingsStore, open_store
from inspector_app.home import Home
from inspector_app.i18n import bi
from inspector_app.progress import CancelToken, ProgressFn
from inspector_app.services.analysis import AnalysisCache, CacheKey, case_settings, manifest_sha256
from inspector_app.services.caselist import (
    DISPLAY_STATUSES,
    CaseSummary,
    case_summary,
    list_cases,
    read_case_json,
)
from inspector_app.services.writer import CASE, StoreChange, store_writer

if TYPE_CHECKING:
    # the rule engine (numpy behind it) only when a case is analysed: the case list, the
    # app's first page, does without (tests/unit/services/test_startup_imports.py)
    from inspector_app.analysis.engine import AnalysisResult
    from inspector_app.casepkg.model import CasePackage
    from inspector_app.identity.device import UnlockedIdentity


# --------------------------------------------------------------------------- identities
def is_encrypted(path: str | Path) -> bool:
    """Whether ``path`` is an age-encrypted file (False when it cannot be read)."""
    from inspector_app.casepkg.crypto import is_age_file

    try:
        return is_age_file(Path(path))
    except OSError:
        return False


def package_identities(
    home: Home,
    package: str | Path | None,
    *,
    identity_files: Sequence[str | Path] = (),
    unlock: Callable[[], UnlockedIdentity] | None = None,
) -> list[Any]:
    """The age identities to open ``package`` with.

    The ``identity_files`` when given (each may hold several identities, ``#`` comments
    allowed). Otherwise, for an encrypted package, this device's own key — ``unlock()`` is
    called only then (so a plain package never asks for the passphrase), and only when the
    home has an identity. A plain package needs none.
    """
    from inspector_app import identity
    from inspector_app.casepkg.crypto import load_identity_file

    if identity_files:
        found: list[Any] = []
        for name in identity_files:
            found.extend(load_identity_file(str(name)))
        return found
    if package is not None and not is_encrypted(package):
        return []
    if unlock is None or not identity.exists(home):
        return []
    return [unlock().age_identity()]


# --------------------------------------------------------------------------- import
@dataclass(frozen=True)
class ImportedCaseResult:
    """What ``case import`` did: the case as registered, and whether it was there already."""

    case: CaseRow
    already_imported: bool

    def to_json(self) -> dict[str, Any]:
        """The ``case import --json`` object."""
        return {**self.case.to_json(), "already_imported": self.already_imported}


def _case_checklist(folder: Path) -> str | None:
    """The checklist the case's self-assessment names (else the manifest's)."""
    for name in ("self_assessment.json", "manifest.json"):
        obj = read_case_json(folder, name)
        if isinstance(obj.get("checklist"), str):
            return str(obj["checklist"])
    return None


def import_case_row(
    home: Home,
    package_path: str | Path,
    *,
    identities: Sequence[Any] = (),
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ImportedCaseResult:
    """Validate a package, extract it into the workspace and register the case (all or
    nothing; importing the same package again is not an error).

    Raises:
        PackageRefused: the package is not valid (exit 1).
        InputRefused: another package with the same ``package_id`` is already imported.
        Cancelled: ``cancel`` was set (nothing is left behind).
    """
    from inspector_app.casepkg import import_package
    from inspector_app.services.settings import package_limits

    imported = import_package(
        Path(package_path),
        home.workspace,
        identities=list(identities),
        limits=package_limits(home),
        progress=progress,
        cancel=cancel,
    )
    folder = Path(imported.folder)

    def register() -> ImportedCaseResult:
        with open_store(home) as store:
            case = store.case(imported.case_id)
            if case is not None:
                return ImportedCaseResult(case=case, already_imported=True)
            try:
                case = store.register_case(
                    imported.case_id,
                    package_id=imported.package_id,
                    uscc=imported.uscc,
                    enterprise=imported.enterprise,
                    project_id=imported.project_id,
                    checklist=_case_checklist(folder),
                    folder=str(folder),
                    warnings=[w.to_json() for w in imported.warnings],
                )
            except BaseException:
                # all or nothing: no case folder outlives a failed registration
                if folder.is_dir() and store.case(imported.case_id) is None:
                    shutil.rmtree(folder, ignore_errors=True)
                raise
        return ImportedCaseResult(case=case, already_imported=False)

    def announce(done: ImportedCaseResult) -> list[StoreChange]:
        return [] if done.already_imported else [StoreChange(CASE, done.case.case_id)]

    return store_writer(home).call(register, announce)


def import_case(
    home: Home,
    package_path: str | Path,
    *,
    identities: Sequence[Any] = (),
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> CaseSummary:
    """Import a package (see :func:`import_case_row`) and return the case's summary."""
    done = import_case_row(
        home, package_path, identities=identities, progress=progress, cancel=cancel
    )
    return case_summary(home, done.case.case_id)


# --------------------------------------------------------------------------- session
def _merge_layers(*layers: Mapping[str, Any] | None) -> dict[str, dict[str, Any]] | None:
    out: dict[str, dict[str, Any]] = {}
    for one in layers:
        for table, keys in (one or {}).items():
            out.setdefault(table, {}).update(keys)
    return out or None


@dataclass
class CaseSession:
    """One imported case, opened (see the module docstring). Not thread-safe for writes:
    use :meth:`store` from one thread at a time (each call opens its own connection)."""

    home: Home
    row: CaseRow
    rules_layer: Mapping[str, Any] | None = None
    _package: CasePackage | None = field(default=None, repr=False)
    _analysis: AnalysisResult | None = field(default=None, repr=False)
    _settings: Settings | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def case_id(self) -> str:
        return self.row.case_id

    @property
    def folder(self) -> Path:
        if not self.row.folder:
            raise InputRefused(
                bi("The case {case} has no folder in this workspace.", case=self.case_id)
            )
        return Path(self.row.folder)

    @property
    def package(self) -> CasePackage:
        """The loaded case package (JSON and finance files parsed on first use; logs and
        documents are streamed from the folder when read)."""
        if self._package is None:
            from inspector_app.casepkg import load_case

            self._package = load_case(self.folder)
        return self._package

    @property
    def checklist(self) -> Checklist:
        """The case's checklist as in effect for the home (the agency's corrections)."""
        return home_checklists(self.home).get(self.row.checklist)

    @property
    def settings(self) -> Settings:
        """The rule settings in effect: defaults, the package's, the home's, the session's."""
        if self._settings is None:
            self._settings = case_settings(self.home, self.folder, self.rules_layer)
        return self._settings

    def effective_checklist(self) -> Checklist | None:
        """The case's checklist as in effect for the home, or None when it is not known."""
        return home_checklists(self.home).find(self.row.checklist)

    def cache_key(self) -> CacheKey:
        return CacheKey(
            manifest_sha256(self.folder),
            settings_sha256(self.settings),
            checklist_digest(self.effective_checklist()),
        )

    def cached_analysis(self) -> AnalysisResult | None:
        """The analysis when it is already computed (in memory or in the cache), else None."""
        if self._analysis is None:
            self._analysis = AnalysisCache(self.home.workspace).load(self.case_id, self.cache_key())
        return self._analysis

    def analysis(
        self, progress: ProgressFn | None = None, cancel: CancelToken | None = None
    ) -> AnalysisResult:
        """The case's analysis: from memory, else the workspace's cache, else computed (and
        kept). Raises :class:`~inspector_app.errors.Cancelled` when ``cancel`` is set."""
        with self._lock:
            cached = self.cached_analysis()
            if cached is not None:
                return cached
            key = self.cache_key()
            home_layer = None
            from inspector_app.analysis.engine import analyze
            from inspector_app.services.analysis import home_rules_file

            home_rules = home_rules_file(self.home)
            if home_rules.is_file():
                from inspector_app.analysis.settings import load_rules_file

                home_layer = load_rules_file(home_rules)
            result = analyze(
                self.package,
                rules_file_layer=_merge_layers(home_layer, self.rules_layer),
                progress=progress,
                cancel=cancel,
                checklist=self.effective_checklist(),
            )
            AnalysisCache(self.home.workspace).store(self.case_id, key, result)
            self._analysis = result
            return result

    @contextmanager
    def store(self) -> Iterator[FindingsStore]:
        """The home's findings store (a new connection, closed on exit)."""
        with open_store(self.home) as store:
            yield store

    def refresh(self) -> None:
        """Read the case's row again (its status changes as findings are signed)."""
        with open_store(self.home) as store:
            row = store.case(self.case_id)
        if row is not None:
            self.row = row


def resolve_case(home: Home, case_ref: str) -> CaseRow:
    """The store's row of the case ``case_ref`` (its id or a unique prefix).

    Raises:
        InputRefused: no case matches, or the prefix is ambiguous.
        UsageError: ``case_ref`` is empty.
    """
    with open_store(home) as store:
        return store.resolve_case(case_ref)


def analysis_target(home: Home, text: str) -> Path | str:
    """What ``analyze TEXT`` names: an existing path (it wins), else the id of the imported
    case ``TEXT`` names (its id or a unique prefix), else the path (which the caller then
    refuses as missing). A home without a workspace database has no cases (none is created).

    Raises:
        InputRefused: ``text`` is a prefix of several cases.
    """
    path = Path(text)
    if path.exists():
        return path
    from inspector_app.findings.reading import DB_NAME

    if not text.strip() or not (home.workspace / DB_NAME).is_file():
        return path
    with open_store(home) as store:
        matches = [c for c in store.cases() if c.case_id.lower().startswith(text.strip().lower())]
        if not matches:
            return path
        return store.resolve_case(text).case_id


def open_case(
    home: Home, case_ref: str, *, rules_layer: Mapping[str, Any] | None = None
) -> CaseSession:
    """Open the imported case ``case_ref`` (its id or a unique prefix).

    Cheap: nothing of the package is read until :attr:`CaseSession.package` or
    :meth:`CaseSession.analysis` is used.

    Raises:
        InputRefused: no case matches, or the prefix is ambiguous.
    """
    with open_store(home) as store:
        row = store.resolve_case(case_ref)
    return CaseSession(home=home, row=row, rules_layer=rules_layer)


__all__ = [
    "DISPLAY_STATUSES",
    "CaseSession",
    "CaseSummary",
    "ImportedCaseResult",
    "analysis_target",
    "case_summary",
    "import_case",
    "import_case_row",
    "is_encrypted",
    "list_cases",
    "open_case",
    "package_identities",
    "resolve_case",
]
