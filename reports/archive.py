"""一企一档: the per-enterprise record for the national platform, as JSON and XLSX.

Four parts — 基本信息, 转型需求, 改造内容, 改造成效. The national platform's own field list is not
public, so every field is declared once in :data:`FIELDS` (part, key, Chinese label, where the
value comes from); change the mapping there and both outputs and ``docs/formats/archive.md``
follow. Money is a decimal string in JSON (exact) and a number cell in XLSX (``#,##0.00``).
A value the package or the findings do not hold is ``null`` / empty — never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reports.data import EnterpriseData

FORMAT = "inspector-enterprise-archive"
FORMAT_VERSION = "1"

PARTS = (
    ("basic", "基本信息"),
    ("needs", "转型需求"),
    ("content", "改造内容"),
    ("results", "改造成效"),
)


@dataclass(frozen=True)
class Field:
    part: str
    key: str
    label: str  # the platform's Chinese label
    source: str  # where the value comes from (documentation)
    get: Callable[[EnterpriseData], Any]


def _pkg(d: EnterpriseData) -> Any:
    return d.package


def _e(attr: str) -> Callable[[EnterpriseData], Any]:
    return lambda d: getattr(d.package.enterprise, attr) if d.package else None


def _p(attr: str) -> Callable[[EnterpriseData], Any]:
    return lambda d: getattr(d.package.project, attr) if d.package else None


def _contact(attr: str) -> Callable[[EnterpriseData], Any]:
    def get(d: EnterpriseData) -> Any:
        c = d.package.enterprise.contact if d.package else None
        return getattr(c, attr) if c else None

    return get


def _goals(d: EnterpriseData) -> list[dict[str, Any]] | None:
    if d.package is None:
        return None
    return [
        {
            "metric": g.metric,
            "unit": g.unit,
            "baseline": g.baseline,
            "target": g.target,
        }
        for g in d.package.project.goals
    ]


def _systems(d: EnterpriseData) -> list[dict[str, Any]] | None:
    if d.package is None:
        return None
    return [
        {
            "name": s.name,
            "modules": list(s.modules),
            "deployment": s.deployment,
            "go_live": s.go_live,
            "vendor": s.vendor,
        }
        for s in d.package.systems
    ]


def _contracts(d: EnterpriseData) -> list[dict[str, Any]] | None:
    if d.package is None:
        return None
    return [
        {
            "contract_no": c.contract_no,
            "provider": c.party_b,
            "provider_uscc": c.party_b_uscc,
            "signed_at": c.signed_at,
            "amount_yuan": c.amount_yuan,
        }
        for c in d.package.contracts
    ]


def _goals_results(d: EnterpriseData) -> list[dict[str, Any]] | None:
    if d.package is None:
        return None
    usage = (d.analysis or {}).get("usage", {})
    out = []
    for g in d.package.project.goals:
        verified: Any = None
        if g.key == "active_users" and g.system_id in usage:
            verified = usage[g.system_id]["distinct_users_last_90"]
        out.append({"metric": g.metric, "unit": g.unit, "claimed": g.claimed, "verified": verified})
    return out


def _usage(d: EnterpriseData) -> list[dict[str, Any]] | None:
    if d.package is None or d.analysis is None:
        return None
    names = {s.system_id: s.name for s in d.package.systems}
    return [
        {
            "system": names.get(sid, sid),
            "events": st["events"],
            "active_days_last_90": st["active_days_last_90"],
            "distinct_users_last_90": st["distinct_users_last_90"],
            "last_event": st["last_event"],
        }
        for sid, st in d.analysis.get("usage", {}).items()
    ]


def _final_score(d: EnterpriseData) -> Any:
    return d.final_score.score if d.final_score is not None else None


def _final_level(d: EnterpriseData) -> Any:
    return d.final_score.level if d.final_score is not None and d.final_complete else None


#: the mapping: one row per field of the platform's record
FIELDS: tuple[Field, ...] = (
    Field("basic", "enterprise_name", "企业名称", "enterprise.json name", _e("name")),
    Field("basic", "uscc", "统一社会信用代码", "enterprise.json uscc", _e("uscc")),
    Field("basic", "district", "所属区县", "enterprise.json district", _e("district")),
    Field(
        "basic", "industry_code", "行业代码", "enterprise.json industry_code", _e("industry_code")
    ),
    Field(
        "basic", "industry_name", "行业名称", "enterprise.json industry_name", _e("industry_name")
    ),
    Field("basic", "size", "企业规模", "enterprise.json size (medium/small/micro)", _e("size")),
    Field("basic", "employees", "从业人数", "enterprise.json employees", _e("employees")),
    Field("basic", "contact_name", "联系人", "enterprise.json contact.name", _contact("name")),
    Field("basic", "contact_phone", "联系电话", "enterprise.json contact.phone", _contact("phone")),
    Field(
        "needs",
        "level_before",
        "改造前数字化水平等级",
        "project.json level_before",
        _p("level_before"),
    ),
    Field(
        "needs",
        "level_target",
        "目标数字化水平等级",
        "project.json level_target",
        _p("level_target"),
    ),
    Field(
        "needs",
        "diagnosis_completed_at",
        "数字化诊断完成日期",
        "project.json diagnosis_completed_at",
        _p("diagnosis_completed_at"),
    ),
    Field("needs", "goals", "改造目标（基线值、目标值）", "project.json goals[]", _goals),
    Field("content", "project_id", "项目编号", "project.json project_id", _p("project_id")),
    Field("content", "project_title", "项目名称", "project.json title", _p("title")),
    Field(
        "content",
        "systems",
        "改造系统（模块、部署方式、上线日期、供应商）",
        "systems.json",
        _systems,
    ),
    Field("content", "contracts", "改造合同（服务商、金额）", "finance/contracts.csv", _contracts),
    Field(
        "content",
        "total_investment_yuan",
        "项目总投资（元）",
        "project.json total_investment_yuan",
        _p("total_investment_yuan"),
    ),
    Field(
        "content",
        "subsidy_requested_yuan",
        "申请补助金额（元）",
        "project.json subsidy_requested_yuan",
        _p("subsidy_requested_yuan"),
    ),
    Field(
        "content",
        "subsidy_prepaid_yuan",
        "已预拨付补助（元）",
        "project.json subsidy_prepaid_yuan",
        _p("subsidy_prepaid_yuan"),
    ),
    Field(
        "results", "final_score", "评测总分", "settled findings (score), checklist", _final_score
    ),
    Field(
        "results",
        "final_level",
        "改造后数字化水平等级",
        "settled findings, checklist level rule (null while scoring is incomplete)",
        _final_level,
    ),
    Field(
        "results",
        "goals_results",
        "目标完成情况（申报值、核实值）",
        "project.json goals[].claimed; usage log (active users)",
        _goals_results,
    ),
    Field("results", "usage", "系统使用情况", "usage logs (analysis)", _usage),
    Field(
        "results",
        "outcome",
        "验收结论",
        "settled conclusion (pass / improve / disqualify; null while undecided)",
        lambda d: d.outcome,
    ),
    Field(
        "results",
        "outcome_date",
        "结论日期",
        "signing date of the settled conclusion",
        lambda d: d.outcome_date,
    ),
)


def _plain(value: Any) -> Any:
    """JSON-ready: Decimal as an exact string, dates ISO."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def archive(d: EnterpriseData) -> dict[str, Any]:
    """The 一企一档 record as a JSON-ready object."""
    parts: dict[str, dict[str, Any]] = {key: {} for key, _label in PARTS}
    for f in FIELDS:
        parts[f.part][f.key] = _plain(f.get(d))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": d.generated_at.isoformat(timespec="seconds"),
        "case_ids": [c.case_id for c in d.cases],
        **parts,
    }


