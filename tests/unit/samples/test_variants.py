"""Every export variant writes what real exports look like, with the same content."""

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from inspector_app.samples import VARIANTS, generate
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import pyrage

    folder = tmp_path_factory.mktemp("variants")
    ident = pyrage.x25519.Identity.generate()
    (folder / "key.txt").write_text(str(ident), encoding="utf-8")
    out = {"plain": generate("clean", folder / "plain.case.zip", seed=3)}
    for v in VARIANTS:
        rec = [str(ident.to_public())] if v == "encrypted" else []
        out[v] = generate("clean", folder / f"{v}.case.zip", seed=3, variant=v, recipients=rec)
    return out


def _identity(packages: dict[str, Path]) -> Any:
    """The age identity the ``encrypted`` package was written to."""
    import pyrage

    key = (packages["plain"].parent / "key.txt").read_text(encoding="utf-8")
    return pyrage.x25519.Identity.from_str(key)


def _raw_names(path: Path) -> list[tuple[bytes, int]]:
    """(name bytes, general-purpose flags) of every central-directory record."""
    data = path.read_bytes()
    out = []
    pos = data.find(b"PK\x01\x02")
    while pos != -1 and data[pos : pos + 4] == b"PK\x01\x02":
        flags = struct.unpack_from("<H", data, pos + 8)[0]
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        out.append((data[pos + 46 : pos + 46 + n], flags))
        pos += 46 + n + m + k
    return out


def _texts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_every_variant_generates(packages: dict[str, Path]) -> None:
    assert set(packages) == {"plain", *VARIANTS}
    for name, path in packages.items():
        assert path.stat().st_size > 100_000, name


def test_gbk_names_have_no_utf8_flag(packages: dict[str, Path]) -> None:
    raw = _raw_names(packages["gbk-names"])
    chinese = [(n, f) for n, f in raw if not n.isascii()]
    assert chinese
    for name, flags in chinese:
        assert not flags & 0x800
        name.decode("gbk")
        with pytest.raises(UnicodeDecodeError):
            name.decode("utf-8")
    shipped = EXAMPLES / "clean-gbk-names.case.zip"  # the shared example, when present
    if shipped.is_file():
        example = _raw_names(shipped)
        assert example and all(not f & 0x800 for n, f in example if not n.isascii())


def test_utf8_names_without_flag(packages: dict[str, Path]) -> None:
    chinese = [
        (n, f) for n, f in _raw_names(packages["utf8-names-without-flag"]) if not n.isascii()
    ]
    assert chinese and all(not f & 0x800 for _, f in chinese)
    assert all(n.decode("utf-8") for n, _ in chinese)
    plain = [(n, f) for n, f in _raw_names(packages["plain"]) if not n.isascii()]
    assert all(f & 0x800 for _, f in plain)


def test_gb18030_csv(packages: dict[str, Path]) -> None:
    files = _texts(packages["gb18030-csv"])
    plain = _texts(packages["plain"])
    for name, data in files.items():
        if name.endswith(".csv") and not data.isascii():
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            assert data.decode("gb18030") == plain[name].decode("utf-8")


def test_bom_crlf(packages: dict[str, Path]) -> None:
    files = _texts(packages["bom-crlf"])
    plain = _texts(packages["plain"])
    for name, data in files.items():
        if name.endswith((".csv", ".json")):
            assert data.startswith(b"\xef\xbb\xbf"), name
        if name.endswith(".csv"):
            assert data[3:].decode("utf-8").replace("\r\n", "\n") == plain[name].decode("utf-8")
            assert b"\r\n" in data


def test_gzip_log(packages: dict[str, Path]) -> None:
    files = _texts(packages["gzip-log"])
    plain = _texts(packages["plain"])
    logs = [n for n in files if n.endswith("usage.csv.gz")]
    assert logs and not any(n.endswith("usage.csv") for n in files)
    for name in logs:
        assert gzip.decompress(files[name]) == plain[name[:-3]]
    manifest = json.loads(files["manifest.json"])
    assert {f["path"] for f in manifest["files"]} == set(files) - {"manifest.json"}


def test_extra_columns(packages: dict[str, Path]) -> None:
    import csv

    files = _texts(packages["extra-columns"])
    plain = _texts(packages["plain"])
    csvs = [n for n in plain if n.endswith(".csv")]
    assert any(n.endswith("usage.csv") for n in csvs) and any(
        n.endswith("records.csv") for n in csvs
    )
    for name in csvs:
        got = list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))
        base = list(csv.DictReader(io.StringIO(plain[name].decode("utf-8"))))
        header = files[name].decode("utf-8").splitlines()[0].split(",")
        base_header = plain[name].decode("utf-8").splitlines()[0].split(",")
        assert set(base_header) < set(header), name
        if len(base_header) > 2:
            assert [c for c in header if c in base_header] != base_header, name  # reordered
        assert len(got) == len(base), name
        assert [{k: r[k] for k in base_header} for r in got] == base, name


def test_stored(packages: dict[str, Path]) -> None:
    with zipfile.ZipFile(packages["stored"]) as zf:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())


def test_encrypted_opens_to_the_plain_package(packages: dict[str, Path]) -> None:
    import pyrage

    ident = _identity(packages)
    data = packages["encrypted"].read_bytes()
    assert data.startswith(b"age-encryption.org/v1")
    plain = pyrage.decrypt(data, [ident])
    assert plain == packages["plain"].read_bytes()
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(data, [pyrage.x25519.Identity.generate()])


def test_same_content_in_every_unencrypted_variant(packages: dict[str, Path]) -> None:
    plain = json.loads(_texts(packages["plain"])["project.json"])
    for v in VARIANTS:
        if v == "encrypted":
            continue
        data = _texts(packages[v])["project.json"]
        assert json.loads(data.decode("utf-8-sig")) == plain, v
    assert io


@pytest.mark.parametrize("variant", ["plain", *VARIANTS])
def test_every_variant_validates_without_warnings(
    packages: dict[str, Path], variant: str, tmp_path: Path
) -> None:
    from inspector_app.casepkg.api import validate_package

    identities = [_identity(packages)] if variant == "encrypted" else []
    result = validate_package(packages[variant], identities=identities, tmp_dir=tmp_path)
    assert result.valid, [e.to_json() for e in result.errors]
    assert not result.warnings, [w.to_json() for w in result.warnings]
