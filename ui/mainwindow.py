"""The main window: navigation between the pages, menus, the open case, errors, About.

The window owns the open :class:`~inspector_app.services.CaseSession` and hands it to every
page (``set_session``). Opening a package (menu, drag and drop, command line) validates,
imports and analyses it off the UI thread through :mod:`ui.tasks` with a progress dialog and
Cancel; a refused package shows its errors in plain words (:mod:`ui.errors`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence
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

from inspector_app import __version__
from inspector_app.home import Home
from inspector_app.i18n import _
from ui import errors
from ui.pages import NEEDS_CASE, PAGE_TITLES, Page, PageContext, available_pages, load_page
from ui.shell import ShellMixin
from ui.tasks import ProgressDialog, run_task

if TYPE_CHECKING:  # annotations only: a Qt class is made when first named (its enums too)
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QPaintEvent
    from PySide6.QtWidgets import QMessageBox

log = logging.getLogger("inspector.ui")

PACKAGE_SUFFIXES = (".zip", ".age")


def is_package_path(path: str) -> bool:
    return path.lower().endswith(PACKAGE_SUFFIXES)


def _open_and_analyse(home: Home, case_id: str, progress: Any = None, cancel: Any = None) -> Any:
    """Open a case and make sure its analysis is there (computed once, then cached)."""
    from inspector_app.services.cases import open_case

    session = open_case(home, case_id)
    session.analysis(progress=progress, cancel=cancel)
    return session


def _import_pages(names: list[str]) -> list[str]:
    """Import the page modules ``names`` and the services they use (a work function: no
    widget is made here; the UI thread builds the pages afterwards)."""
    import importlib

    for module in (
        "inspector_app.services",
        "inspector_app.services.overview",
        "inspector_app.services.conclusion",
        "sync.services",
        *(f"ui.pages.{n}" for n in names),
    ):
        importlib.import_module(module)
    return names


class MainWindow(ShellMixin, QMainWindow):
    def __init__(
        self, home: Home, parent: QWidget | None = None, *, defer_pages: bool = False
    ) -> None:
        """``defer_pages``: build the case list only and import the other pages off the UI
        thread once the window shows (fast start); a page asked for earlier loads at once."""
        super().__init__(parent)
        self.home = home.ensure()
        errors.set_log_file(home.log_file)
        self.setObjectName("main-window")
        self.session: Any = None
        self.context = PageContext(home, self)
        self.context.show_error = self.show_error
        self.context.ask_passphrase = self.ask_passphrase
        from ui.signer import SignerKeeper

        self.signer_keeper = SignerKeeper(home, self.ask_passphrase, self.show_error)
        self.context.with_signer = self.signer_keeper.with_signer
        self.context.navigate.connect(self.show_page)
        self.context.evidence_requested.connect(self.show_evidence)
        self.context.case_opened.connect(self.open_case)
        self.context.session_changed.connect(self._session_changed)
        self.context.open_package_requested.connect(self.choose_package)
        self._import_dialog: ProgressDialog | None = None
        #: set while rendering a screenshot: errors are logged, never shown as dialogs
        self.headless = False
        self.headless_errors: list[BaseException | str] = []

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        self.page_names = available_pages()
        for name in self.page_names:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.nav.addItem(item)
        for name in self.page_names if not defer_pages else ["cases"]:
            self._ensure_page(name)
        self.nav.currentRowChanged.connect(self._nav_changed)
        #: the other pages are imported once the window has painted (a worker importing them
        #: holds the GIL against the first paint: measured 17 -> 40 ms), or a second after
        #: the window was made at the latest (a window never shown)
        self._pages_deferred = defer_pages
        if defer_pages:
            QTimer.singleShot(1000, self._load_other_pages)

        self.case_label = QLabel()
        self.case_label.setObjectName("case-label")
        self.case_label.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.case_label)
        side_layout.addWidget(self.nav, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(side)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 1000])
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)
        self.setAcceptDrops(True)

        self._build_actions()
        self.retranslate()
        self._update_enabled()
        self.nav.setCurrentRow(0)
        self.resize(QSize(1280, 800))
        self._restore_geometry()

    # ------------------------------------------------------------------ menus and actions

    def _build_actions(self) -> None:
        self.act_open = self._action(self.choose_package, QKeySequence.StandardKey.Open)
        self.act_settings = self._action(self.open_settings, "Ctrl+,")
        self.act_quit = self._action(self.close, QKeySequence.StandardKey.Quit)
        self.act_close_case = self._action(self.close_case, "Ctrl+W")
        self.act_about = self._action(self.about, "F1")
        self.act_pages = self._page_actions(self.page_names)
        bar = self.menuBar()
        self.menu_file = bar.addMenu("")
        for action in (self.act_open, self.act_close_case, self.act_settings):
            self.menu_file.addAction(action)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        self.menu_go = bar.addMenu("")
        for action in self.act_pages.values():
            self.menu_go.addAction(action)
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_about)

    def retranslate(self) -> None:
        self.menu_file.setTitle(_("&File"))
        self.menu_go.setTitle(_("&Go"))
        self.menu_help.setTitle(_("&Help"))
        self.act_open.setText(_("&Open case package…"))
        self.act_close_case.setText(_("&Close case"))
        self.act_settings.setText(_("&Settings…"))
        self.act_quit.setText(_("&Quit"))
        self.act_about.setText(_("&About Inspector"))
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            name = item.data(Qt.ItemDataRole.UserRole)
            page = self.pages.get(name)
            title = page.title() if page is not None else _(PAGE_TITLES.get(name, name))
            item.setText(title)
            item.setToolTip(
                _(
                    "Shortcut: {keys}",
                    keys=self.act_pages[name]
                    .shortcut()
                    .toString(QKeySequence.SequenceFormat.NativeText),
                )
            )
            self.act_pages[name].setText(f"&{row + 1} {title}")
            if page is not None:
                page.retranslate()
        self._update_title()

    def _update_title(self) -> None:
        title = _("Inspector — on-site acceptance inspection")
        if self.session is not None:
            title = f"{self._case_name()} — {title}"
            self.case_label.setText(self._case_name())
        else:
            self.case_label.setText(_("No case open"))
        self.setWindowTitle(title)

    def _case_name(self) -> str:
        case = getattr(self.session, "row", None)
        name = getattr(case, "enterprise", None) or getattr(self.session, "case_id", "")
        return str(name)

    def _update_enabled(self) -> None:
        has_case = self.session is not None
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            name = item.data(Qt.ItemDataRole.UserRole)
            enabled = has_case or name not in NEEDS_CASE
            flags = item.flags()
            if enabled:
                item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled)
            self.act_pages[name].setEnabled(enabled)
        self.act_close_case.setEnabled(has_case)

    # ------------------------------------------------------------------ navigation

    @Slot(int)
    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        name = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
        self.stack.setCurrentWidget(self._ensure_page(name))

    @Slot(str)
    @staticmethod
    def _own_page(name: str) -> str:
        """``name``, or the case list for a console page (``gui --page``) on the expert's app."""
        from ui.agency import AGENCY_PAGES

        return "cases" if name in AGENCY_PAGES else name

    def show_page(self, name: str) -> None:
        name = self._own_page(name)
        if name not in self.page_names:
            raise ValueError(f"no page {name!r}")
        page = self._ensure_page(name)
        self.nav.setCurrentRow(self.page_names.index(name))
        self.stack.setCurrentWidget(page)

    def _ensure_page(self, name: str) -> Page:
        """The page ``name``, built now if it is not yet (its module imported if needed)."""
        page = self.pages.get(name)
        if page is None:
            page = load_page(name)(self.context, self.stack)
            self.pages[name] = page
            self.stack.addWidget(page)
            if self.session is not None:
                page.set_session(self.session)
        return page

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._pages_deferred:  # the children paint in this same pass, then the pages load
            QTimer.singleShot(0, self._load_other_pages)

    @Slot()
    def _load_other_pages(self) -> None:
        if not self._pages_deferred:
            return
        self._pages_deferred = False
        missing = [n for n in self.page_names if n not in self.pages]
        run_task(
            _import_pages,
            missing,
            pass_progress=False,
            on_done=self._build_other_pages,
            on_error=self.show_error,
        )

    @Slot(object)
    def _build_other_pages(self, names: list[str]) -> None:
        for name in names:
            self._ensure_page(name)
        self.retranslate()
        self._update_enabled()

    def current_page(self) -> str:
        widget = self.stack.currentWidget()
        return widget.name if isinstance(widget, Page) else ""

    @Slot(str, object, object)
    def show_evidence(self, path: str, rows: object = None, pointer: object = None) -> None:
        if "evidence" not in self.page_names:
            return
        page = self._ensure_page("evidence")
        self.show_page("evidence")
        page.show_evidence(path, rows=rows, pointer=pointer)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ cases

    def set_session(self, session: Any) -> None:
        old, self.session = self.session, session
        if old is not None and old is not session:
            close = getattr(old, "close", None)
            if close is not None:
                close()
        for page in self.pages.values():
            page.set_session(session)
        self._update_enabled()
        self._update_title()

    @Slot()
    def close_case(self) -> None:
        self.set_session(None)
        self.show_page("cases")

    @Slot(str)
    def open_case(self, case_id: str) -> None:
        """Open an imported case (its analysis is kept, so this is quick)."""
        ProgressDialog.run(
            self,
            _("Opening the case…"),
            _open_and_analyse,
            self.home,
            case_id,
            on_done=self._opened,
            on_error=self.show_error,
        )

    @Slot(object)
    def _opened(self, session: Any) -> None:
        self.set_session(session)
        self.show_page("overview")

    @Slot()
    def _session_changed(self) -> None:
        for page in self.pages.values():
            refresh = getattr(page, "refresh", None)
            if refresh is not None and page is not self.stack.currentWidget():
                refresh()

    @Slot()
    def choose_package(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # here: its type is made on first use

        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Open a case package"),
            str(Path.home()),
            _("Case packages (*.case.zip *.case.zip.age *.zip *.age);;All files (*)"),
        )
        if path:
            self.import_package(Path(path))

    def open_path_or_case(self, value: str) -> None:
        """The command line's CASE: a package file to import, else an imported case's id."""
        if Path(value).is_file():
            self.import_package(Path(value))
        else:
            self.open_case(value)

    def import_package(self, path: Path) -> None:
        """Validate, import and analyse ``path`` off the UI thread, then open the case.

        An encrypted package is opened with this device's key (the passphrase is asked first).
        """
        from inspector_app.services.cases import is_encrypted

        if is_encrypted(path):
            self.signer_keeper.with_signer(
                self, lambda signer: self._start_import(path, [signer.age_identity()])
            )
        else:
            self._start_import(path, [])

    def _start_import(self, path: Path, identities: list[Any]) -> None:
        from inspector_app.services.cases import import_case

        self._import_dialog = ProgressDialog.run(
            self,
            _("Checking and importing {name}…", name=path.name),
            import_case,
            self.home,
            path,
            identities=identities,
            on_done=self._imported,
            on_error=self.show_error,
        )

    @Slot(object)
    def _imported(self, result: Any) -> None:
        self._import_dialog = None
        case_id = str(getattr(result, "case_id", result))
        self.context.case_imported.emit(case_id)
        self.open_case(case_id)

    # ------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() and is_package_path(u.toLocalFile()) for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            event.acceptProposedAction()
            self.import_package(Path(urls[0].toLocalFile()))

    # ------------------------------------------------------------------ dialogs

    def show_error(self, exc: BaseException | str, parent: QWidget | None = None) -> None:
        if self.headless:  # rendering a screenshot: nobody can close a dialog
            log.warning("error while rendering: %s", exc)
            self.headless_errors.append(exc)
            return
        errors.show_error(exc, parent or self)

    def ask_passphrase(self, parent: QWidget | None = None) -> str | None:
        from ui.dialogs import PassphraseDialog

        return PassphraseDialog.ask(parent or self)

    def about_box(self) -> QMessageBox:
        """Version, the data folder, the log file (internal errors go there), the language."""
        from ui.dialogs import about_box

        return about_box(
            self,
            self.home,
            _("Inspector {version} — on-site acceptance inspections", version=__version__),
        )

    # ------------------------------------------------------------------ screenshots

    def render_page(self, page: str, out: Path, *, case: str | None = None) -> int:
        """Render ``page`` (with ``case`` open, synchronously) to the PNG ``out``; 0 when done."""
        self.headless = True
        page = self._own_page(page)
        from inspector_app.services.cases import import_case

        if case:
            if Path(case).is_file():
                case = import_case(self.home, Path(case)).case_id
            self.set_session(_open_and_analyse(self.home, case))
        self.show_page(page)
        self.resize(QSize(1280, 800))
        self.show()
        app = QApplication.instance()
        for _i in range(5):
            if app is not None:
                app.processEvents()
        prepare = getattr(self._ensure_page(page), "prepare_screenshot", None)
        if prepare is not None:
            prepare()
            if app is not None:
                app.processEvents()
        from ui.tasks import wait_all

        wait_all()
        if app is not None:
            app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        ok = self.grab().save(str(out), "PNG") and not self.headless_errors
        wait_all()
        if app is not None:
            app.processEvents()
        return 0 if ok else 1

    # ------------------------------------------------------------------ geometry

    def _qsettings(self) -> QSettings:
        """Window geometry and splitter state only, in the home folder (never the profile)."""
        return QSettings(str(self.home.settings_dir / "window.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        settings = self._qsettings()
        geometry = settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("main/splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = self._qsettings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/splitter", self.splitter.saveState())
        for page in self.pages.values():
            flush = getattr(page, "flush_drafts", None)
            if flush is not None:
                flush()
        self.set_session(None)
        super().closeEvent(event)