def archive_json(d: EnterpriseData) -> bytes:
    import json

    return (json.dumps(archive(d), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def archive_xlsx(d: EnterpriseData) -> bytes:
    """The record as a workbook: one sheet per part (label, key, value); list fields as tables
    (a bold shaded header row, money as ``#,##0.00`` numbers, every cell wrapped and aligned
    to the top, the header row frozen). Written by :mod:`reports.xlsxwrite`."""
    from reports.xlsxwrite import BOLD, HEAD, MONEY, WRAP, Sheet, workbook

    def value(v: Any) -> tuple[Any, int]:
        return _cell(v), MONEY if isinstance(v, Decimal) else WRAP

    sheets = []
    for part, title in PARTS:
        ws = Sheet(title, {"A": 34, "B": 26, "C": 40, **dict.fromkeys("DEFG", 18)})
        ws.append([(h, HEAD) for h in ("字段", "键", "值")])
        tables: list[tuple[Field, list[dict[str, Any]]]] = []
        for f in (f for f in FIELDS if f.part == part):
            v = f.get(d)
            if isinstance(v, list):
                tables.append((f, v))
                ws.append([(f.label, WRAP), (f.key, WRAP), (f"→ {len(v)}", WRAP)])
                continue
            ws.append([(f.label, WRAP), (f.key, WRAP), value(v)])
        for f, rows in tables:
            ws.append([])
            ws.append([(f.label, BOLD)])
            keys = list(rows[0]) if rows else []
            ws.append([(k, HEAD) for k in keys])
            for row in rows:
                ws.append([value(row[k]) for k in keys])
        sheets.append(ws)
    return workbook(sheets)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def mapping_table() -> str:
    """The field mapping as a Markdown table (``docs/formats/archive.md`` is checked against it)."""
    lines = ["| part | key | label | source |", "|---|---|---|---|"]
    names = dict(PARTS)
    for f in FIELDS:
        lines.append(f"| {names[f.part]} | `{f.key}` | {f.label} | {f.source} |")
    return "\n".join(lines)
