"""``pack``: build a valid package from a folder laid out as in ``case-package.md``.

The folder may hold a ``manifest.json`` without ``files`` (or whose ``files`` carry only
``path``, ``attachment``, ``kind``, ``title``, ``phase``); every file is added with its size
and SHA-256, ``package_id`` and ``created_at`` are filled when absent. The archive is written
next to ``out``, validated, optionally encrypted with age, and only then moved into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import unicodedata
import uuid
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inspector_app.casepkg.api import ValidationResult, validate_package
from inspector_app.casepkg.crypto import encrypt_file, parse_recipient
from inspector_app.casepkg.folderarc import FolderArchive
from inspector_app.casepkg.names import name_problem
from inspector_app.casepkg.sources import SIDECAR
from inspector_app.errors import InputRefused, Issue, PackageRefused
from inspector_app.i18n import bi
from inspector_app.progress import CancelToken, ProgressFn, check, report
from inspector_app.values import isoformat, now

#: already-compressed formats are stored, everything else deflated
STORED_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".heic", ".heif", ".gz", ".zip", ".docx", ".xlsx", ".pptx",
    ".mp4", ".mov", ".ofd", ".7z", ".age",
)  # fmt: skip
_META_KEYS = ("attachment", "kind", "title", "phase")


def _sha256(path: Path, cancel: CancelToken | None) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            check(cancel)
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def _given_manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise PackageRefused(
            Issue(
                "MANIFEST_INVALID",
                "manifest.json",
                bi("The folder's manifest.json cannot be read: {error}", error=exc),
            )
        ) from exc
    if not isinstance(data, dict):
        raise PackageRefused(
            Issue("MANIFEST_INVALID", "manifest.json", bi("manifest.json must hold a JSON object."))
        )
    return data


def build_manifest(
    folder: Path, cancel: CancelToken | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The complete manifest of ``folder`` and the entry names to pack (sorted)."""
    archive = FolderArchive(folder, skip=frozenset({"manifest.json", SIDECAR}))
    given = _given_manifest(folder)
    meta: dict[str, dict[str, Any]] = {}
    for item in given.get("files") or []:
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            meta[unicodedata.normalize("NFC", item["path"])] = item
    files: list[dict[str, Any]] = []
    names: list[str] = []
    for entry in sorted(archive.entries, key=lambda e: e.name):
        if entry.is_symlink:
            raise PackageRefused(
                Issue("SYMLINK", entry.name, bi("Symbolic links are not allowed in a package."))
            )
        problem = name_problem(entry.name)
        if problem is not None:
            raise PackageRefused(Issue("UNSAFE_PATH", entry.name, problem))
        if not archive.path_of(entry.name).is_file():
            # a FIFO, socket or device would block or be meaningless in a package
            raise PackageRefused(
                Issue(
                    "UNSUPPORTED_ENTRY", entry.name, bi("Not a regular file; it cannot be packed.")
                )
            )
        digest, size = _sha256(archive.path_of(entry.name), cancel)
        record: dict[str, Any] = {"path": entry.name, "sha256": digest, "size": size}
        for key in _META_KEYS:
            if key in meta.get(entry.name, {}):
                record[key] = meta[entry.name][key]
        files.append(record)
        names.append(entry.name)
    missing = sorted(set(meta) - set(names))
    if missing:
        raise PackageRefused(
            Issue(
                "FILE_MISSING",
                missing[0],
                bi("The file listed in manifest.json is not in the folder."),
            )
        )
    manifest = dict(given)
    manifest.setdefault("format", "sme-dx-case")
    manifest.setdefault("format_version", "1.0")
    if not manifest.get("package_id"):
        manifest["package_id"] = str(uuid.uuid4())
    if not manifest.get("created_at"):
        manifest["created_at"] = isoformat(now())
    manifest["files"] = files
    return manifest, names


def _new_file(folder: Path, suffix: str) -> Path:
    """A new empty file in ``folder`` (normal permissions: the package is meant to be shared)."""
    path = folder / f".pack-{uuid.uuid4().hex}{suffix}"
    path.open("xb").close()
    return path


def pack_folder(
    folder: str | Path,
    out: str | Path,
    *,
    recipients: Sequence[Any] = (),
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ValidationResult:
    """Build a package from ``folder`` into ``out`` (age-encrypted when ``recipients``).

    ``recipients`` are age public keys (``age1…`` strings or pyrage recipients). The package is
    validated before anything is written to ``out``; an invalid one raises
    :class:`~inspector_app.errors.PackageRefused` with every error. Returns the validation
    result of what was written.
    """
    src = Path(folder)
    dest = Path(out)
    if not src.is_dir():
        raise InputRefused(bi("{path} is not a folder.", path=str(src)))
    keys = [parse_recipient(r) if isinstance(r, str) else r for r in recipients]
    manifest, names = build_manifest(src, cancel)
    dest.parent.mkdir(parents=True, exist_ok=True)
    plain = _new_file(dest.parent, ".zip")
    sealed: Path | None = None
    try:
        total = sum(f["size"] for f in manifest["files"])
        done = 0
        with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.writestr(
                "manifest.json",
                json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"),
            )
            for name in names:
                check(cancel)
                path = src.joinpath(*name.split("/"))
                info = zipfile.ZipInfo.from_file(path, name, strict_timestamps=False)
                stored = name.lower().endswith(STORED_SUFFIXES)
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                with (
                    path.open("rb") as f,
                    zf.open(info, "w", force_zip64=info.file_size > (1 << 31)) as w,
                ):
                    while block := f.read(1 << 20):
                        w.write(block)
                done += info.file_size
                report(progress, done, total, bi("Packing {name}", name=name))
        result = validate_package(plain, cancel=cancel)
        if not result.valid:
            raise PackageRefused(result.errors[0], result.errors[1:])
        if keys:
            sealed = _new_file(dest.parent, ".age")
            encrypt_file(plain, sealed, keys)
            sealed.replace(dest)
            sealed = None
        else:
            plain.replace(dest)
        return result
    finally:
        for leftover in (plain, sealed):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    leftover.unlink()
