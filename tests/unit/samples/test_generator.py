"""The sample generator: determinism, format details, photos, PDFs, money and USCCs."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from inspector_app.samples import SCENARIOS, VARIANTS, generate, scenario_rule
from inspector_app.samples.case import Goal, build_case, meet_target
from inspector_app.samples.finance import (
    SUBSIDY_CAP,
    Contract,
    Item,
    requested_subsidy,
    upper_amount,
)
from inspector_app.samples.names import Party
from inspector_app.samples.photos import distance, near_copy, phash, render
from inspector_app.samples.selfassess import base_answers, engine_score, level, score
from inspector_app.uscc import is_valid

MONEY = re.compile(r"^-?\d+\.\d{2}$")
TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("clean")
    return {
        seed: generate("clean", folder / f"clean-{seed}.case.zip", seed=seed) for seed in (0, 1, 2)
    }


def _read_csv(zf: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8"))))


def test_same_seed_same_bytes(clean: dict[int, Path], tmp_path: Path) -> None:
    again = generate("clean", tmp_path / "again.case.zip", seed=0)
    assert again.read_bytes() == clean[0].read_bytes()


def test_different_seed_differs(clean: dict[int, Path]) -> None:
    a, b = (zipfile.ZipFile(clean[s]) for s in (0, 1))
    assert a.read("enterprise.json") != b.read("enterprise.json")
    assert clean[0].read_bytes() != clean[1].read_bytes()


def test_scenario_names_follow_the_rule_ids() -> None:
    from inspector_app.analysis import RULE_IDS

    assert SCENARIOS[0] == "clean"
    assert len(SCENARIOS) == 26
    assert "payment_reflux" in SCENARIOS and "self_assessment_inflated" in SCENARIOS
    assert set(VARIANTS) >= {"gbk-names", "stored", "encrypted", "gzip-log"}
    # one scenario per per-package rule, plus one per later condition of a rule
    assert scenario_rule("clean") is None
    assert scenario_rule("payment_mismatch_payer") == "PAYMENT_MISMATCH"
    assert scenario_rule("deadline_exceeded_batch") == "DEADLINE_EXCEEDED"
    rules = [scenario_rule(s) for s in SCENARIOS[1:]]
    assert set(rules) == set(RULE_IDS)
    assert all(scenario_rule(s) == s.upper() for s in SCENARIOS[1:] if s.upper() in RULE_IDS)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_manifest_lists_and_hashes_every_file(clean: dict[int, Path], seed: int) -> None:
    with zipfile.ZipFile(clean[seed]) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "sme-dx-case" and manifest["format_version"] == "1.0"
        assert re.match(
            r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
            manifest["package_id"],
        )
        assert TS.match(manifest["created_at"])
        listed = {f["path"]: f for f in manifest["files"]}
        names = [n for n in zf.namelist() if n != "manifest.json"]
        assert sorted(listed) == sorted(names)
        for name in names:
            data = zf.read(name)
            assert listed[name]["size"] == len(data)
            assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest()
        attachments = {f.get("attachment") for f in manifest["files"]}
        assert set(range(1, 9)) <= attachments


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_uscc_is_valid_and_money_has_two_decimals(clean: dict[int, Path], seed: int) -> None:
    with zipfile.ZipFile(clean[seed]) as zf:
        ent = json.loads(zf.read("enterprise.json"))
        proj = json.loads(zf.read("project.json"))
        systems = json.loads(zf.read("systems.json"))
        usccs = (
            [ent["uscc"]]
            + [p["uscc"] for p in proj["providers"]]
            + [s["vendor_uscc"] for s in systems]
        )
        assert ent["uscc"][2:6] == "5301"
        for c in _read_csv(zf, "finance/contracts.csv"):
            usccs.append(c["party_b_uscc"])
            assert MONEY.match(c["amount_yuan"])
        for v in _read_csv(zf, "finance/invoices.csv"):
            usccs += [v["seller_uscc"], v["buyer_uscc"]]
            assert re.match(r"^\d{20}$", v["invoice_no"])
            for col in ("amount_excl_tax_yuan", "tax_yuan", "total_yuan"):
                assert MONEY.match(v[col])
            assert Decimal(v["amount_excl_tax_yuan"]) + Decimal(v["tax_yuan"]) == Decimal(
                v["total_yuan"]
            )
        for row in _read_csv(zf, "finance/contract_items.csv"):
            assert MONEY.match(row["unit_price_yuan"]) and MONEY.match(row["amount_yuan"])
            assert Decimal(row["quantity"]) * Decimal(row["unit_price_yuan"]) == Decimal(
                row["amount_yuan"]
            )
        for row in _read_csv(zf, "finance/payments.csv"):
            assert MONEY.match(row["amount_yuan"]) and row["direction"] in ("in", "out")
        for key in ("total_investment_yuan", "subsidy_requested_yuan", "subsidy_prepaid_yuan"):
            assert MONEY.match(proj[key])
        assert all(is_valid(u) for u in usccs), usccs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_usage_log_is_ordered_and_never_after_creation(clean: dict[int, Path], seed: int) -> None:
    with zipfile.ZipFile(clean[seed]) as zf:
        created = datetime.fromisoformat(json.loads(zf.read("manifest.json"))["created_at"])
        for name in zf.namelist():
            if not name.endswith("usage.csv"):
                continue
            rows = _read_csv(zf, name)
            assert len(rows) > 1000
            stamps = [r["timestamp"] for r in rows]
            assert stamps == sorted(stamps)
            assert all(TS.match(s) for s in stamps[:2000])
            assert datetime.fromisoformat(stamps[-1]) <= created
            actions = {r["action"] for r in rows}
            assert actions <= {
                "login",
                "logout",
                "view",
                "create",
                "update",
                "delete",
                "approve",
                "export",
            }
            assert {"login", "create", "view"} <= actions
            hours = [int(s[11:13]) for s in stamps]
            assert sum(1 for h in hours if h < 5) < len(hours) / 100


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clean_photos_are_far_apart_and_carry_exif(clean: dict[int, Path], seed: int) -> None:
    with zipfile.ZipFile(clean[seed]) as zf:
        created = datetime.fromisoformat(json.loads(zf.read("manifest.json"))["created_at"])
        hashes = {}
        for name in zf.namelist():
            if not name.startswith("photos/"):
                continue
            img = Image.open(io.BytesIO(zf.read(name)))
            assert img.format == "JPEG"
            exif = img.getexif()
            sub = exif.get_ifd(0x8769)
            assert exif[0x010F] and exif[0x0110] and 0x0131 not in exif
            assert sub[0x9011] == "+08:00"
            taken = datetime.strptime(sub[0x9003], "%Y:%m:%d %H:%M:%S").replace(
                tzinfo=created.tzinfo
            )
            assert taken <= created
            assert exif[0x0132] == sub[0x9003]
            hashes[name] = phash(img)
        assert len(hashes) >= 4
        names = sorted(hashes)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                assert distance(hashes[a], hashes[b]) > 6, (a, b)


def test_phash_matches_a_known_property() -> None:
    img = render("kanban", "t", (640, 480))
    assert phash(img) == phash(img.copy())
    assert distance(phash(img), phash(near_copy(img, "c"))) <= 6
    other = render("warehouse", "t", (640, 480))
    assert distance(phash(img), phash(other)) > 12
    flat = Image.new("RGB", (64, 64), (120, 120, 120))
    assert isinstance(phash(flat), int)


def test_pdfs_have_chinese_text_and_embed_the_font(clean: dict[int, Path]) -> None:
    with zipfile.ZipFile(clean[0]) as zf:
        pdfs = [n for n in zf.namelist() if n.endswith(".pdf")]
        assert len(pdfs) >= 10
        contract = next(n for n in pdfs if "附件4" in n)
        text = PdfReader(io.BytesIO(zf.read(contract))).pages[0].extract_text()
        assert "合同" in text and "甲方" in text and "乙方" in text
        assert "统一社会信用代码" in text
        for name in pdfs:
            data = zf.read(name)
            reader = PdfReader(io.BytesIO(data))
            assert reader.pages[0].extract_text().strip()
            assert b"/FontFile2" in data, name
            assert b"STSong" not in data


def test_contract_amount_in_words_matches_the_csv(clean: dict[int, Path]) -> None:
    with zipfile.ZipFile(clean[0]) as zf:
        c = _read_csv(zf, "finance/contracts.csv")[0]
        pdf = zf.read(f"docs/附件4_改造合同/合同{c['contract_no']}.pdf")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert upper_amount(Decimal(c["amount_yuan"])) in text.replace("\n", "")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("341850.00", "叁拾肆万壹仟捌佰伍拾元整"),
        ("100500", "壹拾万零伍佰元整"),
        ("1005.05", "壹仟零伍元零伍分"),
        ("20010", "贰万零壹拾元整"),
        ("120000000.30", "壹亿贰仟万元叁角整"),
    ],
)
def test_upper_amount(value: str, words: str) -> None:
    assert upper_amount(Decimal(value)) == words


@pytest.mark.parametrize("seed", range(12))
def test_self_assessment_is_level_2_and_agrees_with_the_engine(seed: int) -> None:
    import random

    a = base_answers(random.Random(seed), ["mes", "erp"][: seed % 2 + 1])
    assert level(a) == 2 and Decimal(40) <= score(a) <= Decimal(58)
    assert engine_score(a) == (score(a), 2)


@pytest.mark.parametrize(
    ("baseline", "target", "drawn", "claimed"),
    [
        (80, 93, 90.0, 96.0),  # short of a rising target: mirrored across it
        (80, 93, 93.0, 93.0),
        (80, 93, 95.0, 95.0),
        (45, 25, 30.0, 20.0),  # above a falling target: mirrored across it
        (45, 25, 22.0, 22.0),
        (50, 50, 10.0, 10.0),  # nothing committed
    ],
)
def test_an_honest_goal_meets_its_target(
    baseline: int, target: int, drawn: float, claimed: float
) -> None:
    g = Goal("指标", "%", baseline, target, drawn, None, None)
    meet_target(g)
    assert g.claimed == claimed


def test_honest_cases_keep_the_programme_s_rules_at_any_seed() -> None:
    """What TARGET_MISSED, SUBSIDY_EXCESSIVE and INVESTMENT_UNSUPPORTED look at, over 400 seeds
    of the honest case (key goals are claimed from the data when the package is written; the
    scenario tests cover them)."""
    for seed in range(400):
        case = build_case(seed)
        for g in case.goals:
            if g.key is not None or g.claimed is None:
                continue
            if g.target > g.baseline:
                assert g.claimed >= g.target, (seed, g)
            elif g.target < g.baseline:
                assert g.claimed <= g.target, (seed, g)
        assert case.subsidy_requested <= case.total_investment / 2, seed
        assert case.subsidy_requested <= SUBSIDY_CAP, seed
        assert case.total_investment == sum((c.amount for c in case.contracts), Decimal(0))
        assert engine_score(case.answers)[1] >= case.level_target, seed


def test_the_subsidy_requested_is_capped() -> None:
    party = Party("云南某某软件有限公司", "91530100MA6K0B0B0B")
    big = Contract("HT-1", datetime(2024, 9, 1).date(), "甲方", party, "MES")
    big.items.append(Item(1, "MES", "software", Decimal(1), "套", Decimal("2500000.01"), None))
    assert requested_subsidy([big]) == SUBSIDY_CAP == Decimal("1000000.00")
    big.items[0].unit_price = Decimal("2500000.00")
    assert requested_subsidy([big]) == Decimal("1000000.00")
    big.items[0].unit_price = Decimal("2000000.00")
    assert requested_subsidy([big]) == Decimal("800000.00")


def test_clean_claims_what_the_answers_give(clean: dict[int, Path]) -> None:
    from inspector_app.casepkg.model import SelfAssessmentItem
    from inspector_app.checklist import get_checklist, score_answers

    for path in clean.values():
        with zipfile.ZipFile(path) as zf:
            sa = json.loads(zf.read("self_assessment.json"))
        items = {}
        for k, v in sa["items"].items():
            ans = v.get("answer")
            items[k] = SelfAssessmentItem(
                item_id=k,
                answer=ans if isinstance(ans, str) or ans is None else tuple(ans),
                level=v.get("level"),
                figures={f: Decimal(str(x)) for f, x in v.get("figures", {}).items()},
            )
        result = score_answers(get_checklist("miit-2024"), items)
        assert Decimal(str(sa["claimed_score"])) == result.score
        assert sa["claimed_level"] == result.level == 2
        assert result.scenes_at_or_above[2] >= 6 and result.constrained_at_or_above[2] >= 3


def test_cli_writes_the_same_package(clean: dict[int, Path], tmp_path: Path) -> None:
    from inspector_app.cli import run

    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "cli.case.zip"
    code = run(
        ["sample", "--scenario", "clean", "--out", str(target), "--home", str(tmp_path / "h")],
        out,
        err,
    )
    assert code == 0, err.getvalue()
    assert target.read_bytes() == clean[0].read_bytes()
    code = run(
        [
            "sample",
            "--scenario",
            "clean",
            "--variant",
            "encrypted",
            "--out",
            str(tmp_path / "x"),
            "--home",
            str(tmp_path / "h"),
        ],
        out,
        err,
    )
    assert code == 2
    code = run(["sample", "--scenario", "nope", "--out", str(tmp_path / "y")], out, err)
    assert code == 2


def test_cancel_leaves_nothing_behind(tmp_path: Path) -> None:
    from inspector_app.errors import Cancelled
    from inspector_app.progress import CancelToken

    token = CancelToken()
    seen: list[str] = []

    def progress(done: int, total: int | None, text: str) -> None:
        seen.append(text)
        if done >= 3:
            token.cancel()

    with pytest.raises(Cancelled):
        generate("clean", tmp_path / "c.case.zip", progress=progress, cancel=token)
    assert len(seen) == 3
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    for kwargs in ({"size": "huge"}, {"variant": "rar"}, {"variant": "encrypted"}):
        with pytest.raises(ValueError):
            generate("clean", tmp_path / "x.case.zip", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        generate("nope", tmp_path / "x.case.zip")
