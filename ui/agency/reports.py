"""Reports: the drafts for one enterprise or the whole batch (the three reports, 一企一档, the
batch summary), with progress and cancel through :mod:`ui.tasks`; the files written are
recorded in the batch store (``batch status`` shows them) and the folder can be opened."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.errors import InputRefused
from inspector_app.home import Home
from inspector_app.i18n import _, bi, nbi
from ui.agency.common import AgencyContext, AgencyPage, ProblemPanel, live, set_form_labels
from ui.tasks import TaskHandle, run_task

FORMATS = ("pdf", "docx", "xlsx", "json")


def generate_drafts(
    home: Home,
    usccs: Sequence[str] | None,
    formats: Sequence[str],
    out: Path,
    *,
    progress: Any = None,
    cancel: Any = None,
) -> Any:
    """Draft the reports of the enterprise projects of ``usccs`` (all imported ones when
    ``None``, with the batch summary) and record the files per project (worker function)."""
    from inspector_app.findings import open_store
    from inspector_app.values import now
    from reports.data import group_cases, project_key
    from reports.generate import file_stem, generate
    from sync.services import record_reports

    with open_store(home) as store:
        cases = store.cases()
    groups = group_cases(cases)
    chosen = [g for key, g in groups.items() if usccs is None or key[0] in usccs]
    if not chosen:
        raise InputRefused(
            bi("No case package of this enterprise is imported: there is nothing to report on.")
        )
    out.mkdir(parents=True, exist_ok=True)
    archive = file_stem("archive")

    def recorded(d: Any, written: list[Path]) -> None:
        key = project_key(d.cases[0])
        record_reports(
            home,
            key[0],
            key[1] or None,
            [("archive" if p.stem == archive else "report", p) for p in written],
        )

    return generate(
        home,
        chosen,
        list(formats),
        out,
        summary=usccs is None,
        now=now(),
        workers=1,
        progress=progress,
        cancel=cancel,
        on_enterprise=recorded,
    )


class ReportsPage(AgencyPage):
    name = "reports"

    def __init__(self, context: AgencyContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._handle: TaskHandle | None = None
        self.which = QComboBox()
        self.which.setObjectName("reports-which")
        self.format_boxes = {f: QCheckBox(f.upper()) for f in FORMATS}
        for box in self.format_boxes.values():
            box.setChecked(True)
        self.out_edit = QLineEdit(str(context.home.root / "reports"))
        self.out_edit.setObjectName("reports-out")
        self.browse_button = QPushButton()
        self.browse_button.clicked.connect(self.browse)
        self.generate_button = QPushButton()
        self.generate_button.setObjectName("reports-generate")
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("reports-cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button = QPushButton()
        self.open_button.setObjectName("reports-open")
        self.open_button.clicked.connect(self.open_folder)
        self.progress = QProgressBar()
        self.progress.setObjectName("reports-progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status_label = QLabel()
        self.status_label.setObjectName("reports-status")
        self.status_label.setWordWrap(True)
        self.files = QListWidget()
        self.files.setObjectName("reports-files")
        self.problems = ProblemPanel()

        formats = QHBoxLayout()
        for box in self.format_boxes.values():
            formats.addWidget(box)
        formats.addStretch(1)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(self.browse_button)
        self.form = QFormLayout()
        self.form.addRow(QLabel(), self.which)
        self.form.addRow(QLabel(), formats)
        self.form.addRow(QLabel(), out_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.problems)
        layout.addWidget(self.files, 1)
        context.status_loaded.connect(self._fill_choices)
        self.retranslate()

    def title(self) -> str:
        return _("Reports")

    def retranslate(self) -> None:
        labels = (_("E&nterprises"), _("For&mats"), _("O&utput folder"))
        set_form_labels(self.form, labels)
        self.browse_button.setText(_("&Choose…"))
        self.generate_button.setText(_("Generate &drafts"))
        self.cancel_button.setText(_("Cance&l"))
        self.open_button.setText(_("&Open folder"))
        if getattr(self.status_label, "_live_text", None) is None:
            live(
                self.status_label,
                lambda: _("The drafts are written per enterprise: the three reports and 一企一档."),
            )
        self._fill_choices(self.context.status)

    @Slot(object)
    def _fill_choices(self, status: Any) -> None:
        keep = self.which.currentData()
        self.which.clear()
        self.which.addItem(_("The whole batch (with the batch summary)"), None)
        for row in status.rows if status else ():
            self.which.addItem(f"{row.roster.enterprise} ({row.roster.uscc})", row.roster.uscc)
        index = self.which.findData(keep)
        self.which.setCurrentIndex(max(0, index))

    @Slot()
    def browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Folder for the drafts"), self.out_edit.text()
        )
        if folder:
            self.out_edit.setText(folder)

    def formats(self) -> list[str]:
        return [f for f, box in self.format_boxes.items() if box.isChecked()]

    @Slot()
    def generate(self) -> None:
        self.problems.clear_problem()
        formats = self.formats()
        if not formats:
            self.problems.show_problem(_("Choose at least one format."))
            return
        uscc = self.which.currentData()
        self.files.clear()
        self.generate_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        live(self.status_label, lambda: _("Drafting…"))
        self._handle = run_task(
            generate_drafts,
            self.context.home,
            [uscc] if uscc else None,
            formats,
            Path(self.out_edit.text().strip()),
            on_progress=self._progress,
            on_done=self._done,
            on_error=self._failed,
            on_cancelled=self._cancelled,
            on_ended=self._ended,
            name="generate-drafts",
        )

    @Slot(int, object, str)
    def _progress(self, done: int, total: object, text: str) -> None:
        if isinstance(total, int) and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        if text:
            live(self.status_label, lambda: _("Drafting {name}…", name=text))

    def _done(self, outcome: Any) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        for path in outcome.files:
            try:
                shown = str(path.relative_to(Path(self.out_edit.text().strip())))
            except ValueError:
                shown = str(path)
            self.files.addItem(shown)
        live(
            self.status_label,
            lambda: str(
                nbi(
                    "Wrote {files} files for {n} enterprise.",
                    "Wrote {files} files for {n} enterprises.",
                    outcome.enterprises,
                    files=len(outcome.files),
                )
            ),
        )
        self.context.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        live(self.status_label, lambda: _("No draft was written."))
        self.problems.show_problem(exc)

    def _cancelled(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        live(self.status_label, lambda: _("Cancelled; the drafts finished before are kept."))
        self.context.changed.emit()

    def _ended(self) -> None:
        self._handle = None
        self.generate_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    @Slot()
    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()

    @Slot()
    def open_folder(self) -> None:
        folder = Path(self.out_edit.text().strip())
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def shutdown(self) -> None:
        self.cancel()
