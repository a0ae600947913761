"""Collecting the errors and warnings of one validation run."""

from __future__ import annotations

import threading

from inspector_app.errors import Issue
from inspector_app.i18n import Message, bi

ERROR_CODES = (
    "NOT_A_ZIP",
    "TRUNCATED",
    "NOT_FOR_THIS_IDENTITY",
    "DECRYPT_FAILED",
    "UNSUPPORTED_ENTRY",
    "UNSAFE_PATH",
    "SYMLINK",
    "DUPLICATE_ENTRY",
    "TOO_LARGE",
    "MANIFEST_MISSING",
    "MANIFEST_INVALID",
    "UNSUPPORTED_VERSION",
    "FILE_MISSING",
    "FILE_UNLISTED",
    "SIZE_MISMATCH",
    "HASH_MISMATCH",
    "SCHEMA_INVALID",
    "USCC_INVALID",
    "CSV_INVALID",
    "ENCODING",
    "NAME_MISMATCH",
    "CRC_MISMATCH",
    "DUPLICATE_KEY",
)
WARNING_CODES = (
    "NO_OFFSET",
    "UNKNOWN_ENTRY",
    "UNKNOWN_ITEM",
    "INVALID_ANSWER",
    "REFERENCE_UNRESOLVED",
    "INCONSISTENT",
)
#: at most this many errors are reported per file (a broken 10-million-row log stays readable)
MAX_PER_FILE = 20


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON pointer: ``pointer("items", "Q1")`` → ``/items/Q1``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class IssueLog:
    """Errors and warnings, appended from several threads."""

    def __init__(self) -> None:
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self._per_file: dict[str | None, int] = {}
        self._lock = threading.Lock()

    def add_error(
        self,
        code: str,
        path: str | None,
        message: Message,
        *,
        line: int | None = None,
        pointer: str | None = None,
    ) -> None:
        with self._lock:
            count = self._per_file.get(path, 0) + 1
            self._per_file[path] = count
            if count < MAX_PER_FILE:
                self.errors.append(Issue(code, path, message, line=line, pointer=pointer))
            elif count == MAX_PER_FILE:
                self.errors.append(
                    Issue(
                        code,
                        path,
                        bi(
                            "{message} (further errors in this file are not listed)",
                            message=message,
                        ),
                        line=line,
                        pointer=pointer,
                    )
                )

    def add_warning(
        self,
        code: str,
        path: str | None,
        message: Message,
        *,
        line: int | None = None,
        pointer: str | None = None,
    ) -> None:
        with self._lock:
            self.warnings.append(Issue(code, path, message, line=line, pointer=pointer))

    def add(self, issue: Issue) -> None:
        """An issue built elsewhere (errors by error code, else a warning)."""
        if issue.code in WARNING_CODES:
            self.add_warning(
                issue.code, issue.path, issue.message, line=issue.line, pointer=issue.pointer
            )
        else:
            self.add_error(
                issue.code, issue.path, issue.message, line=issue.line, pointer=issue.pointer
            )

    def file_failed(self, path: str | None) -> bool:
        return self._per_file.get(path, 0) > 0

    def stop_file(self, path: str | None) -> bool:
        """Whether enough errors were reported for ``path`` to stop checking its rows."""
        return self._per_file.get(path, 0) >= MAX_PER_FILE

    @property
    def failed(self) -> bool:
        return bool(self.errors)
