"""Case services: import, list, open; the analysis computed once and kept in the workspace."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from inspector_app import cli, services
from inspector_app.analysis import engine
from inspector_app.errors import InputRefused
from inspector_app.home import Home

from .conftest import PASSPHRASE, make_home


def _cli(home: Home, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run([*argv, "--home", str(home.root)], out, err)
    return code, out.getvalue(), err.getvalue()


def test_import_list_and_summary(tmp_path: Path, clean_package: Path) -> None:
    home = make_home(tmp_path, "h")
    summary = services.import_case(home, clean_package)
    assert summary.status == "imported" and summary.display_status == "not_started"
    assert summary.district and summary.providers and summary.enterprise
    assert summary.open_flags == 0 and summary.analysed is False
    again = services.import_case_row(home, clean_package)
    assert again.already_imported and again.case.case_id == summary.case_id
    (listed,) = services.list_cases(home)
    assert listed == summary


def test_analysis_is_cached_in_the_workspace(
    tmp_path: Path, clean_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = make_home(tmp_path, "h")
    case_id = services.import_case(home, clean_package).case_id
    direct = services.analyze_package(clean_package, home=home)

    first = services.open_case(home, case_id[:8]).analysis()
    assert first.to_json() == direct.to_json()
    assert services.list_cases(home)[0].analysed

    def must_not_run(*_a: object, **_k: object) -> None:
        raise AssertionError("the analysis ran again")

    monkeypatch.setattr(engine, "analyze", must_not_run)
    reopened = services.open_case(home, case_id)
    assert reopened.cached_analysis() is not None
    assert reopened.analysis().to_json() == first.to_json()

    # another rule setting in the home is another key: the analysis runs again
    (home.settings_dir / "rules.toml").write_text(
        "[USAGE_BURST]\nwindow_days = 45\n", encoding="utf-8"
    )
    monkeypatch.undo()
    changed = services.open_case(home, case_id)
    assert changed.cached_analysis() is None
    result = changed.analysis()
    assert result.settings_sha256 != first.settings_sha256
    assert result.settings_sha256 == services.open_case(home, case_id).cache_key().settings_sha256


def test_damaged_cache_is_a_miss(tmp_path: Path, clean_package: Path) -> None:
    home = make_home(tmp_path, "h")
    case_id = services.import_case(home, clean_package).case_id
    first = services.open_case(home, case_id).analysis()
    path = services.AnalysisCache(home.workspace).path(case_id)
    path.write_bytes(b"not a pickle")
    again = services.open_case(home, case_id)
    assert again.cached_analysis() is None
    assert again.analysis().to_json() == first.to_json()


def test_analyze_names_a_case_or_a_path(tmp_path: Path, clean_package: Path) -> None:
    home = make_home(tmp_path, "h")
    assert services.analysis_target(home, "nope") == Path("nope")
    assert not (home.workspace / "findings.sqlite3").exists()  # nothing created
    case_id = services.import_case(home, clean_package).case_id
    assert services.analysis_target(home, case_id[:6]) == case_id
    assert services.analysis_target(home, str(clean_package)) == clean_package

    code, by_path, err = _cli(home, "analyze", str(clean_package), "--json")
    assert code == 0, err
    code, by_case, err = _cli(home, "analyze", case_id[:6], "--json")
    assert code == 0, err
    assert json.loads(by_case) == json.loads(by_path)
    code, _, err = _cli(home, "analyze", str(tmp_path / "missing.case.zip"))
    assert code == 1 and "missing.case.zip" in err


def test_open_case_refuses_an_unknown_case(tmp_path: Path, clean_package: Path) -> None:
    home = make_home(tmp_path, "h")
    services.import_case(home, clean_package)
    with pytest.raises(InputRefused):
        services.open_case(home, "ffffffff")


def test_display_status_follows_the_findings(tmp_path: Path, clean_package: Path) -> None:
    home = make_home(tmp_path, "h", "expert")
    case_id = services.import_case(home, clean_package).case_id
    signer = services.unlock_identity(home, PASSPHRASE)
    services.add_finding(
        home, case_id, {"kind": "observation", "text": "现场看到系统在用"}, signer=signer
    )
    assert services.case_summary(home, case_id).display_status == "in_progress"
    services.add_finding(
        home,
        case_id,
        {
            "kind": "conclusion",
            "recommendation": "improve",
            "summary": "质检仍用表格",
            "requirements": ["上线质检模块"],
        },
        signer=signer,
    )
    assert services.case_summary(home, case_id).display_status == "concluded"


def test_the_cache_key_is_the_same_for_the_encrypted_package(
    tmp_path: Path, examples: Path
) -> None:
    plain_home = make_home(tmp_path, "plain")
    sealed_home = make_home(tmp_path, "sealed")
    plain = services.import_case(plain_home, examples / "clean.case.zip")
    identities = services.package_identities(
        sealed_home,
        examples / "clean.case.zip.age",
        identity_files=[examples / "example-expert.agekey"],
    )
    sealed = services.import_case(
        sealed_home, examples / "clean.case.zip.age", identities=identities
    )
    assert plain.case_id == sealed.case_id
    one = services.open_case(plain_home, plain.case_id)
    other = services.open_case(sealed_home, sealed.case_id)
    assert one.cache_key() == other.cache_key()
    # the cached analysis of one home serves the other: same key, same result
    first = one.analysis()
    cache = services.AnalysisCache(sealed_home.workspace)
    cache.store(sealed.case_id, one.cache_key(), first)
    assert other.cached_analysis() is not None
    assert other.analysis().to_json() == first.to_json()


def test_a_concluded_case_is_exported_once_its_findings_are_in_a_bundle(
    tmp_path: Path, clean_package: Path
) -> None:
    from sync import services as sync_services

    expert = make_home(tmp_path, "expert", "expert")
    agency = make_home(tmp_path, "agency", "agency")
    services.trust_card(expert, agency.identity_dir / "card.json")
    case_id = services.import_case(expert, clean_package).case_id
    signer = services.unlock_identity(expert, PASSPHRASE)
    services.add_finding(
        expert,
        case_id,
        {
            "kind": "conclusion",
            "recommendation": "improve",
            "summary": "质检仍用表格",
            "requirements": ["上线质检模块"],
        },
        signer=signer,
    )
    assert services.case_summary(expert, case_id).display_status == "concluded"
    sync_services.export_bundle(expert, tmp_path / "out", signer=signer)
    assert services.case_summary(expert, case_id).display_status == "exported"
    services.add_finding(expert, case_id, {"kind": "observation", "text": "补充"}, signer=signer)
    assert services.case_summary(expert, case_id).display_status == "concluded"
