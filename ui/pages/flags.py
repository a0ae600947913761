"""风险提示 — the red flags: severity, title, detail, on-site hint; confirm or dismiss each.

The list is a model over flag ids (the analysis's flags and the store's own, e.g.
``SELF_ASSESSMENT_INFLATED``) with this device's current decision per flag. A decision is a
signed ``flag_review`` finding (the passphrase is asked once per app session). Clicking an
evidence pointer asks the main window to show it (``evidence_requested``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
    Slot,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app import labels
from inspector_app.i18n import N_, _
from ui.models import Index, KeyedTableModel
from ui.pages import Page, PageContext, register
from ui.tasks import run_task
from ui.text import flag_title, shown

#: the core's words for severities and decisions (as the CLI and the agency console show them)
SEVERITY_LABELS = labels.SEVERITIES
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
SEVERITY_COLORS = {"high": "#c62828", "medium": "#ef6c00", "low": "#827717"}
DECISION_LABELS: dict[str | None, str] = {None: N_("undecided"), **labels.DECISIONS}
COLUMNS = (N_("Severity"), N_("Red flag"), N_("Decision"), N_("Id"))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
FLAG_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class FlagModel(KeyedTableModel):
    """Rows are flag ids; the flags and this device's decisions are cached per load."""

    header_ids = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._decisions: dict[str, dict[str, Any]] = {}

    def set_flags(self, flags: list[Any], decisions: dict[str, dict[str, Any]]) -> None:
        self.beginResetModel()
        self._load(flags, key=lambda f: f.id)
        self._decisions = dict(decisions)
        self.endResetModel()

    def set_decision(self, flag_id: str, decision: dict[str, Any]) -> None:
        self._decisions[flag_id] = decision
        if flag_id in self._ids:
            row = self._ids.index(flag_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def flag(self, flag_id: str) -> Any:
        return self._rows.get(flag_id)

    def decision(self, flag_id: str) -> dict[str, Any] | None:
        return self._decisions.get(flag_id)

    def flag_ids(self) -> list[str]:
        return list(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        flag_id = self.row_key(index)
        if flag_id is None:
            return None
        flag = self._rows[flag_id]
        decision = (self._decisions.get(flag_id) or {}).get("decision")
        col = index.column()
        if role == FLAG_ID_ROLE:
            return flag_id
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                _(SEVERITY_LABELS.get(flag.severity, flag.severity)),
                flag_title(flag),
                _(DECISION_LABELS.get(decision, str(decision))),
                flag_id,
            )[col]
        if role == SORT_ROLE:
            if col == 0:
                return SEVERITY_RANK.get(flag.severity, 9)
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QColor(SEVERITY_COLORS.get(flag.severity, "#000000"))
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:
            return shown(flag.detail)
        return None


def load_flags(
    session: Any, progress: Any = None, cancel: Any = None
) -> tuple[list[Any], dict[str, Any]]:
    """The case's flags (analysis + store-raised) and this device's current decisions."""
    from inspector_app import identity
    from inspector_app.services.findings import expert_flags, list_findings

    analysis = session.analysis(progress=progress, cancel=cancel)
    signer = identity.load(session.home).fingerprint if identity.exists(session.home) else None
    flags = list(analysis.flags)
    known = {f.id for f in flags}
    flags += [f for f in expert_flags(session, signer) if f.id not in known] if signer else []
    decisions = {
        str(f.data["flag"]): {**f.data, "finding_id": f.finding_id}
        for f in list_findings(session.home, session, kind="flag_review")
        if f.origin == "local"
    }
    return flags, decisions


@register
class FlagsPage(Page):
    name = "flags"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = FlagModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("flags")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail_box = QGroupBox()
        self.title_label = QLabel()
        self.title_label.setObjectName("flag-title")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title_label.setFont(font)
        self.detail = QLabel()
        self.detail.setObjectName("flag-detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel()
        self.hint.setObjectName("flag-hint")
        self.hint.setWordWrap(True)
        self.evidence = QListWidget()
        self.evidence.setObjectName("flag-evidence")
        self.evidence.setMaximumHeight(110)
        self.evidence.itemActivated.connect(self._evidence_activated)
        self.evidence.itemClicked.connect(self._evidence_activated)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaximumHeight(80)
        self.reason.setTabChangesFocus(True)
        self.current_decision = QLabel()
        self.current_decision.setObjectName("current-decision")
        self.current_decision.setWordWrap(True)
        self.confirm_button = QPushButton()
        self.confirm_button.setObjectName("confirm")
        self.confirm_button.clicked.connect(lambda: self.decide("confirmed"))
        self.dismiss_button = QPushButton()
        self.dismiss_button.setObjectName("dismiss")
        self.dismiss_button.clicked.connect(lambda: self.decide("dismissed"))
        self.captions = {k: QLabel() for k in ("detail", "hint", "evidence", "reason")}
        self.captions["reason"].setBuddy(self.reason)
        self.captions["evidence"].setBuddy(self.evidence)
        form = QFormLayout()
        form.addRow(self.title_label)
        form.addRow(self.captions["detail"], self.detail)
        form.addRow(self.captions["hint"], self.hint)
        form.addRow(self.captions["evidence"], self.evidence)
        form.addRow(self.captions["reason"], self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.current_decision, 1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.dismiss_button)
        form.addRow(buttons)
        self.detail_box.setLayout(form)

        self.summary = QLabel()
        self.summary.setObjectName("flags-summary")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail_box)
        splitter.setSizes([300, 380])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self._set_enabled(False)
        self.retranslate()

    def title(self) -> str:
        return _("Red flags")

    def retranslate(self) -> None:
        self.detail_box.setTitle(_("The selected red flag"))
        self.captions["detail"].setText(_("Detail:"))
        self.captions["hint"].setText(_("On site:"))
        self.captions["evidence"].setText(_("&Evidence:"))
        self.captions["reason"].setText(_("&Reason:"))
        self.reason.setPlaceholderText(_("Why you confirm or dismiss this flag (required)"))
        self.confirm_button.setText(_("C&onfirm"))
        self.dismiss_button.setText(_("&Dismiss"))
        self.model.retranslate()
        self._update_summary()
        self._show_current()

    # ------------------------------------------------------------------ loading

    def set_session(self, session: Any) -> None:
        super().set_session(session)
        self.model.set_flags([], {})
        self._show_current()
        if session is not None:
            self.refresh()

    def refresh(self) -> None:
        if self.session is None:
            return
        run_task(load_flags, self.session, on_done=self._loaded, on_error=self.context.show_error)

    def prepare_screenshot(self) -> None:
        if self.session is not None:
            self._loaded(load_flags(self.session))

    @Slot(object)
    def _loaded(self, result: tuple[list[Any], dict[str, Any]]) -> None:
        flags, decisions = result
        self.model.set_flags(flags, decisions)
        self._update_summary()
        if flags:
            self.table.selectRow(0)
        self._show_current()

    def _update_summary(self) -> None:
        ids = self.model.flag_ids()
        open_count = sum(1 for i in ids if self.model.decision(i) is None)
        if not ids:
            self.summary.setText(_("No red flag was raised for this case."))
        else:
            self.summary.setText(
                _("Red flags: {count}; not yet decided: {open}.", count=len(ids), open=open_count)
            )

    # ------------------------------------------------------------------ selection

    def current_flag_id(self) -> str | None:
        index = self.table.currentIndex()
        return str(index.data(FLAG_ID_ROLE)) if index.isValid() else None

    def select_flag(self, flag_id: str) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(FLAG_ID_ROLE) == flag_id:
                self.table.selectRow(row)
                return

    @Slot()
    def _current_changed(self, *_args: Any) -> None:
        self._show_current()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.reason, self.confirm_button, self.dismiss_button, self.evidence):
            widget.setEnabled(enabled)

    def _show_current(self) -> None:
        flag_id = self.current_flag_id()
        flag = self.model.flag(flag_id) if flag_id else None
        self.evidence.clear()
        if flag is None:
            self.title_label.setText(_("Select a red flag above."))
            for label in (self.detail, self.hint, self.current_decision):
                label.setText("")
            self._set_enabled(False)
            return
        self._set_enabled(True)
        self.title_label.setText(flag_title(flag))
        self.detail.setText(shown(flag.detail))
        self.hint.setText(shown(flag.hint))
        for ev in flag.evidence:
            where = ev.path
            if ev.rows:
                where += " " + _("records {first}–{last}", first=ev.rows[0], last=ev.rows[1])
            if ev.pointer:
                where += f" {ev.pointer}"
            item = QListWidgetItem(where)
            item.setData(
                Qt.ItemDataRole.UserRole, (ev.path, list(ev.rows) if ev.rows else None, ev.pointer)
            )
            self.evidence.addItem(item)
        decision = self.model.decision(flag.id)
        if decision is None:
            self.current_decision.setText(_("Not decided yet."))
            self.reason.setPlainText("")
        else:
            self.current_decision.setText(
                _(
                    "Your decision: {decision}. Reason: {reason}",
                    decision=_(DECISION_LABELS.get(decision.get("decision"), "")),
                    reason=decision.get("reason", ""),
                )
            )
            self.reason.setPlainText(str(decision.get("reason", "")))

    @Slot(QListWidgetItem)
    def _evidence_activated(self, item: QListWidgetItem) -> None:
        path, rows, pointer = item.data(Qt.ItemDataRole.UserRole)
        self.context.evidence_requested.emit(path, rows, pointer)

    # ------------------------------------------------------------------ deciding

    def decide(self, decision: str) -> None:
        """Sign a ``flag_review`` for the selected flag with the reason typed."""
        flag_id = self.current_flag_id()
        if flag_id is None or self.session is None:
            return
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.context.show_error(_("Write the reason first: the agency reads it."), self)
            self.reason.setFocus()
            return
        payload = {"kind": "flag_review", "flag": flag_id, "decision": decision, "reason": reason}
        session = self.session

        def sign(signer: Any) -> None:
            from inspector_app.services.findings import add_finding

            run_task(
                add_finding,
                session.home,
                session,
                payload,
                signer=signer,
                serial=True,
                pass_progress=False,
                on_done=lambda added: self._decided(flag_id, payload, added),
                on_error=self.context.show_error,
            )

        self.context.with_signer(self, sign)

    def _decided(self, flag_id: str, payload: dict[str, Any], added: Any) -> None:
        self.model.set_decision(flag_id, {**payload, "finding_id": added.finding.finding_id})
        self._update_summary()
        self._show_current()
        self.context.session_changed.emit()
