"""Strict validation of a finding's JSON (``cli.md`` § State, identities and scripting).

:func:`validate_payload` turns what ``findings add --json-file`` reads (or a draft's payload)
into the ``data`` member of a signed record. Unknown members are refused, every field's type
and value is checked, numbers become decimal strings (no float is ever signed), and files named
in ``attachments`` are returned separately for the store to copy in before signing.

``score`` items are checked against the case's checklist (``inspector_app.checklist``): the item
id must exist, a question's answer must be well-formed for that question (letters sorted as
in the checklist), a scene's level must be 0…max, and ``figures`` keys must be those the
question asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.errors import InputRefused, Issue
from inspector_app.findings.records import KINDS
from inspector_app.i18n import Message, bi, join, verbatim

if TYPE_CHECKING:
    from inspector_app.checklist.model import Checklist

MAX_TEXT = 100_000
MAX_LIST = 1_000
_ITEM_ID = re.compile(r"^[A-Z][A-Z0-9_]{0,15}$")
_FLAG_ID = re.compile(r"^[A-Z][A-Z0-9_]*(:.+)?$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DECIMAL = re.compile(r"^-?\d{1,18}(\.\d{1,8})?$")

DECISIONS = ("confirmed", "dismissed")
RECOMMENDATIONS = ("pass", "improve", "disqualify")

_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    # kind: (required, optional); "kind", "supersedes" and "attachments" are always allowed
    "score": ({"item"}, {"answer", "level", "figures", "comment", "evidence"}),
    "flag_review": ({"flag", "decision"}, {"reason"}),
    "observation": ({"text"}, set()),
    "interview": ({"person", "notes"}, {"role"}),
    "conclusion": ({"recommendation", "summary"}, {"requirements", "grounds"}),
    "decision": (
        {"settles", "reason"},
        {
            "item",
            "answer",
            "level",
            "figures",
            "flag",
            "decision",
            "recommendation",
            "summary",
            "requirements",
            "grounds",
        },
    ),
}


@dataclass
class ValidatedFinding:
    """The outcome of validation: the record's ``data`` and what the store must still do."""

    kind: str
    data: dict[str, Any]
    supersedes: str | None = None
    #: files to copy into the attachment store, in order; their references are appended to
    #: ``data["attachments"]`` by the store
    attachment_files: list[Path] = field(default_factory=list)
    #: references to attachments already in the store (``{"sha256", "name", "size"}``)
    attachment_refs: list[dict[str, Any]] = field(default_factory=list)


class _Checker:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def fail(self, pointer: str, message: Message) -> None:
        self.issues.append(
            Issue(code="FINDING_INVALID", path=None, pointer=pointer, message=message)
        )

    def text(
        self, obj: dict[str, Any], key: str, *, required: bool, allow_empty: bool = False
    ) -> str | None:
        if key not in obj:
            if required:
                self.fail(f"/{key}", bi("{pointer}: required field is missing", pointer=f"/{key}"))
            return None
        value = obj[key]
        if isinstance(value, str) and len(value) > MAX_TEXT:
            self.fail(
                f"/{key}",
                bi(
                    "{pointer}: the text has {count} characters; at most {limit} are allowed",
                    pointer=f"/{key}",
                    count=len(value),
                    limit=MAX_TEXT,
                ),
            )
            return None
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            self.fail(f"/{key}", bi("{pointer}: must be a non-empty text", pointer=f"/{key}"))
            return None
        return value

    def choice(self, obj: dict[str, Any], key: str, choices: tuple[str, ...]) -> str | None:
        value = obj.get(key)
        if value not in choices:
            self.fail(
                f"/{key}",
                bi(
                    "{pointer}: must be one of {choices}",
                    pointer=f"/{key}",
                    choices=", ".join(choices),
                ),
            )
            return None
        return str(value)

    def strings(
        self, obj: dict[str, Any], key: str, *, non_empty: bool = False
    ) -> list[str] | None:
        value = obj.get(key, [])
        ok = (
            isinstance(value, list)
            and len(value) <= MAX_LIST
            and all(isinstance(v, str) and v.strip() and len(v) <= MAX_TEXT for v in value)
        )
        if not ok or (non_empty and not value):
            self.fail(
                f"/{key}",
                bi("{pointer}: must be a list of non-empty texts", pointer=f"/{key}")
                if not non_empty
                else bi(
                    "{pointer}: must be a non-empty list of non-empty texts", pointer=f"/{key}"
                ),
            )
            return None
        return list(value)


