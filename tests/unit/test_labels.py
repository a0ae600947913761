"""The words shown for the program's ids (inspector_app/labels.py): one table per kind of id,
the same words in the CLI's text output and in the app; JSON keeps the ids."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from inspector_app import cli, labels
from inspector_app.i18n import language

EXPECTED_ZH = {
    "CASE_STATUSES": {
        "not_started": "未开始",
        "in_progress": "核查中",
        "concluded": "已结论",
        "exported": "已导出",
        "stale": "需复核",
    },
    "SEVERITIES": {"high": "高", "medium": "中", "low": "低"},
    "DECISIONS": {"confirmed": "确认", "dismissed": "排除"},
    "RECOMMENDATIONS": {"pass": "通过", "improve": "限期优化提升", "disqualify": "取消资格"},
    "ROLES": {"expert": "专家", "agency": "第三方机构"},
    "DISAGREEMENT_TYPES": {
        "item": "题目",
        "scene": "场景",
        "level": "等级",
        "flag": "疑点核查",
        "conclusion": "结论",
    },
    "FINDING_KINDS": {
        "score": "评分",
        "flag_review": "风险提示核查",
        "observation": "现场观察",
        "interview": "访谈",
        "conclusion": "结论",
        "decision": "机构决定",
    },
}


@pytest.mark.parametrize("name", list(EXPECTED_ZH))
def test_every_id_has_its_words_in_both_languages(name: str) -> None:
    """The exact Chinese (no other area's translation of a short English id wins in the
    merged catalog), and the table's English."""
    table = getattr(labels, name)
    assert set(table) == set(EXPECTED_ZH[name])
    for value, zh in EXPECTED_ZH[name].items():
        msg = labels.label(table, value)
        assert msg.render("zh_CN") == zh, value
        english = msg.render("en")
        assert english == table[value] and not any("\u4e00" <= c <= "\u9fff" for c in english)


def test_an_unknown_id_is_shown_as_it_is_and_nothing_as_a_dash() -> None:
    assert labels.severity("critical").render("zh_CN") == "critical"
    assert labels.case_status(None).render("en") == "—"
    assert labels.finding_kind("").render("zh_CN") == "—"


def test_ljust_counts_wide_characters_as_two_columns() -> None:
    assert labels.width("核查中") == 6 and labels.width("In progress") == 11
    assert labels.ljust("已结论", 8) == "已结论  "
    assert labels.ljust("Concluded", 4) == "Concluded"


