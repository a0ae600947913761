"""The command-line contract (``../shared/docs/cli.md``, ``docs/cli.md``) for every sub-command.

Every sub-command path of the real parser (walked by ``tools/gen_cli_reference.py``) is checked
for: ``--help`` (exit 0), an unknown option and a missing required argument (exit 2, no
traceback), ``--home`` accepted wherever the path puts it, no plain passphrase option, a run
that succeeds (exactly one JSON document with ``--json``), and, for every argument that names
an input file, a missing, empty, random, directory, path-through-a-file or unreadable input:
exit 1 with a message (Chinese by default), never a traceback, and with ``--json`` nothing on stdout but
one JSON document. Most runs are in-process (``inspector_app.cli.run``); a handful run the
installed entry point in a subprocess for the real exit code and stderr, and to check that
nothing is written outside ``--home`` (``HOME``, ``TMPDIR`` and the working folder stay empty).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from inspector_app.cli import run
from tests.e2e.clihelp import cli_reference, environ, make_identity, run_cli

PASS = "contract 口令 passphrase"


REF = cli_reference()
COMMANDS = REF.walk()
LEAVES = REF.leaves(COMMANDS)
GROUPS = [c for c in COMMANDS if c.is_group]
COMMON = REF.common_flags()
LEAF_NAMES = [c.name for c in LEAVES]
BY_NAME = {c.name: c for c in COMMANDS}
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out[-3000:]}\n--- stderr\n{self.err[-3000:]}"


def invoke(argv: list[Any], env: dict[str, str | None] | None = None) -> Result:
    """``inspector_app.cli.run`` in-process; anything printed to sys.stdout/err is caught too."""
    return Result(*run_cli(*map(str, argv), env=env))


def no_traceback(r: Result) -> None:
    assert "Traceback (most recent call last)" not in r.text, str(r)
    assert 'File "' not in r.err, str(r)


def one_json(text: str) -> Any:
    """``text`` is exactly one JSON document (surrounding white space allowed)."""
    assert text.strip(), "stdout is empty"
    return json.loads(text)  # json.loads refuses trailing data ("Extra data")


def mixed(text: str) -> bool:
    """Whether a line of ``text`` shows two languages side by side (``中文 / English``)."""
    return any(
        CJK.search(line) and re.search(r" / [A-Za-z]{3}", line) for line in text.splitlines()
    )


def chinese_message(text: str) -> bool:
    """A message in Chinese, the default language, and in that language only."""
    return bool(CJK.search(text)) and not mixed(text)


def filler(cmd: Any) -> list[str]:
    """Arguments that satisfy the parser (not the handler): every required option/positional,
    and the first option of each required group of mutually exclusive options (``report``:
    one of ``--case``, ``--all``, ``--plan``)."""
    argv: list[str] = []
    for opt in cmd.options:
        if not opt.required:
            continue
        value = opt.choices[0] if opt.choices else "x"
        argv += [value] if opt.positional else [opt.name, value]
    for group in cmd.parser._mutually_exclusive_groups:
        if group.required:
            first = group._group_actions[0]
            argv.append(first.option_strings[0])
            if first.nargs != 0:
                argv.append(first.choices[0] if first.choices else "x")
    return argv


# -- the world: two homes, a package, findings, a bundle, a receipt ----------------------------


class World:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.expert = root / "expert-home"
        self.agency = root / "agency-home"
        self.fresh = root / "fresh-home"  # no identity, nothing imported
        self.wrong = root / "INSPECTOR_HOME-must-not-be-used"
        self.pkg = root / "pkg.case.zip"
        self.folder = root / "folder"
        self.passfile = root / "pass.txt"
        self.case_id = ""
        self.bundle = root / "missing.bundle.age"
        self.receipt = root / "missing.receipt.json"
        self.results: dict[str, Result] = {}
        self.written_outside: list[str] = []
        self.agekey = root / "missing.agekey"  # written by identity export-age-identity
        self.counter = 0

    def env(self) -> dict[str, str | None]:
        # INSPECTOR_HOME points at a folder that must never be created: --home is always given
        return {"INSPECTOR_HOME": str(self.wrong), "INSPECTOR_PASSPHRASE": PASS}

    def cli(self, argv: list[Any], home: Path, **env: str | None) -> Result:
        return invoke([*map(str, argv), "--home", str(home)], {**self.env(), **env})

    def out_path(self, suffix: str) -> Path:
        self.counter += 1
        return self.root / "outputs" / f"{self.counter:03d}{suffix}"

    def ok(self, name: str, argv: list[Any], home: Path, **env: str | None) -> Result:
        r = self.cli(argv, home, **env)
        assert r.code == 0, f"{name}: {r}"
        self.results.setdefault(name, r)
        return r


def _make_identity(home: Path, role: str, name: str) -> None:
    home.mkdir(parents=True)
    make_identity(home, name=name, role=role, passphrase=PASS, device="dev")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Every command run once, successfully, as a fresh user: ``HOME`` and the temporary
    folder are empty folders of their own, checked empty afterwards."""
    base = tmp_path_factory.mktemp("contract-user")
    user_home, user_tmp = base / "home", base / "tmp"
    user_home.mkdir()
    user_tmp.mkdir()
    w = World(tmp_path_factory.mktemp("contract"))
    saved = tempfile.tempdir
    tempfile.tempdir = str(user_tmp)
    try:
        with environ({"HOME": str(user_home), "TMPDIR": str(user_tmp)}):
            _build_world(w)
    finally:
        tempfile.tempdir = saved
    w.written_outside = sorted(str(p) for d in (user_home, user_tmp) for p in d.rglob("*"))
    return w


