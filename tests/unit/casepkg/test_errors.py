"""Every error code of case-package.md, each with a crafted archive."""

from __future__ import annotations

import json
import stat
import struct
import unicodedata
import zlib
from pathlib import Path
from typing import Any

import pyrage
import pytest
from pyrage import x25519

from inspector_app.casepkg import Limits, validate_package
from inspector_app.casepkg.issues import ERROR_CODES
from inspector_app.errors import Issue
from tests.unit.casepkg.builders import (
    RawEntry,
    base_files,
    base_json,
    build_package,
    gzip_bytes,
    json_bytes,
    usage_rows,
    write_zip,
)


def refused(path: Path, code: str, **kw: Any) -> Issue:
    result = validate_package(path, **kw)
    assert not result.valid
    assert all(i.code in ERROR_CODES for i in result.errors), result.errors
    found = [i for i in result.errors if i.code == code]
    assert found, f"expected {code}, got {[(i.code, i.path, i.message) for i in result.errors]}"
    message = found[0].message  # a message with a Chinese translation, shown in one language
    assert message.render("zh_CN") != message.render("en")
    return found[0]


def edit_json(name: str, change: Any) -> Any:
    def edit(files: dict[str, bytes]) -> None:
        doc = json.loads(files[name])
        change(doc)
        files[name] = json_bytes(doc)

    return edit


# --------------------------------------------------------------------------- container
def test_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "x.case.zip"
    p.write_bytes(b"%PDF-1.4 this is no zip at all" * 10)
    issue = refused(p, "NOT_A_ZIP")
    assert issue.path is None


def test_empty_file_is_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "x.case.zip"
    p.write_bytes(b"")
    refused(p, "NOT_A_ZIP")


@pytest.mark.parametrize("keep", [0.3, 0.9, 0.999])
def test_truncated(tmp_path: Path, keep: float) -> None:
    p = build_package(tmp_path / "ok.case.zip")
    data = p.read_bytes()
    cut = tmp_path / "cut.case.zip"
    cut.write_bytes(data[: int(len(data) * keep)])
    refused(cut, "TRUNCATED")


def _encrypt(src: Path, dest: Path, recipients: list[Any], *, armor: bool = False) -> Path:
    data = (
        pyrage.encrypt(src.read_bytes(), recipients, armored=armor)
        if armor
        else pyrage.encrypt(src.read_bytes(), recipients)
    )
    dest.write_bytes(data)
    return dest


def test_not_for_this_identity(tmp_path: Path) -> None:
    owner, other = x25519.Identity.generate(), x25519.Identity.generate()
    enc = _encrypt(
        build_package(tmp_path / "p.case.zip"), tmp_path / "p.case.zip.age", [owner.to_public()]
    )
    refused(enc, "NOT_FOR_THIS_IDENTITY", identities=[other], tmp_dir=tmp_path / "tmp")
    refused(enc, "NOT_FOR_THIS_IDENTITY", identities=[], tmp_dir=tmp_path / "tmp")
    assert validate_package(enc, identities=[owner], tmp_dir=tmp_path / "tmp").valid
    assert list((tmp_path / "tmp").iterdir()) == []  # the plaintext is always deleted


def test_armored_age_is_accepted(tmp_path: Path) -> None:
    owner = x25519.Identity.generate()
    enc = _encrypt(
        build_package(tmp_path / "p.case.zip"), tmp_path / "p.age", [owner.to_public()], armor=True
    )
    assert enc.read_bytes().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    assert validate_package(enc, identities=[owner], tmp_dir=tmp_path / "tmp").valid


@pytest.mark.parametrize("damage", ["flip", "truncate", "header"])
def test_decrypt_failed(tmp_path: Path, damage: str) -> None:
    owner = x25519.Identity.generate()
    enc = _encrypt(
        build_package(tmp_path / "p.case.zip"), tmp_path / "p.case.zip.age", [owner.to_public()]
    )
    data = bytearray(enc.read_bytes())
    if damage == "flip":
        data[-40] ^= 0x01
    elif damage == "header":
        data[0:3] = b"AGE"
    else:
        data = data[: len(data) - 100]
    enc.write_bytes(bytes(data))
    refused(enc, "DECRYPT_FAILED", identities=[owner], tmp_dir=tmp_path / "tmp")
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize(
    "options",
    [{"method": 12, "compressed": b"BZh91AY&SY"}, {"method": 9}, {"flags": 0x1}],
    ids=["bzip2", "deflate64", "encrypted"],
)
def test_unsupported_entry(tmp_path: Path, options: dict[str, Any]) -> None:
    p = build_package(
        tmp_path / "p.case.zip", entry_options={"docs/附件1_验收档案/验收档案.pdf": options}
    )
    issue = refused(p, "UNSUPPORTED_ENTRY")
    assert issue.path == "docs/附件1_验收档案/验收档案.pdf"


