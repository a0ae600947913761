"""Workspace import (all or nothing, idempotent), loading imported cases, packing folders."""

from __future__ import annotations

import json
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519

from inspector_app.casepkg import (
    import_package,
    load_case,
    open_package,
    pack_folder,
    validate_package,
)
from inspector_app.casepkg.logs import package_records, package_usage
from inspector_app.casepkg.sources import SIDECAR
from inspector_app.errors import InputRefused, PackageRefused
from tests.unit.casepkg.builders import PACKAGE_ID, base_files, build_package, json_bytes


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def test_import_and_load(tmp_path: Path) -> None:
    ws = tmp_path / "workspace"
    case = import_package(build_package(tmp_path / "p.case.zip"), ws, tmp_dir=tmp_path / "tmp")
    assert case.case_id == case.package_id == PACKAGE_ID
    assert case.folder == ws / "cases" / PACKAGE_ID
    assert case.enterprise == "昆明测试机械制造有限公司" and case.project_id == "KM-DX-2024-0001"
    assert (
        (case.folder / "docs/附件4_改造合同/合同HT-2024-001.pdf").read_bytes().startswith(b"%PDF")
    )
    assert sorted(p.name for p in ws.iterdir()) == ["cases", "index"]  # no staging folder left
    pkg = load_case(case.folder)
    assert pkg.package_id == PACKAGE_ID
    assert len(list(package_usage(pkg, "mes"))) == 60
    assert [r.created for r in package_records(pkg, "mes")] == [11, 9]
    assert SIDECAR not in pkg.source.names()
    assert load_case(case.folder, verify=True).package_id == PACKAGE_ID


def test_reimport_is_a_no_op(tmp_path: Path) -> None:
    ws = tmp_path / "workspace"
    p = build_package(tmp_path / "p.case.zip")
    first = import_package(p, ws, tmp_dir=tmp_path / "tmp")
    before = {q: q.stat().st_mtime_ns for q in first.folder.rglob("*")}
    again = import_package(p, ws, tmp_dir=tmp_path / "tmp")
    assert again.folder == first.folder
    assert {q: q.stat().st_mtime_ns for q in first.folder.rglob("*")} == before


def test_same_package_id_other_content_is_refused(tmp_path: Path) -> None:
    ws = tmp_path / "workspace"
    import_package(build_package(tmp_path / "p.case.zip"), ws, tmp_dir=tmp_path / "tmp")

    def edit(files: dict[str, bytes]) -> None:
        files["docs/附件1_验收档案/验收档案.pdf"] = b"%PDF-1.4 other\n"

    other = build_package(tmp_path / "q.case.zip", edit_files=edit)
    with pytest.raises(InputRefused, match=PACKAGE_ID):
        import_package(other, ws, tmp_dir=tmp_path / "tmp")
    kept = ws / "cases" / PACKAGE_ID / "docs/附件1_验收档案/验收档案.pdf"
    assert b"other" not in kept.read_bytes()


def test_failed_import_leaves_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "workspace"

    def edit(m: dict[str, object]) -> None:
        m["files"][-1]["sha256"] = "0" * 64  # type: ignore[index]

    bad = build_package(tmp_path / "p.case.zip", edit_manifest=edit)
    with pytest.raises(PackageRefused) as info:
        import_package(bad, ws, tmp_dir=tmp_path / "tmp")
    assert info.value.code == "HASH_MISMATCH"
    assert _tree(ws) == {"cases"}


def test_hostile_names_never_write_outside(tmp_path: Path) -> None:
    ws = tmp_path / "a" / "workspace"
    p = build_package(
        tmp_path / "p.case.zip", unlisted={"../../escaped.txt": b"x", "/tmp/abs.txt": b"y"}
    )
    with pytest.raises(PackageRefused):
        import_package(p, ws, tmp_dir=tmp_path / "tmp")
    assert not (tmp_path / "escaped.txt").exists()
    assert _tree(tmp_path / "a") == {"workspace", "workspace/cases"}