def _build_world(w: World) -> None:
    (w.root / "outputs").mkdir()
    w.passfile.write_text(PASS + "\n", encoding="utf-8")
    w.fresh.mkdir()
    w.ok("sample", ["sample", "--scenario", "usage_burst", "--seed", "3", "--out", w.pkg], w.fresh)
    with zipfile.ZipFile(w.pkg) as z:
        z.extractall(w.folder)
    w.ok("validate", ["validate", w.pkg, "--json"], w.fresh)
    w.ok("analyze", ["analyze", w.pkg, "--json"], w.fresh)
    w.ok("score", ["score", w.pkg, "--self", "--json"], w.fresh)
    w.ok("pack", ["pack", w.folder, "--out", w.out_path(".case.zip"), "--json"], w.fresh)

    _make_identity(w.expert, "expert", "张三")
    _make_identity(w.agency, "agency", "省中小企业服务中心")
    init_home = w.root / "init-home"
    w.ok(
        "identity init",
        ["identity", "init", "--name", "李四", "--role", "expert", "--device", "pc", "--json"],
        init_home,
    )
    w.ok("identity show", ["identity", "show", "--json"], w.expert)
    agency_card, expert_card = w.out_path(".card.json"), w.out_path(".card.json")
    w.ok("identity export-card", ["identity", "export-card", "--out", agency_card], w.agency)
    w.ok("identity export-card", ["identity", "export-card", "--out", expert_card], w.expert)
    w.ok("identity trust", ["identity", "trust", agency_card, "--json"], w.expert)
    w.ok("identity trust", ["identity", "trust", expert_card, "--json"], w.agency)
    w.ok("identity trusted", ["identity", "trusted", "--json"], w.expert)
    w.agekey = w.out_path(".agekey")
    w.ok(
        "identity export-age-identity",
        ["identity", "export-age-identity", "--out", w.agekey],
        w.expert,
    )
    new_pass = w.out_path(".txt")
    new_pass.write_text("a new 口令 for passwd-home\n", encoding="utf-8")
    passwd_home = w.root / "passwd-home"  # the cheap test KDF: passwd derives twice
    _make_identity(passwd_home, "expert", "王五")
    w.ok(
        "identity passwd",
        ["identity", "passwd", "--new-passphrase-file", new_pass, "--passphrase-file", w.passfile],
        passwd_home,
        INSPECTOR_PASSPHRASE=None,
        INSPECTOR_NEW_PASSPHRASE=None,
    )

    r = w.ok("case import", ["case", "import", w.pkg, "--json"], w.expert)
    w.case_id = one_json(r.out)["case_id"]
    w.ok("case list", ["case", "list", "--json"], w.expert)
    score = w.out_path(".json")
    score.write_text(
        json.dumps({"kind": "score", "item": "Q5", "answer": "B", "comment": "", "evidence": []}),
        encoding="utf-8",
    )
    review = w.out_path(".json")
    review.write_text(
        json.dumps(
            {
                "kind": "flag_review",
                "flag": "USAGE_BURST:mes",
                "decision": "confirmed",
                "reason": "补录",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    w.ok("findings add", ["findings", "add", w.case_id, "--json-file", score, "--json"], w.expert)
    w.ok(
        "findings draft",
        ["findings", "draft", w.case_id[:8], "review:1", "--json-file", review],
        w.expert,
    )
    w.ok("findings drafts", ["findings", "drafts", "--json"], w.expert)
    w.ok("findings sign", ["findings", "sign", w.case_id, "--json"], w.expert)
    w.ok("findings list", ["findings", "list", w.case_id, "--all", "--json"], w.expert)
    w.ok("findings verify", ["findings", "verify", "--json"], w.expert)
    w.ok("findings flags", ["findings", "flags", w.case_id, "--json"], w.expert)

    bundles = w.root / "bundles"
    bundles.mkdir()
    w.ok("bundle export", ["bundle", "export", "--out", bundles, "--json"], w.expert)
    (w.bundle,) = bundles.glob("*.bundle.age")
    w.ok("bundle list", ["bundle", "list", "--json"], w.expert)
    w.ok("case import", ["case", "import", w.pkg, "--json"], w.agency)
    w.ok("bundle import", ["bundle", "import", w.bundle, "--json"], w.agency)
    (w.receipt,) = (w.agency / "workspace").rglob("*.receipt.json")
    w.ok("bundle ack", ["bundle", "ack", w.receipt, "--json"], w.expert)
    w.ok("bundle recover", ["bundle", "recover", w.bundle, "--json"], w.expert)
    w.ok("merge status", ["merge", "status", "--json"], w.agency)
    w.ok("merge flags", ["merge", "flags", "--json"], w.agency)

    # the agency's batch roster names the sample's enterprise; its report drafts
    uscc = one_json(w.results["analyze"].out)["uscc"]
    roster = w.out_path(".csv")
    roster.write_text(f"企业名称,统一社会信用代码\n样例企业,{uscc}\n", encoding="utf-8")
    w.ok("batch import", ["batch", "import", roster, "--batch", "2025-2", "--json"], w.agency)
    w.ok("batch status", ["batch", "status", "--json"], w.agency)
    drafts = w.out_path("-drafts")
    w.ok(
        "report",
        ["report", "--case", w.case_id[:8], "--format", "json", "--out", drafts, "--json"],
        w.agency,
    )


# -- parser-level contract: every path ---------------------------------------------------------


def test_the_parser_has_the_commands_of_the_contract() -> None:
    names = {c.name for c in COMMANDS}
    for required in (
        "validate",
        "analyze",
        "score",
        "sample",
        "pack",
        "identity init",
        "identity show",
        "identity export-card",
        "identity export-age-identity",
        "identity trust",
        "case import",
        "case list",
        "findings add",
        "findings list",
        "findings verify",
        "bundle export",
        "bundle import",
        "bundle ack",
        "merge status",
    ):
        assert required in names


@pytest.mark.parametrize("name", [c.name for c in COMMANDS])
def test_help_exits_0(name: str) -> None:
    r = invoke([*BY_NAME[name].argv, "--help"])
    assert r.code == 0, str(r)
    assert r.out.startswith("用法：inspector-app " + name), str(r)  # Chinese by default
    assert r.err == ""


@pytest.mark.parametrize("name", [c.name for c in COMMANDS])
def test_every_command_takes_the_common_options(name: str) -> None:
    flags = {f for o in BY_NAME[name].options for f in o.flags}
    assert {"--home", "--passphrase-file", "--lang", "--help"} <= flags


@pytest.mark.parametrize("name", LEAF_NAMES)
def test_unknown_option_exits_2(name: str, tmp_path: Path) -> None:
    cmd = BY_NAME[name]
    r = invoke([*cmd.argv, *filler(cmd), "--no-such-option", "--home", tmp_path / "h"])
    assert r.code == 2, str(r)
    assert "--no-such-option" in r.err
    assert chinese_message(r.err), str(r)
    no_traceback(r)
    assert not (tmp_path / "h").exists(), "a usage error must not touch the home folder"


@pytest.mark.parametrize("name", [c.name for c in LEAVES if c.required()])
def test_missing_required_argument_exits_2(name: str, tmp_path: Path) -> None:
    cmd = BY_NAME[name]
    r = invoke([*cmd.argv, "--home", tmp_path / "h"])
    assert r.code == 2, str(r)
    assert "缺少必需的参数" in r.err or "参数" in r.err, str(r)  # argparse's message, in Chinese
    no_traceback(r)


@pytest.mark.parametrize("name", [g.name for g in GROUPS])
def test_group_without_action_exits_2(name: str) -> None:
    r = invoke(BY_NAME[name].argv)
    assert r.code == 2, str(r)
    no_traceback(r)


def test_no_command_prints_help_and_exits_2() -> None:
    r = invoke([])
    assert r.code == 2 and "用法：inspector-app" in r.out


@pytest.mark.parametrize("name", LEAF_NAMES)
def test_no_plain_passphrase_option(name: str, tmp_path: Path) -> None:
    cmd = BY_NAME[name]
    for opt in cmd.options:
        for flag in opt.flags:
            if "pass" in flag:
                assert flag.endswith("-file"), f"{name}: {flag} would take a secret as argument"
    secret = tmp_path / "looks-like-a-file"
    secret.write_text(PASS, encoding="utf-8")
    for spelling in ("--passphrase", "--password", "--passphrase-fil"):
        r = invoke([*cmd.argv, *filler(cmd), spelling, secret, "--home", tmp_path / "h"])
        assert r.code == 2, f"{spelling}: {r}"
        assert "无法识别的参数" in r.err, f"{spelling} was accepted: {r}"


@pytest.mark.parametrize("name", LEAF_NAMES)
def test_home_is_taken_wherever_it_is_written(name: str, tmp_path: Path) -> None:
    """``--home`` after the action, or before it (``identity --home DIR show``)."""
    from inspector_app.cli import build_parser

    cmd = BY_NAME[name]
    parser = build_parser()
    home = str(tmp_path / "h")
    for i in range(1, len(cmd.path) + 1):
        argv = [*cmd.path[:i], "--home", home, *cmd.path[i:], *filler(cmd)]
        args = parser.parse_args(argv)
        assert getattr(args, "home", None) == home, argv
        assert args.handler is not None
    args = parser.parse_args([*cmd.argv, *filler(cmd)])
    assert getattr(args, "home", None) is None  # then INSPECTOR_HOME, then the platform's


# -- a successful run of every command -----------------------------------------------------------


# Commands whose successful run is not part of the in-process world, and the test that runs
# them instead. ``gui`` is the desktop app: it creates the process's one QApplication and sets
# sys.excepthook, so it cannot run inside the test process; it has no --json either (the
# contract's one-JSON-document rule is for scripting commands). test_gui_command.py runs it
# in a subprocess (``gui CASE --page … --screenshot FILE``, exit 0, a PNG written).
RUN_ELSEWHERE = {"gui": "tests/e2e/test_gui_command.py"}


def test_commands_run_elsewhere_are_run_there() -> None:
    root = Path(__file__).resolve().parents[2]
    for name, where in RUN_ELSEWHERE.items():
        assert name in LEAF_NAMES, f"{name} is no command any more"
        assert not any(o.name == "--json" for o in BY_NAME[name].options), name
        text = (root / where).read_text(encoding="utf-8")
        assert f'"{name}"' in text and "returncode == 0" in text, where


@pytest.mark.parametrize("name", [n for n in LEAF_NAMES if n not in RUN_ELSEWHERE])
def test_every_command_runs_and_prints_one_json_document(name: str, world: World) -> None:
    assert name in world.results, f"the contract test has no successful run of {name}"
    r = world.results[name]
    no_traceback(r)
    if any(o.name == "--json" for o in BY_NAME[name].options):
        value = one_json(r.out)
        assert isinstance(value, dict | list)


def test_results_say_what_the_contract_says(world: World) -> None:
    v = one_json(world.results["validate"].out)
    assert v["valid"] is True and set(v) >= {"valid", "package_id", "errors", "warnings"}
    a = one_json(world.results["analyze"].out)
    assert set(a) >= {"package_id", "uscc", "enterprise", "settings_sha256", "flags", "usage"}
    assert [f["rule"] for f in a["flags"]] == ["USAGE_BURST"]
    s = one_json(world.results["score"].out)
    assert set(s) >= {"checklist", "score", "dimensions", "scenes", "level", "claimed_level"}
    assert one_json(world.results["case import"].out)["case_id"] == world.case_id
    cases = one_json(world.results["case list"].out)
    assert {"case_id", "uscc", "enterprise", "status"} <= set(cases[0])
    assert "finding_id" in one_json(world.results["findings add"].out)
    assert one_json(world.results["findings verify"].out)["ok"] is True
    status = one_json(world.results["merge status"].out)
    (project,) = status["projects"]
    assert [e["name"] for e in project["experts"]] == ["张三"]
    assert project["experts"][0]["findings"] == 2


def test_home_is_the_only_place_written(world: World) -> None:
    """Every command, in-process: only the --home folders and the asked outputs appear."""
    assert world.written_outside == [], "written into HOME or the temporary folder"
    assert not world.wrong.exists(), "INSPECTOR_HOME was used although --home was given"
    top = {p.name for p in world.root.iterdir()}
    assert top == {
        "outputs",
        "pass.txt",
        "pkg.case.zip",
        "folder",
        "fresh-home",
        "expert-home",
        "agency-home",
        "init-home",
        "passwd-home",
        "bundles",
    }


# -- bad input files: missing, empty, random, a directory, unreadable ----------------------------

# For each command, its arguments with {IN} where an input file goes. The home is E (expert
# with the case imported), A (agency) or F (fresh, no identity).
SLOTS: list[tuple[str, str, list[str]]] = [
    ("validate", "F", ["{IN}"]),
    ("validate", "F", ["{PKG}", "--identity", "{IN}"]),
    ("analyze", "F", ["{IN}"]),
    ("analyze", "F", ["{PKG}", "--rules", "{IN}"]),
    ("analyze", "F", ["{PKG}", "--identity", "{IN}"]),
    ("score", "F", ["{IN}", "--self"]),
    ("score", "F", ["{PKG}", "--self", "--identity", "{IN}"]),
    ("pack", "F", ["{FOLDER}", "--out", "{OUT}", "--recipient", "{IN}"]),
    ("identity trust", "E", ["{IN}"]),
    ("identity export-age-identity", "E", ["--out", "{OUT}", "--passphrase-file", "{IN}"]),
    ("identity passwd", "P", ["--new-passphrase-file", "{IN}"]),
    ("case import", "E", ["{IN}"]),
    ("case import", "F", ["{PKG}", "--identity", "{IN}"]),
    ("findings add", "E", ["{CASE}", "--json-file", "{IN}"]),
    ("findings add", "E", ["{CASE}", "--json-file", "{JSON}", "--passphrase-file", "{IN}"]),
    ("findings draft", "E", ["{CASE}", "k", "--json-file", "{IN}"]),
    ("bundle import", "A", ["{IN}"]),
    ("bundle ack", "E", ["{IN}"]),
    ("bundle recover", "E", ["{IN}"]),
    ("merge flags", "A", ["--rules", "{IN}"]),
    ("batch import", "A", ["{IN}", "--batch", "2025-9"]),
    ("report", "A", ["--plan", "{IN}", "--out", "{OUT}"]),
    ("report", "A", ["--plan", "{PKG}", "--out", "{OUT}", "--identity", "{IN}"]),
]
KINDS = [
    "missing",
    "empty",
    "random",
    "directory",
    "through-a-file",
    "unreadable",  # mode 000 (skipped as root, who reads anything)
    "io-error",  # a regular file whose read fails: /proc/self/mem (EIO), even for root
    "wrong-json",
]
_UNREADABLE = ("missing", "directory", "through-a-file", "unreadable", "io-error")
# a passphrase file holds any text: only what cannot be read (or decoded) is bad
_PASSPHRASE_KINDS = {*_UNREADABLE, "random"}
_PROC_MEM = Path("/proc/self/mem")


def _bad_input(kind: str, where: Path) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{kind}.input"
    if kind == "missing":
        return path
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "random":
        path.write_bytes(random.Random(7).randbytes(4096))
    elif kind == "directory":
        path.mkdir()
    elif kind == "through-a-file":
        path.write_bytes(b"x")
        return path / "child.json"
    elif kind == "unreadable":
        if os.name != "posix" or os.geteuid() == 0:
            pytest.skip("root reads any file")
        path.write_bytes(b'{"kind": "observation"}')
        path.chmod(0)
    elif kind == "io-error":
        if not _PROC_MEM.is_file():
            pytest.skip("no /proc/self/mem here")
        return _PROC_MEM
    elif kind == "wrong-json":
        path.write_text("[1, 2, 3]\n", encoding="utf-8")
    return path


# Known bugs of other modules, kept visible: (command, flag before {IN} or "arg", kind).
_BUGS: dict[tuple[str, str, str], str] = {}


def _expected(flag: str, kind: str) -> int:
    """Exit 1, except for a --rules file that can be read: its contents are a usage error
    (cli.md: "an unknown table or key is a usage error"); an empty one changes nothing."""
    if flag == "--rules" and kind not in _UNREADABLE:
        return 0 if kind == "empty" else 2
    return 1


def _slot_params() -> list[Any]:
    params = []
    for name, home, argv in SLOTS:
        at = argv.index("{IN}")
        flag = argv[at - 1] if at and argv[at - 1].startswith("--") else "arg"
        for kind in KINDS:
            if "passphrase-file" in flag and kind not in _PASSPHRASE_KINDS:
                continue
            bug = _BUGS.get((name, flag, kind))
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            params.append(
                pytest.param(name, home, argv, kind, marks=marks, id=f"{name}|{flag}|{kind}")
            )
    return params


def _argv(world: World, template: list[str], bad: Path, tmp_path: Path) -> list[str]:
    good_json = tmp_path / "finding.json"
    good_json.write_text('{"kind": "observation", "text": "现场核查", "attachments": []}', "utf-8")
    values = {
        "{IN}": str(bad),
        "{PKG}": str(world.pkg),
        "{FOLDER}": str(world.folder),
        "{OUT}": str(tmp_path / "out.file"),
        "{CASE}": world.case_id,
        "{JSON}": str(good_json),
    }
    return [values.get(a, a) for a in template]


def _home(world: World, key: str, tmp_path: Path) -> Path:
    if key == "P":
        home = tmp_path / "p-home"
        _make_identity(home, "expert", "王五")
        return home
    return {"E": world.expert, "A": world.agency, "F": world.fresh}[key]


@pytest.mark.parametrize(("name", "home", "template", "kind"), _slot_params())
def test_bad_input_file_exits_1(  # noqa: PLR0917
    name: str, home: str, template: list[str], kind: str, world: World, tmp_path: Path
) -> None:
    at = template.index("{IN}")
    flag = template[at - 1] if at and template[at - 1].startswith("--") else "arg"
    expected = _expected(flag, kind)
    home_dir = _home(world, home, tmp_path)
    has_json = any(o.name == "--json" for o in BY_NAME[name].options)
    for json_flag in ([], ["--json"]) if has_json else ([],):
        # a fresh bad input each time: a refused bundle is moved to quarantine
        bad = _bad_input(kind, tmp_path / f"bad{len(json_flag)}")
        argv = [*BY_NAME[name].argv, *_argv(world, template, bad, tmp_path), *json_flag]
        r = world.cli(argv, home_dir)
        assert r.code == expected, str(r)
        no_traceback(r)
        if json_flag and r.out.strip():
            one_json(r.out)
        if expected == 0:
            continue
        # the message is on stderr, or inside the JSON object (validate, bundle import)
        assert chinese_message(r.text), f"no Chinese message: {r}"
        if kind == "missing":
            assert bad.name in r.text, f"the message does not name the file: {r}"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_pack_refuses_a_special_file_in_the_folder(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    shutil.copytree(world.folder, folder)
    os.mkfifo(folder / "docs" / "pipe.pdf")
    try:
        p = subprocess.run(
            [*_app(), "pack", str(folder), "--out", str(tmp_path / "p.case.zip")],
            capture_output=True,
            text=True,
            env={**os.environ, "INSPECTOR_HOME": str(tmp_path / "h")},
            check=False,
            timeout=6,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("pack blocks on a named pipe inside the folder")
    r = Result(p.returncode, p.stdout, p.stderr)
    assert r.code == 1 and chinese_message(r.err), str(r)
    no_traceback(r)
    assert not (tmp_path / "p.case.zip").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["sample", "--scenario", "clean", "--out", "{OUT}"],
        ["pack", "{FOLDER}", "--out", "{OUT}"],
        ["identity", "export-card", "--out", "{OUT}"],
        ["identity", "export-age-identity", "--out", "{OUT}"],
        ["bundle", "export", "--out", "{OUT}"],
    ],
    ids=lambda a: " ".join(a[:2]) if a[0] in ("identity", "bundle") else a[0],
)
@pytest.mark.parametrize("where", ["parent-is-a-file", "parent-cannot-be-made"])
def test_an_output_that_cannot_be_written_exits_1(
    argv: list[str], where: str, world: World, tmp_path: Path
) -> None:
    """--out under a regular file, or where no folder can be made (/proc): refused, exit 1."""
    if where == "parent-is-a-file":
        blocker = tmp_path / "a-file"
        blocker.write_bytes(b"x")
        out = blocker / "out"
    else:
        if not Path("/proc/self").is_dir():
            pytest.skip("no /proc here")
        out = Path("/proc/self/no-such-folder/out")
    home = world.expert
    if argv[0] == "bundle":  # an expert with something new to export, its own home
        home = tmp_path / "exp"
        shutil.copytree(world.expert, home)
        note = tmp_path / "note.json"
        note.write_text('{"kind": "observation", "text": "新", "attachments": []}', "utf-8")
        world.ok("findings add", ["findings", "add", world.case_id, "--json-file", note], home)
    values = {"{OUT}": str(out), "{FOLDER}": str(world.folder)}
    r = world.cli([values.get(a, a) for a in argv], home)
    assert r.code == 1, str(r)
    assert chinese_message(r.err), str(r)
    no_traceback(r)


def test_a_failed_bundle_write_does_not_block_later_exports(world: World, tmp_path: Path) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc here")
    home = tmp_path / "exp"
    shutil.copytree(world.expert, home)
    note = tmp_path / "note.json"
    note.write_text('{"kind": "observation", "text": "新", "attachments": []}', "utf-8")
    world.ok("findings add", ["findings", "add", world.case_id, "--json-file", note], home)
    # a folder that exists but takes no new file, even for root
    r = world.cli(["bundle", "export", "--out", "/proc/self"], home)
    assert r.code in (1, 3)
    good = tmp_path / "good"
    r = world.cli(["bundle", "export", "--out", good, "--json"], home)
    assert r.code == 0, str(r)
    assert list(good.glob("*.bundle.age")), "no bundle written to the good folder"


def test_invalid_package_prints_the_validate_object(world: World, tmp_path: Path) -> None:
    broken = tmp_path / "broken.case.zip"
    with zipfile.ZipFile(world.pkg) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "finance/invoices.csv":
                data = data.replace(b"2024", b"2023", 1)
            dst.writestr(info, data)
    for argv in (["validate", broken, "--json"], ["analyze", broken, "--json"]):
        r = world.cli(argv, world.fresh)
        assert r.code == 1, str(r)
        obj = one_json(r.out)
        assert obj["valid"] is False and obj["package_id"]
        assert [e["code"] for e in obj["errors"]] == ["HASH_MISMATCH"]
        assert obj["errors"][0]["path"] == "finance/invoices.csv"
        message = obj["errors"][0]
        assert chinese_message(message["message"]) and not CJK.search(message["message_en"])
    r = world.cli(["score", broken, "--self", "--json"], world.fresh)
    assert r.code == 1, str(r)
    assert one_json(r.out)["valid"] is False


@pytest.mark.parametrize(
    "argv",
    [
        ["identity", "show"],
        ["identity", "export-card", "--out", "{OUT}"],
        ["findings", "add", "nosuchcase", "--json-file", "{JSON}"],
        ["findings", "list", "nosuchcase"],
        ["findings", "flags", "nosuchcase"],
        ["findings", "sign", "nosuchcase"],
        ["bundle", "export", "--out", "{DIR}"],
        ["bundle", "ack", "{RECEIPT}"],
        ["bundle", "recover", "{BUNDLE}"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_missing_state_exits_1(argv: list[str], world: World, tmp_path: Path) -> None:
    """A fresh home (no identity, no case): refused with a message, not an internal error."""
    (tmp_path / "dir").mkdir()
    finding = tmp_path / "f.json"
    finding.write_text('{"kind": "observation", "text": "x", "attachments": []}', "utf-8")
    values = {
        "{OUT}": str(tmp_path / "card.json"),
        "{JSON}": str(finding),
        "{DIR}": str(tmp_path / "dir"),
        "{RECEIPT}": str(world.receipt),
        "{BUNDLE}": str(world.bundle),
    }
    home = tmp_path / "empty-home"
    argv = [values.get(a, a) for a in argv]
    r = world.cli(argv, home)
    assert r.code == 1, str(r)
    assert chinese_message(r.err), str(r)
    no_traceback(r)
    cmd = next(c for c in LEAVES if argv[: len(c.path)] == list(c.path))
    if any(o.name == "--json" for o in cmd.options):
        rj = world.cli([*argv, "--json"], home)
        assert rj.code == 1, str(rj)
        if rj.out.strip():
            one_json(rj.out)


def test_inspector_home_is_the_default_home(world: World) -> None:
    env = {**world.env(), "INSPECTOR_HOME": str(world.expert)}
    r = invoke(["identity", "show", "--json"], env)
    assert r.code == 0 and one_json(r.out)["name"] == "张三", str(r)
    r = invoke(["case", "list", "--json"], env)
    assert [c["case_id"] for c in one_json(r.out)] == [world.case_id]
    # --home wins over INSPECTOR_HOME
    r = invoke(["identity", "show", "--json", "--home", str(world.agency)], env)
    assert one_json(r.out)["role"] == "agency"


def test_version() -> None:
    from inspector_app import __version__

    r = invoke(["--version"])
    assert r.code == 0 and r.out.strip() == f"inspector-app {__version__}"


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "{AGE}", "--json"],
        ["analyze", "{AGE}", "--json"],
        ["score", "{AGE}", "--self", "--json"],
        ["case", "import", "{AGE}", "--json"],
    ],
    ids=lambda a: a[0] if a[0] != "case" else "case import",
)
def test_encrypted_packages_open_with_identity(
    argv: list[str], world: World, examples: Path, tmp_path: Path
) -> None:
    """``*.case.zip.age`` with ``--identity FILE``; with another identity: refused, exit 1."""
    age, key = examples / "clean.case.zip.age", examples / "example-expert.agekey"
    full = [str(age) if a == "{AGE}" else a for a in argv]
    r = world.cli([*full, "--identity", key], tmp_path / "h1")
    assert r.code == 0, str(r)
    assert one_json(r.out)
    other = tmp_path / "other.agekey"
    other.write_text(
        next(
            line
            for line in world.agekey.read_text(encoding="utf-8").splitlines()
            if line.startswith("AGE-SECRET-KEY-")
        )
        + "\n",
        encoding="utf-8",
    )
    r = world.cli([*full, "--identity", other], tmp_path / "h2")
    assert r.code == 1, str(r)
    assert "NOT_FOR_THIS_IDENTITY" in r.text or chinese_message(r.err), str(r)
    if r.out.strip():
        one_json(r.out)
    no_traceback(r)


def test_wrong_passphrase_exits_1(world: World, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n", encoding="utf-8")
    r = world.cli(
        ["identity", "export-age-identity", "--out", tmp_path / "k", "--passphrase-file", wrong],
        world.expert,
    )
    assert r.code == 1, str(r)
    assert chinese_message(r.err)
    assert not (tmp_path / "k").exists()


def test_no_passphrase_without_a_terminal_is_a_usage_error(world: World, tmp_path: Path) -> None:
    r = world.cli(
        ["identity", "export-age-identity", "--out", tmp_path / "k"],
        world.expert,
        INSPECTOR_PASSPHRASE=None,
    )
    assert r.code == 2, str(r)
    assert "INSPECTOR_PASSPHRASE" in r.err


# -- progress, internal errors ---------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_stderr(world: World) -> None:
    argv = ["validate", str(world.pkg), "--json", "--home", str(world.fresh)]
    out, err = io.StringIO(), _Terminal()
    with environ(world.env()):
        assert run(argv, out, err) == 0
    assert one_json(out.getvalue())["valid"] is True
    assert "\r" in err.getvalue(), "no progress on a terminal"
    assert "\r" not in out.getvalue()
    quiet = invoke(argv, world.env())
    assert quiet.code == 0 and quiet.err == "", "progress printed although stderr is no terminal"


@pytest.mark.parametrize(
    ("argv", "home"),
    [
        (["analyze", "{PKG}", "--json"], "F"),
        (["score", "{PKG}", "--self", "--json"], "F"),
        (["pack", "{FOLDER}", "--out", "{OUT}", "--json"], "F"),
        (["case", "import", "{PKG}", "--json"], "N"),
        (["findings", "verify", "--json"], "E"),
        (["merge", "flags", "--json"], "A"),
    ],
    ids=lambda v: " ".join(v[:2]) if isinstance(v, list) else v,
)
def test_progress_never_reaches_stdout(
    argv: list[str], home: str, world: World, tmp_path: Path
) -> None:
    """With a terminal on stderr, long jobs show progress there; stdout stays one JSON."""
    values = {
        "{PKG}": str(world.pkg),
        "{FOLDER}": str(world.folder),
        "{OUT}": str(tmp_path / "out.case.zip"),
    }
    homes = {"F": world.fresh, "E": world.expert, "A": world.agency, "N": tmp_path / "h"}
    full = [*(values.get(a, a) for a in argv), "--home", str(homes[home])]
    out, err = io.StringIO(), _Terminal()
    with environ(world.env()):
        code = run(full, out, err)
    assert code == 0, err.getvalue()
    one_json(out.getvalue())
    assert "\r" not in out.getvalue() and "\033" not in out.getvalue()


def test_internal_error_is_one_line_and_logged(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inspector_app.commands import validate

    def boom(args: Any, ctx: Any) -> int:
        raise RuntimeError("planted bug")

    monkeypatch.setattr(validate, "run", boom)
    home = tmp_path / "h"
    r = invoke(["validate", str(world.pkg), "--json", "--home", str(home)])
    assert r.code == 3, str(r)
    assert r.out == ""
    assert len(r.err.strip().splitlines()) == 1 and chinese_message(r.err)
    no_traceback(r)
    log = (home / "logs" / "inspector.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "planted bug" in log


# -- real processes ------------------------------------------------------------------------------


def _app() -> list[str]:
    exe = Path(sys.executable).with_name("inspector-app")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "inspector_app"]


def test_real_process_exit_codes_and_streams(world: World, tmp_path: Path) -> None:
    env = {**os.environ, "INSPECTOR_HOME": str(tmp_path / "h")}
    env.pop("INSPECTOR_PASSPHRASE", None)

    def proc(*argv: str) -> Result:
        p = subprocess.run(
            [*_app(), *argv], capture_output=True, text=True, env=env, check=False, timeout=120
        )
        return Result(p.returncode, p.stdout, p.stderr)

    r = proc("validate", str(tmp_path / "nope.case.zip"), "--json")
    assert r.code == 1 and r.out == "" and chinese_message(r.err), str(r)
    no_traceback(r)
    garbage = tmp_path / "garbage.case.zip"
    garbage.write_bytes(random.Random(1).randbytes(10_000))
    r = proc("validate", str(garbage), "--json")
    assert r.code == 1, str(r)
    assert one_json(r.out)["valid"] is False
    no_traceback(r)
    r = proc("identity", "init", "--name", "x", "--role", "expert", "--passphrase", "secret")
    assert r.code == 2 and "无法识别的参数" in r.err, str(r)
    no_traceback(r)
    r = proc("validate", str(tmp_path / "nope.case.zip"), "--lang", "en")
    assert r.code == 1 and "No such file" in r.err and not CJK.search(r.err), str(r)


def test_a_reader_that_goes_away_is_no_internal_error(world: World, tmp_path: Path) -> None:
    """``inspector-app … --json | head``: the pipe closes early; no internal error, no traceback."""
    env = {**os.environ, "INSPECTOR_HOME": str(tmp_path / "h")}
    proc = subprocess.Popen(
        [*_app(), "validate", str(world.pkg), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # nobody reads stdout any more: every write fails with EPIPE
    try:
        err = proc.stderr.read().decode("utf-8", "replace")
        code = proc.wait(timeout=120)
    finally:
        proc.stderr.close()
    assert code in (0, 1), (code, err)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert "Internal error" not in err, err


def test_a_locale_that_cannot_write_chinese(world: World, tmp_path: Path) -> None:
    """An ASCII/Latin-1 stdout (English Windows, redirected): UTF-8 output, no internal error."""
    env = {**os.environ, "INSPECTOR_HOME": str(tmp_path / "h"), "PYTHONIOENCODING": "latin-1"}
    text = subprocess.run(
        [*_app(), "validate", str(world.pkg)], capture_output=True, env=env, check=False
    )
    assert text.returncode == 0, text.stderr.decode("utf-8", "replace")
    assert "案件包有效" in text.stdout.decode("utf-8")
    # and the same for stderr: a refusal (exit 1), not an encoding error (exit 3)
    env["PYTHONIOENCODING"] = "ascii"
    refused = subprocess.run(
        [*_app(), "validate", str(tmp_path / "nope.case.zip"), "--json"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert refused.returncode == 1 and refused.stdout == b""
    assert chinese_message(refused.stderr.decode("utf-8")), refused.stderr


def test_nothing_is_written_outside_home(world: World, tmp_path: Path) -> None:
    """Run as a fresh user: HOME, TMPDIR and the working folder stay empty; only --home grows."""
    user_home, tmp, cwd, home = (tmp_path / n for n in ("user", "tmp", "cwd", "inspector"))
    for d in (user_home, tmp, cwd):
        d.mkdir()
    shutil.copy(world.pkg, cwd / "p.case.zip")
    finding = cwd / "f.json"
    finding.write_text('{"kind": "observation", "text": "现场", "attachments": []}', "utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "INSPECTOR_")) and k not in ("HOME", "TMPDIR", "TEMP", "TMP")
    }
    env.update(HOME=str(user_home), TMPDIR=str(tmp), INSPECTOR_PASSPHRASE=PASS)

    def proc(*argv: str) -> Result:
        p = subprocess.run(
            [*_app(), *argv, "--home", str(home)],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            check=False,
            timeout=120,
        )
        return Result(p.returncode, p.stdout, p.stderr)

    r = proc("identity", "init", "--name", "赵六", "--role", "expert")
    assert r.code == 0, str(r)
    r = proc("case", "import", "p.case.zip", "--json")
    assert r.code == 0, str(r)
    case_id = one_json(r.out)["case_id"]
    r = proc("findings", "add", case_id[:8], "--json-file", "f.json", "--json")
    assert r.code == 0, str(r)
    assert list(user_home.iterdir()) == [], list(user_home.rglob("*"))
    assert list(tmp.iterdir()) == [], list(tmp.rglob("*"))
    assert sorted(p.name for p in cwd.iterdir()) == ["f.json", "p.case.zip"]
    assert (home / "identity").is_dir() and (home / "logs" / "inspector.log").is_file()
