"""导出同步包 — write the bundle for the agency, see what it holds, take the agency's receipt.

The bundle holds every finding this device signed and has not exported yet (all cases),
encrypted to the trusted agency and signed (``sync.services.export_bundle``). The agency's
signed receipt, brought back later, records which findings the agency holds
(``sync.services.ack_receipts``). Both run off the UI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    Qt,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import N_, _
from ui.models import Index, KeyedTableModel
from ui.pages import Page, PageContext, register
from ui.tasks import ProgressDialog, run_task
from ui.text import shown

COLUMNS = (N_("Bundle"), N_("Findings"), N_("State"), N_("Agency's receipt"), N_("File"))
STATE_LABELS = {"done": N_("written"), "writing": N_("interrupted")}


class ExportsModel(KeyedTableModel):
    """Rows are bundle numbers (this device's exports)."""

    header_ids = COLUMNS

    def set_rows(self, rows: list[Any]) -> None:
        self.set_records(rows, key=lambda r: r.number)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        number = self.row_key(index)
        if number is None:
            return None
        r = self._rows[number]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"#{r.number}",
                _("{first}–{last}", first=r.first_seq, last=r.last_seq),
                _(STATE_LABELS.get(r.state, r.state)),
                (r.acked_at or "")[:16].replace("T", " ") or _("not yet"),
                Path(r.file).name,
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return r.file
        return None


@register
class ExportPage(Page):
    name = "export"

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.result: Any = None
        self.write_box = QGroupBox()
        self.folder_label = QLabel()
        self.folder = QLineEdit()
        self.folder.setObjectName("bundle-folder")
        self.folder_label.setBuddy(self.folder)
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        self.export_button = QPushButton()
        self.export_button.setObjectName("export")
        self.export_button.clicked.connect(self.export)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.outcome = QLabel()
        self.outcome.setObjectName("export-outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.folder_label)
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        row.addWidget(self.export_button)
        wl = QVBoxLayout(self.write_box)
        wl.addWidget(self.explain)
        wl.addLayout(row)
        wl.addWidget(self.outcome)

        self.list_box = QGroupBox()
        self.model = ExportsModel(self)
        self.table = QTableView()
        self.table.setObjectName("exports")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.ack_button = QPushButton()
        self.ack_button.setObjectName("take-receipt")
        self.ack_button.clicked.connect(self._choose_receipts)
        self.acked = QLabel()
        self.acked.setObjectName("acknowledged")
        self.acked.setWordWrap(True)
        ll = QVBoxLayout(self.list_box)
        ll.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.acked, 1)
        bottom.addWidget(self.ack_button)
        ll.addLayout(bottom)

        layout = QVBoxLayout(self)
        layout.addWidget(self.write_box)
        layout.addWidget(self.list_box, 1)
        self.retranslate()
        self.reload()

    def title(self) -> str:
        return _("Export")

    def retranslate(self) -> None:
        self.write_box.setTitle(_("Bundle for the agency"))
        self.explain.setText(
            _(
                "The bundle holds every finding you signed that is not yet in an earlier bundle "
                "(every case), with its attachments, encrypted for the agency and signed by this "
                "device. Write it to a folder or a removable drive and hand it over."
            )
        )
        self.folder_label.setText(_("&Folder:"))
        self.browse.setText(_("&Browse…"))
        self.export_button.setText(_("&Write bundle"))
        self.list_box.setTitle(_("Bundles written by this device"))
        self.ack_button.setText(_("Take the agency's &receipt…"))
        self.model.retranslate()
        self._show_result()

    def set_session(self, session: Any) -> None:
        super().set_session(session)
        self.reload()

    def refresh(self) -> None:
        self.reload()

    @Slot()
    def reload(self) -> None:
        from inspector_app.services.identities import identity_exists

        if not identity_exists(self.context.home):
            self._rows([])
            return
        from sync.services import list_exports

        run_task(
            list_exports,
            self.context.home,
            pass_progress=False,
            on_done=self._rows,
            on_error=self.context.show_error,
        )

    def prepare_screenshot(self) -> None:
        from inspector_app.services.identities import identity_exists
        from sync.services import list_exports

        if identity_exists(self.context.home):
            self._rows(list_exports(self.context.home))

    @Slot(object)
    def _rows(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        acked = [r for r in rows if r.acked_at]
        if not rows:
            self.acked.setText(_("No bundle written yet."))
        elif acked:
            self.acked.setText(
                _(
                    "The agency confirms it holds every finding up to number {seq}.",
                    seq=max(r.last_seq for r in acked),
                )
            )
        else:
            self.acked.setText(_("The agency has not confirmed any bundle yet."))

    @Slot()
    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, _("Folder for the bundle"), self.folder.text()
        )
        if chosen:
            self.folder.setText(chosen)

    def export(self) -> None:
        """Write the bundle to the chosen folder (the passphrase signs it)."""
        text = self.folder.text().strip()
        if not text:
            self.context.show_error(_("Choose the folder to write the bundle to first."), self)
            return
        from sync.services import export_bundle, export_preflight

        try:
            export_preflight(self.context.home)
        except Exception as exc:  # refused before the passphrase is asked
            self.context.show_error(exc, self)
            return

        def go(signer: Any) -> None:
            ProgressDialog.run(
                self,
                _("Writing the bundle…"),
                export_bundle,
                self.context.home,
                Path(text),
                signer=signer,
                on_done=self._exported,
                on_error=self.context.show_error,
            )

        self.context.with_signer(self, go)

    @Slot(object)
    def _exported(self, result: Any) -> None:
        self.result = result
        self._show_result()
        self.reload()
        self.context.session_changed.emit()

    def _show_result(self) -> None:
        result = self.result
        if result is None:
            self.outcome.setText("")
            return
        lines = [shown(s.message()) for s in result.stale]
        if result.written is None:
            lines.insert(0, _("Nothing new to export: every finding is in an earlier bundle."))
        else:
            m = result.written.manifest
            lines.insert(
                0,
                _(
                    "Wrote bundle #{number}: {count} findings (numbers {first}–{last}) and "
                    "{attachments} attachments, to {path}",
                    number=m["number"],
                    count=result.findings,
                    first=m["sequence"]["first"],
                    last=m["sequence"]["last"],
                    attachments=result.attachments,
                    path=str(result.written.path),
                ),
            )
        self.outcome.setText("\n".join(lines))

    @Slot()
    def _choose_receipts(self) -> None:
        paths, _f = QFileDialog.getOpenFileNames(
            self,
            _("The agency's receipts"),
            self.folder.text(),
            _("Receipts (*.json);;All files (*)"),
        )
        if paths:
            self.take_receipts([Path(p) for p in paths])

    def take_receipts(self, paths: list[Path]) -> None:
        from sync.services import ack_receipts

        run_task(
            ack_receipts,
            self.context.home,
            paths,
            serial=True,
            pass_progress=False,
            on_done=lambda _report: self.reload(),
            on_error=self.context.show_error,
        )
