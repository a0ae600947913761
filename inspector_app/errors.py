"""Error types shared by every layer.

Three families, so that the faces (CLI, UI) can react correctly:

* :class:`InputRefused` — the user's input was refused (invalid package, wrong key, failed
  verification…). The CLI exits 1 with the message; the UI shows it calmly.
* :class:`UsageError` — the command was called wrongly (exit 2).
* :class:`EnvironmentProblem` — disk full, read-only folder, locked database: not a bug, the
  message says what to do.

Anything else is a bug: logged with its traceback, reported as an internal error (exit 3).
Every message is a :class:`~inspector_app.i18n.Message`, rendered in the user's language where
it is shown; JSON carries it in Chinese with an English ``*_en`` sibling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inspector_app.i18n import Message, bilingual


@dataclass(frozen=True)
class Issue:
    """One error or warning about an input file, as ``validate --json`` prints it.

    ``code`` is one of the codes of ``case-package.md``; ``line`` is the 1-based physical line of
    a CSV file; ``pointer`` an RFC 6901 JSON pointer.
    """

    code: str
    path: str | None
    message: Message
    line: int | None = None
    pointer: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "pointer": self.pointer,
            **bilingual("message", self.message),
        }


class InspectorError(Exception):
    """Base of all expected errors."""

    exit_code = 1

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message.render()


class InputRefused(InspectorError):
    """The input was refused; carries the structured issues when there are any."""

    def __init__(self, message: Message, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.issues = list(issues or [])


class PackageRefused(InputRefused):
    """A case package was refused; ``issues`` holds at least one error ``Issue``."""

    def __init__(self, issue: Issue, more: list[Issue] | None = None) -> None:
        super().__init__(issue.message, [issue, *(more or [])])
        self.issue = issue

    @property
    def code(self) -> str:
        return self.issue.code


class UsageError(InspectorError):
    """Wrong command-line usage (exit 2)."""

    exit_code = 2


class EnvironmentProblem(InspectorError):
    """Disk full, permission denied, database locked…: not a bug; the message says what to do."""

    exit_code = 1


class Cancelled(InspectorError):
    """The user cancelled a long job."""

    exit_code = 1
