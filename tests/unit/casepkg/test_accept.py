"""What a correct reader accepts: real-world variants, every warning code, the shared examples."""

from __future__ import annotations

import json
import struct
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pyrage import x25519

from inspector_app.casepkg import load_identity_file, open_package, validate_package
from inspector_app.casepkg.issues import WARNING_CODES
from inspector_app.casepkg.logs import package_records, package_usage
from inspector_app.errors import Issue
from tests.unit.casepkg.builders import (
    RawEntry,
    base_files,
    build_package,
    gzip_bytes,
    json_bytes,
    manifest_for,
    usage_rows,
    write_zip,
)


def warned(path: Path, code: str) -> list[Issue]:
    result = validate_package(path)
    assert result.valid, result.errors
    found = [w for w in result.warnings if w.code == code]
    assert found, result.warnings
    return found


# --------------------------------------------------------------------------- variants
def _gbk_entries(files: dict[str, bytes], manifest: dict[str, Any], how: str) -> list[RawEntry]:
    entries = [RawEntry("manifest.json", json_bytes(manifest))]
    for name, data in files.items():
        if how == "gbk":
            entries.append(RawEntry(name.encode("gbk"), data, flags=0))
        elif how == "utf8-no-flag":
            entries.append(RawEntry(name.encode("utf-8"), data, flags=0))
        else:  # Info-ZIP Unicode Path extra field with a CP437-garbled name
            raw = name.encode("gbk") if not name.isascii() else name.encode()
            unicode_extra = b"\x01" + struct.pack("<I", zlib.crc32(raw)) + name.encode("utf-8")
            extra = struct.pack("<HH", 0x7075, len(unicode_extra)) + unicode_extra
            entries.append(RawEntry(raw, data, flags=0, extra=extra))
    return entries


@pytest.mark.parametrize("how", ["gbk", "utf8-no-flag", "unicode-path-extra"])
def test_entry_name_encodings(tmp_path: Path, how: str) -> None:
    files = base_files()
    write_zip(tmp_path / "p.case.zip", _gbk_entries(files, manifest_for(files), how))
    with open_package(tmp_path / "p.case.zip") as pkg:
        assert "docs/附件4_改造合同/合同HT-2024-001.pdf" in {d.path for d in pkg.documents}
        assert pkg.attachments_present() == {1, 4}