def _decimal_text(value: Any) -> str | None:
    """A figure as a plain decimal string (``120``, ``62.5``), or None if it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            return None
        text = format(value, "f")
    elif isinstance(value, str):
        text = value.strip()
    else:  # floats never reach here: payloads are parsed with parse_float=Decimal
        return None
    if not _DECIMAL.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex guarantees validity
        return None
    normal = format(number, "f")
    if "." in normal:
        normal = normal.rstrip("0").rstrip(".")
    return "0" if normal in ("-0", "") else normal


def _answer_part(
    c: _Checker,
    obj: dict[str, Any],
    checklist_id: str | None,
    data: dict[str, Any],
    resolved: Checklist | None = None,
) -> None:
    """``item`` with ``answer``/``figures`` (a question) or ``level`` (a scene).

    ``resolved`` is the checklist in effect (the home's corrected one); without it the
    bundled registry is asked for ``checklist_id``.
    """
    from inspector_app.checklist import check_answer, find_checklist

    item = obj.get("item")
    if not isinstance(item, str) or not _ITEM_ID.match(item):
        c.fail("/item", bi("{pointer}: not an item id such as Q5 or S6", pointer="/item"))
        return
    data["item"] = item
    checklist = resolved
    if checklist is None:
        checklist = find_checklist(checklist_id) if checklist_id else None
    if checklist_id and checklist is None:
        c.fail(
            "/item",
            bi(
                "The case's checklist {checklist} is not known to this app.", checklist=checklist_id
            ),
        )
        return
    question = checklist.questions.get(item) if checklist else None
    scene = checklist.scenes.get(item) if checklist else None
    if checklist is not None and question is None and scene is None:
        c.fail(
            "/item",
            bi(
                "{pointer}: checklist {checklist} has no item {item}",
                pointer="/item",
                checklist=checklist.id,
                item=item,
            ),
        )
        return
    is_scene = scene is not None if checklist is not None else item.startswith("S")
    if is_scene:
        for key in ("answer", "figures"):
            if key in obj:
                c.fail(
                    f"/{key}",
                    bi(
                        "{pointer}: a scene has a level, not an answer or figures",
                        pointer=f"/{key}",
                    ),
                )
        max_level = checklist.max_scene_level if checklist is not None else 4
        level = obj.get("level")
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= max_level:
            c.fail(
                "/level",
                bi(
                    "{pointer}: must be an integer from {low} to {high}",
                    pointer="/level",
                    low=0,
                    high=max_level,
                ),
            )
        else:
            data["level"] = level
        return
    if "level" in obj:
        c.fail("/level", bi("{pointer}: a question has an answer, not a level", pointer="/level"))
    if "answer" not in obj:
        c.fail("/answer", bi("{pointer}: required field is missing", pointer="/answer"))
    else:
        answer = obj["answer"]
        if question is not None:
            check = check_answer(question, answer)
            if check.letters is None or not check.letters:
                c.fail(
                    "/answer",
                    bi(
                        "{pointer}: invalid answer: {problem}",
                        pointer="/answer",
                        problem=check.problem or bi("no option chosen"),
                    ),
                )
            else:
                data["answer"] = check.letters[0] if not question.is_multi else list(check.letters)
        elif isinstance(answer, str) and re.fullmatch(r"[A-Z]", answer):
            data["answer"] = answer
        elif (
            isinstance(answer, list)
            and answer
            and all(isinstance(a, str) and re.fullmatch(r"[A-Z]", a) for a in answer)
            and len(set(answer)) == len(answer)
        ):
            data["answer"] = sorted(answer)
        else:
            c.fail(
                "/answer",
                bi(
                    "{pointer}: invalid answer: {problem}",
                    pointer="/answer",
                    problem=bi("an option letter or a list of letters was expected"),
                ),
            )
    figures = obj.get("figures", {})
    if not isinstance(figures, dict):
        c.fail("/figures", bi("{pointer}: must be an object of numbers", pointer="/figures"))
        return
    allowed = (
        set(question.figures.keys)
        if question is not None and question.figures is not None
        else None
    )
    clean: dict[str, str] = {}
    for key, value in figures.items():
        pointer = f"/figures/{key}"
        if allowed is not None and key not in allowed:
            c.fail(
                pointer,
                bi(
                    "{pointer}: {item} asks for no figure of this name (it asks for: {keys})",
                    pointer=pointer,
                    item=item,
                    keys=", ".join(sorted(allowed)) or "-",
                ),
            )
            continue
        text = _decimal_text(value)
        if text is None:
            c.fail(pointer, bi("{pointer}: must be a decimal number", pointer=pointer))
            continue
        clean[key] = text
    if figures:
        data["figures"] = clean


def _attachments(
    c: _Checker, obj: dict[str, Any], base_dir: Path | None, result: ValidatedFinding
) -> None:
    value = obj.get("attachments", [])
    if not isinstance(value, list) or len(value) > MAX_LIST:
        c.fail("/attachments", bi("{pointer}: must be a list of files", pointer="/attachments"))
        return
    for i, entry in enumerate(value):
        pointer = f"/attachments/{i}"
        if isinstance(entry, dict):
            sha = entry.get("sha256")
            name = entry.get("name")
            size = entry.get("size")
            if (
                set(entry) != {"sha256", "name", "size"}
                or not isinstance(sha, str)
                or not _SHA256.match(sha)
                or not isinstance(name, str)
                or not name
                or isinstance(size, bool)
                or not isinstance(size, int)
                or size < 0
            ):
                c.fail(pointer, bi("{pointer}: not an attachment reference", pointer=pointer))
                continue
            result.attachment_refs.append({"sha256": sha, "name": name, "size": size})
        elif isinstance(entry, str) and entry.strip():
            path = Path(entry).expanduser()
            if not path.is_absolute() and base_dir is not None:
                path = base_dir / path
            if not path.is_file():
                c.fail(
                    pointer, bi("{pointer}: no such file: {path}", pointer=pointer, path=str(path))
                )
                continue
            result.attachment_files.append(path)
        else:
            c.fail(pointer, bi("{pointer}: must be a list of files", pointer=pointer))


def validate_payload(
    payload: Any,
    *,
    checklist_id: str | None = None,
    role: str = "expert",
    base_dir: Path | None = None,
    package_paths: frozenset[str] | None = None,
    checklist: Checklist | None = None,
) -> ValidatedFinding:
    """Validate a finding's JSON; collect every problem before refusing.

    Args:
        payload: the parsed JSON (numbers parsed as ``int``/``Decimal``, never ``float``).
        checklist_id: the case's checklist, for ``score`` and item ``decision`` findings.
        checklist: that checklist as in effect for the home (with the agency's corrections,
            :func:`~inspector_app.checklist.effective.home_checklists`); looked up in the
            bundled registry by ``checklist_id`` when None.
        role: the signer's role: ``decision`` is the agency's only, the other kinds experts'.
        base_dir: relative ``attachments`` paths are read from here.
        package_paths: the case package's entry paths; when given, every ``evidence`` path
            must be one of them.

    Raises:
        InputRefused: with one ``FINDING_INVALID`` issue per problem (pointer and message).
    """
    c = _Checker()
    if not isinstance(payload, dict):
        raise InputRefused(bi("A finding must be a JSON object."))
    kind = payload.get("kind")
    if kind not in KINDS:
        raise InputRefused(
            bi(
                "Unknown finding kind {kind}; expected one of {kinds}.",
                kind=str(kind),
                kinds=", ".join(KINDS),
            )
        )
    if kind == "decision" and role != "agency":
        raise InputRefused(bi("Only the agency records decision findings."))
    if kind != "decision" and role == "agency":
        raise InputRefused(
            bi("The agency records decision findings only; the other kinds are the experts'.")
        )
    required, optional = _FIELDS[kind]
    for key in sorted(set(payload) - required - optional - {"kind", "supersedes", "attachments"}):
        c.fail(
            f"/{key}",
            bi("{pointer}: unknown field for a {kind} finding", pointer=f"/{key}", kind=kind),
        )
    result = ValidatedFinding(kind=kind, data={})
    data = result.data
    supersedes = payload.get("supersedes")
    if supersedes is not None:
        if isinstance(supersedes, str) and _UUID.match(supersedes.lower()):
            result.supersedes = supersedes.lower()
        else:
            c.fail("/supersedes", bi("{pointer}: must be a finding id", pointer="/supersedes"))

    if kind == "score":
        _answer_part(c, payload, checklist_id, data, checklist)
        if (comment := c.text(payload, "comment", required=False, allow_empty=True)) is not None:
            data["comment"] = comment
        if (evidence := c.strings(payload, "evidence")) is not None:
            data["evidence"] = evidence
            for i, path in enumerate(evidence):
                if package_paths is not None and path not in package_paths:
                    c.fail(
                        f"/evidence/{i}",
                        bi(
                            "{pointer}: the case package has no file {path}",
                            pointer=f"/evidence/{i}",
                            path=path,
                        ),
                    )
    elif kind == "flag_review":
        flag = payload.get("flag")
        if not isinstance(flag, str) or not _FLAG_ID.match(flag) or len(flag) > 500:
            c.fail("/flag", bi("{pointer}: not a flag id such as USAGE_BURST:mes", pointer="/flag"))
        else:
            data["flag"] = flag
        if (decision := c.choice(payload, "decision", DECISIONS)) is not None:
            data["decision"] = decision
        reason = c.text(
            payload, "reason", required=decision == "dismissed", allow_empty=decision != "dismissed"
        )
        if reason is not None:
            data["reason"] = reason
    elif kind == "observation":
        if (text := c.text(payload, "text", required=True)) is not None:
            data["text"] = text
    elif kind == "interview":
        if (person := c.text(payload, "person", required=True)) is not None:
            data["person"] = person
        if (role_text := c.text(payload, "role", required=False, allow_empty=True)) is not None:
            data["role"] = role_text
        notes = payload.get("notes")
        if not isinstance(notes, list) or not notes or len(notes) > MAX_LIST:
            c.fail(
                "/notes",
                bi(
                    "{pointer}: must be a non-empty list of question/answer pairs (q, a)",
                    pointer="/notes",
                ),
            )
        else:
            clean = []
            for i, note in enumerate(notes):
                if (
                    not isinstance(note, dict)
                    or set(note) != {"q", "a"}
                    or not all(
                        isinstance(note[k], str) and len(note[k]) <= MAX_TEXT for k in ("q", "a")
                    )
                    or not (note["q"].strip() or note["a"].strip())
                ):
                    c.fail(
                        f"/notes/{i}",
                        bi(
                            "{pointer}: must be a non-empty list of question/answer pairs (q, a)",
                            pointer=f"/notes/{i}",
                        ),
                    )
                else:
                    clean.append({"q": note["q"], "a": note["a"]})
            data["notes"] = clean
    elif kind == "conclusion":
        _conclusion_part(c, payload, data)
    else:  # decision
        settles = payload.get("settles")
        if (
            not isinstance(settles, list)
            or not settles
            or len(settles) > MAX_LIST
            or not all(isinstance(s, str) and _UUID.match(s) for s in settles)
            or len(set(settles)) != len(settles)
        ):
            c.fail(
                "/settles",
                bi(
                    "{pointer}: must be a non-empty list of distinct finding ids",
                    pointer="/settles",
                ),
            )
        else:
            data["settles"] = list(settles)
        if (reason := c.text(payload, "reason", required=True)) is not None:
            data["reason"] = reason
        forms = [f for f in ("item", "flag", "recommendation") if f in payload]
        if len(forms) != 1:
            c.fail(
                "/",
                bi(
                    "A decision settles exactly one of: an item (item), a flag (flag + decision) or the conclusion (recommendation)."
                ),
            )
        elif forms[0] == "item":
            _forbid(
                c, payload, ("decision", "summary", "requirements", "recommendation", "grounds")
            )
            _answer_part(c, payload, checklist_id, data, checklist)
        elif forms[0] == "flag":
            _forbid(
                c, payload, ("answer", "level", "figures", "summary", "requirements", "grounds")
            )
            flag = payload.get("flag")
            if not isinstance(flag, str) or not _FLAG_ID.match(flag):
                c.fail(
                    "/flag", bi("{pointer}: not a flag id such as USAGE_BURST:mes", pointer="/flag")
                )
            else:
                data["flag"] = flag
            if (decision := c.choice(payload, "decision", DECISIONS)) is not None:
                data["decision"] = decision
        else:
            _forbid(c, payload, ("answer", "level", "figures", "decision"))
            _conclusion_part(c, payload, data)
    _attachments(c, payload, base_dir, result)
    if c.issues:
        header = bi("The {kind} finding is invalid:", kind=kind)
        lines = join([header, *(i.message for i in c.issues)], sep=verbatim("\n  "))
        raise InputRefused(lines, c.issues)
    return result


def _forbid(c: _Checker, payload: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in payload:
            c.fail(
                f"/{key}",
                bi("{pointer}: does not belong to this form of decision", pointer=f"/{key}"),
            )


def _conclusion_part(c: _Checker, payload: dict[str, Any], data: dict[str, Any]) -> None:
    recommendation = c.choice(payload, "recommendation", RECOMMENDATIONS)
    if recommendation is not None:
        data["recommendation"] = recommendation
    if (summary := c.text(payload, "summary", required=True)) is not None:
        data["summary"] = summary
    # an improve without requirements, a disqualify without grounds: the outcome rules
    # (findings.outcome, OUTCOME_REFUSED), which need the store; here only the shapes
    requirements = c.strings(payload, "requirements")
    if requirements is not None:
        data["requirements"] = requirements
    if "grounds" in payload:
        if recommendation is not None and recommendation != "disqualify":
            c.fail(
                "/grounds",
                bi("{pointer}: only a disqualify conclusion carries grounds", pointer="/grounds"),
            )
        elif (grounds := _grounds(c, payload["grounds"])) is not None:
            data["grounds"] = grounds


def _grounds(c: _Checker, value: Any) -> dict[str, list[str]] | None:
    """``{"flags": [flag ids], "findings": [finding ids]}``, both lists kept (possibly empty)."""
    if not isinstance(value, dict) or not set(value) <= {"flags", "findings"}:
        c.fail(
            "/grounds",
            bi(
                "{pointer}: must be an object with flags and/or findings (lists of ids)",
                pointer="/grounds",
            ),
        )
        return None
    out: dict[str, list[str]] = {}
    for key, pattern, example in (
        ("flags", _FLAG_ID, "PAYMENT_REFLUX:…"),
        ("findings", _UUID, "<finding_id>"),
    ):
        items = value.get(key, [])
        pointer = f"/grounds/{key}"
        if (
            not isinstance(items, list)
            or len(items) > MAX_LIST
            or not all(isinstance(i, str) and len(i) <= 500 and pattern.match(i) for i in items)
            or len(set(items)) != len(items)
        ):
            c.fail(
                pointer,
                bi(
                    "{pointer}: must be a list of distinct ids such as {example}",
                    pointer=pointer,
                    example=example,
                ),
            )
            continue
        out[key] = list(items)
    return out if len(out) == 2 else None
