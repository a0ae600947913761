"""End to end over the CLI (issue 6): three experts score two enterprises from the shared
example packages with planted disagreements; their bundles are exported, imported by the
agency in shuffled order (a later bundle first, repeats included), and ``merge status``
shows exactly the planted disagreements; receipts are acknowledged."""

from __future__ import annotations

import io
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from inspector_app import identity
from inspector_app.cli import run
from inspector_app.home import Home

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
CLEAN = EXAMPLES / "clean.case.zip"
REFLUX = EXAMPLES / "payment-reflux.case.zip"
PASSPHRASE = "correct horse battery staple"

pytestmark = pytest.mark.skipif(
    not (CLEAN.is_file() and REFLUX.is_file()), reason="shared examples not present"
)


def cli(home: Path, *argv: str, ok: tuple[int, ...] = (0,)) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    pw = home.parent / "passphrase.txt"
    code = run([*argv, "--home", str(home), "--passphrase-file", str(pw)], out, err)
    assert code in ok, (argv, code, out.getvalue(), err.getvalue())
    return code, out.getvalue(), err.getvalue()


def cli_json(home: Path, *argv: str, ok: tuple[int, ...] = (0,)) -> Any:
    return json.loads(cli(home, *argv, "--json", ok=ok)[1])


def finding(home: Path, case: str, payload: dict[str, Any]) -> str:
    path = home.parent / "finding.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return str(cli_json(home, "findings", "add", case, "--json-file", str(path))["finding_id"])


