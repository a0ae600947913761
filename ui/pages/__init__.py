"""The page contract: every screen of the main window is a :class:`Page`.

A page is a ``QWidget`` subclass with

* a class attribute ``name``, one of :data:`PAGE_NAMES` (also the ``--page`` value of
  ``inspector-app gui``);
* ``title()`` — its translated title (navigation list, window title);
* ``set_session(session)`` — the open case (a
  :class:`~inspector_app.services.CaseSession`) or ``None`` when no case is open; the page
  refreshes itself from it (long work through :func:`ui.tasks.run_task`);
* ``retranslate()`` — re-set every visible text after the language changed.

A page is built as ``PageClass(context, parent)``; :class:`PageContext` gives it the home
folder and the main window's services. Pages talk to the main window only through the
context's signals: ``navigate(name)`` to switch page, ``evidence_requested(path, rows,
pointer)`` to show a piece of evidence (the evidence page handles it with
``show_evidence(path, rows=None, pointer=None)``), ``session_changed()`` after a page wrote
findings that other pages show (e.g. the status), ``case_opened(case_id)`` to open a case.
To sign, a page calls ``context.with_signer(self, then)``; the unlocked signer is passed to
``then`` (the passphrase is asked once per app session).

Pages register themselves with :func:`register`; :func:`load_pages` imports the page modules
``ui.pages.<name>`` that exist and returns :data:`PAGES` in navigation order.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from inspector_app.home import Home
    from inspector_app.services import CaseSession

#: Navigation order; also the values of ``inspector-app gui --page``.
PAGE_NAMES = (
    "cases",
    "overview",
    "evidence",
    "usage",
    "scoring",
    "flags",
    "record",
    "conclusion",
    "export",
)

#: Each page's title before its module is loaded (a deferred page; its ``title()`` says the same).
PAGE_TITLES = {
    "cases": "Cases",
    "overview": "Overview",
    "evidence": "Evidence",
    "usage": "Usage",
    "scoring": "Scoring",
    "flags": "Red flags",
    "record": "On-site record",
    "conclusion": "Conclusion",
    "export": "Export",
}

#: Pages that need an open case (the others work without one).
NEEDS_CASE = frozenset(PAGE_NAMES) - {"cases", "export"}


class PageContext(QObject):
    """What a page may use besides its session: the home folder and the main window's signals."""

    navigate = Signal(str)  # page name
    evidence_requested = Signal(str, object, object)  # path, rows (list[int] | None), pointer
    session_changed = Signal()  # findings were written: refresh status and counts
    case_opened = Signal(str)  # case id to open (from the case list)
    case_imported = Signal(str)  # a package was imported: the case list reloads
    open_package_requested = Signal()  # the main window asks for a package file and imports it

    def __init__(self, home: Home, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = home
        #: set by the main window: ``show_error(exc_or_message, parent=None)``
        self.show_error: Callable[..., None] = _no_error_handler
        #: set by the main window: asks for the passphrase; returns ``None`` when cancelled
        self.ask_passphrase: Callable[[QWidget | None], str | None] = lambda _parent: None
        #: set by the main window: ``with_signer(parent, then)`` calls ``then(signer)`` with this
        #: device's unlocked identity (asks the passphrase once per app session, unlocks off the
        #: UI thread); nothing happens when the user cancels
        self.with_signer: Callable[[QWidget | None, Callable[[Any], None]], None] = (
            _no_error_handler
        )


def _no_error_handler(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("PageContext.show_error used before the main window set it")


class Page(QWidget):
    """Base of every page (see the module docstring for the contract)."""

    name: ClassVar[str] = ""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.session: CaseSession | None = None
        self.setObjectName(f"page-{self.name}")

    def title(self) -> str:
        raise NotImplementedError

    def set_session(self, session: CaseSession | None) -> None:
        self.session = session

    def retranslate(self) -> None:
        raise NotImplementedError


PAGES: list[type[Page]] = []


def register(cls: type[Page]) -> type[Page]:
    """Class decorator: add a page class to :data:`PAGES` (in :data:`PAGE_NAMES` order)."""
    if cls.name not in PAGE_NAMES:
        raise ValueError(f"unknown page name {cls.name!r}")
    PAGES[:] = [p for p in PAGES if p.name != cls.name]
    PAGES.append(cls)
    PAGES.sort(key=lambda p: PAGE_NAMES.index(p.name))
    return cls


def available_pages() -> list[str]:
    """The names of the page modules that exist, in navigation order (nothing is imported)."""
    return [n for n in PAGE_NAMES if importlib.util.find_spec(f"{__name__}.{n}") is not None]


def load_page(name: str) -> type[Page]:
    """Import ``ui.pages.<name>`` (once) and return its page class."""
    importlib.import_module(f"{__name__}.{name}")
    for cls in PAGES:
        if cls.name == name:
            return cls
    raise LookupError(f"ui.pages.{name} registers no page named {name!r}")


def load_pages() -> list[type[Page]]:
    """Import every page module that exists and return :data:`PAGES` in navigation order."""
    for name in PAGE_NAMES:
        module = f"{__name__}.{name}"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    return list(PAGES)
