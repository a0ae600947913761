"""Fuzzing the three readers of outside files through the command line (issue 16): the package
reader (``validate``), the findings-file reader (``findings add --json-file``) and the bundle
reader (``bundle import``, and the parser under the decryption).

Whatever hypothesis makes of a valid file — hostile JSON values (huge and tiny numbers, deep
nesting, lone surrogates, control characters, duplicate keys), damaged CSV cells, flipped,
cut or inserted bytes — a command ends with exit 0 or 1 and never with an internal error
(exit 3) or a traceback. Bounded: a fixed number of examples per reader, no deadline.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector_app.identity import trusted_lookup
from sync.bundle import BundleRefused, decrypt, parse_bundle
from tests.e2e.clihelp import make_identity, run_cli
from tests.unit.casepkg.builders import base_files, build_package
from tests.unit.sync.conftest import PASSPHRASE, World, make_home

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# ------------------------------------------------------------------ hostile values
SCALARS = st.one_of(
    st.sampled_from(
        [
            "\ud800",
            "\x1b]0;x\x07",
            "evil\u202etxt",
            "",
            "0001-01-01",
            "9999-12-31",
            "1" * 40 + ".00",
            "2.55E+19",
            "-0.00",
            None,
            True,
            [],
            {},
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
RAW_NUMBERS = st.sampled_from(["1e999", "-1e999", "1e-999", "1" * 400, "NaN", "Infinity"])


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@st.composite
def hostile_json(draw: st.DrawFn, base: Any) -> bytes:
    """``base`` (a JSON value) with one hostile change, serialised (maybe not as JSON)."""
    doc = json.loads(json.dumps(base))
    kind = draw(st.sampled_from(["value", "raw", "deep", "duplicate", "bytes"]))
    if kind == "bytes":
        data = bytearray(json.dumps(doc, ensure_ascii=False).encode())
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        return bytes(data)
    target = doc
    while isinstance(target, dict | list) and target and draw(st.booleans()):
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        child = target[draw(st.sampled_from(keys))]
        if not isinstance(child, dict | list) or not child:
            break
        target = child
    marker = "@@HOSTILE@@"
    if isinstance(target, dict) and target:
        key = draw(st.sampled_from(list(target)))
        target[key] = marker if kind != "value" else draw(SCALARS)
    elif isinstance(target, list) and target:
        target[draw(st.integers(0, len(target) - 1))] = marker if kind != "value" else draw(SCALARS)
    text = json.dumps(doc, ensure_ascii=True)
    replacement = {
        "raw": draw(RAW_NUMBERS),
        "deep": _deep(draw(st.sampled_from([65, 900, 5000, 100_000]))),
        "duplicate": '{"a": 1, "a": 2}',
        "value": '"x"',
    }[kind]
    return text.replace(f'"{marker}"', replacement).encode()


def _no_crash(code: int, out: str, err: str) -> None:
    assert code in (0, 1), (code, err[-3000:])
    assert "Traceback" not in err and "Internal error" not in err, err[-3000:]


# ------------------------------------------------------------------ the package reader
PACKAGE_FILES = base_files()
JSON_NAMES = sorted(n for n in PACKAGE_FILES if n.endswith(".json"))
CSV_NAMES = sorted(n for n in PACKAGE_FILES if n.endswith(".csv"))


@st.composite
def hostile_package_files(draw: st.DrawFn) -> dict[str, bytes]:
    files = dict(PACKAGE_FILES)
    if draw(st.booleans()):
        name = draw(st.sampled_from(JSON_NAMES))
        files[name] = draw(hostile_json(json.loads(files[name])))
    else:
        name = draw(st.sampled_from(CSV_NAMES))
        lines = files[name].split(b"\n")
        row = draw(st.integers(1, max(1, len(lines) - 2)))
        cells = lines[row].split(b",")
        col = draw(st.integers(0, len(cells) - 1))
        cells[col] = draw(
            st.sampled_from(
                [
                    b"-5",
                    b"1" * 40,
                    b"0001-01-01",
                    b"9999-12-31T23:59:59-14:00",
                    b"0001-01-01T00:00:00+14:00",
                    b"\xff\xfe",
                    b'"unclosed',
                    b"1e999",
                    b"\x1b[2J",
                    b"",
                ]
            )
            | st.binary(max_size=12).filter(lambda b: b"\n" not in b and b"," not in b)
        )
        lines[row] = b",".join(cells)
        files[name] = b"\n".join(lines)
    return files


@pytest.mark.slow
@FUZZ
@given(files=hostile_package_files())
def test_fuzz_package_reader(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as d:
        package = build_package(Path(d) / "p.case.zip", files=files)
        for extra in ([], ["--json"]):
            _no_crash(*run_cli("validate", str(package), *extra))
        _no_crash(*run_cli("analyze", str(package), "--home", str(Path(d) / "home")))


# ------------------------------------------------------------------ the findings-file reader
@pytest.fixture(scope="module")
def expert_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("fuzz-findings")
    home = root / "home"
    home.mkdir()
    make_identity(home, name="张三", role="expert", passphrase=PASSPHRASE, device="lap")
    (root / "pass.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    code, out, err = run_cli(
        "case", "import", str(build_package(root / "p.case.zip")), "--json", "--home", str(home)
    )
    assert code == 0, err
    yield home, json.loads(out)["case_id"]
    shutil.rmtree(root, ignore_errors=True)


FINDING_BASES: list[dict[str, Any]] = [
    {"kind": "observation", "text": "现场看到报工终端"},
    {"kind": "score", "item": "Q2", "answer": "C", "figures": {"devices_total": 10}},
    {"kind": "score", "item": "S6", "level": 2, "comment": "ok", "evidence": []},
    {"kind": "interview", "person": "李经理", "role": "IT", "notes": ["a", "b"]},
]


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_fuzz_findings_file_reader(expert_home: tuple[Path, str], data: st.DataObject) -> None:
    home, case_id = expert_home
    text = data.draw(hostile_json(data.draw(st.sampled_from(FINDING_BASES))))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.json"
        path.write_bytes(text)
        _no_crash(
            *run_cli(
                "findings",
                "add",
                case_id,
                "--json-file",
                str(path),
                "--home",
                str(home),
                "--passphrase-file",
                str(home.parent / "pass.txt"),
            )
        )
    _no_crash(*run_cli("findings", "list", case_id, "--home", str(home)))


# ------------------------------------------------------------------ the bundle reader
@pytest.fixture(scope="module")
def bundle_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Path, bytes]]:
    from tests.unit.sync.conftest import local

    root = tmp_path_factory.mktemp("fuzz-bundles")
    agency = make_home(root, "agency", "agency")
    world = World(root, agency, local(agency))
    ex = world.expert("zhao")
    ex.add({"kind": "observation", "text": "现场"})
    ex.scores(3)
    bundle = ex.export()
    plaintext = decrypt(bundle.read_bytes(), [world.agency_me.age_identity()])
    yield world, bundle, plaintext


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    kind = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
    pos = draw(st.integers(0, len(out) - 1))
    if kind == "flip":
        out[pos] ^= 1 << draw(st.integers(0, 7))
    elif kind == "cut":
        del out[pos:]
    elif kind == "insert":
        out[pos:pos] = draw(st.binary(min_size=1, max_size=600))
    else:
        out[pos : pos + 512] = bytes(min(512, len(out) - pos))
    return bytes(out)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_fuzz_bundle_parser(bundle_world: tuple[World, Path, bytes], data: st.DataObject) -> None:
    """The tar, manifest, signature and entries under the decryption: refusals only."""
    world, _bundle, plaintext = bundle_world
    mutated = data.draw(damaged(plaintext))
    trusted = trusted_lookup(world.agency_template)
    with contextlib.suppress(BundleRefused):
        parse_bundle(mutated, trusted, expected_agency=world.agency_me.fingerprint)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_fuzz_bundle_import_cli(
    bundle_world: tuple[World, Path, bytes], data: st.DataObject
) -> None:
    world, bundle, _plaintext = bundle_world
    mutated = data.draw(damaged(bundle.read_bytes()))
    with tempfile.TemporaryDirectory() as d:
        home = Path(d) / "agency"
        shutil.copytree(world.agency_template.root, home)
        (Path(d) / "pass.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
        path = Path(d) / "in" / bundle.name
        path.parent.mkdir()
        path.write_bytes(mutated)
        _no_crash(
            *run_cli(
                "bundle",
                "import",
                str(path),
                "--home",
                str(home),
                "--passphrase-file",
                str(Path(d) / "pass.txt"),
            )
        )


def test_fuzz_helpers_make_hostile_files() -> None:
    """The strategies do produce what they claim (guards against a fuzz test that tests
    nothing)."""
    made: list[bytes] = []

    @settings(max_examples=60, deadline=None)
    @given(hostile_json({"a": {"b": [1, 2]}, "c": "x"}))
    def collect(text: bytes) -> None:
        made.append(text)

    collect()
    joined = b"\n".join(made)
    assert b"[[[[" in joined or b"1e999" in joined or b'"a": 1, "a": 2' in joined