def test_reserved_sidecar_name_is_refused(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files[SIDECAR] = b"{}"

    p = build_package(tmp_path / "p.case.zip", edit_files=edit)
    assert validate_package(p).valid  # only an unknown entry for the format
    with pytest.raises(PackageRefused) as info:
        import_package(p, tmp_path / "workspace", tmp_dir=tmp_path / "tmp")
    assert info.value.code == "UNSAFE_PATH"


def test_import_encrypted(tmp_path: Path) -> None:
    owner = x25519.Identity.generate()
    plain = build_package(tmp_path / "p.case.zip")
    enc = tmp_path / "p.case.zip.age"
    enc.write_bytes(pyrage.encrypt(plain.read_bytes(), [owner.to_public()]))
    case = import_package(enc, tmp_path / "workspace", identities=[owner], tmp_dir=tmp_path / "tmp")
    assert case.package_id == PACKAGE_ID
    assert list((tmp_path / "tmp").iterdir()) == []


def test_load_case_verify_detects_tampering(tmp_path: Path) -> None:
    case = import_package(
        build_package(tmp_path / "p.case.zip"), tmp_path / "ws", tmp_dir=tmp_path / "t"
    )
    (case.folder / "finance/payments.csv").write_bytes(
        b"paid_at,direction,payer,payee,amount_yuan,bank_ref,memo,contract_no\n"
    )
    with pytest.raises(PackageRefused) as info:
        load_case(case.folder, verify=True)
    assert info.value.code in ("SIZE_MISMATCH", "HASH_MISMATCH")


# --------------------------------------------------------------------------- pack
def _folder(tmp_path: Path, manifest: dict[str, object] | None) -> Path:
    root = tmp_path / "src"
    for name, data in base_files().items():
        dest = root.joinpath(*name.split("/"))
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    if manifest is not None:
        (root / "manifest.json").write_bytes(json_bytes(manifest))
    return root


def test_pack_fills_the_manifest(tmp_path: Path) -> None:
    given = {
        "batch": "2025-2",
        "files": [
            {"path": "docs/附件4_改造合同/合同HT-2024-001.pdf", "attachment": 4, "kind": "contract"}
        ],
    }
    out = tmp_path / "out" / "x.case.zip"
    result = pack_folder(_folder(tmp_path, given), out)
    assert result.valid and out.is_file()
    with open_package(out) as pkg:
        assert pkg.manifest.batch == "2025-2"
        assert len(pkg.manifest.files) == len(base_files())
        contract = next(d for d in pkg.documents if d.kind == "contract")
        assert contract.attachment == 4
    assert [p.name for p in out.parent.iterdir()] == ["x.case.zip"]


def test_pack_encrypted(tmp_path: Path) -> None:
    key = x25519.Identity.generate()
    out = tmp_path / "x.case.zip.age"
    pack_folder(_folder(tmp_path, None), out, recipients=[str(key.to_public())])
    assert out.read_bytes().startswith(b"age-encryption.org/v1")
    assert validate_package(out, identities=[key], tmp_dir=tmp_path / "tmp").valid


def test_pack_refuses_an_invalid_folder(tmp_path: Path) -> None:
    root = _folder(tmp_path, None)
    (root / "enterprise.json").write_text(json.dumps({"name": "x"}), encoding="utf-8")
    out = tmp_path / "x.case.zip"
    with pytest.raises(PackageRefused) as info:
        pack_folder(root, out)
    assert info.value.code == "SCHEMA_INVALID"
    assert list(tmp_path.iterdir()) == [root]


def test_progress_and_cancel(tmp_path: Path) -> None:
    from inspector_app.errors import Cancelled
    from inspector_app.progress import CancelToken

    calls: list[tuple[int, int | None]] = []
    p = build_package(tmp_path / "p.case.zip")
    assert validate_package(p, progress=lambda d, t, _s: calls.append((d, t))).valid
    assert calls and calls[-1][0] == calls[-1][1]
    token = CancelToken()
    token.cancel()
    ws = tmp_path / "workspace"
    with pytest.raises(Cancelled):
        import_package(p, ws, cancel=token, tmp_dir=tmp_path / "tmp")
    assert _tree(ws) == {"cases"}


def test_name_too_long_for_the_file_system(tmp_path: Path) -> None:
    long_name = "docs/" + "长" * 120 + ".pdf"  # 360 bytes in one segment

    def edit(files: dict[str, bytes]) -> None:
        files[long_name] = b"%PDF-1.4\n"

    p = build_package(tmp_path / "p.case.zip", edit_files=edit)
    assert validate_package(p).valid
    ws = tmp_path / "workspace"
    with pytest.raises(PackageRefused) as info:
        import_package(p, ws, tmp_dir=tmp_path / "tmp")
    assert info.value.code == "UNSAFE_PATH"
    assert _tree(ws) == {"cases"}
