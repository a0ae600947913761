"""The hand-written ZIP reader: end records, prefixes, comments, ZIP64, names, streaming."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from inspector_app.casepkg import validate_package
from inspector_app.casepkg.names import decode_name, fold_key, name_problem
from inspector_app.casepkg.zipfmt import ZipArchive, ZipProblem
from tests.unit.casepkg.builders import (
    RawEntry,
    base_files,
    build_package,
    json_bytes,
    manifest_for,
    write_zip,
)


def _entries() -> list[RawEntry]:
    files = base_files()
    return [RawEntry("manifest.json", json_bytes(manifest_for(files)))] + [
        RawEntry(n, d) for n, d in files.items()
    ]


def test_prefix_before_the_archive_is_tolerated(tmp_path: Path) -> None:
    write_zip(tmp_path / "p.case.zip", _entries(), prefix=b"MZ self-extractor stub " * 40)
    assert validate_package(tmp_path / "p.case.zip").valid


def _with_comment(p: Path, comment: bytes, *, claimed: int | None = None) -> None:
    data = bytearray(p.read_bytes())
    eocd = data.rfind(b"PK\x05\x06", 0, len(data))
    struct.pack_into("<H", data, eocd + 20, len(comment) if claimed is None else claimed)
    p.write_bytes(bytes(data) + comment)


def test_archive_comment(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip")
    _with_comment(p, b"made by a test")
    assert validate_package(p).valid


def test_bytes_after_the_comment_are_tolerated(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip")
    _with_comment(p, b"made by a test" + b"\0" * 100, claimed=len(b"made by a test"))
    assert validate_package(p).valid


def test_an_end_signature_inside_the_comment_is_refused(tmp_path: Path) -> None:
    """zipfile and unzip take the last signature (here a fake record in the comment)."""
    p = build_package(tmp_path / "p.case.zip")
    _with_comment(p, b"made by a test; PK\x05\x06 inside the comment")
    result = validate_package(p)
    assert [i.code for i in result.errors] == ["TRUNCATED"]


def test_truncated_last_end_record_never_falls_back(tmp_path: Path) -> None:
    """Package A, then package B whose end record claims a comment longer than the file.

    unzip and zipfile read B (they are lenient about the comment); an earlier end record (A's)
    must not be used instead: the file is refused.
    """
    a = build_package(tmp_path / "a.case.zip")
    b = build_package(
        tmp_path / "b.case.zip",
        edit_files=lambda f: f.__setitem__(
            "logs/mes/records.csv", b"date,object_type,created,updated\n"
        ),
    )
    _with_comment(b, b"", claimed=200)
    glued = tmp_path / "glued.case.zip"
    glued.write_bytes(a.read_bytes() + b.read_bytes())
    with zipfile.ZipFile(glued) as zf:  # the other reading: B's records.csv
        assert zf.read("logs/mes/records.csv") == b"date,object_type,created,updated\n"
    with pytest.raises(ZipProblem) as info:
        ZipArchive(glued)
    assert info.value.code == "TRUNCATED"
    result = validate_package(glued)
    assert not result.valid and [i.code for i in result.errors] == ["TRUNCATED"]


def test_cut_short_last_end_record_is_refused(tmp_path: Path) -> None:
    a = build_package(tmp_path / "a.case.zip")
    p = tmp_path / "p.case.zip"
    p.write_bytes(a.read_bytes() + b"PK\x05\x06\0\0")
    assert [i.code for i in validate_package(p).errors] == ["TRUNCATED"]


def test_python_zipfile_output_is_read(tmp_path: Path) -> None:
    files = base_files()
    p = tmp_path / "p.case.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json_bytes(manifest_for(files)))
        for name, data in files.items():
            with zf.open(name, "w", force_zip64=True) as w:  # data descriptors + ZIP64 extras
                w.write(data)
    assert validate_package(p).valid


def test_damaged_central_directory_is_truncated(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip")
    data = bytearray(p.read_bytes())
    cd = data.find(b"PK\x01\x02")
    data[cd : cd + 4] = b"XXXX"
    p.write_bytes(bytes(data))
    with pytest.raises(ZipProblem) as info:
        ZipArchive(p)
    assert info.value.code == "TRUNCATED"


def test_streaming_reader(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip")
    archive = ZipArchive(p)
    entry = archive.entry("logs/mes/usage.csv")
    assert entry is not None
    with archive.open_entry(entry) as f:
        assert f.read() == base_files()["logs/mes/usage.csv"]


def test_name_decoding_order() -> None:
    assert decode_name("报告.pdf".encode("gbk"), 0, b"") == ("报告.pdf", None)
    assert decode_name("报告.pdf".encode(), 0, b"") == ("报告.pdf", None)
    assert decode_name("e\u0301.pdf".encode(), 0x800, b"") == ("é.pdf", None)
    name, problem = decode_name(b"\xff\xfe", 0x800, b"")
    assert name is None and problem


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("docs/附件1/a.pdf", True),
        ("docs/con.d/x.pdf", False),
        ("docs/console.pdf", True),
        ("docs/a..b.pdf", True),
        ("docs/..", False),
        ("photos/", True),
        ("a:b", False),
    ],
)
def test_name_problem(name: str, ok: bool) -> None:
    assert (name_problem(name) is None) == ok


def test_fold_key() -> None:
    assert fold_key("Docs/Straße.PDF") == fold_key("docs/STRASSE.pdf")
    assert fold_key("docs/") == "docs"
