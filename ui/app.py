"""The QApplication: fonts with a CJK fallback, high-DPI, language, Qt's own translations, logging.

:func:`create_app` is idempotent (the tests' ``qapp`` may already exist); :func:`run` is what
``inspector-app gui`` calls.
"""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QSize, Qt, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from inspector_app import __version__
from inspector_app.home import Home
from inspector_app.i18n import LANGUAGES, get_language, resolve_language, set_language
from inspector_app.resources import resource_path

log = logging.getLogger("inspector.ui")

#: Chinese-capable families, best first, per platform; the first installed ones become the
#: fallbacks of the application font so that Chinese never renders as boxes.
CJK_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",  # Windows
    "PingFang SC",
    "Hiragino Sans GB",  # macOS
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",  # Linux
    "SimSun",
)

_translators: list[QTranslator] = []

#: the sizes of the window icon (resources/icons/inspector-<N>.png, tools/make_icons.py)
ICON_SIZES = (16, 24, 32, 48, 64, 128)


def cjk_families() -> list[str]:
    """The installed Chinese-capable families, in :data:`CJK_FAMILIES` order."""
    installed = set(QFontDatabase.families())
    found = [f for f in CJK_FAMILIES if f in installed]
    if not found:  # any family that declares Simplified Chinese
        found = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)[:1]
    return found


_bundled_fonts: list[str] = []


def load_bundled_fonts() -> list[str]:
    """Register the CJK font a frozen build carries in ``resources/fonts`` (the one the reports
    embed), so Chinese renders on a machine without Chinese fonts; once per process."""
    if not _bundled_fonts:
        folder = resource_path("fonts")
        files = sorted(folder.glob("*.tt[cf]")) if folder.is_dir() else []
        for path in files:
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                _bundled_fonts.extend(QFontDatabase.applicationFontFamilies(font_id))
        _bundled_fonts.append("")  # marks "done" (also when nothing is bundled)
    return [f for f in _bundled_fonts if f]


def setup_fonts(app: QApplication) -> None:
    """Keep the platform's UI font and add the installed CJK families as fallbacks. The CJK
    font a frozen build carries is the fallback of a machine that has none: it is registered
    only then (reading it, a 5 MB font collection, cost ~9 ms of every start; Windows and macOS
    always have one)."""
    families = cjk_families()
    if not families and load_bundled_fonts():
        families = cjk_families()
    font = QFont(app.font())
    base = font.family()
    fallbacks = [f for f in families if f != base]
    font.setFamilies([base, *fallbacks])
    app.setFont(font)
    for family in fallbacks[:1]:
        for generic in ("Sans Serif", "sans-serif", base):
            QFont.insertSubstitution(generic, family)


def window_icon() -> QIcon:
    """The app's icon in the sizes windows use (``tools/make_icons.py``), not the 512 px master
    the build makes the executable's icon of: on X11 each size is sent to the X server when a
    window shows (~6 ms for the master alone)."""
    icon = QIcon()
    folder = resource_path("icons")
    for size in ICON_SIZES:
        path = folder / f"inspector-{size}.png"
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


def install_qt_translations(app: QApplication, language: str) -> None:
    """Qt's own ``qtbase`` catalog for stock dialogs (file dialog, message box buttons)."""
    for old in _translators:
        app.removeTranslator(old)
    _translators.clear()
    if language == "en":
        QLocale.setDefault(QLocale("en_US"))
        return
    QLocale.setDefault(QLocale(language))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase", "qt"):
        translator = QTranslator(app)
        if translator.load(QLocale(language), name, "_", folder):
            app.installTranslator(translator)
            _translators.append(translator)
            break


def apply_language(language: str) -> None:
    """Switch the process to ``language`` (the core's catalog and Qt's)."""
    if language not in LANGUAGES:
        raise ValueError(language)
    set_language(language)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        install_qt_translations(app, language)
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def setup_logging(home: Home) -> Path:
    """Log ``inspector.*`` to the home's log file (the About dialog shows where)."""
    root = logging.getLogger("inspector")
    path = home.log_file
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            return path
    path.parent.mkdir(parents=True, exist_ok=True)
    from inspector_app.logfile import RotatingLog

    handler = RotatingLog(path)
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    return path


def _excepthook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    """An exception escaping a slot is a bug: log it with its traceback, tell the user."""
    log.error("internal error in the UI", exc_info=(kind, exc, tb))  # type: ignore[arg-type]
    from ui.errors import show_internal_error

    show_internal_error(exc)