@pytest.mark.parametrize(
    "name",
    [
        "/etc/passwd",
        "C:/Windows/x.txt",
        "c:evil.txt",
        "../outside.txt",
        "docs/../../outside.txt",
        "docs\\evil.pdf",
        "docs/a\x01b.pdf",
        "docs/a<b.pdf",
        "docs/a?.pdf",
        "docs/CON",
        "docs/nul.txt",
        "docs/com1.pdf",
        "docs/LPT9.x.y",
        "docs/dot.",
        "docs/space ",
        "docs//double.pdf",
        "docs/aux/file.pdf",
    ],
)
def test_unsafe_path(tmp_path: Path, name: str) -> None:
    p = build_package(tmp_path / "p.case.zip", unlisted={name: b"x"})
    issue = refused(p, "UNSAFE_PATH")
    assert issue.path is not None


def test_undecodable_flagged_name_is_unsafe(tmp_path: Path) -> None:
    entries = [RawEntry(b"docs/\xff\xfe.pdf", b"x", flags=0x800)]
    write_zip(tmp_path / "p.case.zip", entries)
    refused(tmp_path / "p.case.zip", "UNSAFE_PATH")


def test_symlink(tmp_path: Path) -> None:
    link = {"made_by": (3 << 8) | 20, "external_attr": (stat.S_IFLNK | 0o777) << 16, "method": 0}
    p = build_package(
        tmp_path / "p.case.zip",
        unlisted={"docs/link.pdf": b"/etc/passwd"},
        entry_options={"docs/link.pdf": link},
    )
    issue = refused(p, "SYMLINK")
    assert issue.path == "docs/link.pdf"


@pytest.mark.parametrize(
    "names",
    [
        ("docs/Report.pdf", "docs/report.PDF"),
        (unicodedata.normalize("NFC", "docs/é.pdf"), unicodedata.normalize("NFD", "docs/é.pdf")),
        ("docs/x", "docs/x/y.pdf"),
        ("docs/x/y.pdf", "docs/X"),
        ("docs/dup.pdf", "docs/dup.pdf"),
    ],
)
def test_duplicate_entry(tmp_path: Path, names: tuple[str, str]) -> None:
    def add(files: dict[str, bytes]) -> None:
        files[names[0]] = b"a"

    p = build_package(tmp_path / "p.case.zip", edit_files=add, unlisted={names[1]: b"b"})
    refused(p, "DUPLICATE_ENTRY")