def test_three_experts_two_enterprises_shuffled_import(tmp_path: Path) -> None:
    (tmp_path / "passphrase.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    template = tmp_path / "template"
    a = cli_json(template, "case", "import", str(CLEAN))
    b = cli_json(template, "case", "import", str(REFLUX))
    case_a, case_b = a["case_id"], b["case_id"]
    homes: dict[str, Path] = {}
    for name, role in (("agency", "agency"), ("e1", "expert"), ("e2", "expert"), ("e3", "expert")):
        homes[name] = tmp_path / name
        shutil.copytree(template, homes[name])
        identity.init_identity(
            Home(homes[name]),
            name={"agency": "某评估机构", "e1": "李明", "e2": "周红", "e3": "陈刚"}[name],
            role=role,
            passphrase=PASSPHRASE,
            _kdf=identity.TEST_KDF,
        )
    cards = tmp_path / "cards"
    cards.mkdir()
    for name, home in homes.items():
        cli(home, "identity", "export-card", "--out", str(cards / f"{name}.json"))
    for e in ("e1", "e2", "e3"):
        cli(homes[e], "identity", "trust", str(cards / "agency.json"))
        cli(homes["agency"], "identity", "trust", str(cards / f"{e}.json"))

    out_dirs = {e: tmp_path / f"{e}-stick" for e in ("e1", "e2", "e3")}
    bundles: list[Path] = []

    def export(e: str) -> Path:
        result = cli_json(homes[e], "bundle", "export", "--out", str(out_dirs[e]))
        bundles.append(Path(result["bundle"]))
        return Path(result["bundle"])

    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 64)
    # enterprise A: Q2 answered differently by e3; S8 differs between e1 and e2; S6 and the
    # conclusion agree; e1 attaches an on-site photo
    for e, q2 in (("e1", "C"), ("e2", "C"), ("e3", "D")):
        finding(homes[e], case_a, {"kind": "score", "item": "Q2", "answer": q2})
        finding(homes[e], case_a, {"kind": "score", "item": "S6", "level": 2})
    finding(homes["e1"], case_a, {"kind": "score", "item": "S8", "level": 1})
    finding(
        homes["e1"],
        case_a,
        {"kind": "observation", "text": "报工终端在用", "attachments": [str(photo)]},
    )
    export("e1")  # e1's first bundle
    finding(homes["e1"], case_a, {"kind": "score", "item": "S8", "level": 3})  # supersedes S8=1
    finding(homes["e2"], case_a, {"kind": "score", "item": "S8", "level": 1})
    for e in ("e1", "e2", "e3"):  # nobody scored every item: a pass would be refused
        finding(
            homes[e],
            case_a,
            {
                "kind": "conclusion",
                "recommendation": "improve",
                "summary": "系统在用",
                "requirements": ["补齐其余场景的佐证"],
            },
        )
    # enterprise B: the reflux flag confirmed by e1, dismissed by e2; conclusions differ (e3)
    flag = "PAYMENT_REFLUX:91530100MA6K0X1234"
    review_1 = finding(
        homes["e1"], case_b, {"kind": "flag_review", "flag": flag, "decision": "confirmed"}
    )
    review_2 = finding(
        homes["e2"],
        case_b,
        {"kind": "flag_review", "flag": flag, "decision": "dismissed", "reason": "退款有凭证"},
    )
    seen = finding(homes["e2"], case_b, {"kind": "observation", "text": "现场无系统运行记录"})
    for e in ("e1", "e2", "e3"):
        finding(homes[e], case_b, {"kind": "score", "item": "Q5", "answer": "B"})
    concl_1 = finding(
        homes["e1"],
        case_b,
        {
            "kind": "conclusion",
            "recommendation": "disqualify",
            "summary": "资金回流",
            "grounds": {"flags": [flag]},
        },
    )
    concl_2 = finding(
        homes["e2"],
        case_b,
        {
            "kind": "conclusion",
            "recommendation": "disqualify",
            "summary": "资金回流",
            "grounds": {"findings": [seen]},
        },
    )
    finding(
        homes["e3"],
        case_b,
        {
            "kind": "conclusion",
            "recommendation": "improve",
            "summary": "待核实",
            "requirements": ["补充银行流水"],
        },
    )
    for e in ("e1", "e2", "e3"):
        export(e)
    assert cli(homes["e1"], "bundle", "export", "--out", str(out_dirs["e1"]))[
        1
    ].strip()  # nothing new

    # the agency: shuffled, e1's second bundle before its first, and repeats
    rest = bundles[2:]
    random.Random(6).shuffle(rest)
    order = [bundles[1], rest[0], bundles[0], *rest[1:], rest[0]]
    assert order.index(bundles[1]) < order.index(bundles[0])
    result = cli_json(homes["agency"], "bundle", "import", *map(str, order))
    assert (result["merged"], result["refused"], result["duplicate"]) == (4, 0, 1)
    assert result["pending"] == 1
    again = cli_json(homes["agency"], "bundle", "import", *map(str, bundles))
    assert {r["status"] for r in again["results"]} == {"duplicate"}

    status = cli_json(homes["agency"], "merge", "status")
    found = {
        (
            p["uscc"],
            d["type"],
            d["subject"],
            json.dumps(d["values"], ensure_ascii=False, sort_keys=True),
        )
        for p in status["projects"]
        for d in p["disagreements"]
    }
    planted = {
        (
            a["uscc"],
            "item",
            "Q2",
            json.dumps(
                {"李明": ["C"], "周红": ["C"], "陈刚": ["D"]}, ensure_ascii=False, sort_keys=True
            ),
        ),
        (
            a["uscc"],
            "scene",
            "S8",
            json.dumps({"李明": 3, "周红": 1}, ensure_ascii=False, sort_keys=True),
        ),
        (
            b["uscc"],
            "flag",
            flag,
            json.dumps(
                {"李明": "confirmed", "周红": "dismissed"}, ensure_ascii=False, sort_keys=True
            ),
        ),
        (
            b["uscc"],
            "conclusion",
            "conclusion",
            json.dumps(
                {"李明": "disqualify", "周红": "disqualify", "陈刚": "improve"},
                ensure_ascii=False,
                sort_keys=True,
            ),
        ),
    }
    assert found == planted
    for p in status["projects"]:
        assert sorted(e["name"] for e in p["experts"]) == sorted(["李明", "周红", "陈刚"])
    text = cli(homes["agency"], "merge", "status", "--lang", "en")[1]
    assert "≠ question Q2" in text and "≠ flag review PAYMENT_REFLUX" in text
    assert "≠ conclusion: " in text and "陈刚=Improve within a deadline" in text
    text = cli(homes["agency"], "merge", "status", "--lang", "zh_CN")[1]  # words, not ids
    assert "≠ 题目 Q2" in text and "≠ 疑点核查 PAYMENT_REFLUX" in text
    assert "陈刚=限期优化提升" in text and "improve" not in text

    # receipts back to e1
    receipts = sorted((homes["agency"] / "workspace" / "sync" / "receipts").glob("*.receipt.json"))
    assert len(receipts) == 4
    e1_fpr = identity.load(Home(homes["e1"])).fingerprint
    mine = [
        r
        for r in receipts
        if json.loads(r.read_text(encoding="utf-8"))["receipt"]["expert"] == e1_fpr
    ]
    others = [r for r in receipts if r not in mine]
    _code, _out, err = cli(
        homes["e1"], "bundle", "ack", *map(str, receipts), "--lang", "en", ok=(1,)
    )
    assert "another device" in err
    acked = cli_json(homes["e1"], "bundle", "ack", *map(str, mine))
    assert sorted(x["number"] for x in acked["acknowledged"]) == [1, 2]
    assert acked["acknowledged_through"] == 9
    listed = cli_json(homes["e1"], "bundle", "list")
    assert [x["acknowledged"] for x in listed] == [True, True]
    assert len(others) == 2
    # the agency's imported findings verify like local ones
    cli(homes["agency"], "findings", "verify")
    flags = cli_json(homes["agency"], "merge", "flags")
    assert isinstance(flags["flags"], list) and flags["cases"] == 2

    # the agency's decision on the conclusion follows the outcome rules over the merged answers
    agency = homes["agency"]
    final = {
        "kind": "decision",
        "settles": [concl_1, concl_2],
        "reason": "合议",
        "summary": "资金回流至服务商",
    }
    path = agency.parent / "decision.json"

    def decide(payload: dict[str, Any], ok: tuple[int, ...] = (0,)) -> tuple[int, str, str]:
        path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return cli(agency, "findings", "add", case_b, "--json-file", str(path), ok=ok)

    # e1 confirmed the flag, e2 dismissed it, the agency has not decided it: not a ground
    _code, out, err = decide(
        {**final, "recommendation": "disqualify", "grounds": {"flags": [flag]}}, ok=(1,)
    )
    assert out == "" and "OUTCOME_REFUSED" in err and flag in err
    # a pass needs the merged scoring complete: only Q5 is answered
    _code, _out, err = decide({**final, "recommendation": "pass"}, ok=(1,))
    assert "OUTCOME_REFUSED" in err and "30" in err and "Q1, Q2, Q3, Q4, Q6" in err
    # the agency confirms the flag by a decision: the disqualify citing it is accepted
    decide(
        {
            "kind": "decision",
            "settles": [review_1, review_2],
            "reason": "银行流水核实",
            "flag": flag,
            "decision": "confirmed",
        }
    )
    decide({**final, "recommendation": "disqualify", "grounds": {"flags": [flag]}})
    decided = {c["case_id"]: c for c in cli_json(agency, "case", "list")}
    assert (decided[case_b]["status"], decided[case_b]["stale"]) == ("decided", False)
    cli(agency, "findings", "verify")


