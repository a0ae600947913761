"""The JSON files of a package: parsing, schema checks with RFC 6901 pointers, typed model."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from inspector_app import safejson
from inspector_app.casepkg.issues import IssueLog, pointer
from inspector_app.casepkg.model import (
    DEPLOYMENTS,
    FILE_KINDS,
    PHASES,
    SIZES,
    Contact,
    Enterprise,
    Goal,
    Manifest,
    ManifestFile,
    PriorSupport,
    Project,
    Provider,
    SelfAssessment,
    SelfAssessmentItem,
    System,
)
from inspector_app.i18n import Message, bi
from inspector_app.uscc import is_valid as uscc_valid
from inspector_app.values import (
    INT_MAX,
    ValueProblem,
    number_problem,
    parse_date,
    parse_money,
    parse_timestamp,
)

SYSTEM_ID = re.compile(r"[a-z0-9_-]{1,32}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MISSING = object()


class JsonProblem(ValueError):
    """The bytes are not UTF-8 JSON (the message is a Message); ``code`` is ``ENCODING`` when they are
    not UTF-8, else ``SCHEMA_INVALID``."""

    def __init__(self, message: Message, code: str = "SCHEMA_INVALID") -> None:
        super().__init__(message)
        self.code = code


def loads(data: bytes) -> Any:
    """Parse UTF-8 JSON (a BOM is tolerated); numbers with a fraction become ``Decimal``.

    Strict (:mod:`inspector_app.safejson`): a key twice in one object is ``DUPLICATE_KEY``
    (other readers keep the first value, this one would keep the last: one file, two
    readings); a lone surrogate escape (``"\\ud800"``), nesting deeper than
    :data:`~inspector_app.safejson.MAX_DEPTH` levels, ``NaN`` or ``Infinity`` are
    ``SCHEMA_INVALID``.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonProblem(bi("The file is not valid UTF-8."), "ENCODING") from exc
    try:
        return safejson.loads(text, parse_float=Decimal)
    except safejson.JsonRefused as exc:
        if exc.code == "DUPLICATE_KEY":
            raise JsonProblem(
                bi("A key appears twice in one object: {error}", error=exc.detail),
                "DUPLICATE_KEY",
            ) from None
        if exc.code == "LONE_SURROGATE":
            raise JsonProblem(
                bi("The file holds text that is not valid Unicode: {error}", error=exc.detail)
            ) from None
        if exc.code == "TOO_DEEP":
            raise JsonProblem(
                bi(
                    "The file is nested more than {limit} levels deep.",
                    limit=safejson.MAX_DEPTH,
                )
            ) from None
        raise JsonProblem(bi("The file is not valid JSON: {error}", error=exc.detail)) from None


