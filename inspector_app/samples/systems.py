"""The kinds of systems a pilot deploys: modules, business objects and user roles."""

from __future__ import annotations

from dataclasses import dataclass

from inspector_app.samples.logs import ObjectType, Role


@dataclass(frozen=True)
class SystemKind:
    key: str
    name: str
    modules: tuple[str, ...]
    objects: tuple[ObjectType, ...]
    roles: tuple[tuple[Role, float], ...]
    licence_product: str
    scene: str  # photo scene of its terminals

    @property
    def short_name(self) -> str:
        """The name without its abbreviation: 制造执行系统(MES) → 制造执行系统."""
        return self.name.split("(")[0]

    @property
    def saas_product(self) -> str:
        """The catalogue product of a SaaS deployment's subscription."""
        return self.short_name + "SaaS订阅(用户·年)"


def _r(name: str, acts: str, objects: tuple[int, ...], pace: tuple[float, float]) -> Role:
    weights = {
        "v": "view",
        "c": "create",
        "u": "update",
        "a": "approve",
        "e": "export",
        "d": "delete",
    }
    parsed = []
    for part in acts.split():
        k, w = part.split("=")
        parsed.append((weights[k], float(w)))
    return Role(name, tuple(parsed), objects, pace)


KINDS: dict[str, SystemKind] = {
    k.key: k
    for k in (
        SystemKind(
            "mes",
            "制造执行系统(MES)",
            ("生产计划", "生产报工", "质量检验", "物料管理"),
            (
                ObjectType("工单", "WO"),
                ObjectType("报工单", "BG"),
                ObjectType("质检单", "QC"),
                ObjectType("领料单", "LL"),
            ),
            (
                (_r("操作工", "v=3 c=5 u=1", (1, 0), (420, 900)), 6.0),
                (_r("班组长", "v=4 a=3 u=2 c=1", (1, 0), (300, 700)), 2.0),
                (_r("质检员", "v=2 c=4 u=2", (2,), (360, 800)), 1.5),
                (_r("计划员", "v=3 c=3 u=3 e=1", (0,), (300, 600)), 1.0),
                (_r("仓管员", "v=2 c=4 u=1", (3,), (500, 1000)), 1.0),
                (_r("生产主管", "v=6 a=2 e=1", (0, 1, 2), (500, 1200)), 0.7),
            ),
            "MES系统软件许可",
            "terminal",
        ),
        SystemKind(
            "erp",
            "企业资源计划(ERP)",
            ("采购管理", "销售管理", "库存管理", "财务管理"),
            (
                ObjectType("采购单", "PO"),
                ObjectType("销售订单", "SO"),
                ObjectType("入库单", "RK"),
                ObjectType("出库单", "CK"),
            ),
            (
                (_r("采购员", "v=3 c=3 u=2 e=1", (0, 2), (400, 900)), 1.5),
                (_r("销售内勤", "v=3 c=3 u=2 e=1", (1, 3), (400, 900)), 2.0),
                (_r("仓管员", "v=2 c=4 u=1", (2, 3), (450, 900)), 2.0),
                (_r("会计", "v=5 u=1 e=2 a=1", (0, 1), (500, 1100)), 1.0),
                (_r("部门经理", "v=5 a=3 e=1", (0, 1), (600, 1400)), 0.8),
            ),
            "ERP系统软件许可",
            "screen",
        ),
        SystemKind(
            "wms",
            "仓储管理系统(WMS)",
            ("入库管理", "出库管理", "库位管理", "盘点管理"),
            (ObjectType("入库单", "RK"), ObjectType("出库单", "CK"), ObjectType("盘点单", "PD")),
            (
                (_r("仓管员", "v=2 c=5 u=2", (0, 1), (300, 700)), 4.0),
                (_r("叉车工", "v=3 u=4", (0, 1), (400, 900)), 2.0),
                (_r("仓库主管", "v=5 a=3 e=1 c=1", (0, 1, 2), (500, 1100)), 1.0),
            ),
            "WMS仓储管理软件许可",
            "warehouse",
        ),
        SystemKind(
            "qms",
            "质量管理系统(QMS)",
            ("来料检验", "过程检验", "成品检验", "不合格品管理"),
            (
                ObjectType("检验单", "JY"),
                ObjectType("不合格品处理单", "NC"),
                ObjectType("8D报告", "ED"),
            ),
            (
                (_r("检验员", "v=2 c=5 u=2", (0,), (360, 800)), 4.0),
                (_r("质量工程师", "v=3 c=2 u=3 a=1", (1, 2), (500, 1100)), 1.5),
                (_r("质量经理", "v=5 a=3 e=1", (0, 1, 2), (600, 1300)), 0.8),
            ),
            "QMS质量管理软件许可",
            "lab",
        ),
        SystemKind(
            "eam",
            "设备管理系统(EAM)",
            ("设备台账", "点检管理", "维修管理", "保养计划"),
            (
                ObjectType("点检记录", "DJ"),
                ObjectType("维修工单", "WX"),
                ObjectType("保养计划", "BY"),
            ),
            (
                (_r("设备员", "v=2 c=5 u=2", (0, 1), (400, 900)), 3.0),
                (_r("维修工", "v=2 c=1 u=4", (1,), (500, 1000)), 2.0),
                (_r("设备主管", "v=5 a=3 e=1 c=1", (0, 1, 2), (600, 1200)), 0.8),
            ),
            "EAM设备管理软件许可",
            "machine",
        ),
    )
}
