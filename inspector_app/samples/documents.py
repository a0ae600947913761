"""The acceptance materials 附件1–8 as real PDF documents (reportlab, embedded CJK font).

Every document is built from the same case data as the package's JSON and CSV files, so that
what an expert reads in a contract or an invoice agrees with ``finance/*.csv`` — except where
a scenario plants a disagreement, which then shows in both. Output is byte-for-byte
deterministic: reportlab runs in invariant mode (fixed document id and dates) and the creation
date written is the package's own date, never the wall clock.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from inspector_app.pdfstyle import FONT, styles
from inspector_app.pdfstyle import register_cjk_font as _register_font
from inspector_app.samples.finance import Contract, Invoice, Payment, upper_amount
from inspector_app.values import money_str

__all__ = ["FONT", "P", "build", "cn_date", "styles", "table", "yuan"]


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def yuan(v: Decimal) -> str:
    whole, _, frac = money_str(v).partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{','.join(groups)}.{frac}"


def P(text: str, style: str = "body") -> Paragraph:
    return Paragraph(text, styles()[style])


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float] | None = None,
    *,
    header: bool = True,
    grid: bool = True,
    spans: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> Table:
    s = styles()["cell"]
    data = [[c if not isinstance(c, str) else Paragraph(c, s) for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), _register_font()),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if grid:
        cmds.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    if header:
        cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8ECF2")))
    for start, end in spans:
        cmds.append(("SPAN", start, end))
    t.setStyle(TableStyle(cmds))
    return t


def build(story: list[Any], *, title: str, author: str, margins: float = 20) -> bytes:
    """Render a story to PDF bytes (A4, page numbers, deterministic)."""
    _register_font()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=margins * mm,
        rightMargin=margins * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        creator="inspector-app sample",
        subject=title,
    )

    def footer(canvas: Any, d: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {d.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def signature_block(left: str, right: str, when_left: date, when_right: date) -> Table:
    rows = [
        [f"甲方（盖章）：{left}", f"乙方（盖章）：{right}"],
        ["法定代表人或授权代表（签字）：", "法定代表人或授权代表（签字）："],
        [f"日期：{cn_date(when_left)}", f"日期：{cn_date(when_right)}"],
    ]
    return table(rows, [85 * mm, 85 * mm], header=False, grid=False)


# --- 附件4: contracts --------------------------------------------------------------------


def contract_pdf(
    c: Contract,
    *,
    enterprise_uscc: str,
    district: str,
    buyer_contact: str,
    vendor_contact: str,
    go_live: date,
    payments_plan: list[tuple[str, Decimal]],
) -> bytes:
    s: list[Any] = [
        P("数字化改造服务合同" if c.items[0].category != "hardware" else "设备采购合同", "title"),
        P(f"合同编号：{c.contract_no}", "right"),
        Spacer(1, 4),
        table(
            [
                ["甲方（采购方）", c.party_a],
                ["统一社会信用代码", enterprise_uscc],
                ["住所", f"云南省昆明市{district}"],
                ["联系人", buyer_contact],
                ["乙方（服务方）", c.party_b.name],
                ["统一社会信用代码", c.party_b.uscc],
                ["住所", f"云南省昆明市{c.party_b.district or '高新区'}"],
                ["联系人", vendor_contact],
            ],
            [40 * mm, 130 * mm],
            header=False,
        ),
        Spacer(1, 6),
        P(
            "根据《中华人民共和国民法典》及相关法律法规，甲乙双方在平等、自愿、公平、诚实信用的基础上，"
            f"就甲方“{c.subject}”事宜，经友好协商，达成如下协议，以资共同遵守。"
        ),
        P("第一条 项目内容", "h"),
        P("乙方按本合同及附件的要求，为甲方提供以下产品和服务（含税价，单位：元）："),
    ]
    rows: list[list[Any]] = [["序号", "产品/服务名称", "目录编号", "单位", "数量", "单价", "金额"]]
    for i in c.items:
        rows.append(
            [
                str(i.line_no),
                i.item,
                i.catalog_code or "—",
                i.unit,
                f"{i.quantity:f}",
                yuan(i.unit_price),
                yuan(i.amount),
            ]
        )
    rows.append(["", "合计", "", "", "", "", yuan(c.amount)])
    s.append(table(rows, [12 * mm, 52 * mm, 30 * mm, 16 * mm, 14 * mm, 23 * mm, 25 * mm]))
    s += [
        P("第二条 合同金额", "h"),
        P(
            f"本合同总金额为人民币（大写）<b>{upper_amount(c.amount)}</b>（小写：¥{yuan(c.amount)}），"
            "该价格已包含产品、实施、培训、差旅、税费等一切费用，合同履行期间不作调整。"
        ),
        P("第三条 付款方式", "h"),
    ]
    for k, (what, amount) in enumerate(payments_plan, 1):
        s.append(P(f"{k}. {what}：人民币{yuan(amount)}元（{upper_amount(amount)}）。"))
    s.append(
        P(
            "乙方应在甲方每次付款前开具等额的增值税电子发票（全电发票）。甲方以银行转账方式支付至乙方"
            "在本合同中列明的账户。"
        )
    )
    s += [
        P("第四条 交付、实施与验收", "h"),
        P(
            f"乙方应于{cn_date(go_live)}前完成系统部署、数据初始化、接口联调及用户培训，系统正式上线运行。"
            "上线稳定运行满两个月后，甲方组织验收；验收合格的，双方签署《项目验收报告》。"
        ),
        P("第五条 质量保证", "h"),
        P(
            f"质保期为验收合格之日起{c.warranty_months}个月。质保期内乙方提供7×24小时远程支持，"
            "重大故障4小时内响应、24小时内到场。质保金为合同总额的5%，质保期满无质量问题后一次性无息支付。"
        ),
        P("第六条 知识产权与保密", "h"),
        P(
            "乙方保证所提供的软件及服务不侵犯任何第三方的知识产权。双方对在合同履行过程中知悉的对方商业秘密、"
            "生产数据负有保密义务，保密期限不因合同终止而终止。甲方业务数据的所有权归甲方。"
        ),
        P("第七条 违约责任", "h"),
        P(
            "乙方逾期交付的，每逾期一日按合同总额的0.5‰向甲方支付违约金；甲方逾期付款的，每逾期一日按应付"
            "未付金额的0.5‰向乙方支付违约金。违约金累计不超过合同总额的10%。"
        ),
        P("第八条 争议解决", "h"),
        P(
            "因本合同引起的争议，双方应友好协商解决；协商不成的，任何一方均可向甲方所在地有管辖权的人民法院"
            "提起诉讼。"
        ),
        P("第九条 其他", "h"),
        P("本合同一式肆份，甲乙双方各执贰份，自双方签字盖章之日起生效，具有同等法律效力。"),
        Spacer(1, 12),
        KeepTogether(signature_block(c.party_a, c.party_b.name, c.signed_at, c.signed_at)),
    ]
    return build(s, title=f"合同{c.contract_no}", author=c.party_b.name)


# --- 附件5: invoices and bank receipts -----------------------------------------------------


def invoice_pdf(v: Invoice) -> bytes:
    rate_pct = f"{int(v.rate * 100)}%"
    s: list[Any] = [
        P("电子发票（增值税专用发票）", "title"),
        table(
            [
                ["发票号码", v.invoice_no, "开票日期", cn_date(v.issued_at)],
            ],
            [25 * mm, 60 * mm, 25 * mm, 60 * mm],
            header=False,
            grid=False,
        ),
        Spacer(1, 4),
        table(
            [
                [
                    "购买方信息",
                    f"名称：{v.buyer.name}<br/>统一社会信用代码/纳税人识别号：{v.buyer.uscc}",
                    "销售方信息",
                    f"名称：{v.seller.name}<br/>统一社会信用代码/纳税人识别号：{v.seller.uscc}",
                ],
            ],
            [18 * mm, 67 * mm, 18 * mm, 67 * mm],
            header=False,
        ),
        table(
            [
                ["项目名称", "规格型号", "单位", "数量", "单价", "金额", "税率/征收率", "税额"],
                [v.item, "", "项", "1", yuan(v.excl_tax), yuan(v.excl_tax), rate_pct, yuan(v.tax)],
                ["合计", "", "", "", "", f"¥{yuan(v.excl_tax)}", "", f"¥{yuan(v.tax)}"],
                [
                    f"价税合计（大写）：{upper_amount(v.total)}",
                    "",
                    "",
                    "",
                    "",
                    f"（小写）¥{yuan(v.total)}",
                    "",
                    "",
                ],
            ],
            [48 * mm, 18 * mm, 10 * mm, 10 * mm, 22 * mm, 24 * mm, 18 * mm, 20 * mm],
            spans=[((0, 3), (4, 3)), ((5, 3), (7, 3)), ((0, 2), (4, 2))],
        ),
        table([["备注", f"合同编号：{v.contract_no or ''}"]], [18 * mm, 152 * mm], header=False),
        Spacer(1, 8),
        P(
            "开票人：财务部　　　　　　　　　　　　　　　　　　　　　　　国家税务总局云南省税务局监制",
            "small",
        ),
    ]
    return build(s, title=f"电子发票{v.invoice_no}", author=v.seller.name, margins=16)


def receipt_pdf(p: Payment, *, payer_account: str, payee_account: str, bank: str) -> bytes:
    s: list[Any] = [
        P(f"{bank}网上银行电子回单", "title"),
        table(
            [
                ["回单编号", p.bank_ref, "交易日期", cn_date(p.paid_at)],
                ["付款人户名", p.payer, "收款人户名", p.payee],
                ["付款人账号", payer_account, "收款人账号", payee_account],
                ["金额（小写）", f"¥{yuan(p.amount)}", "金额（大写）", upper_amount(p.amount)],
                ["用途", p.memo, "业务类型", "网银转账" if p.direction == "out" else "来账"],
                ["摘要", f"合同号 {p.contract_no}" if p.contract_no else "", "交易状态", "成功"],
            ],
            [25 * mm, 60 * mm, 25 * mm, 60 * mm],
            header=False,
        ),
        Spacer(1, 8),
        P("本回单为电子回单，可通过网上银行验证真伪。重复打印无效。", "small"),
    ]
    return build(s, title=f"银行回单{p.bank_ref}", author=bank)
