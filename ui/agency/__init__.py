"""The agency console: the same program in agency mode (the identity's role is ``agency``).

:class:`ui.agency.window.AgencyWindow` replaces the expert's main window. Its pages
(``docs/agency.md``):

``roster``         the batch roster (``batch import``), enterprises with open disagreements first
``inbox``          bundles by drag and drop, file dialog or a watched folder; per-bundle result
``disagreements``  the experts' answers side by side, the agency's signed ``decision``
``cross``          cross-enterprise flags, both enterprises' evidence side by side; reviews
``reports``        drafts for one enterprise or the batch (progress, cancel), open the folder
``dashboard``      counts by status, level, recommendation, district, provider; days left

Core work runs through :func:`ui.tasks.run_task`; models are over ids with sort proxies.
"""

from __future__ import annotations

#: navigation order; also the names :meth:`AgencyWindow.show_page` takes
AGENCY_PAGES = ("roster", "inbox", "disagreements", "cross", "reports", "dashboard")
