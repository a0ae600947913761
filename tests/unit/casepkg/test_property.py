"""Property: whatever is done to a valid archive, the reader returns a valid package or documented
errors — never another exception — and an import never writes outside the workspace."""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector_app.casepkg import import_package, open_package, validate_package
from inspector_app.casepkg.issues import ERROR_CODES, WARNING_CODES
from inspector_app.casepkg.logs import package_usage
from inspector_app.errors import InputRefused, PackageRefused
from tests.unit.casepkg.builders import (
    RawEntry,
    base_files,
    build_package,
    json_bytes,
    manifest_for,
    write_zip,
)

#: the checklist module may add its own warning when a self-assessment names no known checklist
EXTRA_WARNINGS = {"UNKNOWN_CHECKLIST"}


def _base() -> bytes:
    with tempfile.TemporaryDirectory() as d:
        return build_package(Path(d) / "p.case.zip").read_bytes()


BASE = _base()
_LOCALS = [i for i in range(len(BASE)) if BASE.startswith(b"PK\x03\x04", i)]
_CENTRALS = [i for i in range(len(BASE)) if BASE.startswith(b"PK\x01\x02", i)]
_EOCD = BASE.rfind(b"PK\x05\x06")

HOSTILE_NAMES = st.one_of(
    st.sampled_from(
        [
            "../evil.txt",
            "/abs.txt",
            "docs/../../x",
            "C:/x",
            "docs\\x",
            "docs/CON",
            "manifest.json",
            "finance/contracts.csv",
            "docs/",
            "enterprise.json/x",
            "",
            "docs/x.",
        ]
    ),
    st.text(min_size=1, max_size=20),
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["flip", "truncate", "rename", "header", "splice"]))
    data = bytearray(BASE)
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            pos = draw(st.integers(0, len(data) - 1))
            data[pos] ^= 1 << draw(st.integers(0, 7))
    elif kind == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif kind == "header":
        base = draw(st.sampled_from([*_LOCALS, *_CENTRALS, _EOCD]))
        width = 46 if base in _CENTRALS else 30 if base in _LOCALS else 22
        offset = base + draw(st.integers(4, width - 1))
        value = draw(st.binary(min_size=1, max_size=4))
        data[offset : offset + len(value)] = value
    elif kind == "splice":
        start = draw(st.integers(0, len(data) - 1))
        data[start:start] = draw(st.binary(min_size=1, max_size=64))
    else:
        files = base_files()
        names = list(files)
        old = draw(st.sampled_from(names))
        new = draw(HOSTILE_NAMES)
        raw = new.encode("utf-8", "surrogatepass")
        files_list = [(raw if n == old else n, d) for n, d in files.items()]
        relist = draw(st.booleans())
        manifest = (
            manifest_for({(n if isinstance(n, str) else new): d for n, d in files_list})
            if relist
            else manifest_for(files)
        )
        entries = [RawEntry("manifest.json", json_bytes(manifest))]
        entries += [
            RawEntry(n, d, flags=0x800 if isinstance(n, bytes) else None) for n, d in files_list
        ]
        with tempfile.TemporaryDirectory() as d:
            return write_zip(Path(d) / "m.zip", entries)
    return bytes(data)


def _check_issues(errors: list, warnings: list) -> None:  # type: ignore[type-arg]
    assert {i.code for i in errors} <= set(ERROR_CODES), errors
    assert {i.code for i in warnings} <= set(WARNING_CODES) | EXTRA_WARNINGS, warnings


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_mutated_archives(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        pkg_file = root / "in" / "p.case.zip"
        pkg_file.parent.mkdir()
        pkg_file.write_bytes(data)
        result = validate_package(pkg_file, tmp_dir=root / "tmp")
        _check_issues(result.errors, result.warnings)
        assert result.valid == (not result.errors)
        if result.valid:
            with open_package(pkg_file, tmp_dir=root / "tmp") as pkg:
                for system in pkg.usage_logs:
                    try:
                        for _ in package_usage(pkg, system):
                            pass
                    except PackageRefused as exc:
                        _check_issues(exc.issues, [])
        jail = root / "jail"
        workspace = jail / "workspace"
        try:
            case = import_package(pkg_file, workspace, tmp_dir=root / "tmp")
        except PackageRefused as exc:
            assert not result.valid
            _check_issues(exc.issues, [])
            assert sorted(p.relative_to(jail).as_posix() for p in jail.rglob("*")) == [
                "workspace",
                "workspace/cases",
            ]
        except InputRefused:  # pragma: no cover - a fresh workspace holds no other package
            raise
        else:
            assert result.valid
            assert case.folder.parent == workspace / "cases"
            assert sorted(p.name for p in workspace.iterdir()) == ["cases", "index"]
        outside = sorted(p.relative_to(root).as_posix() for p in root.iterdir())
        assert outside in (["in", "jail", "tmp"], ["in", "jail"])
        assert not (root / "tmp").exists() or list((root / "tmp").iterdir()) == []


def test_base_archive_is_valid() -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "p.case.zip"
        p.write_bytes(BASE)
        assert validate_package(p).valid
    assert len(_LOCALS) == len(_CENTRALS) == len(base_files()) + 1
    assert struct.unpack_from("<H", BASE, _EOCD + 10)[0] == len(_CENTRALS)
