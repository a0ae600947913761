"""Evidence indexes of an imported case: CSV record offsets and full-text search.

Built once at import (:func:`build_case_index`, with progress and cancel) into
``<workspace>/index/<case_id>/`` beside the case folder, and opened by the desktop app's
evidence page (:class:`CaseIndex`).
"""

from __future__ import annotations

from inspector_app.evidence.build import (
    CaseIndex,
    IndexSummary,
    build_case_index,
    ensure_case_index,
    index_dir_for,
)
from inspector_app.evidence.fulltext import SearchHit, TextIndex
from inspector_app.evidence.records import RecordIndex, RecordIndexes

__all__ = [
    "CaseIndex",
    "IndexSummary",
    "RecordIndex",
    "RecordIndexes",
    "SearchHit",
    "TextIndex",
    "build_case_index",
    "ensure_case_index",
    "index_dir_for",
]
