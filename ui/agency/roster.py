"""The batch roster page: import a roster (all or nothing, refusals shown plainly), every
enterprise with its status, experts, levels, recommendations, disagreements, decision, reports
and 一企一档; enterprises with open disagreements first; a re-inspection shows the earlier
case's requirements beside the new findings."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QItemSelection, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, join, nbi, verbatim
from ui.agency.common import (
    AgencyContext,
    AgencyPage,
    Column,
    IdRole,
    ProblemPanel,
    RecordModel,
    level_label,
    live,
    recommendation_label,
    set_form_labels,
    sort_proxy,
    yes_no,
)
from ui.tasks import run_task


def _status_text(row: Any) -> str:
    from sync.batch import status_label

    return str(status_label(row.status))


def _expert_state(e: Any) -> str:
    """``2级，限期优化提升`` / ``评分未完成，尚无结论``: an expert's level and recommendation."""
    return _(
        "{level}, {recommendation}",
        level=level_label(e.level) if e.complete else _("scoring incomplete"),
        recommendation=recommendation_label(e.recommendation)
        if e.recommendation
        else _("no conclusion yet"),
    )


def _experts_text(row: Any) -> str:
    # the language's semicolon (；in Chinese, "; " in English)
    return str(
        join(
            verbatim(_("{name}: {value}", name=e.name, value=_expert_state(e))) for e in row.experts
        )
    )


#: the experts' column (its text can be long) and its widest
EXPERTS_COLUMN = 5
EXPERTS_WIDTH = 180


def roster_columns() -> list[Column]:
    from sync.batch import STATUSES

    return [
        Column(lambda: _("Status"), _status_text, lambda r: STATUSES.index(r.status)),
        Column(lambda: _("Enterprise"), lambda r: r.roster.enterprise),
        Column(lambda: _("USCC"), lambda r: r.roster.uscc),
        Column(lambda: _("District"), lambda r: r.roster.district or "—"),
        Column(lambda: _("Provider"), lambda r: "、".join(r.roster.providers) or "—"),
        Column(
            lambda: _("Experts"),
            lambda r: _experts_text(r) or "—",
            lambda r: len(r.experts),
            tooltip=lambda r: _experts_text(r) or "—",  # the cell is elided at EXPERTS_WIDTH
        ),
        Column(
            lambda: _("Open disagreements"),
            lambda r: str(r.open_disagreements),
            lambda r: r.open_disagreements,
        ),
        Column(lambda: _("Decision"), lambda r: recommendation_label(r.decision)),
        Column(lambda: _("Reports"), lambda r: str(len(r.reports)), lambda r: len(r.reports)),
        Column(lambda: _("Enterprise record"), lambda r: yes_no(r.archive)),
        Column(lambda: _("Re-inspection"), lambda r: yes_no(r.roster.reinspection)),
    ]


