"""附件1, 2, 3, 6, 7 and 8: the archive cover, the application form, the financial check sheet,
the project summary report, the evidence of results and the self-assessment, as PDFs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from inspector_app.casepkg.model import ATTACHMENT_NAMES
from inspector_app.samples.documents import P, build, cn_date, table, yuan
from inspector_app.samples.finance import total_amount, upper_amount
from inspector_app.samples.logs import LogStats
from inspector_app.samples.selfassess import CONSTRAINED, POINTS, SCENE_NAMES, question_points

if TYPE_CHECKING:
    from inspector_app.samples.spec import Case

ATTACHMENTS = ATTACHMENT_NAMES


def _basic(case: Case) -> list[list[str]]:
    return [
        ["企业名称", case.ent.name, "统一社会信用代码", case.uscc],
        [
            "所在县区",
            case.ent.district,
            "所属行业",
            f"{case.ent.industry_code} {case.ent.industry_name}",
        ],
        ["项目名称", case.title, "立项编号", case.project_id],
        ["立项日期", cn_date(case.registered), "改造完成日期", cn_date(case.completed)],
        [
            "总投资（元）",
            yuan(case.total_investment),
            "申请补助（元）",
            yuan(case.subsidy_requested),
        ],
        ["联系人", case.contact.name, "联系电话", case.phone],
    ]


W4 = [28 * mm, 57 * mm, 28 * mm, 57 * mm]


def archive_pdf(case: Case) -> bytes:
    s: list[Any] = [
        Spacer(1, 60 * mm),
        P("昆明市中小企业数字化转型城市试点", "subtitle"),
        P("试点项目验收档案", "title"),
        Spacer(1, 20 * mm),
        P(f"企业名称：{case.ent.name}", "subtitle"),
        P(f"项目名称：{case.title}", "subtitle"),
        P(f"立项编号：{case.project_id}　　验收批次：{case.batch}", "subtitle"),
        Spacer(1, 30 * mm),
        P(cn_date(case.applied), "subtitle"),
        PageBreak(),
        P("档案目录", "title"),
    ]
    rows = [["序号", "材料名称", "说明"]]
    for n, name in ATTACHMENTS.items():
        if n in case.omit_attachments:
            continue
        rows.append([f"附件{n}", name, "见本档案" if n == 1 else "另册"])
    s += [
        table(rows, [25 * mm, 70 * mm, 75 * mm]),
        Spacer(1, 8),
        P("项目基本信息", "h"),
        table(_basic(case), W4, header=False),
    ]
    return build(s, title="验收档案", author=case.ent.name)


def application_pdf(case: Case) -> bytes:
    s: list[Any] = [
        P("中小企业数字化转型试点项目验收申请表", "title"),
        table(_basic(case), W4, header=False),
        Spacer(1, 6),
        table(
            [
                ["服务商", "、".join(p.name for p in case.providers)],
                [
                    "建设内容",
                    "；".join(
                        f"{sp.kind.name}（{'、'.join(sp.kind.modules)}）" for sp in case.systems
                    ),
                ],
                [
                    "上线时间",
                    "；".join(
                        f"{sp.system_id.upper()} {cn_date(sp.go_live)}"
                        for sp in case.systems
                        if sp.go_live
                    ),
                ],
                ["改造前水平", f"{case.level_before}级"],
                ["目标水平", f"{case.level_target}级"],
                ["已预拨补助（元）", yuan(case.subsidy_prepaid)],
            ],
            [40 * mm, 130 * mm],
            header=False,
        ),
        Spacer(1, 6),
        P("申请意见", "h"),
        P(
            f"我单位“{case.title}”已于{cn_date(case.completed)}完成全部建设内容，各系统运行稳定，"
            "达到立项时确定的绩效目标。现按照《昆明市中小企业数字化转型城市试点项目验收工作方案》的要求，"
            "申请组织验收。我单位承诺所提交的全部材料真实、准确、完整，如有虚假，愿承担相应责任。"
        ),
        Spacer(1, 10),
        P(f"申请单位（盖章）：{case.ent.name}", "right"),
        P(f"法定代表人（签字）：　　　　　　　　　　日期：{cn_date(case.applied)}", "right"),
    ]
    return build(s, title="验收申请表", author=case.ent.name)


def finance_sheet_pdf(case: Case) -> bytes:
    s: list[Any] = [
        P("试点项目财务核查表", "title"),
        P(f"企业名称：{case.ent.name}　　立项编号：{case.project_id}", "plain"),
        Spacer(1, 4),
        P("一、合同情况", "h"),
    ]
    rows = [["合同编号", "签订日期", "乙方", "合同金额（元）"]]
    for c in case.contracts:
        rows.append([c.contract_no, c.signed_at.isoformat(), c.party_b.name, yuan(c.amount)])
    rows.append(["合计", "", "", yuan(total_amount(case.contracts))])
    s.append(table(rows, [32 * mm, 25 * mm, 75 * mm, 38 * mm]))
    s.append(P("二、发票情况", "h"))
    rows = [["发票号码", "开票日期", "销售方", "价税合计（元）"]]
    for v in case.invoices:
        rows.append([v.invoice_no, v.issued_at.isoformat(), v.seller.name, yuan(v.total)])
    rows.append(["合计", "", "", yuan(sum((v.total for v in case.invoices), Decimal(0)))])
    s.append(table(rows, [45 * mm, 25 * mm, 65 * mm, 35 * mm]))
    s.append(P("三、资金支付情况", "h"))
    rows = [["日期", "方向", "付款方", "收款方", "金额（元）", "用途"]]
    for p in case.payments:
        rows.append(
            [
                p.paid_at.isoformat(),
                "支出" if p.direction == "out" else "收入",
                p.payer,
                p.payee,
                yuan(p.amount),
                p.memo,
            ]
        )
    s.append(table(rows, [22 * mm, 12 * mm, 40 * mm, 40 * mm, 25 * mm, 31 * mm]))
    s += [
        Spacer(1, 8),
        P("经核对，上述合同、发票、付款凭证与原件一致，项目资金专款专用。"),
        Spacer(1, 8),
        P(f"财务负责人（签字）：　　　　　　　　单位（盖章）：{case.ent.name}", "right"),
    ]
    return build(s, title="财务核查表", author=case.ent.name)


def summary_pdf(case: Case, stats: dict[str, LogStats]) -> bytes:
    main = case.systems[0]
    st = stats.get(main.system_id)
    s: list[Any] = [
        P(f"{case.title}总结报告", "title"),
        P(f"{case.ent.name}　{cn_date(case.applied)}", "subtitle"),
        P("一、企业及项目概况", "h"),
        P(
            f"{case.ent.name}成立于昆明市{case.ent.district}，主营{case.ent.product}的生产与销售，属"
            f"{case.ent.industry_name}行业（{case.ent.industry_code}），现有员工{case.employees}人。"
            f"改造前企业生产计划、报工、领料、质检等主要依靠纸质单据和Excel表格流转，数据滞后、差错多，"
            f"经数字化诊断评定为{case.level_before}级。"
        ),
        P(
            f"项目于{cn_date(case.registered)}在昆明市中小企业数字化转型公共服务平台立项，"
            f"总投资{yuan(case.total_investment)}元（{upper_amount(case.total_investment)}），"
            f"服务商为{'、'.join(p.name for p in case.providers)}。"
        ),
        P("二、建设内容", "h"),
    ]
    for sp in case.systems:
        s.append(
            P(
                f"{sp.kind.name}：部署方式为{_DEPLOYMENT[sp.deployment]}，"
                f"包含{'、'.join(sp.kind.modules)}等模块，授权用户{sp.licensed_users}个，"
                f"于{cn_date(sp.go_live) if sp.go_live else '（未上线）'}正式上线。"
            )
        )
    s += [
        P("三、实施过程", "h"),
        P(
            f"{cn_date(case.contracts[0].signed_at)}签订改造合同后，服务商组建了项目组驻场实施，完成业务调研、"
            "流程梳理、基础数据整理、系统配置与接口开发，组织了三轮全员培训。系统上线后经过两个月的"
            f"试运行与优化，于{cn_date(case.completed)}完成全部建设内容。"
        ),
        P("四、改造成效", "h"),
    ]
    if st is not None and st.events:
        s.append(
            P(
                f"{main.kind.name}上线以来累计产生操作记录{st.events:,}条，申请验收前90天内有"
                f"{len(st.users_in_window)}名员工使用系统，新建业务单据{st.created_in_window:,}张。"
            )
        )
    for g in case.goals:
        s.append(
            P(
                f"{g.metric}：改造前{_num(g.baseline)}{g.unit}，目标{_num(g.target)}{g.unit}，"
                f"实际达到{_num(g.claimed or 0)}{g.unit}。"
            )
        )
    s += [
        P("五、存在问题及下一步计划", "h"),
        P(
            "部分老员工对移动端操作仍不熟练，设备数据自动采集覆盖率有待提高。下一步将扩大设备联网范围，"
            "推进与财务系统的深度集成，力争两年内达到数字化水平三级。"
        ),
    ]
    return build(s, title="项目总结报告", author=case.ent.name)


_DEPLOYMENT = {"saas": "SaaS云服务", "on_premise": "本地部署", "private_cloud": "私有云"}


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def evidence_pdf(case: Case, stats: dict[str, LogStats]) -> bytes:
    s: list[Any] = [P("改造成效佐证材料", "title"), P("一、绩效目标完成情况", "h")]
    rows = [["绩效指标", "单位", "改造前", "目标值", "完成值", "数据来源"]]
    for g in case.goals:
        source = f"{g.system_id.upper()}系统导出" if g.system_id else "企业统计"
        rows.append(
            [g.metric, g.unit, _num(g.baseline), _num(g.target), _num(g.claimed or 0), source]
        )
    s.append(table(rows, [50 * mm, 18 * mm, 20 * mm, 20 * mm, 20 * mm, 42 * mm]))
    for sp in case.systems:
        st = stats.get(sp.system_id)
        if st is None or not st.records:
            continue
        s.append(P(f"二、{sp.kind.name}业务单据月度统计", "h"))
        monthly: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (d, _), (c, u) in st.records.items():
            m = monthly[f"{d.year}-{d.month:02d}"]
            m[0] += c
            m[1] += u
        rows = [["月份", "新建单据", "更新单据"]]
        for month in sorted(monthly):
            rows.append([month, f"{monthly[month][0]:,}", f"{monthly[month][1]:,}"])
        s.append(table(rows, [40 * mm, 40 * mm, 40 * mm]))
    s.append(P("三、现场照片", "h"))
    for ph in case.photos:
        s.append(P(f"{ph.path}：{ph.title}（拍摄于{cn_date(ph.taken.date())}）", "plain"))
    return build(s, title="改造成效佐证材料", author=case.ent.name)


def self_assessment_pdf(case: Case, score: Decimal, level: int) -> bytes:
    a = case.answers
    s: list[Any] = [
        P("中小企业数字化水平自评测表（2024年版）", "title"),
        P(f"企业名称：{case.ent.name}　　自评日期：{cn_date(case.assessed)}", "plain"),
        P("一、数字化基础、管理、成效（评分项）", "h"),
    ]
    rows = [["题号", "选项", "得分"]]
    for qid, ans in a.questions.items():
        letters = ans if isinstance(ans, list) else [ans]
        rows.append([qid, "、".join(letters), f"{question_points(qid, ans).normalize():f}"])
        assert all(x in POINTS[qid] for x in letters)
    s.append(table(rows, [30 * mm, 90 * mm, 30 * mm]))
    s.append(P("二、数字化经营（场景等级）", "h"))
    rows = [["场景", "名称", "类型", "自评等级"]]
    for sid, lv in a.scenes.items():
        rows.append([sid, SCENE_NAMES[sid], "约束性" if sid in CONSTRAINED else "指导性", str(lv)])
    s.append(table(rows, [25 * mm, 50 * mm, 30 * mm, 30 * mm]))
    s += [
        Spacer(1, 6),
        P(
            f"自评总分：{(score + case.score_excess).normalize():f}分　　自评等级：{level + case.level_excess}级",
            "h",
        ),
        Spacer(1, 10),
        P(f"填报单位（盖章）：{case.ent.name}", "right"),
        P(f"填报人：{case.contact.name}　　日期：{cn_date(case.assessed)}", "right"),
    ]
    return build(s, title="改造后自评测", author=case.ent.name)


def daily_report_pdf(case: Case, day: date, rows: list[tuple[str, int, int]]) -> bytes:
    """A one-page 生产日报 exported from the main system."""
    main = case.systems[0]
    s: list[Any] = [
        P(f"{case.ent.name}", "subtitle"),
        P(f"{main.kind.short_name}生产日报", "title"),
        P(f"日期：{cn_date(day)}　　导出人：系统管理员", "plain"),
        Spacer(1, 6),
    ]
    table_rows = [["单据类型", "当日新建", "当日更新", "备注"]]
    for kind, created, updated in rows:
        table_rows.append([kind, str(created), str(updated), ""])
    table_rows.append(["合计", str(sum(r[1] for r in rows)), str(sum(r[2] for r in rows)), ""])
    s.append(table(table_rows, [45 * mm, 35 * mm, 35 * mm, 55 * mm]))
    s += [Spacer(1, 8), P("本日报由系统自动生成，数据截至当日24时。", "small")]
    return build(s, title=f"生产日报{day.isoformat()}", author=case.ent.name)