def create_app(argv: list[str] | None = None, language: str | None = None) -> QApplication:
    """The application (created once): high-DPI, fonts, language."""
    # core work runs in Python threads (ui.tasks): hand the GIL back to the UI thread every
    # millisecond rather than every 5 (measured: the event loop's 99th-percentile gap while a
    # package imports halves; benchmarks/bench_ui_app.py gap)
    sys.setswitchinterval(0.001)
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Inspector")
    app.setOrganizationName("Inspector")
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("现场验收核查工具 Inspector")
    app.setWindowIcon(window_icon())
    setup_fonts(app)
    apply_language(language or get_language())
    return app


def _pointer() -> QSettings:
    # the one thing kept outside the data folder: where the data folder is (a pointer cannot
    # live inside the folder it points to); only used without --home / INSPECTOR_HOME
    return QSettings(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, "Inspector", "Inspector"
    )


def remembered_home() -> Home | None:
    value = _pointer().value("paths/data_folder")
    if isinstance(value, str) and value and Path(value).is_dir():
        return Home(Path(value))
    return None


def remember_home(home: Home) -> None:
    _pointer().setValue("paths/data_folder", str(home.root))


def main_window_for(home: Home, *, defer_pages: bool = False) -> Any:
    """The window the identity's role asks for: the agency console for ``agency``, else the
    expert's main window (``defer_pages``: its pages other than the case list load off the UI
    thread after it shows). Only the window asked for is imported."""
    # the identity file's public members only (not the identity's modules: ~20 ms of start)
    from inspector_app.identity.header import role

    if role(home) == "agency":
        from ui.agency.window import AgencyWindow

        return AgencyWindow(home)
    from ui.mainwindow import MainWindow

    return MainWindow(home, defer_pages=defer_pages)


def started() -> None:
    """The app has started: the cyclic garbage collector runs again. ``inspector-app gui``
    turns it off while the app starts (``ui.command``; the frozen app from its first runtime
    hook, ``packaging/rthook_gc.py``): start-up makes objects that live as long as the app
    (modules, classes, the window), which ~55 collections walked for nothing — 12 ms of a 0.3 s
    start, 40 ms at load 5 — freeing a few hundred objects. They are frozen (``gc.freeze``:
    never walked again; those few hundred stay). Idempotent; nothing to do when it was on."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run(
    home: Home,
    *,
    case: str | None = None,
    language: str | None = None,
    page: str | None = None,
    screenshot: Path | None = None,
    home_explicit: bool = True,
) -> int:
    """Start the app (``inspector-app gui``); with ``screenshot`` render ``page`` and exit."""
    try:
        return _run(
            home,
            case=case,
            language=language,
            page=page,
            screenshot=screenshot,
            home_explicit=home_explicit,
        )
    finally:
        started()


def _run(
    home: Home,
    *,
    case: str | None,
    language: str | None,
    page: str | None,
    screenshot: Path | None,
    home_explicit: bool,
) -> int:
    if not home_explicit:
        home = remembered_home() or home
    home.ensure()
    setup_logging(home)
    from ui.errors import set_log_file

    set_log_file(home.log_file)  # the internal-error dialog names it (also in the wizard)
    # the home's language setting (ui.settings.language, without importing the dialog)
    chosen = language or resolve_language(None, home.settings_dir)
    app = create_app(language=chosen)
    sys.excepthook = _excepthook
    if screenshot is not None:
        started()
        window = main_window_for(home)
        code = window.render_page(page or "cases", screenshot, case=case)
        from ui.tasks import wait_all

        wait_all()
        window.close()
        window.deleteLater()
        return code
    from inspector_app.identity.header import exists as identity_exists

    if not identity_exists(home):
        started()
        from ui.wizard import FirstRunWizard

        wizard = FirstRunWizard(home)
        if not wizard.exec():
            return 0
        if wizard.home != home and not home_explicit:
            remember_home(wizard.home)
        home = wizard.home
        setup_logging(home)
    # the agency console when the identity's role is agency; the expert's pages other than the
    # case list load off the UI thread once the window shows (fast start)
    window = main_window_for(home, defer_pages=True)
    window.show()
    QTimer.singleShot(0, started)
    if page:
        window.show_page(page)
    if case:
        window.open_path_or_case(case)
    code = app.exec()
    from ui.tasks import wait_all

    wait_all()
    return int(code)