def test_the_app_case_list_uses_the_same_table() -> None:
    """One mapping in the core for both faces: the UI's case list reads labels.CASE_STATUSES."""
    pytest.importorskip("PySide6")
    from ui.pages import cases, flags

    assert cases.STATUS_LABELS is labels.CASE_STATUSES
    assert flags.SEVERITY_LABELS is labels.SEVERITIES
    assert all(flags.DECISION_LABELS[k] == v for k, v in labels.DECISIONS.items())


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_case_list_text_shows_the_app_words(
    tmp_path: Path, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = str(tmp_path / "home")
    code, out, err = _run(
        "case", "import", str(examples / "clean.case.zip"), "--home", home, "--json"
    )
    assert code == 0, err
    case_id = json.loads(out)["case_id"]

    code, zh, _ = _run("--lang", "zh_CN", "case", "list", "--home", home)
    assert code == 0 and case_id in zh and "未开始" in zh
    assert "imported" not in zh and "not_started" not in zh
    code, en, _ = _run("--lang", "en", "case", "list", "--home", home)
    assert code == 0 and "Not started" in en and "imported" not in en
    code, js, _ = _run("--lang", "zh_CN", "case", "list", "--home", home, "--json")
    assert code == 0 and json.loads(js)[0]["status"] == "imported"

    # every status the app's case list shows, aligned in one column whatever the language
    from inspector_app import services

    real = services.list_cases

    def every_status(h: object) -> list[object]:
        one = real(h)[0]  # type: ignore[arg-type]
        return [
            replace(one, case_id=f"{status:<36}"[:36], display_status=status)
            for status in labels.CASE_STATUSES
        ]

    monkeypatch.setattr(services, "list_cases", every_status)
    for lang, words in (
        ("zh_CN", ["未开始", "核查中", "已结论", "已导出", "需复核"]),
        ("en", ["Not started", "In progress", "Concluded", "Exported", "Needs review"]),
    ):
        with language(lang):
            code, text, _ = _run("--lang", lang, "case", "list", "--home", home)
        lines = text.splitlines()
        assert code == 0 and len(lines) == 5
        for line, word in zip(lines, words, strict=True):
            assert line[38:].startswith(word), line
        uscc_columns = {labels.width(line[: line.index("91530")]) for line in lines}
        assert len(uscc_columns) == 1, lines


def test_findings_list_text_shows_kinds_and_decisions_in_words(
    tmp_path: Path, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inspector_app import identity
    from inspector_app.home import Home

    home = tmp_path / "home"
    identity.init_identity(
        Home(home).ensure(),
        name="张三",
        role="expert",
        passphrase="pw-1234567",
        _kdf=identity.TEST_KDF,
    )
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "pw-1234567")
    code, out, err = _run(
        "case", "import", str(examples / "clean.case.zip"), "--home", str(home), "--json"
    )
    assert code == 0, err
    case_id = json.loads(out)["case_id"]
    for name, payload in (
        ("obs.json", {"kind": "observation", "text": "车间看板未接入"}),
        (
            "flag.json",
            {
                "kind": "flag_review",
                "flag": "USAGE_BURST:mes",
                "decision": "dismissed",
                "reason": "误报",
            },
        ),
    ):
        (tmp_path / name).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        code, _out, err = _run(
            "findings", "add", case_id, "--json-file", str(tmp_path / name), "--home", str(home)
        )
        assert code == 0, err
    code, zh, _ = _run("--lang", "zh_CN", "findings", "list", case_id, "--home", str(home))
    assert code == 0 and "现场观察" in zh and "风险提示核查" in zh and "USAGE_BURST:mes: 排除" in zh
    assert "observation" not in zh and "flag_review" not in zh and "dismissed" not in zh
    code, en, _ = _run("--lang", "en", "findings", "list", case_id, "--home", str(home))
    assert code == 0 and "Observation" in en and "Flag review" in en and ": dismissed" in en


def test_identity_show_names_the_role_in_words(tmp_path: Path) -> None:
    from inspector_app import identity
    from inspector_app.home import Home

    home = Home(tmp_path / "home").ensure()
    identity.init_identity(
        home, name="验收机构", role="agency", passphrase="pw-1234567", _kdf=identity.TEST_KDF
    )
    code, zh, _ = _run("--lang", "zh_CN", "identity", "show", "--home", str(home.root))
    assert code == 0 and "：第三方机构" in zh and "agency" not in zh and "：验收机构" in zh
    code, en, _ = _run("--lang", "en", "identity", "show", "--home", str(home.root))
    assert code == 0 and "Role: third-party agency" in en


def test_every_figure_of_the_checklists_has_a_name_and_a_unit() -> None:
    """The raw figures a question asks for are shown by name (设备总数（台/套）), never by key."""
    from inspector_app.checklist import get_checklist

    keys = {k for q in get_checklist().questions.values() if q.figures for k in q.figures.keys}
    assert keys and keys <= set(labels.FIGURES)
    for key in keys:
        zh = labels.figure_caption(key).render("zh_CN")
        assert key not in zh and "（" in zh and any("\u4e00" <= c <= "\u9fff" for c in zh)
        assert key not in labels.figure_caption(key).render("en")
    assert labels.with_figure_names("x = devices_digital ÷ devices_total") in (
        "x = 数字化设备数 ÷ 设备总数",
        "x = Digitised equipment ÷ Equipment in total",
    )


def test_every_display_status_of_the_case_list_has_its_words() -> None:
    from inspector_app.services import DISPLAY_STATUSES

    assert tuple(labels.CASE_STATUSES) == tuple(DISPLAY_STATUSES)


def test_every_rule_has_the_catalogues_name_in_both_languages() -> None:
    """labels.RULES names every per-package and cross-enterprise rule with the words of the
    specification's catalogue (../shared/docs/red-flags.md: id | severity | 中文 | English | …)."""
    import re

    from inspector_app.analysis.flags import CROSS_SEVERITIES, SEVERITIES
    from tests.conftest import SHARED

    doc = SHARED / "docs" / "red-flags.md"
    if not doc.is_file():
        pytest.skip("the specification (../shared/docs) is not beside the checkout")
    rows = {}
    for line in doc.read_text(encoding="utf-8").splitlines():
        if re.match(r"\| `[A-Z_]+` \|", line):
            cells = [c.strip() for c in line.split("|")]
            rows[cells[1].strip("`")] = (cells[3], cells[4])
    assert set(labels.RULES) == set(SEVERITIES) | set(CROSS_SEVERITIES) == set(rows)
    for rule, (zh, en) in rows.items():
        assert labels.rule_name(rule).render("zh_CN") == zh, rule
        assert labels.rule_name(f"{rule}:subject").render("en").lower() == en.lower(), rule
    assert labels.rule_name("NOT_A_RULE").render("zh_CN") == "NOT_A_RULE"