def test_too_many_entries(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip")
    issue = refused(p, "TOO_LARGE", limits=Limits(max_entries=5))
    assert "5" in issue.message


def test_zip_bomb_stops_early(tmp_path: Path) -> None:
    from inspector_app.casepkg.validator import Validation
    from inspector_app.casepkg.zipfmt import ZipArchive

    bomb = b"\0" * (64 << 20)  # deflates about 1000:1

    def add(files: dict[str, bytes]) -> None:
        files["docs/bomb.pdf"] = bomb

    p = build_package(tmp_path / "p.case.zip", edit_files=add)
    issue = refused(p, "TOO_LARGE")
    assert issue.path == "docs/bomb.pdf"
    v = Validation(ZipArchive(p), limits=Limits(), progress=None, cancel=None)
    v.run()
    assert v.budget.used < 4 << 20  # stopped soon after the first MiB, not after 64 MiB


def test_gzip_bomb_in_usage_log(tmp_path: Path) -> None:
    header = b"timestamp,user_id,action,object\n"
    row = b"2024-07-01T09:00:00+08:00,u001,view,x\n"
    bomb = gzip_bytes(header + row * 2_000_000)  # ~78 MB of very repetitive text

    def add(files: dict[str, bytes]) -> None:
        del files["logs/mes/usage.csv"]
        files["logs/mes/usage.csv.gz"] = bomb

    p = build_package(tmp_path / "p.case.zip", edit_files=add, method=0)
    issue = refused(p, "TOO_LARGE")
    assert issue.path == "logs/mes/usage.csv.gz"


def test_total_size_limit(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip")
    refused(p, "TOO_LARGE", limits=Limits(max_total_size=2000))


def test_json_size_limit(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip")
    issue = refused(p, "TOO_LARGE", limits=Limits(max_json_size=300))
    assert issue.path is not None and issue.path.endswith(".json")


def test_manifest_missing(tmp_path: Path) -> None:
    files = base_files()
    write_zip(tmp_path / "p.case.zip", [RawEntry(n, d) for n, d in files.items()])
    issue = refused(tmp_path / "p.case.zip", "MANIFEST_MISSING")
    assert "single folder" not in issue.message


def test_manifest_in_a_single_top_folder_is_explained(tmp_path: Path) -> None:
    build_package(tmp_path / "inner.zip")
    from inspector_app.casepkg.zipfmt import ZipArchive

    inner = ZipArchive(tmp_path / "inner.zip")
    entries = [RawEntry("案件/" + e.name, b"".join(inner.chunks(e))) for e in inner.entries]
    write_zip(tmp_path / "p.case.zip", entries)
    issue = refused(tmp_path / "p.case.zip", "MANIFEST_MISSING")
    assert "案件/" in issue.message and "single folder" in issue.message


@pytest.mark.parametrize(
    ("manifest", "pointer"),
    [
        (b"{not json", None),
        (b"\xff\xfe{}", None),
        (b"[]", ""),
        (None, "/package_id"),
        ("format", "/format"),
        ("files", "/files/0/sha256"),
        ("created_at", "/created_at"),
    ],
)
def test_manifest_invalid(tmp_path: Path, manifest: Any, pointer: str | None) -> None:
    def edit(m: dict[str, Any]) -> None:
        if manifest is None:
            m["package_id"] = "not-a-uuid"
        elif manifest == "format":
            m["format"] = "other"
        elif manifest == "files":
            m["files"][0]["sha256"] = "ABC"
        elif manifest == "created_at":
            del m["created_at"]

    raw = manifest if isinstance(manifest, bytes) else None
    p = build_package(tmp_path / "p.case.zip", edit_manifest=edit, manifest_bytes=raw)
    issue = refused(p, "MANIFEST_INVALID")
    assert issue.path == "manifest.json"
    if pointer is not None:
        assert issue.pointer == pointer


def test_unsupported_version(tmp_path: Path) -> None:
    p = build_package(
        tmp_path / "p.case.zip", edit_manifest=lambda m: m.update(format_version="2.0")
    )
    issue = refused(p, "UNSUPPORTED_VERSION")
    assert issue.pointer == "/format_version"
    later = build_package(
        tmp_path / "q.case.zip",
        edit_manifest=lambda m: m.update(format_version="1.7", future={"x": 1}),
    )
    assert validate_package(later).valid  # 1.x with unknown fields is accepted


def test_file_missing(tmp_path: Path) -> None:
    def add_listing(m: dict[str, Any]) -> None:
        m["files"].append({"path": "docs/gone.pdf", "sha256": "0" * 64, "size": 1})

    issue = refused(
        build_package(tmp_path / "p.case.zip", edit_manifest=add_listing), "FILE_MISSING"
    )
    assert issue.path == "docs/gone.pdf"

    def drop(files: dict[str, bytes]) -> None:
        del files["finance/payments.csv"]

    issue = refused(build_package(tmp_path / "q.case.zip", edit_files=drop), "FILE_MISSING")
    assert issue.path == "finance/payments.csv"


def test_file_unlisted(tmp_path: Path) -> None:
    issue = refused(
        build_package(tmp_path / "p.case.zip", unlisted={"docs/extra.pdf": b"x"}), "FILE_UNLISTED"
    )
    assert issue.path == "docs/extra.pdf"


def _set_listing(name: str, **change: Any) -> Any:
    def edit(m: dict[str, Any]) -> None:
        for f in m["files"]:
            if f["path"] == name:
                f.update(change)

    return edit


def test_size_mismatch(tmp_path: Path) -> None:
    for i, size in enumerate((5, 10_000)):
        p = build_package(
            tmp_path / f"p{i}.case.zip",
            edit_manifest=_set_listing("photos/报工终端.jpg", size=size),
        )
        issue = refused(p, "SIZE_MISMATCH")
        assert issue.path == "photos/报工终端.jpg"


def test_hash_mismatch(tmp_path: Path) -> None:
    p = build_package(
        tmp_path / "p.case.zip", edit_manifest=_set_listing("finance/invoices.csv", sha256="a" * 64)
    )
    issue = refused(p, "HASH_MISMATCH")
    assert issue.path == "finance/invoices.csv"


def test_damaged_deflate_data_is_a_hash_mismatch(tmp_path: Path) -> None:
    data = base_files()["photos/报工终端.jpg"]
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    broken = bytearray(c.compress(data) + c.flush())
    broken[len(broken) // 2] ^= 0xFF
    broken[len(broken) // 2 + 1] ^= 0xFF
    p = build_package(
        tmp_path / "p.case.zip",
        entry_options={"photos/报工终端.jpg": {"compressed": bytes(broken)}},
    )
    result = validate_package(p)
    assert not result.valid
    assert {i.code for i in result.errors} <= {"HASH_MISMATCH", "SIZE_MISMATCH"}


@pytest.mark.parametrize(
    ("name", "change", "pointer"),
    [
        ("enterprise.json", lambda d: d.pop("name"), "/name"),
        ("enterprise.json", lambda d: d.update(size="huge"), "/size"),
        ("enterprise.json", lambda d: d.update(employees="80"), "/employees"),
        (
            "enterprise.json",
            lambda d: d["prior_support"].pop("pilot_2022"),
            "/prior_support/pilot_2022",
        ),
        ("project.json", lambda d: d.update(level_target=5), "/level_target"),
        ("project.json", lambda d: d.update(completed_at="2024/8/28"), "/completed_at"),
        (
            "project.json",
            lambda d: d.update(total_investment_yuan=300000.5),
            "/total_investment_yuan",
        ),
        (
            "project.json",
            lambda d: d.update(subsidy_requested_yuan="1,000.00"),
            "/subsidy_requested_yuan",
        ),
        ("project.json", lambda d: d["goals"][0].update(target="5"), "/goals/0/target"),
        ("self_assessment.json", lambda d: d["items"]["S6"].update(level=7), "/items/S6/level"),
        ("self_assessment.json", lambda d: d["items"]["S6"].update(level="2"), "/items/S6/level"),
        ("self_assessment.json", lambda d: d.pop("items"), "/items"),
        (
            "self_assessment.json",
            lambda d: d["items"].update({"a/b~c": {"level": 9}}),
            "/items/a~1b~0c/level",
        ),
        ("systems.json", lambda d: d[0].update(system_id="MES!"), "/0/system_id"),
        ("systems.json", lambda d: d[0].update(deployment="cloud"), "/0/deployment"),
        ("systems.json", lambda d: d.append(dict(d[0])), "/1/system_id"),
    ],
)
def test_schema_invalid_json(tmp_path: Path, name: str, change: Any, pointer: str) -> None:
    p = build_package(tmp_path / "p.case.zip", edit_files=edit_json(name, change))
    issue = refused(p, "SCHEMA_INVALID")
    assert (issue.path, issue.pointer) == (name, pointer)


def test_schema_invalid_json_syntax(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["project.json"] = b'{"project_id": '

    issue = refused(build_package(tmp_path / "p.case.zip", edit_files=edit), "SCHEMA_INVALID")
    assert issue.path == "project.json"


def test_schema_invalid_csv_missing_column(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["finance/payments.csv"] = files["finance/payments.csv"].replace(
            b"amount_yuan", b"amount"
        )

    issue = refused(build_package(tmp_path / "p.case.zip", edit_files=edit), "SCHEMA_INVALID")
    assert (issue.path, issue.line) == ("finance/payments.csv", 1)
    assert "amount_yuan" in issue.message


def test_schema_invalid_usage_both_plain_and_gzip(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["logs/mes/usage.csv.gz"] = gzip_bytes(files["logs/mes/usage.csv"])

    issue = refused(build_package(tmp_path / "p.case.zip", edit_files=edit), "SCHEMA_INVALID")
    assert issue.path == "logs/mes/usage.csv.gz"


@pytest.mark.parametrize(
    ("toml", "pointer"),
    [(b"[USAGE_BURST\nx=", None), (b"[NO_SUCH_RULE]\nx = 1\n", "/NO_SUCH_RULE")],
)
def test_schema_invalid_rules(tmp_path: Path, toml: bytes, pointer: str | None) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["settings/rules.toml"] = toml

    issue = refused(build_package(tmp_path / "p.case.zip", edit_files=edit), "SCHEMA_INVALID")
    assert issue.path == "settings/rules.toml"
    if pointer is not None:
        assert issue.pointer == pointer


def test_valid_rules_are_kept(tmp_path: Path) -> None:
    from inspector_app.casepkg import open_package

    def edit(files: dict[str, bytes]) -> None:
        files["settings/rules.toml"] = b"[USAGE_BURST]\nwindow_days = 20\n"

    with open_package(build_package(tmp_path / "p.case.zip", edit_files=edit)) as pkg:
        assert pkg.rules == {"USAGE_BURST": {"window_days": 20}}


def test_uscc_invalid_json(tmp_path: Path) -> None:
    bad = base_json()["enterprise.json"]["uscc"][:-1] + (
        "0" if base_json()["enterprise.json"]["uscc"][-1] != "0" else "1"
    )
    p = build_package(
        tmp_path / "p.case.zip",
        edit_files=edit_json("enterprise.json", lambda d: d.update(uscc=bad)),
    )
    issue = refused(p, "USCC_INVALID")
    assert (issue.path, issue.pointer) == ("enterprise.json", "/uscc")
    p = build_package(
        tmp_path / "q.case.zip",
        edit_files=edit_json(
            "project.json", lambda d: d["providers"][0].update(uscc="91530100MA6K0000I1")
        ),
    )
    issue = refused(p, "USCC_INVALID")
    assert (issue.path, issue.pointer) == ("project.json", "/providers/0/uscc")


def test_uscc_invalid_csv(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["finance/invoices.csv"] = files["finance/invoices.csv"].replace(
            b",91530111", b",91530112", 1
        )

    issue = refused(build_package(tmp_path / "p.case.zip", edit_files=edit), "USCC_INVALID")
    assert (issue.path, issue.line) == ("finance/invoices.csv", 2)


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        (b",300000.00,MES", b',"300,000.00",MES', "thousands"),
        (b"25535769691390726366", b"2.55358E+19", "Excel"),
        (b"2024-05-07", b"2024/5/7", "Excel"),
        (b",software,", b",hardwaer,", "hardwaer"),
    ],
)
def test_csv_invalid_finance(tmp_path: Path, old: bytes, new: bytes, needle: str) -> None:
    def edit(files: dict[str, bytes]) -> None:
        for name in ("finance/contracts.csv", "finance/invoices.csv", "finance/contract_items.csv"):
            files[name] = files[name].replace(old, new)

    issue = refused(build_package(tmp_path / "p.case.zip", edit_files=edit), "CSV_INVALID")
    assert issue.line == 2
    assert needle in issue.message


def test_csv_invalid_line_counts_physical_lines(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files["finance/payments.csv"] = (
            b"paid_at,direction,payer,payee,amount_yuan,bank_ref,memo,contract_no\n"
            b'2024-05-14,out,A,B,1.00,B1,"two\nline memo",HT-2024-001\n'
            b"2024-05-15,sideways,A,B,1.00,B2,m,HT-2024-001\n"
        )

    issue = refused(build_package(tmp_path / "p.case.zip", edit_files=edit), "CSV_INVALID")
    assert issue.line == 4  # the header is line 1; the quoted memo spans lines 2-3


@pytest.mark.parametrize(
    ("row", "line", "needle"),
    [
        (5, 7, "earlier"),
        (20, 22, "action"),
        (30, 32, "timestamp"),
        (40, 42, "fields"),
        (50, 52, "user_id"),
    ],
)
def test_csv_invalid_usage_rows(tmp_path: Path, row: int, line: int, needle: str) -> None:
    rows = usage_rows()

    def edit(files: dict[str, bytes]) -> None:
        r = rows[row + 1]
        if needle == "earlier":
            r[0] = "2024-06-01T00:00:00+08:00"
        elif needle == "action":
            r[2] = "hack"
        elif needle == "timestamp":
            r[0] = "2024/7/4 9:00"
        elif needle == "fields":
            r.append("extra")
        else:
            r[1] = ""
        files["logs/mes/usage.csv"] = ("\n".join(",".join(x) for x in rows) + "\n").encode()

    issue = refused(build_package(tmp_path / "p.case.zip", edit_files=edit), "CSV_INVALID")
    assert (issue.path, issue.line) == ("logs/mes/usage.csv", line)
    assert needle in issue.message


def test_csv_invalid_damaged_gzip(tmp_path: Path) -> None:
    def edit(files: dict[str, bytes]) -> None:
        data = gzip_bytes(files.pop("logs/mes/usage.csv"))
        files["logs/mes/usage.csv.gz"] = data[: len(data) // 2]

    issue = refused(build_package(tmp_path / "p.case.zip", edit_files=edit), "CSV_INVALID")
    assert issue.path == "logs/mes/usage.csv.gz"


@pytest.mark.parametrize("name", ["finance/contracts.csv", "logs/mes/usage.csv", "project.json"])
def test_encoding(tmp_path: Path, name: str) -> None:
    def edit(files: dict[str, bytes]) -> None:
        files[name] = files[name].rstrip(b"\n") + b"\xff\xff\xff\n"

    issue = refused(build_package(tmp_path / "p.case.zip", edit_files=edit), "ENCODING")
    assert issue.path == name


def test_every_error_code_is_covered() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    missing = [code for code in ERROR_CODES if f'"{code}"' not in source]
    assert not missing, missing


def test_overlapping_entries_are_refused(tmp_path: Path) -> None:
    p = build_package(tmp_path / "p.case.zip", method=0)
    data = bytearray(p.read_bytes())
    # point the second central record at the first local header: two entries share data
    cd = data.rfind(b"PK\x01\x02", 0, data.rfind(b"PK\x05\x06"))
    first_cd = data.find(b"PK\x01\x02")
    second = data.find(b"PK\x01\x02", first_cd + 4)
    assert second > 0 and cd > 0
    struct.pack_into("<I", data, second + 42, 0)
    p.write_bytes(bytes(data))
    result = validate_package(p)
    assert not result.valid
    assert {i.code for i in result.errors} <= set(ERROR_CODES)


# --------------------------------------------------------------------------- parser differentials
def refused_as(path: Path, code: str) -> Issue:
    result = validate_package(path)
    assert not result.valid
    assert all(i.code in ERROR_CODES for i in result.errors), result.errors
    found = [i for i in result.errors if i.code == code]
    assert found, f"expected {code}, got {[(i.code, i.path) for i in result.errors]}"
    return found[0]


def test_name_mismatch_between_central_and_local_header(tmp_path: Path) -> None:
    """unzip extracts by the local name, this reader by the central one: refuse both."""
    p = build_package(tmp_path / "p.case.zip", method=0)
    data = bytearray(p.read_bytes())
    name = b"finance/payments.csv"
    local = data.find(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(name)] != name:  # that entry's local header
        local = data.find(b"PK\x03\x04", local + 4)
        assert local > 0
    local += 30
    data[local : local + len(name)] = b"finance/paymentz.csv"
    p.write_bytes(bytes(data))
    issue = refused_as(p, "NAME_MISMATCH")
    assert issue.path == "finance/payments.csv"


@pytest.mark.parametrize("method", [0, 8])
def test_crc_mismatch_with_a_matching_hash(tmp_path: Path, method: int) -> None:
    """The SHA-256 matches the manifest, but the CRC-32 other tools check does not."""
    good = zlib.crc32(base_files()["finance/payments.csv"])
    p = build_package(
        tmp_path / "p.case.zip",
        method=method,
        entry_options={"finance/payments.csv": {"crc": good ^ 0x1}},
    )
    issue = refused_as(p, "CRC_MISMATCH")
    assert issue.path == "finance/payments.csv"
    assert {i.code for i in validate_package(p).errors} == {"CRC_MISMATCH"}


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        (
            "manifest.json",
            None,  # the manifest gets a second "package_id"
        ),
        ("enterprise.json", b'{"name": "A", "name": "B"}'),
        ("project.json", b'{"goals": [{"metric": "x", "metric": "y"}]}'),
    ],
)
def test_duplicate_json_key(tmp_path: Path, name: str, raw: bytes | None) -> None:
    if name == "manifest.json":
        files = base_files()
        text = json_bytes(
            {
                "format": "sme-dx-case",
                "format_version": "1.0",
                "package_id": "5f1c2a9e-0d1e-4c55-9a7b-2f1e7f0c9b11",
                "created_at": "2024-10-02T10:00:00+08:00",
                "files": [],
            }
        )
        text = text.replace(
            b'"package_id"', b'"package_id": "00000000-0000-4000-8000-000000000000",\n"package_id"'
        )
        p = build_package(tmp_path / "p.case.zip", files=files, manifest_bytes=text)
    else:

        def edit(files: dict[str, bytes]) -> None:
            doc = json.loads(files[name])
            body = json_bytes(doc)
            inner = raw[1:-1] if raw is not None else b""
            # splice the duplicated keys into the object (the last one would win silently)
            files[name] = b"{" + inner + b", " + body[1:]

        p = build_package(tmp_path / "p.case.zip", edit_files=edit)
    issue = refused_as(p, "DUPLICATE_KEY")
    assert issue.path == name
