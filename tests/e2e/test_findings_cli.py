"""The identity, case and findings commands end to end (cli.md § State, identities and scripting)."""

from __future__ import annotations

import base64
import json
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from inspector_app import identity
from tests.e2e.clihelp import make_identity, run_cli

PASS = "correct horse battery"


def cli(*argv: str, home: Path, passphrase: str | None = PASS, **env: str) -> tuple[int, str, str]:
    """Run the CLI in-process with ``--home`` and a passphrase file."""
    args = [*argv, "--home", str(home)]
    if passphrase is not None:
        pfile = home.parent / f"pass-{abs(hash(passphrase))}.txt"
        pfile.write_text(passphrase + "\n", encoding="utf-8")
        args += ["--passphrase-file", str(pfile)]
    return run_cli(*args, env=env)


def ok(*argv: str, home: Path, **kw: Any) -> str:
    code, out, err = cli(*argv, home=home, **kw)
    assert code == 0, (argv, code, out, err)
    return out


def fast_identity(home: Path, role: str = "expert", name: str = "张三") -> None:
    home.mkdir(parents=True, exist_ok=True)
    make_identity(home, name=name, role=role, passphrase=PASS, device="lap")


def test_passphrase_is_never_a_plain_argument(tmp_path: Path) -> None:
    code, _out, err = cli(
        "identity",
        "init",
        "--name",
        "x",
        "--role",
        "expert",
        "--passphrase",
        PASS,
        home=tmp_path / "h",
        passphrase=None,
    )
    # refused as an unknown option, not taken as an abbreviation of --passphrase-file
    assert code == 2 and "无法识别的参数" in err
    assert not (tmp_path / "h" / "identity" / "identity.json").exists()
    parser_help = subprocess.run(
        [sys.executable, "-m", "inspector_app", "identity", "init", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert parser_help.returncode == 0
    assert "--name" in parser_help.stdout
    for forbidden in ("kdf", "log-n", "scrypt", "--passphrase "):
        assert forbidden not in parser_help.stdout.lower()


def test_identity_commands(tmp_path: Path) -> None:
    expert, agency = tmp_path / "expert", tmp_path / "agency"
    # the real command, at the production cost, once
    info = json.loads(
        ok(
            "identity",
            "init",
            "--name",
            "张三",
            "--role",
            "expert",
            "--device",
            "lap-1",
            "--json",
            home=expert,
        )
    )
    assert info["role"] == "expert" and info["kdf"]["log_n"] >= 17
    code, _out, err = cli("identity", "init", "--name", "x", "--role", "expert", home=expert)
    assert code == 2 and "中已有身份" in err
    shown = json.loads(ok("identity", "show", "--json", home=expert, passphrase=None))
    assert shown["fingerprint"] == info["fingerprint"] and shown["trusted"] == []
    fast_identity(agency, role="agency", name="验收机构")
    ok(
        "identity",
        "export-card",
        "--out",
        str(tmp_path / "expert.card"),
        home=expert,
        passphrase=None,
    )
    ok(
        "identity",
        "export-card",
        "--out",
        str(tmp_path / "agency.card"),
        home=agency,
        passphrase=None,
    )
    code, _, err = cli(
        "identity",
        "export-card",
        "--out",
        str(tmp_path / "agency.card"),
        home=agency,
        passphrase=None,
    )
    assert code == 2 and "已存在" in err
    trusted = json.loads(
        ok(
            "identity",
            "trust",
            str(tmp_path / "agency.card"),
            "--json",
            home=expert,
            passphrase=None,
        )
    )
    assert trusted["role"] == "agency"
    out = ok("identity", "trust", str(tmp_path / "expert.card"), home=agency, passphrase=None)
    assert " ".join(info["fingerprint"][i : i + 4] for i in range(0, 40, 4)) in out
    code, _, err = cli(
        "identity", "trust", str(tmp_path / "expert.card"), home=expert, passphrase=None
    )
    assert code == 1 and "本设备自己的名片" in err
    # wrong passphrase: exit 1, clear message
    code, _, err = cli(
        "identity",
        "export-age-identity",
        "--out",
        str(tmp_path / "x.key"),
        home=expert,
        passphrase="wrong passphrase",
    )
    assert code == 1 and "口令错误" in err and not (tmp_path / "x.key").exists()
    # the exported age identity is 0600, warned about, and works with the standard age tool
    _code, _out, err = cli(
        "identity", "export-age-identity", "--out", str(tmp_path / "me.key"), home=expert
    )
    assert "以明文保存您的 age 私钥" in err
    key = tmp_path / "me.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    age = subprocess.run(
        ["age", "-r", info["age_recipient"]], input=b"hello", capture_output=True, check=True
    )
    plain = subprocess.run(
        ["age", "-d", "-i", str(key)], input=age.stdout, capture_output=True, check=True
    )
    assert plain.stdout == b"hello"
    # passwd: the new passphrase from a file, never an argument
    new = tmp_path / "new.txt"
    new.write_text("a brand new passphrase\n", encoding="utf-8")
    ok("identity", "passwd", "--new-passphrase-file", str(new), home=expert)
    code, _, _ = cli(
        "identity", "export-age-identity", "--out", str(tmp_path / "y.key"), home=expert
    )
    assert code == 1
    ok(
        "identity",
        "export-age-identity",
        "--out",
        str(tmp_path / "y.key"),
        home=expert,
        passphrase="a brand new passphrase",
    )


@pytest.fixture
def expert_with_case(tmp_path: Path, examples: Path) -> tuple[Path, str]:
    home = tmp_path / "home"
    fast_identity(home)
    out = ok(
        "case", "import", str(examples / "clean.case.zip"), "--json", home=home, passphrase=None
    )
    return home, json.loads(out)["case_id"]


def write(tmp_path: Path, name: str, obj: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return str(path)


def add(case: str, folder: Path, name: str, payload: Any, *extra: str) -> list[str]:
    """``findings add CASE --json-file FILE …`` with ``payload`` written to ``folder/name``."""
    return ["findings", "add", case, "--json-file", write(folder, name, payload), *extra]


def test_findings_workflow(
    expert_with_case: tuple[Path, str], tmp_path: Path, examples: Path
) -> None:
    home, case_id = expert_with_case
    listed = json.loads(ok("case", "list", "--json", home=home, passphrase=None))
    assert [(c["case_id"], c["uscc"], c["status"]) for c in listed] == [
        (case_id, "91530111XM06P8XW6Q", "imported")
    ]
    assert listed[0]["enterprise"]
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 on-site photo")
    prefix = case_id[:8]
    first = json.loads(
        ok(
            *add(
                prefix,
                tmp_path,
                "a.json",
                {
                    "kind": "score",
                    "item": "Q1",
                    "answer": ["B", "C"],
                    "figures": {},
                    "comment": "…",
                    "evidence": [],
                },
            ),
            "--json",
            home=home,
        )
    )
    second = json.loads(
        ok(
            *add(prefix, tmp_path, "b.json", {"kind": "score", "item": "Q1", "answer": ["B"]}),
            "--json",
            home=home,
        )
    )
    assert second["supersedes"] == first["finding_id"]
    ok(
        *add(
            prefix,
            tmp_path,
            "c.json",
            {"kind": "observation", "text": "看板", "attachments": ["photo.jpg"]},
        ),
        home=home,
    )
    ok(
        *add(
            prefix,
            tmp_path,
            "d.json",
            {
                "kind": "flag_review",
                "flag": "USAGE_BURST:mes",
                "decision": "dismissed",
                "reason": "正常",
            },
        ),
        home=home,
    )
    ok(
        *add(
            prefix,
            tmp_path,
            "e.json",
            {
                "kind": "interview",
                "person": "李主任",
                "role": "车间主任",
                "notes": [{"q": "每天用吗", "a": "用"}],
            },
        ),
        home=home,
    )
    ok(
        *add(
            prefix,
            tmp_path,
            "f.json",
            {
                "kind": "conclusion",
                "recommendation": "improve",
                "summary": "基本达标",
                "requirements": ["补充能耗数据"],
            },
        ),
        home=home,
    )
    code, _, err = cli(
        *add(prefix, tmp_path, "g.json", {"kind": "score", "item": "Q1", "answer": ["Z"]}),
        home=home,
    )
    assert code == 1 and "/answer" in err
    manifest = json.loads(
        (home / "workspace" / "cases" / case_id / "manifest.json").read_text(encoding="utf-8")
    )
    real = next(f["path"] for f in manifest["files"] if f["path"].startswith("docs/"))
    ok(
        *add(
            prefix,
            tmp_path,
            "i.json",
            {"kind": "score", "item": "S6", "level": 2, "evidence": [real]},
        ),
        home=home,
    )
    code, _, err = cli(
        *add(
            prefix,
            tmp_path,
            "j.json",
            {"kind": "score", "item": "S7", "level": 1, "evidence": ["docs/none.pdf"]},
        ),
        home=home,
    )
    assert code == 1 and "/evidence/0" in err
    current = json.loads(ok("findings", "list", prefix, "--json", home=home, passphrase=None))
    assert [f["kind"] for f in current] == [
        "score",
        "observation",
        "flag_review",
        "interview",
        "conclusion",
        "score",
    ]
    assert all(f["current"] for f in current)
    everything = json.loads(
        ok("findings", "list", prefix, "--all", "--json", home=home, passphrase=None)
    )
    assert len(everything) == 7
    assert (
        json.loads(ok("case", "list", "--json", home=home, passphrase=None))[0]["status"]
        == "concluded"
    )
    report = json.loads(ok("findings", "verify", "--json", home=home, passphrase=None))
    assert report["ok"] and report["records"] == 7 and report["attachments"] == 1
    # drafts: saved unsigned, signed on request
    ok(
        "findings",
        "draft",
        prefix,
        "obs",
        "--json-file",
        write(tmp_path, "h.json", {"kind": "observation", "text": "草稿"}),
        home=home,
        passphrase=None,
    )
    assert (
        len(json.loads(ok("findings", "list", prefix, "--json", home=home, passphrase=None))) == 6
    )
    assert (
        json.loads(ok("findings", "drafts", "--json", home=home, passphrase=None))[0]["key"]
        == "obs"
    )
    signed = json.loads(ok("findings", "sign", prefix, "--json", home=home))
    assert len(signed) == 1
    # tampering: the command exits 1 naming the record
    db = sqlite3.connect(home / "workspace" / "findings.sqlite3")
    db.execute("DROP TRIGGER findings_no_update")
    db.execute(
        "UPDATE findings SET body = replace(body, '看板', '看扳') WHERE kind = 'observation'"
    )
    db.commit()
    (victim,) = db.execute("SELECT finding_id FROM findings WHERE kind = 'observation'").fetchone()
    db.close()
    code, _out, err = cli("findings", "verify", home=home, passphrase=None)
    assert code == 1 and victim in err
    code, out, _ = cli("findings", "verify", "--json", home=home, passphrase=None)
    assert code == 1 and json.loads(out)["first_broken"]["finding_id"] == victim


def test_unknown_case_is_refused(expert_with_case: tuple[Path, str], tmp_path: Path) -> None:
    home, _ = expert_with_case
    code, _, err = cli("findings", "list", "zzzz", home=home, passphrase=None)
    assert code == 1 and "zzzz" in err


def _secrets(home: Path, passphrase: str) -> list[bytes]:
    unlocked = identity.unlock(home, passphrase)
    seed = unlocked._signing_key.private_bytes_raw()
    age_secret = unlocked.age_secret_text()
    return [
        seed,
        seed.hex().encode(),
        base64.b64encode(seed),
        base64.b64encode(seed).rstrip(b"="),
        base64.urlsafe_b64encode(seed).rstrip(b"="),
        age_secret.encode(),
        age_secret.lower().encode(),
        age_secret.encode("utf-16-le"),
    ]


def test_no_private_key_material_in_the_clear(tmp_path: Path, examples: Path) -> None:
    """After a full workflow through the CLI, no file under the home holds a secret key."""
    home = tmp_path / "home"
    outside = tmp_path / "outside"
    outside.mkdir()
    fast_identity(home)  # the production-cost `identity init` is exercised above
    # an encrypted package opened with the device's own key: the example re-encrypted to it
    info = identity.load(home)
    key_file = outside / "me.key"
    ok("identity", "export-age-identity", "--out", str(key_file), home=home)
    plain = subprocess.run(
        [
            "age",
            "-d",
            "-i",
            str(examples / "example-expert.agekey"),
            str(examples / "clean.case.zip.age"),
        ],
        capture_output=True,
        check=True,
    ).stdout
    to_me = outside / "clean.case.zip.age"
    to_me.write_bytes(
        subprocess.run(
            ["age", "-r", info.age_recipient], input=plain, capture_output=True, check=True
        ).stdout
    )
    case_id = json.loads(ok("case", "import", str(to_me), "--json", home=home))["case_id"]
    photo = outside / "p.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    for i, payload in enumerate(
        [
            {"kind": "score", "item": "S6", "level": 2},
            {"kind": "observation", "text": "x", "attachments": [str(photo)]},
        ]
    ):
        ok(*add(case_id, outside, f"{i}.json", payload), home=home)
    ok(
        "findings",
        "draft",
        case_id,
        "d",
        "--json-file",
        write(outside, "d.json", {"kind": "observation", "text": "y"}),
        home=home,
        passphrase=None,
    )
    ok("findings", "sign", case_id, home=home)
    new = outside / "new.txt"
    new.write_text("another long passphrase\n", encoding="utf-8")
    ok("identity", "passwd", "--new-passphrase-file", str(new), home=home)
    ok("findings", "verify", home=home, passphrase=None)
    secrets = _secrets(home, "another long passphrase")
    scanned = 0
    for path in home.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        scanned += 1
        for secret in secrets:
            assert secret not in data, f"secret key material in {path}"
        assert b"PRIVATE KEY" not in data, path
        assert b"AGE-SECRET-KEY" not in data.upper(), path
    assert scanned > 10
    # the exported key, outside the home, is the only place the age secret is in the clear
    assert secrets[5] in key_file.read_bytes()


def test_expert_vs_self_assessment_flag(expert_with_case: tuple[Path, str], tmp_path: Path) -> None:
    from inspector_app.checklist import get_checklist

    home, case_id = expert_with_case
    checklist = get_checklist("miit-2024")
    assert json.loads(ok("findings", "flags", case_id, "--json", home=home, passphrase=None)) == []
    for qid, question in checklist.questions.items():
        payload = {"kind": "score", "item": qid, "answer": question.lowest_option().letter}
        ok(*add(case_id, tmp_path, "q.json", payload), home=home)
    for sid in checklist.scenes:
        payload = {"kind": "score", "item": sid, "level": 0}
        code, _out, err = cli(*add(case_id, tmp_path, "s.json", payload), home=home)
        assert code == 0
    # the last add completed the expert's answers: the flag is shown then, and listed on demand
    assert "SELF_ASSESSMENT_INFLATED:" in err and "TARGET_MISSED:level:" in err
    flags = json.loads(ok("findings", "flags", case_id, "--json", home=home, passphrase=None))
    me = identity.load(home)
    assert [f["id"] for f in flags] == [
        f"SELF_ASSESSMENT_INFLATED:{me.fingerprint}",
        f"TARGET_MISSED:level:{me.fingerprint}",  # level 0, the project committed level 2
    ]
    assert flags[0]["claimed_score"] == 50.6 and flags[0]["expert_level"] == 0
    assert (flags[1]["expert_level"], flags[1]["level_target"]) == (0, 2)