class RosterPage(AgencyPage):
    name = "roster"

    def __init__(self, context: AgencyContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.heading = QLabel()
        self.heading.setObjectName("roster-heading")
        self.heading.setWordWrap(True)
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("roster-file")
        self.browse_button = QPushButton()
        self.browse_button.clicked.connect(self.browse)
        self.batch_edit = QLineEdit()
        self.batch_edit.setObjectName("roster-batch")
        self.deadline_check = QCheckBox()
        # a date to come (it was a fixed 2025-06-30, long past): the agency sets the batch's own
        self.deadline_edit = QDateEdit(QDate.currentDate().addDays(30))
        self.deadline_edit.setCalendarPopup(True)
        self.deadline_edit.setDisplayFormat("yyyy-MM-dd")
        self.deadline_check.setChecked(True)
        self.deadline_check.toggled.connect(self.deadline_edit.setEnabled)
        self.import_button = QPushButton()
        self.import_button.setObjectName("roster-import")
        self.import_button.clicked.connect(self.import_roster)
        self.problems = ProblemPanel()
        self.message = QLabel()
        self.message.setObjectName("roster-message")
        self.message.setWordWrap(True)

        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.deadline_check)
        deadline_row.addWidget(self.deadline_edit)
        deadline_row.addStretch(1)
        self.form = QFormLayout()
        self.form.addRow(QLabel(), file_row)
        self.form.addRow(QLabel(), self.batch_edit)
        self.form.addRow(QLabel(), deadline_row)

        self.model = RecordModel(roster_columns(), self)
        self.proxy = sort_proxy(self.model, self)
        self.table = QTableView()
        self.table.setObjectName("roster-table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # a long cell is elided (its tooltip has it all)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(40)
        self.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)  # open disagreements first
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("roster-filter")
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.detail = QTextBrowser()
        self.detail.setObjectName("roster-detail")

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.filter_edit)
        top_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([330, 260])

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.message, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.problems)
        layout.addWidget(split, 1)
        context.status_loaded.connect(self.show_status)
        self.retranslate()

    def title(self) -> str:
        return _("Batch roster")

    def _fit_columns(self) -> None:
        """Columns to their contents, the experts' at most :data:`EXPERTS_WIDTH` (its tooltip
        has it all), so that every column fits a 1280-pixel window."""
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(
            EXPERTS_COLUMN, min(self.table.columnWidth(EXPERTS_COLUMN), EXPERTS_WIDTH)
        )

    def retranslate(self) -> None:
        self.browse_button.setText(_("&Choose…"))
        self.file_edit.setPlaceholderText(_("Roster file (CSV or XLSX, 附件9 / 附件10)"))
        self.batch_edit.setPlaceholderText(_("Batch name, e.g. 2025-2"))
        self.deadline_check.setText(_("Application deadline"))
        self.import_button.setText(_("&Import roster"))
        self.filter_edit.setPlaceholderText(_("Filter: enterprise, USCC, district, provider…"))
        labels = (_("Roster fi&le"), _("Batch na&me"), _("&Deadline"))
        set_form_labels(self.form, labels)
        self.model.retranslate()
        self._fit_columns()
        self.show_status(self.context.status)

    # ------------------------------------------------------------------ import

    @Slot()
    def browse(self) -> None:
        path, _f = QFileDialog.getOpenFileName(
            self,
            _("Choose the roster"),
            str(Path.home()),
            _("Rosters (*.csv *.xlsx);;All files (*)"),
        )
        if path:
            self.file_edit.setText(path)

    @Slot()
    def import_roster(self) -> None:
        from sync import services

        self.problems.clear_problem()
        path = self.file_edit.text().strip()
        batch = self.batch_edit.text().strip()
        if not path or not batch:
            self.problems.show_problem(_("Choose the roster file and give the batch's name."))
            return
        deadline = (
            self.deadline_edit.date().toString("yyyy-MM-dd")
            if self.deadline_check.isChecked()
            else None
        )
        self.import_button.setEnabled(False)
        live(self.message, lambda: _("Importing the roster…"))
        run_task(
            services.import_roster,
            self.context.home,
            Path(path),
            batch,
            deadline=deadline,
            pass_progress=False,
            on_done=self._imported,
            on_error=self._refused,
            on_ended=lambda: self.import_button.setEnabled(True),
            name="import-roster",
        )

    def _imported(self, result: Any) -> None:
        live(
            self.message,
            lambda: str(
                nbi(
                    "Imported {rows} enterprises of batch {batch} ({n} re-inspection).",
                    "Imported {rows} enterprises of batch {batch} ({n} re-inspections).",
                    sum(r.reinspection for r in result.rows),
                    rows=len(result.rows),
                    batch=result.batch,
                )
            ),
        )
        self.context.changed.emit()

    def _refused(self, exc: BaseException) -> None:
        live(self.message, lambda: _("The roster was not imported; nothing was changed."))
        self.problems.show_problem(exc)

    # ------------------------------------------------------------------ view

    @Slot(object)
    def show_status(self, status: Any) -> None:
        if status is None:
            self.heading.setText(_("No roster yet: import the batch's roster (附件9, 附件10)."))
            self.model.set_records([])
            return
        days = status.days_left
        if status.deadline is None:
            deadline = _("no deadline recorded")
        elif days >= 0:
            deadline = _(
                "deadline {date}, {days} days left", date=status.deadline.isoformat(), days=days
            )
        else:
            deadline = _(
                "deadline {date}, passed {days} days ago",
                date=status.deadline.isoformat(),
                days=-days,
            )
        counts = status.counts()
        from sync.batch import status_label

        summary = "  ".join(f"{status_label(k)} {v}" for k, v in counts.items())
        extra = (
            str(
                nbi(
                    "{n} enterprise not on the roster",
                    "{n} enterprises not on the roster",
                    len(status.not_on_roster),
                )
            )
            if status.not_on_roster
            else ""
        )
        self.heading.setText(
            _(
                "Batch {batch}: {rows} enterprises; {deadline}.",
                batch=status.batch,
                rows=len(status.rows),
                deadline=deadline,
            )
            + "\n"
            + summary
            + (f"\n{extra}" if extra else "")
        )
        keep = self.selected_row()
        self.model.set_records([(r.roster.uscc, r) for r in status.rows])
        self._fit_columns()
        if keep is not None:  # the same enterprise stays selected across reloads
            self.select_uscc(keep.roster.uscc)

    def selected_row(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record(self.proxy.mapToSource(rows[0]))

    def select_uscc(self, uscc: str) -> None:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(IdRole) == uscc:
                self.table.selectRow(r)
                return

    @Slot(QItemSelection, QItemSelection)
    def _selected(self, *_args: Any) -> None:
        row = self.selected_row()
        self.detail.setHtml(detail_html(row) if row is not None else "")

    def prepare_screenshot(self) -> None:
        if self.proxy.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)


