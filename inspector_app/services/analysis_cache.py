"""The workspace's cache of analyses: ``<workspace>/analysis/<case_id>.pickle`` holds a case's
:class:`~inspector_app.analysis.engine.AnalysisResult` under its key
(``services.analysis.CacheKey`` says what the key is made of), and
``<case_id>.flags.json`` beside it the ids of that result's flags — what the case list reads
(``peek_flags``) without unpickling the result, which imports the rule engine and numpy. This
module imports neither the engine nor the rule settings: the desktop app's first page uses it.

The cache holds only what this app wrote into the user's own workspace; it is never imported
from a bundle or a package.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from inspector_app.analysis.engine import AnalysisResult

log = logging.getLogger("inspector_app.services.analysis")

CACHE_FOLDER = "analysis"
_CACHE_FORMAT = 1


class KeyText(Protocol):
    """What the cache needs of a key (:class:`inspector_app.services.analysis.CacheKey`)."""

    def text(self) -> str: ...


class AnalysisCache:
    """The analyses of a workspace's cases, one file per case."""

    def __init__(self, workspace: Path) -> None:
        self.folder = workspace / CACHE_FOLDER

    def path(self, case_id: str) -> Path:
        return self.folder / f"{case_id}.pickle"

    def load(self, case_id: str, key: KeyText) -> AnalysisResult | None:
        """The cached result for ``key``, or None (a miss)."""
        import pickle  # not at import: the case list (the app's start) only peeks the flags

        path = self.path(case_id)
        try:
            with path.open("rb") as fh:
                held = pickle.load(fh)  # the app's own file in the user's workspace
        except FileNotFoundError:
            return None
        except Exception as exc:  # a damaged or outdated file is a miss, never an error
            log.info("analysis cache %s unreadable (%s); recomputing", path, exc)
            return None
        from inspector_app.analysis.engine import AnalysisResult  # loaded by the pickle anyway

        if (
            not isinstance(held, dict)
            or held.get("format") != _CACHE_FORMAT
            or held.get("key") != key.text()
            or not isinstance(held.get("result"), AnalysisResult)
        ):
            return None
        result: AnalysisResult = held["result"]
        return result

    def flags_path(self, case_id: str) -> Path:
        """The ids of the cached result's flags (JSON), beside its pickle: what the case list
        reads, without unpickling the result (which imports the rule engine and numpy)."""
        return self.folder / f"{case_id}.flags.json"

    def store(self, case_id: str, key: KeyText, result: AnalysisResult) -> None:
        """Keep ``result`` for ``key`` (replacing the case's file atomically), and its flag ids
        beside it. A cache that cannot be written is logged, not raised: the result is still
        good."""
        import pickle

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # the flag ids go first: a crash between the two files leaves none (read from the
            # pickle then), never the ids of another result
            self.flags_path(case_id).unlink(missing_ok=True)
            _write_atomic(
                self.folder,
                self.path(case_id),
                lambda fh: pickle.dump(
                    {"format": _CACHE_FORMAT, "key": key.text(), "result": result},
                    fh,
                    protocol=pickle.HIGHEST_PROTOCOL,
                ),
            )
            self._store_flags(case_id, [f.id for f in result.flags])
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            log.warning("analysis cache for %s not written: %s", case_id, exc)

    def _store_flags(self, case_id: str, flag_ids: list[str]) -> None:
        text = json.dumps({"format": _CACHE_FORMAT, "flags": flag_ids})
        _write_atomic(self.folder, self.flags_path(case_id), lambda fh: fh.write(text.encode()))

    def drop(self, case_id: str) -> None:
        self.flags_path(case_id).unlink(missing_ok=True)
        self.path(case_id).unlink(missing_ok=True)

    def peek_flags(self, case_id: str) -> list[str] | None:
        """The flag ids of the cached result whatever its key, or None when the case has no
        cached result: read from the small file beside the pickle (a cache written before it
        existed is unpickled once and the file written)."""
        if not self.path(case_id).is_file():
            return None
        try:
            held = json.loads(self.flags_path(case_id).read_bytes())
        except (OSError, ValueError):
            held = None
        if (
            isinstance(held, dict)
            and held.get("format") == _CACHE_FORMAT
            and isinstance(held.get("flags"), list)
            and all(isinstance(f, str) for f in held["flags"])
        ):
            return list(held["flags"])
        result = self.peek(case_id)
        if result is None:
            return None
        ids = [f.id for f in result.flags]
        try:
            self._store_flags(case_id, ids)
        except OSError as exc:
            log.info("analysis cache flags for %s not written: %s", case_id, exc)
        return ids

    def peek(self, case_id: str) -> AnalysisResult | None:
        """The cached result whatever its key (for summaries that must not compute)."""
        import pickle

        try:
            with self.path(case_id).open("rb") as fh:
                held = pickle.load(fh)  # the app's own file
        except Exception:
            return None
        from inspector_app.analysis.engine import AnalysisResult  # loaded by the pickle anyway

        if isinstance(held, dict) and isinstance(held.get("result"), AnalysisResult):
            result: AnalysisResult = held["result"]
            return result
        return None


def _write_atomic(folder: Path, path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` through a temporary file in ``folder`` replaced atomically."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
