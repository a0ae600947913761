"""The agency console's window: navigation between the console's pages, the shared batch
status (reloaded whenever a page changed the store), the signer, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app import __version__
from inspector_app.home import Home
from inspector_app.i18n import _
from ui import errors
from ui.agency import AGENCY_PAGES
from ui.agency.common import AgencyContext, AgencyPage, refresh_live
from ui.shell import ShellMixin


def page_classes() -> list[type[AgencyPage]]:
    from ui.agency.crossflags import CrossFlagsPage
    from ui.agency.dashboard import DashboardPage
    from ui.agency.disputes import DisagreementsPage
    from ui.agency.inbox import InboxPage
    from ui.agency.reports import ReportsPage
    from ui.agency.roster import RosterPage

    classes: list[type[AgencyPage]] = [
        RosterPage,
        InboxPage,
        DisagreementsPage,
        CrossFlagsPage,
        ReportsPage,
        DashboardPage,
    ]
    return sorted(classes, key=lambda c: AGENCY_PAGES.index(c.name))


class AgencyWindow(ShellMixin, QMainWindow):
    def __init__(self, home: Home, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home = home.ensure()
        errors.set_log_file(home.log_file)
        self.setObjectName("agency-window")
        self.context = AgencyContext(self.home, self)
        self.context.show_error = self.show_error
        from ui.signer import SignerKeeper

        self.signer_keeper = SignerKeeper(self.home, self.ask_passphrase, self.show_error)
        self.context.with_signer = self.signer_keeper.with_signer
        self.context.changed.connect(self.context.reload)
        self.context.navigate.connect(self.show_page)

        self.nav = QListWidget()
        self.nav.setObjectName("agency-navigation")
        self.stack = QStackedWidget()
        self.pages: dict[str, AgencyPage] = {}
        for cls in page_classes():
            page = cls(self.context, self.stack)
            self.pages[cls.name] = page
            self.stack.addWidget(page)
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, cls.name)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.mode_label = QLabel()
        self.mode_label.setObjectName("agency-mode")
        self.mode_label.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.mode_label)
        side_layout.addWidget(self.nav, 1)
        splitter = QSplitter()
        splitter.addWidget(side)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 1090])
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self.setCentralWidget(central)
        self._build_menus()
        self.retranslate()
        self.nav.setCurrentRow(0)
        self.resize(QSize(1280, 800))
        self.context.reload()

    # ------------------------------------------------------------------ menus and actions

    def _build_menus(self) -> None:
        """文件 / 批次 / 报告 / 转到 / 帮助: every action of the console, each with a shortcut or
        a mnemonic (the menus' titles and the actions' texts carry one)."""
        self.act_import_roster = self._action(self.import_roster, "Ctrl+I")
        self.act_add_bundles = self._action(self.add_bundles, QKeySequence.StandardKey.Open)
        self.act_watch = self._action(self.watch_folder, "Ctrl+Shift+W")
        self.act_receipts = self._action(self.open_receipts, "Ctrl+Shift+R")
        self.act_settings = self._action(self.open_settings, "Ctrl+,")
        self.act_quit = self._action(self.close, QKeySequence.StandardKey.Quit)
        self.act_refresh = self._action(self.context.reload, QKeySequence.StandardKey.Refresh)
        self.act_disagreements = self._action(
            lambda: self.show_page("disagreements"), "Ctrl+Shift+D"
        )
        self.act_cross = self._action(self.run_cross_rules, "Ctrl+R")
        self.act_generate = self._action(self.generate_reports, "Ctrl+G")
        self.act_drafts_folder = self._action(self.open_drafts_folder, "Ctrl+Shift+O")
        self.act_about = self._action(self.about, "F1")
        self.act_pages = self._page_actions(self.pages)
        bar = self.menuBar()
        self.menu_file = bar.addMenu("")
        for action in (self.act_import_roster, self.act_add_bundles, self.act_watch):
            self.menu_file.addAction(action)
        self.menu_file.addAction(self.act_receipts)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_settings)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        self.menu_batch = bar.addMenu("")
        for action in (self.act_refresh, self.act_disagreements, self.act_cross):
            self.menu_batch.addAction(action)
        self.menu_reports = bar.addMenu("")
        self.menu_reports.addAction(self.act_generate)
        self.menu_reports.addAction(self.act_drafts_folder)
        self.menu_go = bar.addMenu("")
        for action in self.act_pages.values():
            self.menu_go.addAction(action)
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_about)

    def _retranslate_menus(self) -> None:
        self.menu_file.setTitle(_("&File"))
        self.menu_batch.setTitle(_("&Batch"))
        self.menu_reports.setTitle(_("&Reports"))
        self.menu_go.setTitle(_("&Go"))
        self.menu_help.setTitle(_("&Help"))
        self.act_import_roster.setText(_("&Import roster…"))
        self.act_add_bundles.setText(_("&Add bundles…"))
        self.act_watch.setText(_("&Watch a folder…"))
        self.act_receipts.setText(_("Open &receipts folder"))
        self.act_settings.setText(_("&Settings…"))
        self.act_quit.setText(_("&Quit"))
        self.act_refresh.setText(_("Re&load the batch status"))
        self.act_disagreements.setText(_("&Disagreements to decide"))
        self.act_cross.setText(_("Run the &cross-enterprise rules"))
        self.act_generate.setText(_("&Generate report drafts"))
        self.act_drafts_folder.setText(_("&Open the drafts folder"))
        self.act_about.setText(_("&About Inspector"))
        for row, (name, action) in enumerate(self.act_pages.items()):
            action.setText(f"&{row + 1} {self.pages[name].title()}")

    def retranslate(self) -> None:
        self.setWindowTitle(_("Inspector — agency console"))
        self.mode_label.setText(_("Agency console"))
        self._retranslate_menus()
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            name = item.data(Qt.ItemDataRole.UserRole)
            page = self.pages[name]
            item.setText(page.title())
            keys = self.act_pages[name].shortcut()
            item.setToolTip(
                _("Shortcut: {keys}", keys=keys.toString(QKeySequence.SequenceFormat.NativeText))
            )
            page.retranslate()
            refresh_live(page)

    def _page(self, name: str) -> Any:
        """Show the page ``name`` and return it (the menus' actions act on it)."""
        self.show_page(name)
        return self.pages[name]

    @Slot()
    def import_roster(self) -> None:
        """Choose the roster file on the roster page; import it at once when the batch is named."""
        page = self._page("roster")
        page.browse()
        if not page.file_edit.text().strip():
            return
        if page.batch_edit.text().strip():
            page.import_roster()
        else:
            page.batch_edit.setFocus()

    @Slot()
    def add_bundles(self) -> None:
        self._page("inbox").choose_files()

    @Slot()
    def watch_folder(self) -> None:
        page = self._page("inbox")
        if page.watch_button.isChecked():
            page.watch_button.setChecked(False)
            return
        folder = QFileDialog.getExistingDirectory(
            self, _("Choose the folder to watch for new bundles"), page.watch_edit.text()
        )
        if folder:
            page.watch_edit.setText(folder)
            page.watch_button.setChecked(True)

    @Slot()
    def open_receipts(self) -> None:
        self._page("inbox").open_receipts()

    @Slot()
    def run_cross_rules(self) -> None:
        page = self._page("cross")
        if page.run_button.isEnabled():
            page.run_rules()

    @Slot()
    def generate_reports(self) -> None:
        page = self._page("reports")
        if page.generate_button.isEnabled():
            page.generate()

    @Slot()
    def open_drafts_folder(self) -> None:
        self._page("reports").open_folder()

    def about_box(self) -> QMessageBox:
        """Version, the data folder, the log file (internal errors go there), the language."""
        from ui.dialogs import about_box

        return about_box(
            self, self.home, _("Inspector {version} — agency console", version=__version__)
        )

    @Slot(int)
    def _nav_changed(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentWidget(
                self.pages[self.nav.item(row).data(Qt.ItemDataRole.UserRole)]
            )

    @Slot(str)
    def show_page(self, name: str) -> None:
        """Show the console's page ``name`` (an expert page's name shows the roster)."""
        self.nav.setCurrentRow(list(self.pages).index(name if name in self.pages else "roster"))

    def open_path_or_case(self, value: str) -> None:
        """The command line's CASE at the agency: a bundle file goes to the inbox."""
        path = Path(value)
        if path.is_file() and path.name.endswith(".age"):
            self.show_page("inbox")
            self.pages["inbox"].add_files([path])  # type: ignore[attr-defined]

    def current_page(self) -> str:
        widget = self.stack.currentWidget()
        return widget.name if isinstance(widget, AgencyPage) else ""

    def show_error(self, exc: BaseException | str, parent: QWidget | None = None) -> None:
        errors.show_error(exc, parent or self)

    def ask_passphrase(self, parent: QWidget | None = None) -> str | None:
        from ui.dialogs import PassphraseDialog

        return PassphraseDialog.ask(parent or self)

    def settle(self) -> None:
        """Process events until no background task is running (screenshots, tests)."""
        from ui.tasks import wait_all

        app = QApplication.instance()
        for _i in range(3):
            wait_all()
            if app is not None:
                app.processEvents()

    def render_page(self, page: str, out: Path, *, case: str | None = None) -> int:
        """Render ``page`` to the PNG ``out`` (offscreen); 0 when written. ``case`` is not
        used (the console has no open case); an expert page name shows the roster."""
        del case
        self.show_page(page if page in self.pages else "roster")
        self.resize(QSize(1280, 800))
        self.show()
        self.settle()
        prepare = getattr(self.pages[page], "prepare_screenshot", None)
        if prepare is not None:
            prepare()
        self.settle()
        out.parent.mkdir(parents=True, exist_ok=True)
        return 0 if self.grab().save(str(out), "PNG") else 1

    def closeEvent(self, event: Any) -> None:
        for page in self.pages.values():
            stop = getattr(page, "shutdown", None)
            if stop is not None:
                stop()
        super().closeEvent(event)
