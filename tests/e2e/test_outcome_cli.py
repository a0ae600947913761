"""The outcome rules over the command line (cli.md § Outcome rules): each refused conclusion
with its code, message and exit 1; a stale conclusion after a dismissed ground (findings list,
case list, bundle export); and a bundle signed before the rules (``inspector-finding/1``) still
imports at the agency."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from inspector_app import identity
from inspector_app.checklist import get_checklist
from inspector_app.identity import keyfile
from inspector_app.identity.card import b64, fingerprint
from inspector_app.identity.device import IdentityInfo, UnlockedIdentity, make_card
from tests.e2e.clihelp import make_identity, run_cli

PASS = "correct horse battery"
CHECKLIST = get_checklist("miit-2024")
VECTORS = Path(__file__).resolve().parents[1] / "unit" / "sync" / "vectors"


def cli(home: Path, *argv: str) -> tuple[int, str, str]:
    pfile = home.parent / "pass.txt"
    pfile.write_text(PASS + "\n", encoding="utf-8")
    return run_cli(*argv, "--home", str(home), "--passphrase-file", str(pfile), "--lang", "en")


def ok(home: Path, *argv: str) -> str:
    code, out, err = cli(home, *argv)
    assert code == 0, (argv, code, out, err)
    return out


def write(home: Path, payload: Any) -> str:
    path = home.parent / "finding.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return str(path)


def add(home: Path, case: str, payload: Any) -> str:
    out = ok(home, "findings", "add", case, "--json-file", write(home, payload), "--json")
    return str(json.loads(out)["finding_id"])


def refused(home: Path, case: str, payload: Any, code: str = "OUTCOME_REFUSED") -> str:
    before = ok(home, "findings", "list", case, "--all", "--json")
    rc, out, err = cli(home, "findings", "add", case, "--json-file", write(home, payload))
    assert rc == 1 and out == "", (rc, out, err)
    assert code in err and "Traceback" not in err
    assert ok(home, "findings", "list", case, "--all", "--json") == before  # nothing signed
    return err


def conclusion(recommendation: str, **more: Any) -> dict[str, Any]:
    return {"kind": "conclusion", "recommendation": recommendation, "summary": "核查结论", **more}


def scores(scene_level: int) -> dict[str, dict[str, Any]]:
    """Draft key → a score: every question at its best option(s), every scene at the level."""
    out: dict[str, dict[str, Any]] = {}
    for q in CHECKLIST.questions.values():
        if q.type == "single":
            answer: Any = max(q.options, key=lambda o: o.points).letter
        else:
            answer = [o.letter for o in q.options if o.letter != q.zero_option]
        out[f"score:{q.id}"] = {"kind": "score", "item": q.id, "answer": answer}
    for s in CHECKLIST.scenes:
        out[f"score:{s}"] = {"kind": "score", "item": s, "level": scene_level}
    return out


def expert_home(tmp_path: Path, examples: Path) -> tuple[Path, str]:
    home = tmp_path / "expert"
    home.mkdir()
    make_identity(home, name="张三", passphrase=PASS, device="lap")
    out = ok(home, "case", "import", str(examples / "clean.case.zip"), "--json")
    return home, json.loads(out)["case_id"]


def case_row(home: Path, case: str) -> dict[str, Any]:
    rows = json.loads(ok(home, "case", "list", "--json"))
    return next(r for r in rows if r["case_id"] == case)


def test_each_refused_conclusion_has_its_code_and_message(tmp_path: Path, examples: Path) -> None:
    home, case = expert_home(tmp_path, examples)
    # pass without a complete scoring: names the unanswered items
    err = refused(home, case, conclusion("pass"))
    assert "OUTCOME_REFUSED: the pass conclusion cannot be signed" in err
    assert f"{len(CHECKLIST.item_ids())} items are unanswered (Q1, Q2" in err
    # every item as a draft (scenes at 1) and a pass, signed together: all refused, none signed
    for key, payload in scores(1).items():
        ok(home, "findings", "draft", case, key, "--json-file", write(home, payload))
    ok(
        home,
        "findings",
        "draft",
        case,
        "conclusion",
        "--json-file",
        write(home, conclusion("pass")),
    )
    rc, _out, err = cli(home, "findings", "sign", case)
    assert rc == 1 and "OUTCOME_REFUSED" in err and "reaches level 1" in err
    assert len(json.loads(ok(home, "findings", "drafts", case, "--json"))) == 32
    assert json.loads(ok(home, "findings", "list", case, "--json")) == []
    ok(home, "findings", "sign", case, *(a for k in scores(1) for a in ("--key", k)))
    # complete, level 1: refused naming the level
    err = refused(home, case, conclusion("pass"))
    assert "a pass needs level 2 or above; the scoring reaches level 1" in err
    # scenes at 2, but a confirmed high-severity flag: refused naming the flag
    for key, payload in scores(2).items():
        if payload["item"].startswith("S"):
            ok(home, "findings", "draft", case, key, "--json-file", write(home, payload))
    ok(home, "findings", "sign", case, *(a for k in scores(2) if ":S" in k for a in ("--key", k)))
    add(home, case, {"kind": "flag_review", "flag": "USAGE_BURST:mes", "decision": "confirmed"})
    err = refused(home, case, conclusion("pass"))
    assert "confirmed high-severity flags: USAGE_BURST:mes" in err
    assert "unanswered" not in err and "reaches level" not in err
    # improve without requirements; disqualify without grounds, or with grounds not the signer's
    err = refused(home, case, conclusion("improve"))
    assert "an improve needs at least one requirement" in err
    err = refused(home, case, conclusion("disqualify"))
    assert "a disqualify needs grounds" in err
    score_id = json.loads(ok(home, "findings", "list", case, "--json"))[0]["finding_id"]
    err = refused(
        home,
        case,
        conclusion("disqualify", grounds={"flags": ["PAYMENT_REFLUX:x"], "findings": [score_id]}),
    )
    assert "flags that are not confirmed: PAYMENT_REFLUX:x" in err
    assert f"not current observations or interviews of the signer in this case: {score_id}" in err
    # grounds on anything but a disqualify: an invalid finding (its own code), exit 1
    err = refused(
        home,
        case,
        conclusion("improve", requirements=["x"], grounds={"flags": ["USAGE_BURST:mes"]}),
        code="/grounds",
    )
    assert "only a disqualify conclusion carries grounds" in err
    # accepted: the message said what blocked, and lifting it is enough
    add(home, case, {**conclusion("disqualify"), "grounds": {"flags": ["USAGE_BURST:mes"]}})
    add(home, case, conclusion("improve", requirements=["三个月内上线质检模块"]))
    add(
        home,
        case,
        {
            "kind": "flag_review",
            "flag": "USAGE_BURST:mes",
            "decision": "dismissed",
            "reason": "投产期",
        },
    )
    add(home, case, conclusion("pass"))
    assert case_row(home, case)["status"] == "concluded"
    ok(home, "findings", "verify")


def agency_for(tmp_path: Path, expert: Path) -> Path:
    agency = tmp_path / "agency"
    agency.mkdir()
    make_identity(agency, name="机构", passphrase=PASS, role="agency", device="srv")
    card = tmp_path / "agency.card.json"
    ok(agency, "identity", "export-card", "--out", str(card))
    ok(expert, "identity", "trust", str(card))
    return agency


def test_a_dismissed_ground_makes_the_conclusion_stale(tmp_path: Path, examples: Path) -> None:
    home, case = expert_home(tmp_path, examples)
    agency_for(tmp_path, home)
    stick = tmp_path / "stick"
    flag = "PAYMENT_REFLUX:91530100MA6K0X1234"
    add(home, case, {"kind": "flag_review", "flag": flag, "decision": "confirmed"})
    obs = add(home, case, {"kind": "observation", "text": "服务商回款记录"})
    first = add(home, case, conclusion("disqualify", grounds={"flags": [flag], "findings": [obs]}))
    row = case_row(home, case)
    assert (row["status"], row["stale"]) == ("concluded", False)
    _rc, _out, err = cli(home, "bundle", "export", "--out", str(stick))
    assert "stale" not in err
    # the flag is dismissed: the signed conclusion stays, and is stale
    add(
        home, case, {"kind": "flag_review", "flag": flag, "decision": "dismissed", "reason": "退款"}
    )
    listed = {f["finding_id"]: f for f in json.loads(ok(home, "findings", "list", case, "--json"))}
    assert listed[first]["current"] is True
    assert (listed[first]["stale"], listed[first]["withdrawn_grounds"]) == (True, [flag])
    assert listed[first]["grounds"] == {"flags": [flag], "findings": [obs]}
    assert listed[obs]["stale"] is False
    text = ok(home, "findings", "list", case)
    assert f"! {first}" in text and f"stale: its grounds {flag} were withdrawn" in text
    row = case_row(home, case)
    assert (row["status"], row["stale"]) == ("in_progress", True)
    # bundle export warns (text and JSON) while it is stale
    code, out, err = cli(home, "bundle", "export", "--out", str(stick), "--json")
    assert code == 0, err
    assert f"The conclusion {first} of case {case} is stale" in err
    (stale,) = json.loads(out)["stale_conclusions"]
    assert (stale["finding_id"], stale["withdrawn_grounds"]) == (first, [flag])
    # a new conclusion supersedes it: concluded again, no warning
    add(home, case, conclusion("disqualify", grounds={"findings": [obs]}))
    row = case_row(home, case)
    assert (row["status"], row["stale"]) == ("concluded", False)
    _rc, out, err = cli(home, "bundle", "export", "--out", str(stick), "--json")
    assert "stale" not in err and json.loads(out)["stale_conclusions"] == []
    ok(home, "findings", "verify")


def _home_with_keys(
    home: Path, *, name: str, role: str, device: str, seed: bytes, age: str
) -> Path:
    """A home whose identity holds the given keys (those of the kept bundle vector)."""
    folder = home / "identity"
    folder.mkdir(parents=True)
    signing = Ed25519PrivateKey.from_private_bytes(seed)
    public = signing.public_key().public_bytes_raw()
    age_public = str(pyrage.x25519.Identity.from_str(age).to_public())
    created = "2026-11-28T08:00:00+08:00"
    header = {
        "name": name,
        "role": role,
        "device": device,
        "created_at": created,
        "ed25519": b64(public),
        "age": age_public,
        "fingerprint": fingerprint(public),
    }
    secrets = {"ed25519_seed": b64(seed), "age_secret": age}
    (folder / "identity.json").write_bytes(keyfile.seal(header, secrets, PASS, identity.TEST_KDF))
    info = identity.load(home)
    assert isinstance(info, IdentityInfo)
    card = make_card(UnlockedIdentity(info, signing, age))
    (folder / "card.json").write_bytes(card.to_bytes())
    return folder / "card.json"


def test_a_bundle_signed_before_the_outcome_rules_still_imports(tmp_path: Path) -> None:
    """``vector-1.bundle.age`` was written before this change: its records are
    ``inspector-finding/1``; the agency imports, verifies and lists them as before."""
    facts = json.loads((VECTORS / "vector-1.json").read_text(encoding="utf-8"))
    agency, expert = tmp_path / "agency", tmp_path / "expert"
    _home_with_keys(
        agency,
        name="某第三方机构",
        role="agency",
        device="srv",
        seed=bytes(range(32, 64)),
        age=(VECTORS / "agency.agekey").read_text().strip(),
    )
    expert_card = _home_with_keys(
        expert,
        name="张三",
        role="expert",
        device="laptop-1",
        seed=bytes(range(32)),
        age=(VECTORS / "expert.agekey").read_text().strip(),
    )
    assert identity.load(agency).fingerprint == facts["agency_fingerprint"]
    ok(agency, "identity", "trust", str(expert_card))
    bundle = tmp_path / "old.bundle.age"
    shutil.copyfile(VECTORS / "vector-1.bundle.age", bundle)
    result = json.loads(ok(agency, "bundle", "import", str(bundle), "--json"))
    assert result["merged"] == 1, result
    (merged,) = result["results"]
    assert merged["findings"] == 3 and merged["bundle_hash"] == facts["bundle_hash"]
    report = json.loads(ok(agency, "findings", "verify", "--json"))
    assert report["ok"] and report["records"] == 3
    status = json.loads(ok(agency, "merge", "status", "--json"))
    (project,) = status["projects"]
    (expert_row,) = project["experts"]
    assert expert_row["conclusion"] == "improve"