def test_cli_refusals_and_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "passphrase.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    expert, agency = tmp_path / "expert", tmp_path / "agency"
    for home, role in ((expert, "expert"), (agency, "agency")):
        identity.init_identity(
            Home(home).ensure(), name=role, role=role, passphrase=PASSPHRASE, _kdf=identity.TEST_KDF
        )
    # no trusted agency card yet: a clear refusal, exit 1
    _code, _out, err = cli(expert, "bundle", "export", "--out", str(tmp_path / "out"), ok=(1,))
    assert "identity trust" in err
    # the agency role cannot export, the expert role cannot import
    cli(expert, "identity", "trust", str(agency / "identity" / "card.json"))
    _code, _out, err = cli(agency, "bundle", "export", "--out", str(tmp_path / "out"), ok=(1,))
    assert "expert" in err
    junk = tmp_path / "junk.bundle.age"
    junk.write_bytes(b"not a bundle")
    _code, _out, err = cli(expert, "bundle", "import", str(junk), ok=(1,))
    assert "agency" in err
    # a missing file is refused (exit 1) before anything; a file that is not an age file at
    # all is refused where it is (never moved: it may be a user's document)
    _code, _out, err = cli(
        agency, "bundle", "import", str(tmp_path / "missing.bundle.age"), ok=(1,)
    )
    assert "missing.bundle.age" in err
    result = cli_json(agency, "bundle", "import", str(junk), ok=(1,))
    (only,) = result["results"]
    assert only["code"] == "NOT_A_BUNDLE" and only["quarantined"] is None
    assert junk.read_bytes() == b"not a bundle"
    status = cli_json(agency, "merge", "status")
    assert status == {"projects": [], "pending_bundles": []}


def test_a_bundle_from_an_untrusted_device_is_refused_with_a_json_reason(tmp_path: Path) -> None:
    """The agency has not trusted the expert's card: exit 1, one JSON document, the bundle in
    quarantine with a reason file whose message is Chinese with an English sibling."""
    (tmp_path / "passphrase.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    expert, agency = tmp_path / "expert", tmp_path / "agency"
    for home, role in ((expert, "expert"), (agency, "agency")):
        identity.init_identity(
            Home(home).ensure(), name=role, role=role, passphrase=PASSPHRASE, _kdf=identity.TEST_KDF
        )
    cli(expert, "identity", "trust", str(agency / "identity" / "card.json"))
    case = cli_json(expert, "case", "import", str(CLEAN))["case_id"]
    finding(expert, case, {"kind": "observation", "text": "现场核查", "attachments": []})
    cli(expert, "bundle", "export", "--out", str(tmp_path / "out"))
    (bundle,) = (tmp_path / "out").glob("*.bundle.age")
    result = cli_json(agency, "bundle", "import", str(bundle), ok=(1,))
    (only,) = result["results"]
    assert only["status"] == "refused" and only["code"] == "UNTRUSTED_SIGNER", only
    assert any("\u4e00" <= c <= "\u9fff" for c in only["message"]), only
    assert only["message_en"] and only["message_en"] != only["message"], only
    assert not bundle.exists() and Path(only["quarantined"]).is_file()
    reason = json.loads(Path(only["quarantined"] + ".reason.json").read_text(encoding="utf-8"))
    assert reason["code"] == "UNTRUSTED_SIGNER"
    assert (reason["message"], reason["message_en"]) == (only["message"], only["message_en"])
    assert cli_json(agency, "merge", "status") == {"projects": [], "pending_bundles": []}
