"""Importing packages into the workspace (all or nothing) and loading imported cases.

An import extracts every entry into a temporary folder *inside* the workspace while it is
validated (one pass: each block is hashed, checked and written), then renames the folder to
``workspace/cases/<package_id>/``. On any error the temporary folder is removed; entry names
are checked before anything is written and every destination is confined to the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector_app.casepkg.api import archive_path, check_folder, validated
from inspector_app.casepkg.assemble import build_package
from inspector_app.casepkg.limits import Limits
from inspector_app.casepkg.model import CasePackage
from inspector_app.casepkg.names import fold_key
from inspector_app.casepkg.sources import SIDECAR, FolderSource
from inspector_app.casepkg.textio import StreamProblem
from inspector_app.casepkg.zipfmt import ZipArchive, ZipProblem
from inspector_app.errors import InputRefused, Issue, PackageRefused
from inspector_app.i18n import bi, from_json
from inspector_app.progress import CancelToken, ProgressFn
from inspector_app.values import isoformat, now

SIDECAR_FORMAT = "inspector-case-import"


@dataclass(frozen=True)
class ImportedCase:
    """A case in the workspace; ``case_id`` is the package's ``package_id``."""

    case_id: str
    folder: Path
    package_id: str
    uscc: str
    enterprise: str
    project_id: str
    warnings: list[Issue] = field(default_factory=list)


def _tmp_for(workspace_dir: Path) -> Path:
    """The home's ``tmp/`` for a workspace at ``<home>/workspace``."""
    if workspace_dir.name == "workspace":
        return workspace_dir.parent / "tmp"
    from inspector_app.casepkg.api import default_tmp_dir

    return default_tmp_dir()


def _manifest_digest(
    path: Path, identities: Sequence[Any], tmp_dir: Path, limits: Limits
) -> tuple[str | None, str | None]:
    """``(package_id, sha256 of manifest.json)`` read cheaply, or ``(None, None)``."""
    from inspector_app.casepkg.jsonfiles import JsonProblem, loads, package_id_of

    try:
        with archive_path(path, identities, tmp_dir) as plain:
            archive = ZipArchive(plain, max_entries=limits.max_entries)
            entry = archive.entry("manifest.json")
            if entry is None or entry.size > limits.max_json_size:
                return None, None
            data = b"".join(archive.chunks(entry))
    except (PackageRefused, ZipProblem, StreamProblem, OSError, ValueError):
        return None, None
    try:
        return package_id_of(loads(data)), hashlib.sha256(data).hexdigest()
    except JsonProblem:
        return None, None


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def _read_sidecar(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _issues(raw: Any) -> list[Issue]:
    out: list[Issue] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("code"), str):
            out.append(
                Issue(
                    item["code"],
                    item.get("path"),
                    from_json(item, "message"),
                    line=item.get("line"),
                    pointer=item.get("pointer"),
                )
            )
    return out


def _imported(folder: Path, meta: dict[str, Any]) -> ImportedCase:
    return ImportedCase(
        case_id=str(meta.get("package_id", folder.name)),
        folder=folder,
        package_id=str(meta.get("package_id", folder.name)),
        uscc=str(meta.get("uscc", "")),
        enterprise=str(meta.get("enterprise", "")),
        project_id=str(meta.get("project_id", "")),
        warnings=_issues(meta.get("warnings")),
    )


