"""The agency console's window: navigation between the console's pages, the shared batch
status (reloaded whenever a page changed the store), the signer, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.home import Home
from inspector_app.i18n import _
from ui import errors
from ui.agency import AGENCY_PAGES
from ui.agency.common import AgencyContext, AgencyPage, refresh_live


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


class AgencyWindow(QMainWindow):
    def __init__(self, home: Home, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home = home.ensure()
        errors.set_log_file(home.log_file)
        self.setObjectName("agency-window")
        self.context = AgencyContext(self.home, self)
        self.context.show_error = self.show_error
        from ui.dialogs import SignerKeeper

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
        self.retranslate()
        self.nav.setCurrentRow(0)
        self.resize(QSize(1280, 800))
        self.context.reload()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Inspector — agency console"))
        self.mode_label.setText(_("Agency console"))
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            page = self.pages[item.data(Qt.ItemDataRole.UserRole)]
            item.setText(page.title())
            page.retranslate()
            refresh_live(page)

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


def main_window_for(home: Home, *, defer_pages: bool = False) -> Any:
    """The window the identity's role asks for: the agency console for ``agency``, else the
    expert's main window (``defer_pages``: its pages other than the case list load off the UI
    thread after it shows)."""
    from inspector_app.services.identities import identity_exists

    if identity_exists(home):
        from inspector_app import identity

        if identity.load(home).role == "agency":
            return AgencyWindow(home)
    from ui.mainwindow import MainWindow

    return MainWindow(home, defer_pages=defer_pages)
