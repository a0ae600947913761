"""概况 — enterprise and project facts, providers, money, and the timeline of key dates."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import N_, _, nbi
from ui.pages import Page, PageContext, register
from ui.tasks import run_task
from ui.text import flag_title, shown
from ui.widgets.timeline import TimelineWidget

ENTERPRISE_FIELDS = (
    ("name", N_("Enterprise name")),
    ("uscc", N_("USCC")),
    ("district", N_("District")),
    ("industry", N_("Industry")),
    ("size", N_("Size")),
    ("employees", N_("Employees")),
)
PROJECT_FIELDS = (
    ("title", N_("Project name")),
    ("project_id", N_("Project id")),
    ("batch", N_("Batch")),
    ("levels", N_("Level before → target")),
    ("systems", N_("Systems")),
)
MONEY_FIELDS = (
    ("contracts", N_("Contracts")),
    ("invoiced", N_("Invoiced")),
    ("paid", N_("Paid")),
    ("investment", N_("Declared investment")),
    ("subsidy_requested", N_("Subsidy requested")),
    ("subsidy_prepaid", N_("Subsidy pre-paid")),
)
SIZE_NAMES = {"medium": N_("medium"), "small": N_("small"), "micro": N_("micro")}


def _form(
    fields: tuple[tuple[str, str], ...],
) -> tuple[QFormLayout, dict[str, QLabel], dict[str, QLabel]]:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    captions: dict[str, QLabel] = {}
    values: dict[str, QLabel] = {}
    for key, _label in fields:
        captions[key] = QLabel()
        values[key] = QLabel("-")
        values[key].setObjectName(f"value-{key}")
        values[key].setWordWrap(True)
        values[key].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(captions[key], values[key])
    return form, captions, values


def _count_text(kind: str, n: int) -> str:
    """The label of one day's ``n`` photos on the timeline (the only grouped kind)."""
    if kind == "photo":
        return str(nbi("{n} photo", "{n} photos", n))
    return f"{kind} ×{n}"


@register
class OverviewPage(Page):
    name = "overview"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.overview: Any = None
        self.boxes: dict[str, QGroupBox] = {}
        self.captions: dict[str, dict[str, QLabel]] = {}
        self.values: dict[str, dict[str, QLabel]] = {}
        grid = QGridLayout()
        for col, (key, fields) in enumerate(
            (
                ("enterprise", ENTERPRISE_FIELDS),
                ("project", PROJECT_FIELDS),
                ("money", MONEY_FIELDS),
            )
        ):
            box = QGroupBox()
            form, captions, values = _form(fields)
            box.setLayout(form)
            self.boxes[key] = box
            self.captions[key] = captions
            self.values[key] = values
            grid.addWidget(box, 0, col)
        self.providers_box = QGroupBox()
        self.providers = QLabel("-")
        self.providers.setObjectName("providers")
        self.providers.setWordWrap(True)
        QVBoxLayout(self.providers_box).addWidget(self.providers)
        grid.addWidget(self.providers_box, 1, 0, 1, 3)
        self.timeline_box = QGroupBox()
        self.timeline = TimelineWidget()
        self.timeline.flag_clicked.connect(self._flag_clicked)
        self.timeline.event_clicked.connect(self._event_clicked)
        self.timeline_hint = QLabel()
        self.timeline_hint.setWordWrap(True)
        tl = QVBoxLayout(self.timeline_box)
        tl.addWidget(self.timeline)
        tl.addWidget(self.timeline_hint)
        grid.addWidget(self.timeline_box, 2, 0, 1, 3)
        grid.setRowStretch(3, 1)
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.retranslate()

    def title(self) -> str:
        return _("Overview")

    def retranslate(self) -> None:
        self.boxes["enterprise"].setTitle(_("Enterprise facts"))
        self.boxes["project"].setTitle(_("Project"))
        self.boxes["money"].setTitle(_("Money (yuan)"))
        self.providers_box.setTitle(_("Service providers"))
        self.timeline_box.setTitle(_("Timeline of key dates and red flags"))
        self.timeline_hint.setText(
            _("Red flags are drawn above the line where they fall; click one to see its evidence.")
        )
        for key, fields in (
            ("enterprise", ENTERPRISE_FIELDS),
            ("project", PROJECT_FIELDS),
            ("money", MONEY_FIELDS),
        ):
            for field, label in fields:
                self.captions[key][field].setText(_("{label}:", label=_(label)))
        if self.overview is not None:
            self._show(self.overview)

    def set_session(self, session: Any) -> None:
        super().set_session(session)
        self.overview = None
        if session is None:
            return
        from inspector_app.services.overview import case_overview

        run_task(case_overview, session, on_done=self._show, on_error=self.context.show_error)

    def prepare_screenshot(self) -> None:
        from inspector_app.services.overview import case_overview

        if self.session is not None:
            self._show(case_overview(self.session))

    @Slot(object)
    def _show(self, overview: Any) -> None:
        from inspector_app.services.overview import yuan

        self.overview = overview
        pkg = overview.package
        e, p = pkg.enterprise, pkg.project
        industry = f"{e.industry_code} {e.industry_name or ''}".strip()
        ent = {
            "name": e.name,
            "uscc": e.uscc,
            "district": e.district,
            "industry": industry,
            "size": _(SIZE_NAMES.get(e.size, e.size)),
            "employees": str(e.employees) if e.employees is not None else "-",
        }
        before = "-" if p.level_before is None else str(p.level_before)
        proj = {
            "title": p.title,
            "project_id": p.project_id,
            "batch": p.batch,
            "levels": f"{before} → {p.level_target}",
            "systems": "、".join(s.name for s in pkg.systems) or "-",
        }
        m = overview.money
        money = {key: yuan(getattr(m, key)) for key, _label in MONEY_FIELDS}
        for key, values in (("enterprise", ent), ("project", proj), ("money", money)):
            for field, text in values.items():
                self.values[key][field].setText(text)
        self.providers.setText("\n".join(f"{pr.name}（{pr.uscc}）" for pr in p.providers) or "-")
        self.timeline.set_data(
            list(overview.events),
            list(overview.marks),
            flag_text=lambda mark: flag_title(mark.flag),
            event_text=lambda ev: shown(ev.label),
            count_text=_count_text,
        )

    @Slot(str)
    def _flag_clicked(self, flag_id: str) -> None:
        if self.overview is None:
            return
        for mark in self.overview.marks:
            if mark.flag.id == flag_id and mark.flag.evidence:
                ev = mark.flag.evidence[0]
                self.context.evidence_requested.emit(
                    ev.path, list(ev.rows) if ev.rows else None, ev.pointer
                )
                return
        self.context.navigate.emit("flags")

    @Slot(str)
    def _event_clicked(self, path: str) -> None:
        self.context.evidence_requested.emit(path, None, None)