def detail_html(row: Any) -> str:
    r = row.roster
    parts = [f"<h3>{escape(r.enterprise)} <small>{escape(r.uscc)}</small></h3>"]
    facts = [
        (_("Project"), " ".join(x for x in (r.project_id, r.project) if x) or "—"),
        (_("Cases"), ", ".join(c[:8] for c in row.cases) or _("no case package yet")),
        (_("Decision"), recommendation_label(row.decision)),
    ]
    facts += [(k, v) for k, v in r.extra.items()]
    parts.append(
        "<table>"
        + "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in facts)
        + "</table>"
    )
    if row.experts:
        parts.append(f"<h4>{escape(_('Experts'))}</h4><ul>")
        for e in row.experts:
            parts.append(
                "<li>"
                + escape(
                    _(
                        "{name}: {level}, score {score}, {recommendation} ({findings} findings)",
                        name=e.name,
                        level=level_label(e.level) if e.complete else _("scoring incomplete"),
                        score=e.score if e.score is not None else "—",
                        recommendation=recommendation_label(e.recommendation)
                        if e.recommendation
                        else _("no conclusion yet"),
                        findings=e.findings,
                    )
                )
                + "</li>"
            )
        parts.append("</ul>")
    if r.reinspection:
        parts.append(f"<h4>{escape(_('Re-inspection'))}</h4>")
        if row.earlier is None:
            parts.append(
                f"<p>{escape(_('No earlier case of this enterprise in the agency store.'))}</p>"
            )
        else:
            reqs = "".join(f"<li>{escape(q)}</li>" for q in row.earlier.requirements)
            parts.append(
                "<table width='100%'><tr><td valign='top' width='50%'><b>"
                + escape(_("Earlier requirements (case {case})", case=row.earlier.case_id[:8]))
                + f"</b><ul>{reqs or '<li>—</li>'}</ul></td><td valign='top'><b>"
                + escape(_("New findings"))
                + "</b><ul>"
                + "".join(
                    f"<li>{escape(_('{name}: {value}', name=e.name, value=_expert_state(e)))}</li>"
                    for e in row.experts
                )
                + (f"<li>{escape(_('none yet'))}</li>" if not row.experts else "")
                + "</ul></td></tr></table>"
            )
    return "".join(parts)
