"""Validating and opening case packages (``*.case.zip`` and ``*.case.zip.age``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector_app.casepkg.assemble import build_package, cross_check
from inspector_app.casepkg.crypto import decrypted, is_age_file
from inspector_app.casepkg.folderarc import FolderArchive
from inspector_app.casepkg.limits import Limits
from inspector_app.casepkg.model import CasePackage
from inspector_app.casepkg.sources import ZipSource
from inspector_app.casepkg.validator import LogStats, Validation
from inspector_app.casepkg.zipfmt import ZipArchive, ZipProblem
from inspector_app.errors import InputRefused, Issue, PackageRefused
from inspector_app.i18n import bi
from inspector_app.progress import CancelToken, ProgressFn


@dataclass
class ValidationResult:
    """The outcome of :func:`validate_package`, printed by ``validate --json``."""

    valid: bool
    package_id: str | None
    errors: list[Issue]
    warnings: list[Issue]
    #: per system id: rows and time span of its usage log (when it was checked)
    usage: dict[str, LogStats] = field(default_factory=dict)
    #: the typed package when valid (its source is closed once validation returns)
    package: CasePackage | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "package_id": self.package_id,
            "errors": [i.to_json() for i in self.errors],
            "warnings": [i.to_json() for i in self.warnings],
        }


def default_tmp_dir() -> Path:
    """The home's private ``tmp/`` folder."""
    from inspector_app.home import resolve_home

    return resolve_home().tmp_dir


@contextlib.contextmanager
def archive_path(
    path: str | Path, identities: Sequence[Any], tmp_dir: Path | None
) -> Iterator[Path]:
    """The plain ZIP of ``path``: itself, or its decryption in a private temporary file."""
    p = Path(path)
    try:
        encrypted = is_age_file(p)
    except OSError as exc:
        raise InputRefused(bi("Cannot read {path}: {error}", path=str(p), error=exc)) from exc
    if not encrypted:
        yield p
        return
    with decrypted(p, identities, tmp_dir or default_tmp_dir()) as plain:
        yield plain


def _sorted(issues: list[Issue], rank: dict[str | None, int]) -> list[Issue]:
    return sorted(
        issues, key=lambda i: (rank.get(i.path, -1 if i.path is None else 1 << 30), i.line or 0)
    )


@contextlib.contextmanager
def validated(
    path: str | Path,
    *,
    identities: Sequence[Any] = (),
    tmp_dir: Path | None = None,
    limits: Limits | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    content: bool = True,
    extract_to: Path | None = None,
) -> Iterator[tuple[ValidationResult, Validation | None, ZipArchive | None]]:
    """Run one validation; yields while the (decrypted) archive still exists."""
    limits = limits or Limits()
    with contextlib.ExitStack() as stack:
        try:
            plain = stack.enter_context(archive_path(path, identities, tmp_dir))
        except PackageRefused as exc:
            yield ValidationResult(False, None, list(exc.issues), []), None, None
            return
        try:
            archive = ZipArchive(plain, max_entries=limits.max_entries)
        except ZipProblem as exc:
            issue = Issue(exc.code, exc.path, exc.message)
            yield ValidationResult(False, None, [issue], []), None, None
            return
        v = Validation(
            archive,
            limits=limits,
            progress=progress,
            cancel=cancel,
            content=content,
            extract_to=extract_to,
        )
        v.run()
        cross_check(v)
        rank: dict[str | None, int] = {e.name: e.index for e in archive.entries}
        manifest_id = v.manifest.package_id if v.manifest is not None else None
        if manifest_id is None and v.manifest_data is not None:
            from inspector_app.casepkg.jsonfiles import package_id_of

            manifest_id = package_id_of(v.manifest_data)
        result = ValidationResult(
            valid=not v.log.errors,
            package_id=manifest_id,
            errors=_sorted(v.log.errors, rank),
            warnings=_sorted(v.log.warnings, rank),
            usage=dict(v.usage),
        )
        yield result, v, archive


def validate_package(
    path: str | Path,
    *,
    identities: Sequence[Any] = (),
    tmp_dir: Path | None = None,
    limits: Limits | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    content: bool = True,
) -> ValidationResult:
    """Check a package against the format without importing it.

    Every entry's name, size and SHA-256, every JSON field and every CSV row (every usage-log
    row included). ``content=False`` runs the integrity pass alone (container, manifest,
    hashes). An encrypted package is decrypted with ``identities`` to a private temporary file
    in ``tmp_dir`` (default: the home's ``tmp/``), deleted before this returns.
    """
    with validated(
        path,
        identities=identities,
        tmp_dir=tmp_dir,
        limits=limits,
        progress=progress,
        cancel=cancel,
        content=content,
    ) as (result, v, _archive):
        if result.valid and v is not None and content:
            result.package = build_package(v, _ClosedSource())
        return result


class _ClosedSource:
    """The source of a package whose archive is no longer open."""

    def open(self, path: str) -> Any:
        raise InputRefused(bi("The package is closed; open it with open_package()."))

    def names(self) -> list[str]:
        return []


@contextlib.contextmanager
def open_package(
    path: str | Path,
    *,
    identities: Sequence[Any] = (),
    tmp_dir: Path | None = None,
    limits: Limits | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Iterator[CasePackage]:
    """Validate ``path`` fully and yield the typed :class:`CasePackage`.

    Its ``source`` streams entries (usage logs, photos) from the archive while the context is
    open. Raises :class:`~inspector_app.errors.PackageRefused` with every error when the package
    is not valid.
    """
    with validated(
        path,
        identities=identities,
        tmp_dir=tmp_dir,
        limits=limits,
        progress=progress,
        cancel=cancel,
    ) as (result, v, archive):
        if not result.valid or v is None or archive is None:
            raise PackageRefused(result.errors[0], result.errors[1:])
        yield build_package(v, ZipSource(archive, v.encodings))


def check_folder(
    folder: Path,
    *,
    limits: Limits | None = None,
    skip: frozenset[str] = frozenset(),
    exclude: frozenset[str] = frozenset(),
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> tuple[ValidationResult, Validation]:
    """Validate a package laid out as a folder (``skip``: kinds not read, e.g. ``hash``)."""
    archive = FolderArchive(folder, skip=exclude)
    v = Validation(archive, limits=limits or Limits(), progress=progress, cancel=cancel, skip=skip)
    v.run()
    cross_check(v)
    rank: dict[str | None, int] = {e.name: e.index for e in archive.entries}
    result = ValidationResult(
        valid=not v.log.errors,
        package_id=v.manifest.package_id if v.manifest is not None else None,
        errors=_sorted(v.log.errors, rank),
        warnings=_sorted(v.log.warnings, rank),
        usage=dict(v.usage),
    )
    return result, v
