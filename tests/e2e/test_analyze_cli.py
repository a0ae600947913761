"""``inspector-app analyze PACKAGE [--json] [--rules FILE] [--identity FILE]`` (cli.md)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from inspector_app.cli import run

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def example(name: str) -> Path:
    path = EXAMPLES / name
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    return path


def test_json_shape_of_a_flagged_package() -> None:
    code, out, err = cli("analyze", str(example("payment-reflux.case.zip")), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data)[:6] == [
        "package_id",
        "uscc",
        "enterprise",
        "settings_sha256",
        "flags",
        "usage",
    ]
    assert len(data["settings_sha256"]) == 64
    (flag,) = data["flags"]
    assert set(flag) == {
        "id",
        "rule",
        "severity",
        "title",
        "title_en",
        "detail",
        "detail_en",
        "hint",
        "hint_en",
        "evidence",
    }
    assert flag["rule"] == "PAYMENT_REFLUX" and flag["severity"] == "high"
    assert flag["id"].startswith("PAYMENT_REFLUX:")
    assert all(e["path"] == "finance/payments.csv" for e in flag["evidence"])
    for stats in data["usage"].values():
        assert {
            "events",
            "first_event",
            "last_event",
            "active_days_last_90",
            "distinct_users_last_90",
            "share_last_30",
        } <= set(stats)
        assert stats["first_event"].endswith("+08:00")


def test_text_output_and_clean_package() -> None:
    code, out, _ = cli("analyze", str(example("payment-reflux.case.zip")))
    assert code == 0
    assert "PAYMENT_REFLUX" in out and "资金回流" in out and "finance/payments.csv" in out
    code, out, _ = cli("analyze", str(example("clean.case.zip")), "--json")
    assert code == 0 and json.loads(out)["flags"] == []


def test_encrypted_package_with_identity_file() -> None:
    code, out, err = cli(
        "analyze",
        str(example("clean.case.zip.age")),
        "--identity",
        str(example("example-expert.agekey")),
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["flags"] == []


def test_rules_file_layers_over_defaults(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[PAYMENT_REFLUX]\nmin_amount_yuan = "100000.00"\n', encoding="utf-8")
    code, out, err = cli(
        "analyze", str(example("payment-reflux.case.zip")), "--rules", str(rules), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["flags"] == []  # 62,640 yuan is under the raised threshold
    _, default_out, _ = cli("analyze", str(example("payment-reflux.case.zip")), "--json")
    assert data["settings_sha256"] != json.loads(default_out)["settings_sha256"]


@pytest.mark.parametrize(
    "text",
    ["[NOT_A_RULE]\nx = 1\n", '[USAGE_BURST]\nwindow_days = "30"\n', "[USAGE_BURST\n"],
)
def test_bad_rules_file_is_a_usage_error(tmp_path: Path, text: str) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(text, encoding="utf-8")
    code, out, err = cli("analyze", str(example("clean.case.zip")), "--rules", str(rules))
    assert code == 2
    assert out == "" and "用法错误" in err and " / " not in err  # Chinese, the default


def test_invalid_package_prints_the_validate_object(tmp_path: Path) -> None:
    source = example("clean.case.zip")
    broken = tmp_path / "broken.case.zip"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "finance/payments.csv":
                data = data.replace(b"out", b"OUT", 1)
            zout.writestr(info, data)
    code, out, _ = cli("analyze", str(broken), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["valid"] is False and data["package_id"]
    assert any(e["code"] == "HASH_MISMATCH" for e in data["errors"])
    code, out, err = cli("analyze", str(broken))
    assert code == 1 and "HASH_MISMATCH" in err


def test_missing_package(tmp_path: Path) -> None:
    code, _, err = cli("analyze", str(tmp_path / "nope.case.zip"))
    assert code == 1 and "nope.case.zip" in err