def test_gb18030_bom_crlf_extra_columns_and_gzip(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["finance/contracts.csv"] = files["finance/contracts.csv"].decode().encode("gb18030")
        text = files["finance/invoices.csv"].decode().replace("\n", "\r\n")
        files["finance/invoices.csv"] = b"\xef\xbb\xbf" + text.encode()
        rows = usage_rows()
        reordered = [
            [r[2], "备注" if i == 0 else "扩展", r[0], r[3], r[1]] for i, r in enumerate(rows)
        ]
        files["logs/mes/usage.csv.gz"] = gzip_bytes(
            ("\n".join(",".join(r) for r in reordered) + "\n").encode("gb18030")
        )
        del files["logs/mes/usage.csv"]

    p = build_package(tmp_path / "p.case.zip", edit_files=edit)
    result = validate_package(p)
    assert result.valid, result.errors
    assert result.usage["mes"].rows == 60
    with open_package(p) as pkg:
        assert pkg.contracts[0].party_a == "昆明测试机械制造有限公司"
        assert pkg.invoices[0].total_yuan == Decimal("300000.00")
        events = list(package_usage(pkg, "mes"))
        assert len(events) == 60
        assert events[0].action == "login" and events[0].user_id == "u000"
        assert events[0].ts == 1719795600  # 2024-07-01T09:00:00+08:00
        assert [e.row for e in events[:3]] == [1, 2, 3]


def test_stored_entries_and_zip64(tmp_path: Path) -> None:
    assert validate_package(build_package(tmp_path / "a.case.zip", method=0)).valid
    assert validate_package(build_package(tmp_path / "b.case.zip", zip64=True)).valid


def test_quoted_usage_rows(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["logs/mes/usage.csv"] = (
            b"timestamp,user_id,action,object\n"
            b'2024-07-01T09:00:00+08:00,u1,view,"WO-1, line 2"\n'
            b'2024-07-01T09:00:05Z,"u2",create,"multi\nline"\n'
        )

    p = build_package(tmp_path / "p.case.zip", edit_files=edit)
    assert validate_package(p).valid
    with open_package(p) as pkg:
        events = list(package_usage(pkg, "mes"))
    assert [e.object for e in events] == ["WO-1, line 2", "multi\nline"]
    assert events[1].ts - events[0].ts == 8 * 3600 + 5


def test_directory_entries_need_no_listing(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip", unlisted={"docs/": b"", "photos/empty/": b""})
    assert validate_package(p).valid


# --------------------------------------------------------------------------- warnings
def test_no_offset_once_per_file(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        rows = usage_rows(offset="")
        files["logs/mes/usage.csv"] = ("\n".join(",".join(r) for r in rows) + "\n").encode()

    found = warned(build_package(tmp_path / "p.case.zip", edit_files=edit), "NO_OFFSET")
    assert [w.path for w in found] == ["logs/mes/usage.csv"]


def test_unknown_entry(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["notes/readme.txt"] = b"hello"
        files["logs/mes/screenshot.png"] = b"png"

    found = warned(build_package(tmp_path / "p.case.zip", edit_files=edit), "UNKNOWN_ENTRY")
    assert {w.path for w in found} == {"notes/readme.txt", "logs/mes/screenshot.png"}


def _sa(change: Any) -> Any:
    def edit(files: dict[str, bytes]) -> None:
        doc = json.loads(files["self_assessment.json"])
        change(doc)
        files["self_assessment.json"] = json_bytes(doc)

    return edit


def test_unknown_item_and_invalid_answer(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["items"]["Q99"] = {"answer": "B", "evidence": []}
        doc["items"]["Q2"] = {"answer": "z", "evidence": []}

    p = build_package(tmp_path / "p.case.zip", edit_files=_sa(change))
    assert [w.pointer for w in warned(p, "UNKNOWN_ITEM")] == ["/items/Q99"]
    assert warned(p, "INVALID_ANSWER")[0].pointer.startswith("/items/Q2")


def test_reference_unresolved(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["logs/wms/usage.csv"] = files["logs/mes/usage.csv"]
        files["finance/payments.csv"] = files["finance/payments.csv"].replace(
            b",HT-2024-001\n", b",HT-2099-999\n"
        )
        doc = json.loads(files["self_assessment.json"])
        doc["items"]["S6"]["evidence"].append("photos/none.jpg")
        files["self_assessment.json"] = json_bytes(doc)

    found = warned(build_package(tmp_path / "p.case.zip", edit_files=edit), "REFERENCE_UNRESOLVED")
    where = {(w.path, w.line, w.pointer) for w in found}
    assert ("logs/wms/", None, None) in where
    assert ("finance/payments.csv", 2, None) in where
    assert ("self_assessment.json", None, "/items/S6/evidence/1") in where


def test_inconsistent(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        doc = json.loads(files["project.json"])
        doc["batch"] = "2025-1"
        files["project.json"] = json_bytes(doc)

    found = warned(build_package(tmp_path / "p.case.zip", edit_files=edit), "INCONSISTENT")
    assert (found[0].path, found[0].pointer) == ("project.json", "/batch")


def test_every_warning_code_is_covered() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert not [c for c in WARNING_CODES if f'"{c}"' not in source]


def test_validation_result_json_shape(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip", unlisted={"docs/x.pdf": b"x"})
    data = validate_package(p).to_json()
    assert list(data) == ["valid", "package_id", "errors", "warnings"]
    assert data["valid"] is False and data["package_id"] == "5f1c2a9e-0d1e-4c55-9a7b-2f1e7f0c9b11"
    assert list(data["errors"][0]) == ["code", "path", "line", "pointer", "message", "message_en"]


# --------------------------------------------------------------------------- shared examples
@pytest.mark.parametrize(
    "name", ["clean.case.zip", "clean-gbk-names.case.zip", "payment-reflux.case.zip"]
)
def test_examples_are_valid(examples: Path, name: str) -> None:
    result = validate_package(examples / name)
    assert result.valid, result.errors
    assert result.warnings == []
    with open_package(examples / name) as pkg:
        assert "mes" in {s.system_id for s in pkg.systems}
        assert pkg.attachments_present() == set(range(1, 9))
        assert sum(1 for _ in package_usage(pkg, "mes")) == result.usage["mes"].rows > 1000
        assert sum(1 for _ in package_records(pkg, "mes")) > 10


def test_encrypted_example(examples: Path, tmp_path: Path) -> None:
    ids = load_identity_file(examples / "example-expert.agekey")
    result = validate_package(examples / "clean.case.zip.age", identities=ids, tmp_dir=tmp_path)
    assert result.valid
    assert result.package_id == validate_package(examples / "clean.case.zip").package_id
    other = validate_package(
        examples / "clean.case.zip.age", identities=[x25519.Identity.generate()], tmp_dir=tmp_path
    )
    assert [e.code for e in other.errors] == ["NOT_FOR_THIS_IDENTITY"]
    assert list(tmp_path.iterdir()) == []
