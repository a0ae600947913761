"""The application layer: one function per user action, for every face (CLI, desktop UI).

A face parses its input, calls one service and renders the typed result; long services take
``progress`` (:data:`~inspector_app.progress.ProgressFn`) and ``cancel``
(:class:`~inspector_app.progress.CancelToken`) and raise
:class:`~inspector_app.errors.Cancelled` when cancelled. Errors the user can cause are
:class:`~inspector_app.errors.InputRefused` / ``PackageRefused`` (a message and issues with
stable codes), ``UsageError`` or ``EnvironmentProblem``; anything else is a bug.

Cases (:mod:`.cases`; the list in :mod:`.caselist`, read without sqlite-utils or the engine)
    :func:`import_case`, :func:`list_cases` → :class:`CaseSummary`, :func:`open_case` →
    :class:`CaseSession` (``.package``, ``.checklist``, ``.settings``, ``.analysis()`` cached in
    the workspace, ``.store()``), :func:`package_identities`.
Analysis (:mod:`.analysis`)
    :func:`analyze_package` for a package file; an imported case's is ``CaseSession.analysis``.
Scoring (:mod:`.scoring`)
    :func:`score_self`, :func:`score_answers`, :func:`score_package` →
    :class:`~inspector_app.checklist.scoring.ScoreResult`.
Findings (:mod:`.findings`)
    :func:`add_finding`, :func:`list_findings`, :func:`expert_flags`, :func:`save_draft`,
    :func:`list_drafts`, :func:`sign_drafts`, :func:`verify_findings`.
Identities (:mod:`.identities`)
    :func:`unlock_identity` → :data:`Signer` (hold it for the session: the passphrase is asked
    once), :func:`identity_exists`, :func:`create_identity`, :func:`show_identity`,
    :func:`export_card`, :func:`trust_card`, :func:`resolve_recipient`.
Settings (:mod:`.settings`)
    :data:`SETTINGS` — the app's settings declared once (type, default, translatable label and
    help), ``values``/``set_value`` over ``<home>/settings/settings.toml``; :func:`package_limits`.
The store's writer (:mod:`.writer`)
    every write of the services goes through the home's one serial :class:`StoreWriter`;
    :func:`listen` tells a view each :class:`StoreChange` (case, finding, draft, findings).
Checklists
    :func:`home_checklists` — the bundled checklists with the agency's corrections from
    ``<home>/settings/checklists``, used by every caller.

Bundles and the agency's merge are the sync layer's (the core never imports ``sync``):
:mod:`sync.services` — ``export_bundle``, ``import_bundles``, ``ack_receipts``,
``recover_chain``, ``list_exports``, ``merge_status``, ``cross_flags``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspector_app.lazy import lazy_exports

if TYPE_CHECKING:
    from inspector_app.checklist.effective import ChecklistSet, effective_checklist, home_checklists
    from inspector_app.services.analysis import RULE_ENGINE_VERSION, analyze_package
    from inspector_app.services.analysis_cache import AnalysisCache
    from inspector_app.services.caselist import (
        DISPLAY_STATUSES,
        CaseSummary,
        case_summary,
        list_cases,
    )
    from inspector_app.services.cases import (
        CaseSession,
        ImportedCaseResult,
        analysis_target,
        import_case,
        import_case_row,
        is_encrypted,
        open_case,
        package_identities,
        resolve_case,
    )
    from inspector_app.services.findings import (
        AddedFinding,
        add_finding,
        delete_draft,
        expert_flags,
        flag_json,
        list_drafts,
        list_findings,
        save_draft,
        sign_drafts,
        verify_findings,
    )
    from inspector_app.services.identities import (
        IdentityView,
        Signer,
        change_passphrase,
        create_identity,
        export_age_identity,
        export_card,
        identity_exists,
        require_no_identity,
        resolve_recipient,
        show_identity,
        trust_card,
        trusted_cards,
        unlock_identity,
    )
    from inspector_app.services.packing import pack_package, validate_package
    from inspector_app.services.scoring import ScoreResult, score_answers, score_package, score_self
    from inspector_app.services.settings import SETTINGS, Setting, package_limits
    from inspector_app.services.writer import StoreChange, StoreWriter, listen, store_writer

#: where each public name lives: imported on first use (PEP 562), so importing the package
#: (or one light submodule of it) does not import every module behind it
_LAZY: dict[str, str] = {
    "ChecklistSet": "inspector_app.checklist.effective",
    "effective_checklist": "inspector_app.checklist.effective",
    "home_checklists": "inspector_app.checklist.effective",
    "AnalysisCache": "inspector_app.services.analysis_cache",
    "RULE_ENGINE_VERSION": "inspector_app.services.analysis",
    "analyze_package": "inspector_app.services.analysis",
    "CaseSession": "inspector_app.services.cases",
    "CaseSummary": "inspector_app.services.caselist",
    "DISPLAY_STATUSES": "inspector_app.services.caselist",
    "ImportedCaseResult": "inspector_app.services.cases",
    "analysis_target": "inspector_app.services.cases",
    "case_summary": "inspector_app.services.caselist",
    "import_case": "inspector_app.services.cases",
    "import_case_row": "inspector_app.services.cases",
    "is_encrypted": "inspector_app.services.cases",
    "list_cases": "inspector_app.services.caselist",
    "open_case": "inspector_app.services.cases",
    "package_identities": "inspector_app.services.cases",
    "resolve_case": "inspector_app.services.cases",
    "AddedFinding": "inspector_app.services.findings",
    "add_finding": "inspector_app.services.findings",
    "delete_draft": "inspector_app.services.findings",
    "expert_flags": "inspector_app.services.findings",
    "flag_json": "inspector_app.services.findings",
    "list_drafts": "inspector_app.services.findings",
    "list_findings": "inspector_app.services.findings",
    "save_draft": "inspector_app.services.findings",
    "sign_drafts": "inspector_app.services.findings",
    "verify_findings": "inspector_app.services.findings",
    "IdentityView": "inspector_app.services.identities",
    "Signer": "inspector_app.services.identities",
    "change_passphrase": "inspector_app.services.identities",
    "create_identity": "inspector_app.services.identities",
    "export_age_identity": "inspector_app.services.identities",
    "export_card": "inspector_app.services.identities",
    "identity_exists": "inspector_app.services.identities",
    "require_no_identity": "inspector_app.services.identities",
    "resolve_recipient": "inspector_app.services.identities",
    "show_identity": "inspector_app.services.identities",
    "trust_card": "inspector_app.services.identities",
    "trusted_cards": "inspector_app.services.identities",
    "unlock_identity": "inspector_app.services.identities",
    "pack_package": "inspector_app.services.packing",
    "validate_package": "inspector_app.services.packing",
    "ScoreResult": "inspector_app.services.scoring",
    "score_answers": "inspector_app.services.scoring",
    "score_package": "inspector_app.services.scoring",
    "score_self": "inspector_app.services.scoring",
    "SETTINGS": "inspector_app.services.settings",
    "Setting": "inspector_app.services.settings",
    "package_limits": "inspector_app.services.settings",
    "StoreChange": "inspector_app.services.writer",
    "StoreWriter": "inspector_app.services.writer",
    "listen": "inspector_app.services.writer",
    "store_writer": "inspector_app.services.writer",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)


__all__ = [
    "DISPLAY_STATUSES",
    "RULE_ENGINE_VERSION",
    "SETTINGS",
    "AddedFinding",
    "AnalysisCache",
    "CaseSession",
    "CaseSummary",
    "ChecklistSet",
    "IdentityView",
    "ImportedCaseResult",
    "ScoreResult",
    "Setting",
    "Signer",
    "StoreChange",
    "StoreWriter",
    "add_finding",
    "analysis_target",
    "analyze_package",
    "case_summary",
    "change_passphrase",
    "create_identity",
    "delete_draft",
    "effective_checklist",
    "expert_flags",
    "export_age_identity",
    "export_card",
    "flag_json",
    "home_checklists",
    "identity_exists",
    "import_case",
    "import_case_row",
    "is_encrypted",
    "list_cases",
    "list_drafts",
    "list_findings",
    "listen",
    "open_case",
    "pack_package",
    "package_identities",
    "package_limits",
    "require_no_identity",
    "resolve_case",
    "resolve_recipient",
    "save_draft",
    "score_answers",
    "score_package",
    "score_self",
    "show_identity",
    "sign_drafts",
    "store_writer",
    "trust_card",
    "trusted_cards",
    "unlock_identity",
    "validate_package",
    "verify_findings",
]
