"""Disagreements: per enterprise (open disagreements first), the experts' answers side by side
per question and scene with their comments and evidence, each expert's score and level, the
flag reviews; the agency signs its ``decision`` (the outcome rules apply; a refusal is shown
plainly, item by item)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector_app import labels
from inspector_app.i18n import _, join, verbatim
from ui.agency.common import (
    AgencyContext,
    AgencyPage,
    Column,
    IdRole,
    ProblemPanel,
    RecordModel,
    decision_label,
    level_label,
    live,
    recommendation_label,
    set_form_labels,
    sort_proxy,
)
from ui.tasks import run_task


def type_label(kind: str) -> str:
    """题目 / 场景 / 等级 / 疑点核查 / 结论 (the core's words for what experts dispute)."""
    return str(labels.disagreement_type(kind))


def value_text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "—"
    if value in labels.RECOMMENDATIONS:
        return recommendation_label(value)
    if value in labels.DECISIONS:
        return decision_label(value)
    return "—" if value is None else str(value)


def values_text(d: Any) -> str:
    return "  |  ".join(
        _("{name}: {value}", name=e, value=value_text(v)) for e, v in d.values.items()
    )


def enterprise_columns() -> list[Column]:
    return [
        Column(lambda: _("Enterprise"), lambda r: r.roster.enterprise),
        Column(
            lambda: _("Open"), lambda r: str(r.open_disagreements), lambda r: r.open_disagreements
        ),
        Column(
            lambda: _("All"), lambda r: str(len(r.disagreements)), lambda r: len(r.disagreements)
        ),
    ]


def disagreement_columns() -> list[Column]:
    return [
        Column(lambda: _("Type"), lambda d: type_label(d.type)),
        Column(
            lambda: _("Subject"),
            lambda d: type_label(d.type) if d.type in ("conclusion", "level") else d.subject,
        ),
        Column(lambda: _("Experts' values"), values_text),
        Column(
            lambda: _("Decision"),
            lambda d: value_text(d.settled["value"]) if d.settled else _("open"),
        ),
    ]


class DisagreementsPage(AgencyPage):
    name = "disagreements"

    def __init__(self, context: AgencyContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.detail_data: Any = None
        self.ent_model = RecordModel(enterprise_columns(), self)
        self.ent_proxy = sort_proxy(self.ent_model, self)
        self.ent_view = QTableView()
        self.ent_view.setObjectName("dispute-enterprises")
        self.ent_view.setModel(self.ent_proxy)
        self.ent_view.setSortingEnabled(True)
        self.ent_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.ent_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ent_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.ent_view.verticalHeader().hide()
        self.ent_view.horizontalHeader().setStretchLastSection(True)
        self.ent_view.horizontalHeader().setResizeContentsPrecision(40)
        self.ent_view.selectionModel().selectionChanged.connect(self._enterprise_selected)

        self.model = RecordModel(disagreement_columns(), self)
        self.proxy = sort_proxy(self.model, self)
        self.view = QTableView()
        self.view.setObjectName("dispute-table")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setResizeContentsPrecision(40)
        self.view.selectionModel().selectionChanged.connect(self._dispute_selected)
        self.experts_label = QLabel()
        self.experts_label.setObjectName("dispute-experts")
        self.experts_label.setWordWrap(True)
        self.side_by_side = QTextBrowser()
        self.side_by_side.setObjectName("dispute-side-by-side")

        self.value_combo = QComboBox()
        self.value_combo.setObjectName("decision-value")
        self.value_combo.setEditable(True)
        self.summary_edit = QLineEdit()
        self.summary_edit.setObjectName("decision-summary")
        self.requirements_edit = QPlainTextEdit()
        self.requirements_edit.setObjectName("decision-requirements")
        self.requirements_edit.setMaximumHeight(60)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("decision-reason")
        self.sign_button = QPushButton()
        self.sign_button.setObjectName("decision-sign")
        self.sign_button.clicked.connect(self.sign)
        self.problems = ProblemPanel()
        self.message = QLabel()
        self.message.setObjectName("decision-message")
        self.message.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow(QLabel(), self.value_combo)
        self.form.addRow(QLabel(), self.summary_edit)
        self.form.addRow(QLabel(), self.requirements_edit)
        self.form.addRow(QLabel(), self.reason_edit)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.experts_label)
        rl.addWidget(self.view, 2)
        rl.addWidget(self.side_by_side, 3)
        rl.addLayout(self.form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.message, 1)
        rl.addLayout(buttons)
        rl.addWidget(self.problems)
        split = QSplitter()
        split.addWidget(self.ent_view)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([340, 740])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        context.status_loaded.connect(self.show_status)
        self.retranslate()
        self._update_form()

    def title(self) -> str:
        return _("Disagreements")

    def retranslate(self) -> None:
        labels = (
            _("Final &answer"),
            _("S&ummary"),
            _("Re&quirements (one a line)"),
            _("Reaso&n"),
        )
        set_form_labels(self.form, labels)
        self.reason_edit.setPlaceholderText(_("Why the agency decides so (required)"))
        self.sign_button.setText(_("&Sign decision"))
        self.ent_model.retranslate()
        self.model.retranslate()
        self.view.resizeColumnsToContents()
        self.ent_view.resizeColumnsToContents()
        self.show_status(self.context.status)

    # ------------------------------------------------------------------ data

    @Slot(object)
    def show_status(self, status: Any) -> None:
        keep = self.current_uscc()
        rows = [r for r in (status.rows if status else ()) if r.disagreements]
        self.ent_model.set_records([(r.roster.uscc, r) for r in rows])
        self.ent_view.resizeColumnsToContents()
        if not rows:
            live(self.experts_label, lambda: _("No disagreement between experts so far."))
            self.model.set_records([])
            self.side_by_side.clear()
            return
        self.select_enterprise(keep or self.ent_proxy.index(0, 0).data(IdRole))

    def current_uscc(self) -> str | None:
        rows = self.ent_view.selectionModel().selectedRows()
        return rows[0].data(IdRole) if rows else None

    def select_enterprise(self, uscc: str | None) -> None:
        for r in range(self.ent_proxy.rowCount()):
            if uscc and self.ent_proxy.index(r, 0).data(IdRole) == uscc:
                self.ent_view.selectRow(r)
                self._load_detail(uscc)
                return

    @Slot(QItemSelection, QItemSelection)
    def _enterprise_selected(self, *_a: Any) -> None:
        uscc = self.current_uscc()
        if uscc:
            self._load_detail(uscc)

    def _load_detail(self, uscc: str) -> None:
        from sync.batch import project_detail

        run_task(
            project_detail,
            self.context.home,
            uscc,
            self.context.status.batch if self.context.status else None,
            pass_progress=False,
            on_done=self._detail_loaded,
            on_error=self.problems.show_problem,
            name="dispute-detail",
        )

    def _detail_loaded(self, detail: Any) -> None:
        if detail.uscc != self.current_uscc():
            return
        keep = self.current_dispute()
        self.detail_data = detail
        live(
            self.experts_label,
            lambda: str(  # the language's semicolon between the experts
                join(
                    verbatim(
                        _(
                            "{name}: score {score}, {level}",
                            name=e.name,
                            score=e.score if e.score is not None else "—",
                            level=level_label(e.level),
                        )
                    )
                    for e in detail.experts
                )
            ),
        )
        self.model.set_records([((d.type, d.subject), d) for d in detail.disagreements])
        self.view.resizeColumnsToContents()
        target = 0
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(IdRole) == keep:
                target = r
        if self.proxy.rowCount():
            self.view.selectRow(target)
        self._dispute_selected()

    def current_dispute(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(IdRole) if rows else None

    def selected_disagreement(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(self.proxy.mapToSource(rows[0])) if rows else None

    @Slot()
    def _dispute_selected(self, *_a: Any) -> None:
        d = self.selected_disagreement()
        self.side_by_side.setHtml(self._side_by_side(d) if d is not None else "")
        self._update_form()

    def _side_by_side(self, d: Any) -> str:
        detail = self.detail_data
        head = escape(
            type_label(d.type)
            if d.type in ("conclusion", "level")
            else f"{type_label(d.type)} {d.subject}"
        )
        cells = []
        for expert, fid in d.findings.items():
            a = detail.answers.get(fid) if detail else None
            lines = [f"<b>{escape(expert)}</b>", escape(value_text(d.values.get(expert)))]
            if a is not None:
                if a.comment:
                    lines.append(escape(_("Comment: {text}", text=a.comment)))
                if a.evidence:
                    lines.append(escape(_("Evidence: {list}", list="; ".join(a.evidence))))
                if a.attachments:
                    lines.append(escape(_("Attachments: {list}", list="; ".join(a.attachments))))
                # the minute it was signed (the +08:00 of every time is not shown)
                lines.append(f"<small>{escape(str(a.created_at)[:16].replace('T', ' '))}</small>")
            cells.append("<td valign='top' style='padding:6px'>" + "<br>".join(lines) + "</td>")
        if d.type == "level":
            cells = [
                f"<td valign='top' style='padding:6px'><b>{escape(e)}</b><br>{escape(level_label(v))}</td>"
                for e, v in d.values.items()
            ]
        table = (
            "<table border='1' cellspacing='0' width='100%'><tr>" + "".join(cells) + "</tr></table>"
        )
        settled = (
            "<p>"
            + escape(_("Settled by the agency: {value}", value=value_text(d.settled["value"])))
            + "</p>"
            if d.settled
            else ""
        )
        reviews = ""
        if detail and detail.flag_reviews and d.type == "flag":
            reviews = (
                "<h4>"
                + escape(_("Flag reviews"))
                + "</h4><ul>"
                + "".join(
                    f"<li>{escape(r.expert)}: {escape(value_text(r.value))} {escape(r.comment or '')}</li>"
                    for r in detail.flag_reviews
                    if r.finding_id in d.findings.values() or True
                )
                + "</ul>"
            )
        return f"<h3>{head}</h3>{table}{settled}{reviews}"

    # ------------------------------------------------------------------ decision

    def _update_form(self) -> None:
        d = self.selected_disagreement()
        self.value_combo.clear()
        conclusion = d is not None and d.type in ("conclusion", "level")
        self.summary_edit.setEnabled(conclusion)
        self.requirements_edit.setEnabled(conclusion)
        self.sign_button.setEnabled(d is not None)
        if d is None:
            return
        if d.type == "flag":
            for v in ("confirmed", "dismissed"):
                self.value_combo.addItem(value_text(v), v)
        elif conclusion:
            for v in ("pass", "improve", "disqualify"):
                self.value_combo.addItem(recommendation_label(v), v)
        else:
            seen: list[str] = []
            for v in d.values.values():
                text = value_text(v)
                if text not in seen:
                    seen.append(text)
                    self.value_combo.addItem(text, json.dumps(v))
        if d.type == "level":
            live(
                self.message,
                lambda: _("A level disagreement is settled by the decision on the conclusion."),
            )
        else:
            live(self.message, str)

    def decision_payload(self) -> dict[str, Any] | None:
        d = self.selected_disagreement()
        if d is None:
            return None
        settles = list(d.findings.values())
        if d.type == "level":  # settled through the conclusion: cite every conclusion disputed
            settles = [
                fid
                for other in (self.detail_data.disagreements if self.detail_data else ())
                for fid in other.findings.values()
            ]
        payload: dict[str, Any] = {
            "kind": "decision",
            "settles": list(dict.fromkeys(settles)),
            "reason": self.reason_edit.text().strip(),
        }
        data = self.value_combo.currentData()
        text = self.value_combo.currentText().strip()
        if d.type == "item":
            letters = (
                json.loads(data)
                if data and text == value_text(json.loads(data))
                else [x.strip().upper() for x in text.replace("，", ",").split(",") if x.strip()]
            )
            payload.update(item=d.subject, answer=letters)
        elif d.type == "scene":
            value = json.loads(data) if data and text == value_text(json.loads(data)) else text
            payload.update(item=d.subject, level=int(value) if str(value).isdigit() else value)
        elif d.type == "flag":
            payload.update(flag=d.subject, decision=data or text)
        else:
            payload["recommendation"] = data or text
            payload["summary"] = self.summary_edit.text().strip()
            reqs = [
                r.strip() for r in self.requirements_edit.toPlainText().splitlines() if r.strip()
            ]
            if reqs:
                payload["requirements"] = reqs
        return payload

    @Slot()
    def sign(self) -> None:
        self.problems.clear_problem()
        payload = self.decision_payload()
        if payload is None:
            return
        if not payload["reason"]:
            self.problems.show_problem(_("Give the reason of the decision."))
            return
        if not payload["settles"]:
            self.problems.show_problem(_("This disagreement cites no expert finding to settle."))
            return
        detail = self.detail_data
        if detail is None or detail.case_id is None:
            self.problems.show_problem(
                _("The enterprise's case package is not imported at the agency: import it first.")
            )
            return
        case_id = detail.case_id
        self.context.with_signer(self, lambda signer: self._sign_with(signer, case_id, payload))

    def _sign_with(self, signer: Any, case_id: str, payload: dict[str, Any]) -> None:
        from sync.batch import sign_decision

        self.sign_button.setEnabled(False)
        run_task(
            sign_decision,
            self.context.home,
            case_id,
            payload,
            signer,
            pass_progress=False,
            on_done=self._signed,
            on_error=self._refused,
            on_ended=lambda: self.sign_button.setEnabled(True),
            name="sign-decision",
        )

    def _signed(self, result: Any) -> None:
        if result.refusals:
            self.problems.show_problem(
                "\n".join(
                    [_("The decision was not signed: the outcome rules refuse it.")]
                    + [f"• {r.message}" for r in result.refusals]
                )
            )
            return
        live(self.message, lambda: _("Decision signed ({id}).", id=str(result.finding_id)[:8]))
        self.reason_edit.clear()
        self.context.changed.emit()

    def _refused(self, exc: BaseException) -> None:
        self.problems.show_problem(exc)

    def prepare_screenshot(self) -> None:
        if self.ent_proxy.rowCount():
            self.ent_view.selectRow(0)