def import_package(
    path: str | Path,
    workspace_dir: str | Path,
    *,
    identities: Sequence[Any] = (),
    limits: Limits | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    tmp_dir: Path | None = None,
) -> ImportedCase:
    """Validate and import a package into ``workspace_dir/cases/<package_id>/``.

    All or nothing. Importing the same package again (same ``manifest.json``, which hashes
    every entry) is a no-op; another package with the same ``package_id`` is refused.
    """
    workspace = Path(workspace_dir)
    limits = limits or Limits()
    tmp = tmp_dir or _tmp_for(workspace)
    cases = workspace / "cases"
    cases.mkdir(parents=True, exist_ok=True)
    clean_stale_staging(workspace)
    package_id, digest = _manifest_digest(Path(path), identities, tmp, limits)
    if package_id is not None and _is_uuid(package_id):
        existing = cases / package_id
        if existing.is_dir():
            return _same_or_refuse(existing, package_id, digest)
    # named with this process' id, so that a later run can tell a killed import's folder
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=workspace))
    try:
        target = staging / "case"
        target.mkdir(mode=0o700)
        with validated(
            path,
            identities=identities,
            tmp_dir=tmp,
            limits=limits,
            progress=progress,
            cancel=cancel,
            extract_to=target,
        ) as (result, v, _archive):
            if (
                result.valid
                and v is not None
                and fold_key(SIDECAR) in {fold_key(n) for n in v.files}
            ):
                raise PackageRefused(
                    Issue(
                        "UNSAFE_PATH",
                        SIDECAR,
                        bi("The name {name} is reserved by the app.", name=SIDECAR),
                    )
                )
            if not result.valid or v is None:
                raise PackageRefused(result.errors[0], result.errors[1:])
            package = build_package(v, FolderSource(target, v.encodings))
            manifest_sha = hashlib.sha256((target / "manifest.json").read_bytes()).hexdigest()
        meta = {
            "format": SIDECAR_FORMAT,
            "version": 1,
            "package_id": package.package_id,
            "manifest_sha256": manifest_sha,
            "source": Path(path).name,
            "imported_at": isoformat(now()),
            "uscc": package.enterprise.uscc,
            "enterprise": package.enterprise.name,
            "project_id": package.project.project_id,
            "encodings": v.encodings,
            "warnings": [w.to_json() for w in result.warnings],
            "usage": {
                k: {"path": s.path, "rows": s.rows, "first_ts": s.first_ts, "last_ts": s.last_ts}
                for k, s in result.usage.items()
            },
        }
        sidecar = os.open(target / SIDECAR, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(sidecar, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(meta, ensure_ascii=False, indent=1))
        # the evidence indexes (CSV record offsets, full-text search), built before the case
        # is moved into place so that a cancel or an error leaves nothing behind
        from inspector_app.evidence import build_case_index, index_dir_for

        build_case_index(
            target, staging / "index", encodings=v.encodings, progress=progress, cancel=cancel
        )
        dest = cases / package.package_id
        if dest.exists():
            return _same_or_refuse(dest, package.package_id, manifest_sha)
        try:
            target.rename(dest)
        except OSError:
            if dest.is_dir():
                return _same_or_refuse(dest, package.package_id, manifest_sha)
            raise
        index_dest = index_dir_for(dest)
        index_dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(index_dest, ignore_errors=True)
        (staging / "index").rename(index_dest)
        return _imported(dest, meta)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


STAGING_PREFIX = ".import-"
#: a staging folder whose process cannot be checked is stale after this long
STALE_AFTER_SECONDS = 12 * 3600


def _process_alive(pid: int) -> bool | None:
    """Whether process ``pid`` runs (None: cannot tell on this system)."""
    if os.name != "posix":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return None
    return True


def clean_stale_staging(workspace: Path) -> list[Path]:
    """Remove the staging folders of imports that were killed (``.import-<pid>-*`` whose
    process is gone; older ones, or where processes cannot be checked, after 12 hours).
    Returns the folders removed."""
    removed: list[Path] = []
    try:
        candidates = [p for p in workspace.iterdir() if p.name.startswith(STAGING_PREFIX)]
    except OSError:
        return removed
    now_s = time.time()
    for folder in candidates:
        if not folder.is_dir() or folder.is_symlink():
            continue
        pid_text = folder.name[len(STAGING_PREFIX) :].split("-", 1)[0]
        pid = int(pid_text) if pid_text.isdigit() else None
        if pid == os.getpid():
            continue  # this process' own import (another thread)
        alive = _process_alive(pid) if pid is not None else None
        if alive is None:
            try:
                alive = now_s - folder.stat().st_mtime < STALE_AFTER_SECONDS
            except OSError:
                continue
        if not alive:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _same_or_refuse(folder: Path, package_id: str, digest: str | None) -> ImportedCase:
    meta = _read_sidecar(folder)
    if digest is not None and meta.get("manifest_sha256") == digest:
        return _imported(folder, meta)
    raise InputRefused(
        bi(
            "A different package with the same package_id {id} is already imported; remove that case first or ask the agency for a corrected package.",
            id=package_id,
        )
    )


def load_case(folder: str | Path, *, verify: bool = False) -> CasePackage:
    """Load an imported case from its workspace folder.

    Fast by default: the JSON and finance files are parsed again, big entries (usage logs,
    documents) are not re-read; the import's warnings are kept. ``verify=True`` re-checks
    everything, every hash included. Raises ``PackageRefused`` when the folder is not a valid
    case any more.
    """
    root = Path(folder)
    if not (root / "manifest.json").is_file():
        raise InputRefused(bi("{path} is not an imported case folder.", path=str(root)))
    meta = _read_sidecar(root)
    skip = frozenset() if verify else frozenset({"hash", "usage", "usage_gz", "records"})
    result, v = check_folder(root, skip=skip, exclude=frozenset({SIDECAR}))
    if not result.valid:
        raise PackageRefused(result.errors[0], result.errors[1:])
    encodings = dict(meta.get("encodings") or {})
    encodings.update(v.encodings)
    package = build_package(v, FolderSource(root, encodings))
    if not verify:
        stored = _issues(meta.get("warnings"))
        if stored:
            package.warnings = stored
    return package