class Checker:
    """Typed access to one JSON document; every problem is logged with its pointer."""

    def __init__(self, log: IssueLog, path: str, code: str = "SCHEMA_INVALID") -> None:
        self.log = log
        self.path = path
        self.code = code
        self.ok = True

    def fail(self, ptr: str, message: Message, code: str | None = None) -> None:
        self.ok = False
        self.log.add_error(code or self.code, self.path, message, pointer=ptr)

    def field(
        self,
        obj: Mapping[str, Any],
        key: str,
        ptr: str,
        kind: str,
        *,
        required: bool = True,
        nullable: bool = False,
        default: Any = None,
    ) -> Any:
        """``obj[key]`` checked against ``kind`` (str, int, bool, number, object, list, date,
        timestamp, money); returns the typed value, ``default`` when absent/null, or
        ``_MISSING`` after logging a problem."""
        p = ptr + pointer(key)
        if key not in obj:
            if required:
                self.fail(p, bi("The required field {field} is missing.", field=key))
                return _MISSING
            return default
        value = obj[key]
        if value is None:
            if not nullable and required:
                self.fail(p, bi("The field {field} may not be null.", field=key))
                return _MISSING
            return default
        return self.value(value, p, kind, key)

    def value(self, value: Any, p: str, kind: str, key: str = "") -> Any:
        name = key or p
        ok = {
            "str": isinstance(value, str),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "number": isinstance(value, int | Decimal) and not isinstance(value, bool),
            "object": isinstance(value, dict),
            "list": isinstance(value, list),
            "date": isinstance(value, str),
            "timestamp": isinstance(value, str),
            "money": isinstance(value, str),
        }[kind]
        if not ok:
            self.fail(p, bi("The field {field} must be of type {kind}.", field=name, kind=kind))
            return _MISSING
        try:
            if kind == "date":
                return parse_date(value)
            if kind == "timestamp":
                return parse_timestamp(value)[0]
            if kind == "money":
                return parse_money(value)
        except ValueProblem:
            self.fail(
                p,
                bi(
                    "The field {field} is not a valid {kind}: {value!r}",
                    field=name,
                    kind=kind,
                    value=value,
                ),
            )
            return _MISSING
        if kind in ("number", "int"):
            number = Decimal(value) if kind == "number" else value
            if number_problem(number) is not None:
                self.fail(
                    p,
                    bi(
                        "The field {field} is out of range: {value} (numbers are 0 or between 1E-12 and 1E+12 in magnitude)",
                        field=name,
                        value=str(value),
                    ),
                )
                return _MISSING
            return number
        return value

    def count(self, value: Any, p: str) -> Any:
        """``value`` (an int already checked) must not be negative."""
        if isinstance(value, int) and value < 0:
            self.fail(p, bi("The value {value} cannot be negative.", value=value))
            return _MISSING
        return value

    def choice(self, value: Any, p: str, choices: tuple[str, ...]) -> Any:
        if value is _MISSING or value is None:
            return value
        if value not in choices:
            self.fail(
                p, bi("{value!r} is not one of: {choices}", value=value, choices=", ".join(choices))
            )
            return _MISSING
        return value

    def int_range(self, value: Any, p: str, low: int, high: int) -> Any:
        if isinstance(value, int) and not low <= value <= high:
            self.fail(
                p, bi("The value {value} is outside {low}–{high}.", value=value, low=low, high=high)
            )
            return _MISSING
        return value

    def uscc(self, value: Any, p: str, *, optional: bool) -> None:
        if not isinstance(value, str) or (optional and value == ""):
            return
        if not uscc_valid(value):
            self.ok = False
            self.log.add_error(
                "USCC_INVALID",
                self.path,
                bi("Invalid unified social credit code (USCC): {value!r}", value=value),
                pointer=p,
            )

    def obj(self, value: Any, p: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(p or "", bi("An object is expected here."))
            return None
        return value


def _ok(*values: Any) -> bool:
    return all(v is not _MISSING for v in values)


# --------------------------------------------------------------------------- manifest
def parse_manifest(data: Any, log: IssueLog) -> Manifest | None:
    """``manifest.json`` → :class:`Manifest`; problems are ``MANIFEST_INVALID`` (or
    ``UNSUPPORTED_VERSION``)."""
    c = Checker(log, "manifest.json", "MANIFEST_INVALID")
    root = c.obj(data, "")
    if root is None:
        return None
    fmt = c.field(root, "format", "", "str")
    if isinstance(fmt, str) and fmt != "sme-dx-case":
        c.fail("/format", bi("The format must be sme-dx-case, not {value!r}.", value=fmt))
    version = c.field(root, "format_version", "", "str")
    if isinstance(version, str):
        major = version.split(".", 1)[0]
        if not re.fullmatch(r"\d+(\.\d+)*", version):
            c.fail("/format_version", bi("Not a version number: {value!r}", value=version))
        elif major != "1":
            c.fail(
                "/format_version",
                bi("Format version {value} is not supported (only 1.x).", value=version),
                "UNSUPPORTED_VERSION",
            )
    package_id = c.field(root, "package_id", "", "str")
    if isinstance(package_id, str):
        try:
            uuid.UUID(package_id)
        except ValueError:
            c.fail("/package_id", bi("The package_id is not a UUID: {value!r}", value=package_id))
            package_id = _MISSING
    created_at = c.field(root, "created_at", "", "timestamp")
    issuer = c.field(root, "issuer", "", "object", required=False, nullable=True)
    batch = c.field(root, "batch", "", "str", required=False, nullable=True)
    checklist = c.field(
        root, "checklist", "", "str", required=False, nullable=True, default="miit-2024"
    )
    files_raw = c.field(root, "files", "", "list")
    files: list[ManifestFile] = []
    seen: set[str] = set()
    if isinstance(files_raw, list):
        for i, item in enumerate(files_raw):
            quick = _plain_file(item)
            if quick is not None and quick.path not in seen:
                # the common case, checked without building pointers (100,000 entries)
                seen.add(quick.path)
                files.append(quick)
                continue
            p = pointer("files", i)
            o = c.obj(item, p)
            if o is None:
                continue
            path = c.field(o, "path", p, "str")
            sha = c.field(o, "sha256", p, "str")
            size = c.field(o, "size", p, "int")
            attachment = c.int_range(
                c.field(o, "attachment", p, "int", required=False, nullable=True),
                p + "/attachment",
                1,
                8,
            )
            kind = c.choice(
                c.field(o, "kind", p, "str", required=False, nullable=True), p + "/kind", FILE_KINDS
            )
            title = c.field(o, "title", p, "str", required=False, nullable=True)
            phase = c.choice(
                c.field(o, "phase", p, "str", required=False, nullable=True), p + "/phase", PHASES
            )
            if isinstance(sha, str) and not _SHA256.fullmatch(sha):
                c.fail(p + "/sha256", bi("The sha256 must be 64 lower-case hex digits."))
                sha = _MISSING
            if isinstance(size, int) and size < 0:
                c.fail(p + "/size", bi("The size cannot be negative."))
                size = _MISSING
            if isinstance(path, str):
                path = unicodedata.normalize("NFC", path)
                if path == "manifest.json":
                    c.fail(p + "/path", bi("The manifest cannot list itself."))
                    path = _MISSING
                elif path in seen:
                    c.fail(p + "/path", bi("The path {path} is listed twice.", path=path))
                    path = _MISSING
                else:
                    seen.add(path)
            if _ok(path, sha, size, attachment, kind, title, phase):
                files.append(ManifestFile(path, sha, size, attachment, kind, title, phase))
    if not c.ok or not _ok(fmt, version, package_id, created_at, issuer, batch, checklist):
        return None
    return Manifest(
        format=fmt,
        format_version=version,
        package_id=package_id,
        created_at=created_at,
        files=tuple(files),
        issuer=issuer,
        batch=batch,
        checklist=checklist or "miit-2024",
    )


def _plain_file(item: Any) -> ManifestFile | None:
    """A ``files`` item that is well-formed as it stands, or None (then checked field by
    field, which reports every problem): the same acceptance, faster."""
    if type(item) is not dict:
        return None
    path, sha, size = item.get("path"), item.get("sha256"), item.get("size")
    attachment, kind = item.get("attachment"), item.get("kind")
    title, phase = item.get("title"), item.get("phase")
    if (
        type(path) is not str
        or type(sha) is not str
        or type(size) is not int
        or not 0 <= size <= INT_MAX
        or not _SHA256.fullmatch(sha)
        or (attachment is not None and (type(attachment) is not int or not 1 <= attachment <= 8))
        or (kind is not None and kind not in FILE_KINDS)
        or (title is not None and type(title) is not str)
        or (phase is not None and phase not in PHASES)
    ):
        return None
    if not path.isascii():
        path = unicodedata.normalize("NFC", path)
    if path == "manifest.json":
        return None
    return ManifestFile(path, sha, size, attachment, kind, title, phase)


def package_id_of(data: Any) -> str | None:
    """The manifest's ``package_id`` when it is a readable string (even if the rest is bad)."""
    if isinstance(data, dict) and isinstance(data.get("package_id"), str):
        return str(data["package_id"])
    return None


# --------------------------------------------------------------------------- enterprise
def parse_enterprise(data: Any, log: IssueLog) -> Enterprise | None:
    c = Checker(log, "enterprise.json")
    root = c.obj(data, "")
    if root is None:
        return None
    name = c.field(root, "name", "", "str")
    uscc = c.field(root, "uscc", "", "str")
    c.uscc(uscc, "/uscc", optional=False)
    district = c.field(root, "district", "", "str")
    industry_code = c.field(root, "industry_code", "", "str")
    industry_name = c.field(root, "industry_name", "", "str", required=False, nullable=True)
    size = c.choice(c.field(root, "size", "", "str"), "/size", SIZES)
    employees = c.count(
        c.field(root, "employees", "", "int", required=False, nullable=True), "/employees"
    )
    prior = c.field(root, "prior_support", "", "object")
    support: PriorSupport | None = None
    if isinstance(prior, dict):
        lg = c.field(prior, "little_giant_central_fund", "/prior_support", "bool")
        pilot = c.field(prior, "pilot_2022", "/prior_support", "bool")
        if _ok(lg, pilot):
            support = PriorSupport(lg, pilot)
    contact_raw = c.field(root, "contact", "", "object", required=False, nullable=True)
    contact: Contact | None = None
    if isinstance(contact_raw, dict):
        cn = c.field(contact_raw, "name", "/contact", "str")
        cp = c.field(contact_raw, "phone", "/contact", "str")
        if _ok(cn, cp):
            contact = Contact(cn, cp)
    if not c.ok or support is None:
        return None
    return Enterprise(
        name=name,
        uscc=uscc,
        district=district,
        industry_code=industry_code,
        industry_name=industry_name,
        size=size,
        employees=employees,
        prior_support=support,
        contact=contact,
    )


# --------------------------------------------------------------------------- project
def parse_project(data: Any, log: IssueLog) -> Project | None:
    c = Checker(log, "project.json")
    root = c.obj(data, "")
    if root is None:
        return None
    f = c.field
    values: dict[str, Any] = {
        "project_id": f(root, "project_id", "", "str"),
        "title": f(root, "title", "", "str"),
        "batch": f(root, "batch", "", "str"),
        "registered_at": f(root, "registered_at", "", "date"),
        "diagnosis_completed_at": f(
            root, "diagnosis_completed_at", "", "date", required=False, nullable=True
        ),
        "completed_at": f(root, "completed_at", "", "date"),
        "acceptance_applied_at": f(root, "acceptance_applied_at", "", "date"),
        "inspection_planned_at": f(
            root, "inspection_planned_at", "", "date", required=False, nullable=True
        ),
        "total_investment_yuan": f(root, "total_investment_yuan", "", "money"),
        "subsidy_requested_yuan": f(root, "subsidy_requested_yuan", "", "money"),
        "subsidy_prepaid_yuan": f(root, "subsidy_prepaid_yuan", "", "money"),
        "level_before": c.int_range(
            f(root, "level_before", "", "int", required=False, nullable=True),
            "/level_before",
            0,
            4,
        ),
        "level_target": c.int_range(f(root, "level_target", "", "int"), "/level_target", 2, 4),
    }
    providers: list[Provider] = []
    for i, item in enumerate(_list(c, root, "providers")):
        p = pointer("providers", i)
        o = c.obj(item, p)
        if o is None:
            continue
        name = f(o, "name", p, "str")
        uscc = f(o, "uscc", p, "str")
        c.uscc(uscc, p + "/uscc", optional=False)
        if _ok(name, uscc):
            providers.append(Provider(name, uscc))
    goals: list[Goal] = []
    for i, item in enumerate(_list(c, root, "goals")):
        p = pointer("goals", i)
        o = c.obj(item, p)
        if o is None:
            continue
        g = (
            f(o, "metric", p, "str"),
            f(o, "unit", p, "str"),
            f(o, "baseline", p, "number"),
            f(o, "target", p, "number"),
            f(o, "claimed", p, "number"),
            f(o, "key", p, "str", required=False, nullable=True),
            f(o, "system_id", p, "str", required=False, nullable=True),
        )
        if _ok(*g):
            goals.append(Goal(*g))
    if not c.ok or not _ok(*values.values()):
        return None
    return Project(providers=tuple(providers), goals=tuple(goals), **values)


def _list(c: Checker, obj: Mapping[str, Any], key: str, ptr: str = "") -> list[Any]:
    value = c.field(obj, key, ptr, "list")
    return value if isinstance(value, list) else []


# --------------------------------------------------------------------------- self-assessment
def parse_self_assessment(data: Any, log: IssueLog) -> SelfAssessment | None:
    c = Checker(log, "self_assessment.json")
    root = c.obj(data, "")
    if root is None:
        return None
    checklist = c.field(root, "checklist", "", "str")
    assessed_at = c.field(root, "assessed_at", "", "date", required=False, nullable=True)
    claimed_score = c.field(root, "claimed_score", "", "number", required=False, nullable=True)
    claimed_level = c.int_range(
        c.field(root, "claimed_level", "", "int", required=False, nullable=True),
        "/claimed_level",
        0,
        4,
    )
    items_raw = c.field(root, "items", "", "object")
    items: dict[str, SelfAssessmentItem] = {}
    if isinstance(items_raw, dict):
        for item_id, raw in items_raw.items():
            p = pointer("items", item_id)
            o = c.obj(raw, p)
            if o is None:
                continue
            answer = _answer(c, o, p)
            level = c.int_range(
                c.field(o, "level", p, "int", required=False, nullable=True), p + "/level", 0, 4
            )
            figures: dict[str, Decimal] = {}
            fig_raw = c.field(o, "figures", p, "object", required=False, nullable=True)
            if isinstance(fig_raw, dict):
                for k, v in fig_raw.items():
                    val = c.value(v, p + pointer("figures", k), "number", k)
                    if val is not _MISSING:
                        figures[k] = val
            evidence = _str_list(c, o, "evidence", p)
            if _ok(answer, level, evidence):
                items[item_id] = SelfAssessmentItem(
                    item_id=item_id,
                    answer=answer,
                    level=level,
                    figures=figures,
                    evidence=tuple(evidence),
                )
    if not c.ok or not _ok(checklist, assessed_at, claimed_score, claimed_level):
        return None
    return SelfAssessment(
        checklist=checklist,
        items=items,
        assessed_at=assessed_at,
        claimed_score=claimed_score,
        claimed_level=claimed_level,
    )


def _answer(c: Checker, o: Mapping[str, Any], p: str) -> Any:
    if "answer" not in o or o["answer"] is None:
        return None
    value = o["answer"]
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    c.fail(p + "/answer", bi("An answer is a letter or a list of letters."))
    return _MISSING


def _str_list(c: Checker, o: Mapping[str, Any], key: str, p: str) -> Any:
    value = c.field(o, key, p, "list", required=False, nullable=True, default=[])
    if value is _MISSING:
        return value
    out: list[str] = []
    for i, v in enumerate(value):
        if not isinstance(v, str):
            c.fail(p + pointer(key, i), bi("A string is expected here."))
            return _MISSING
        out.append(v)
    return out


# --------------------------------------------------------------------------- systems
def parse_systems(data: Any, log: IssueLog) -> tuple[System, ...] | None:
    c = Checker(log, "systems.json")
    if not isinstance(data, list):
        c.fail("", bi("systems.json must hold a list of systems."))
        return None
    systems: list[System] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        p = pointer(i)
        o = c.obj(item, p)
        if o is None:
            continue
        f = c.field
        system_id = f(o, "system_id", p, "str")
        if isinstance(system_id, str):
            if not SYSTEM_ID.fullmatch(system_id):
                c.fail(
                    p + "/system_id",
                    bi("The system_id {value!r} must match [a-z0-9_-]{{1,32}}.", value=system_id),
                )
                system_id = _MISSING
            elif system_id in seen:
                c.fail(
                    p + "/system_id", bi("The system_id {value!r} is used twice.", value=system_id)
                )
                system_id = _MISSING
            else:
                seen.add(system_id)
        name = f(o, "name", p, "str")
        deployment = c.choice(f(o, "deployment", p, "str"), p + "/deployment", DEPLOYMENTS)
        vendor = f(o, "vendor", p, "str", required=False, nullable=True)
        vendor_uscc = f(o, "vendor_uscc", p, "str", required=False, nullable=True)
        c.uscc(vendor_uscc, p + "/vendor_uscc", optional=True)
        modules = _str_list(c, o, "modules", p)
        go_live = f(o, "go_live", p, "date", required=False, nullable=True)
        licensed = c.count(
            f(o, "licensed_users", p, "int", required=False, nullable=True),
            p + "/licensed_users",
        )
        contract_no = f(o, "contract_no", p, "str", required=False, nullable=True)
        values = (system_id, name, deployment, vendor, vendor_uscc, modules, go_live, licensed)
        if _ok(*values, contract_no):
            systems.append(
                System(
                    system_id=system_id,
                    name=name,
                    deployment=deployment,
                    vendor=vendor,
                    vendor_uscc=vendor_uscc or None,
                    modules=tuple(modules),
                    go_live=go_live,
                    licensed_users=licensed,
                    contract_no=contract_no,
                )
            )
    if not c.ok:
        return None
    return tuple(systems)


PARSERS: Mapping[str, Callable[[Any, IssueLog], Any]] = {
    "enterprise.json": parse_enterprise,
    "project.json": parse_project,
    "self_assessment.json": parse_self_assessment,
    "systems.json": parse_systems,
}

__all__ = [
    "PARSERS",
    "JsonProblem",
    "date",
    "datetime",
    "loads",
    "package_id_of",
    "parse_manifest",
]
