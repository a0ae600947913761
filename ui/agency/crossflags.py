"""Cross-enterprise flags: run the four rules over the batch, and for each flag both
enterprises' evidence side by side — the two photos, the two log runs aligned event by event,
the two documents' shared passages, the contract lines behind a provider's prices — then
confirm or dismiss it with a reason (signed by the agency)."""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector_app.home import Home
from inspector_app.i18n import _, get_language, nbi
from ui.agency.common import (
    AgencyContext,
    AgencyPage,
    Column,
    ProblemPanel,
    RecordModel,
    decision_label,
    live,
    severity_label,
    sort_proxy,
)
from ui.tasks import TaskHandle, run_task

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp")
MAX_LOG_ROWS = 40
MIN_PASSAGE = 12


@dataclass
class Side:
    """One enterprise's evidence for a flag."""

    uscc: str
    enterprise: str
    images: list[Path] = field(default_factory=list)
    log_header: list[str] = field(default_factory=list)
    log_rows: list[list[str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    text: str = ""


@dataclass
class FlagEvidence:
    flag: dict[str, Any]
    sides: list[Side]
    passages: list[str] = field(default_factory=list)


def _records(path: Path, first: int, last: int) -> tuple[list[str], list[list[str]]]:
    """Data records ``first``…``last`` (1-based, header excluded) of a CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        rows: list[list[str]] = []
        for i, rec in enumerate(reader, 1):
            if i > last or len(rows) >= MAX_LOG_ROWS:
                break
            if i >= first:
                rows.append(rec)
    return header, rows


def gather_evidence(home: Home, flag: dict[str, Any]) -> FlagEvidence:
    """Read both enterprises' evidence of ``flag`` from their imported packages (a worker
    function: no Qt)."""
    from inspector_app.findings import open_store
    from sync.cross.documents import extract_text

    with open_store(home) as store:
        cases = store.cases()
    folders: dict[str, tuple[Path, str]] = {}
    for c in cases:
        if c.uscc and c.folder and c.uscc not in folders:
            folders[c.uscc] = (Path(c.folder), c.enterprise or "")
    sides: dict[str, Side] = {}
    for uscc in flag.get("usccs") or ():
        sides[uscc] = Side(uscc, folders.get(uscc, (Path(), ""))[1])
    for ev in flag.get("evidence") or ():
        uscc = str(ev.get("uscc") or "")
        side = sides.setdefault(uscc, Side(uscc, folders.get(uscc, (Path(), ""))[1]))
        known = folders.get(uscc)
        rel = str(ev.get("path") or "")
        path = known[0] / rel if known is not None else None
        if path is None or not path.is_file():
            side.lines.append(_("{path} (not in an imported package)", path=rel))
            continue
        if rel.lower().endswith(IMAGE_SUFFIXES):
            side.images.append(path)
        elif ev.get("rows") and rel.lower().endswith(".csv") and "line_no" not in ev:
            first, last = (int(x) for x in ev["rows"])
            side.log_header, side.log_rows = _records(path, first, last)
            side.lines.append(_("{path}, records {first}–{last}", path=rel, first=first, last=last))
        elif "line_no" in ev:
            header, rows = _records(path, 1, 100_000)
            wanted = str(ev.get("line_no"))
            contract = str(ev.get("contract_no") or "")
            for rec in rows:
                row = dict(zip(header, rec, strict=False))
                if row.get("line_no") == wanted and (
                    not contract or row.get("contract_no") == contract
                ):
                    side.lines.append("; ".join(f"{k}={v}" for k, v in row.items()))
            if not side.lines:
                side.lines.append(
                    _("contract {contract}, line {line}", contract=contract, line=wanted)
                )
        else:
            side.text = extract_text(path.name, path.read_bytes())[:20_000]
            side.lines.append(rel)
    ordered = list(sides.values())
    passages: list[str] = []
    texts = [s.text for s in ordered if s.text]
    if len(texts) == 2:
        matcher = difflib.SequenceMatcher(None, texts[0], texts[1], autojunk=False)
        for block in matcher.get_matching_blocks():
            if block.size >= MIN_PASSAGE:
                passages.append(texts[0][block.a : block.a + block.size].strip())
    return FlagEvidence(flag, ordered, passages[:20])


def flag_title(flag: dict[str, Any]) -> str:
    if get_language() == "en":
        return str(flag.get("title_en") or flag.get("title") or "")
    return str(flag.get("title") or "")


def review_text(review: Any) -> str:
    if review is None:
        return _("not reviewed")
    return decision_label(review.decision)


def enterprise_names(page: CrossFlagsPage, flag: dict[str, Any]) -> str:
    """The enterprises' names as the roster gives them (else their USCC)."""
    status = page.context.status
    names = {r.roster.uscc: r.roster.enterprise for r in (status.rows if status else ())}
    return " / ".join(names.get(u) or u for u in flag.get("usccs") or ())


def cross_columns(page: CrossFlagsPage) -> list[Column]:
    return [
        Column(lambda: _("Rule"), lambda f: str(f["rule"])),
        Column(lambda: _("Severity"), lambda f: severity_label(f.get("severity"))),
        Column(lambda: _("Title"), flag_title),
        Column(lambda: _("Review"), lambda f: review_text(page.reviews.get(f["id"]))),
        Column(
            lambda: _("Enterprises"),
            lambda f: enterprise_names(page, f),
            tooltip=lambda f: " / ".join(f.get("usccs") or ()),
        ),
    ]


def flag_detail(flag: dict[str, Any]) -> str:
    if get_language() == "en":
        return str(flag.get("detail_en") or flag.get("detail") or "")
    return str(flag.get("detail") or "")


class CrossFlagsPage(AgencyPage):
    name = "cross"

    def __init__(self, context: AgencyContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.reviews: dict[str, Any] = {}
        self._handle: TaskHandle | None = None
        self.run_button = QPushButton()
        self.run_button.setObjectName("cross-run")
        self.run_button.clicked.connect(self.run_rules)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.summary = QLabel()
        self.summary.setObjectName("cross-summary")
        self.model = RecordModel(cross_columns(self), self)
        self.proxy = sort_proxy(self.model, self)
        self.table = QTableView()
        self.table.setObjectName("cross-table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(40)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.detail = QLabel()
        self.detail.setObjectName("cross-detail")
        self.detail.setWordWrap(True)
        self.sides = QWidget()
        self.sides_layout = QGridLayout(self.sides)
        self.sides_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.sides)
        self.passages = QTextBrowser()
        self.passages.setObjectName("cross-passages")
        self.passages.setMaximumHeight(110)
        self.decision_combo = QComboBox()
        self.decision_combo.setObjectName("cross-decision")
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("cross-reason")
        self.review_button = QPushButton()
        self.review_button.setObjectName("cross-review")
        self.review_button.clicked.connect(self.review)
        self.review_button.setEnabled(False)
        self.message = QLabel()
        self.message.setObjectName("cross-message")
        self.problems = ProblemPanel()
        self.evidence: FlagEvidence | None = None

        top = QHBoxLayout()
        top.addWidget(self.run_button)
        top.addWidget(self.progress, 1)
        top.addWidget(self.summary, 1)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.detail)
        bl.addWidget(scroll, 1)
        bl.addWidget(self.passages)
        form = QHBoxLayout()
        form.addWidget(self.decision_combo)
        form.addWidget(self.reason_edit, 1)
        form.addWidget(self.review_button)
        bl.addLayout(form)
        bl.addWidget(self.message)
        bl.addWidget(self.problems)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(bottom)
        split.setSizes([220, 520])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        # the enterprises' names come from the batch status
        context.status_loaded.connect(lambda _status: self.model.retranslate())
        self.retranslate()

    def title(self) -> str:
        return _("Cross-enterprise flags")

    def retranslate(self) -> None:
        self.run_button.setText(_("Run the cross-&enterprise rules"))
        self.decision_combo.clear()
        self.decision_combo.addItem(_("confirm"), "confirmed")
        self.decision_combo.addItem(_("dismiss"), "dismissed")
        self.reason_edit.setPlaceholderText(_("Reason of the review (required)"))
        self.review_button.setText(_("&Sign review"))
        if not self.model.ids:
            live(self.summary, lambda: _("Run the rules to see the flags across the batch."))
        self.model.retranslate()
        self.table.resizeColumnsToContents()
        if self.evidence is not None:
            self._show_evidence(self.evidence)

    # ------------------------------------------------------------------ rules

    @Slot()
    def run_rules(self) -> None:
        from sync import services

        self.problems.clear_problem()
        self.run_button.setEnabled(False)
        self._handle = run_task(
            _flags_and_reviews,
            self.context.home,
            services.cross_flags,
            on_progress=self._progress,
            on_done=self._loaded,
            on_error=self.problems.show_problem,
            on_ended=self._ended,
            name="cross-rules",
        )

    def _ended(self) -> None:
        self._handle = None
        self.run_button.setEnabled(True)

    @Slot(int, object, str)
    def _progress(self, done: int, total: object, _text: str) -> None:
        if isinstance(total, int) and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)

    def _loaded(self, result: tuple[dict[str, Any], dict[str, Any]]) -> None:
        flags, reviews = result
        self.reviews = reviews
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.model.set_records([(f["id"], f) for f in flags["flags"]])
        self.table.resizeColumnsToContents()
        live(
            self.summary,
            lambda: str(
                nbi(
                    "{count} flag over {cases} cases.",
                    "{count} flags over {cases} cases.",
                    len(flags["flags"]),
                    count=len(flags["flags"]),
                    cases=flags["cases"],
                )
            ),
        )
        if self.proxy.rowCount():
            self.table.selectRow(0)

    def selected_flag(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(self.proxy.mapToSource(rows[0])) if rows else None

    @Slot(QItemSelection, QItemSelection)
    def _selected(self, *_a: Any) -> None:
        flag = self.selected_flag()
        self.review_button.setEnabled(flag is not None)
        if flag is None:
            return
        run_task(
            gather_evidence,
            self.context.home,
            flag,
            pass_progress=False,
            on_done=self._show_evidence,
            on_error=self.problems.show_problem,
            name="cross-evidence",
        )

    def _show_evidence(self, evidence: FlagEvidence) -> None:
        current = self.selected_flag()
        if current is None or current["id"] != evidence.flag["id"]:
            return
        self.evidence = evidence
        flag = evidence.flag
        review = self.reviews.get(flag["id"])
        text = f"<b>{escape(flag_title(flag))}</b><br>{escape(flag_detail(flag))}"
        if review is not None:
            text += "<br>" + escape(
                _(
                    "Reviewed: {decision} — {reason}",
                    decision=review_text(review),
                    reason=review.reason,
                )
            )
        self.detail.setText(text)
        while self.sides_layout.count():
            item = self.sides_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        for col, side in enumerate(evidence.sides[:2]):
            head = QLabel(f"<b>{escape(side.enterprise or '—')}</b><br>{escape(side.uscc)}")
            head.setObjectName(f"cross-side-{col}")
            self.sides_layout.addWidget(head, 0, col)
            row = 1
            for image in side.images:
                pic = QLabel()
                pic.setObjectName(f"cross-photo-{col}")
                pixmap = QPixmap(str(image))
                if not pixmap.isNull():
                    pic.setPixmap(pixmap.scaled(420, 300, Qt.AspectRatioMode.KeepAspectRatio))
                else:
                    pic.setText(image.name)
                self.sides_layout.addWidget(pic, row, col)
                row += 1
            if side.log_rows:
                view = QTextBrowser()
                view.setObjectName(f"cross-log-{col}")
                view.setHtml(_log_html(side))
                self.sides_layout.addWidget(view, row, col)
                row += 1
            for line in side.lines:
                label = QLabel(line)
                label.setWordWrap(True)
                self.sides_layout.addWidget(label, row, col)
                row += 1
        if evidence.passages:
            self.passages.setHtml(
                f"<b>{escape(_('Shared passages'))}</b><ul>"
                + "".join(f"<li>{escape(p)}</li>" for p in evidence.passages)
                + "</ul>"
            )
            self.passages.show()
        else:
            self.passages.hide()

    # ------------------------------------------------------------------ review

    @Slot()
    def review(self) -> None:
        self.problems.clear_problem()
        flag = self.selected_flag()
        reason = self.reason_edit.text().strip()
        if flag is None:
            return
        if not reason:
            self.problems.show_problem(_("Give the reason of the review."))
            return
        decision = str(self.decision_combo.currentData())
        self.context.with_signer(self, lambda s: self._review_with(s, flag["id"], decision, reason))

    def _review_with(self, signer: Any, flag_id: str, decision: str, reason: str) -> None:
        from sync import services

        run_task(
            services.review_cross_flag,
            self.context.home,
            flag_id,
            decision,
            reason,
            signer=signer,
            pass_progress=False,
            on_done=self._reviewed,
            on_error=self.problems.show_problem,
            name="cross-review",
        )

    def _reviewed(self, review: Any) -> None:
        self.reviews[review.flag_id] = review
        self.model.retranslate()
        live(self.message, lambda: _("Review signed: {decision}.", decision=review_text(review)))
        self.reason_edit.clear()
        if self.evidence is not None:
            self._show_evidence(self.evidence)
        self.context.changed.emit()

    def prepare_screenshot(self) -> None:
        if not self.model.ids and self._handle is None:
            self.run_rules()

    def shutdown(self) -> None:
        if self._handle is not None:
            self._handle.cancel()


def _flags_and_reviews(
    home: Home, run: Any, progress: Any = None, cancel: Any = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    from sync.batch import cross_reviews

    result = run(home, progress=progress, cancel=cancel)
    flags = result.to_json() if hasattr(result, "to_json") else result
    return flags, cross_reviews(home)


def _log_html(side: Side) -> str:
    out = io.StringIO()
    out.write("<table border='1' cellspacing='0' style='font-size:small'><tr>")
    out.write("".join(f"<th>{escape(h)}</th>" for h in side.log_header))
    out.write("</tr>")
    for rec in side.log_rows:
        out.write("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in rec) + "</tr>")
    out.write("</table>")
    return out.getvalue()
