"""Typed domain model of a case package (``case-package.md``).

Plain frozen dataclasses: the reader builds them, analysis, scoring, the UI and the reports only
read them. Money is ``Decimal``; dates are ``date``; timestamps are aware ``datetime``.
``row`` fields are 1-based CSV data-record numbers (header not counted), for evidence pointers.

Usage logs can hold tens of millions of rows and are never materialised: the readers of
:mod:`~inspector_app.casepkg.logs` (``package_usage``, ``package_records``) stream them from
``CasePackage.source`` as light :class:`UsageEvent` tuples. This module imports no other module
of the package (no import circle).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, NamedTuple, Protocol

from inspector_app.errors import Issue

ATTACHMENT_NAMES: Mapping[int, str] = {
    1: "验收档案",
    2: "验收申请表",
    3: "财务核查表",
    4: "改造合同",
    5: "发票及付款证明",
    6: "项目总结报告",
    7: "改造成效佐证材料",
    8: "改造后自评测及佐证材料",
}
FILE_KINDS = (
    "contract",
    "invoice",
    "payment",
    "report",
    "screenshot",
    "photo",
    "log",
    "data",
    "form",
    "other",
)
PHASES = ("before", "after")
DEPLOYMENTS = ("saas", "on_premise", "private_cloud")
ITEM_CATEGORIES = ("software", "saas", "hardware", "service", "cloud", "other")
DIRECTIONS = ("out", "in")
ACTIONS = ("login", "logout", "view", "create", "update", "delete", "approve", "export")
SIZES = ("medium", "small", "micro")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".heic", ".heif")


# --------------------------------------------------------------------------- manifest
@dataclass(frozen=True)
class ManifestFile:
    path: str
    sha256: str
    size: int
    attachment: int | None = None
    kind: str | None = None
    title: str | None = None
    phase: str | None = None


@dataclass(frozen=True)
class Manifest:
    format: str
    format_version: str
    package_id: str
    created_at: datetime
    files: tuple[ManifestFile, ...]
    issuer: Mapping[str, Any] | None = None
    batch: str | None = None
    checklist: str = "miit-2024"
    #: ``path`` → entry, built once (a lookup per document must not scan the whole list)
    _by_path: Mapping[str, ManifestFile] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        by_path: dict[str, ManifestFile] = {}
        for f in self.files:
            by_path.setdefault(f.path, f)
        object.__setattr__(self, "_by_path", by_path)

    def file(self, path: str) -> ManifestFile | None:
        return self._by_path.get(path)


# --------------------------------------------------------------------------- JSON files
@dataclass(frozen=True)
class PriorSupport:
    little_giant_central_fund: bool
    pilot_2022: bool


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str


@dataclass(frozen=True)
class Enterprise:
    name: str
    uscc: str
    district: str
    industry_code: str
    industry_name: str | None
    size: str
    employees: int | None
    prior_support: PriorSupport
    contact: Contact | None = None


@dataclass(frozen=True)
class Provider:
    name: str
    uscc: str


@dataclass(frozen=True)
class Goal:
    metric: str
    unit: str
    baseline: Decimal
    target: Decimal
    claimed: Decimal
    key: str | None = None
    system_id: str | None = None


@dataclass(frozen=True)
class Project:
    project_id: str
    title: str
    batch: str
    registered_at: date
    diagnosis_completed_at: date | None
    completed_at: date
    acceptance_applied_at: date
    inspection_planned_at: date | None
    providers: tuple[Provider, ...]
    total_investment_yuan: Decimal
    subsidy_requested_yuan: Decimal
    subsidy_prepaid_yuan: Decimal
    level_before: int | None
    level_target: int
    goals: tuple[Goal, ...]


@dataclass(frozen=True)
class SelfAssessmentItem:
    """One answer of 附件8. ``answer`` is kept as written (a letter or a list of letters);
    the checklist module normalises and validates it (``INVALID_ANSWER``)."""

    item_id: str
    answer: str | tuple[str, ...] | None = None
    level: int | None = None
    figures: Mapping[str, Decimal] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class SelfAssessment:
    checklist: str
    items: Mapping[str, SelfAssessmentItem]
    assessed_at: date | None = None
    claimed_score: Decimal | None = None
    claimed_level: int | None = None


@dataclass(frozen=True)
class System:
    system_id: str
    name: str
    deployment: str
    vendor: str | None = None
    vendor_uscc: str | None = None
    modules: tuple[str, ...] = ()
    go_live: date | None = None
    licensed_users: int | None = None
    contract_no: str | None = None


# --------------------------------------------------------------------------- CSV files
@dataclass(frozen=True)
class Contract:
    contract_no: str
    signed_at: date
    party_a: str
    party_b: str
    party_b_uscc: str | None
    amount_yuan: Decimal
    subject: str | None
    row: int


@dataclass(frozen=True)
class ContractItem:
    contract_no: str
    line_no: int
    item: str
    category: str
    quantity: Decimal
    unit: str | None
    unit_price_yuan: Decimal
    amount_yuan: Decimal
    catalog_code: str | None
    row: int


@dataclass(frozen=True)
class CatalogEntry:
    catalog_code: str
    product: str
    provider: str
    unit: str | None
    listed_unit_price_yuan: Decimal
    row: int


@dataclass(frozen=True)
class Invoice:
    invoice_no: str
    issued_at: date
    seller: str
    seller_uscc: str | None
    buyer: str
    buyer_uscc: str | None
    amount_excl_tax_yuan: Decimal
    tax_yuan: Decimal
    total_yuan: Decimal
    item: str | None
    contract_no: str | None
    row: int


@dataclass(frozen=True)
class Payment:
    paid_at: date
    direction: str
    payer: str
    payee: str
    amount_yuan: Decimal
    bank_ref: str | None
    memo: str | None
    contract_no: str | None
    row: int


class UsageEvent(NamedTuple):
    """One usage-log row. ``ts`` is POSIX seconds (UTC epoch, whole seconds); the +08:00
    calendar day is ``(ts + 28800) // 86400`` days after 1970-01-01."""

    ts: int
    user_id: str
    action: str
    object: str
    row: int


class RecordCount(NamedTuple):
    date: date
    object_type: str
    created: int
    updated: int
    row: int


# --------------------------------------------------------------------------- documents
@dataclass(frozen=True)
class Document:
    """An entry under ``docs/`` or ``photos/``, with its manifest metadata.

    ``attachment`` is the manifest's number, else the ``附件N`` folder it lies under, else None.
    """

    path: str
    sha256: str
    size: int
    attachment: int | None
    kind: str | None
    title: str | None
    phase: str | None

    @property
    def is_photo(self) -> bool:
        return self.path.startswith("photos/") and self.path.lower().endswith(IMAGE_EXTENSIONS)

    @property
    def is_image(self) -> bool:
        return self.path.lower().endswith(IMAGE_EXTENSIONS)


class EntrySource(Protocol):
    """Where a package's entries are read from: a verified ZIP or an imported folder."""

    def open(self, path: str) -> IO[bytes]:
        """Open an entry (decoded, NFC name) for streaming reading."""
        ...

    def names(self) -> list[str]: ...


@dataclass
class CasePackage:
    """A loaded, valid case package. Built by :func:`inspector_app.casepkg.assemble.build_package`."""

    manifest: Manifest
    enterprise: Enterprise
    project: Project
    self_assessment: SelfAssessment
    systems: tuple[System, ...]
    contracts: tuple[Contract, ...]
    contract_items: tuple[ContractItem, ...]
    invoices: tuple[Invoice, ...]
    payments: tuple[Payment, ...]
    catalog: tuple[CatalogEntry, ...]
    documents: tuple[Document, ...]
    #: the parsed ``settings/rules.toml`` (already validated), or None
    rules: Mapping[str, Any] | None
    warnings: list[Issue]
    source: EntrySource
    #: usage-log entry path per system id (``logs/<id>/usage.csv`` or ``.csv.gz``)
    usage_logs: Mapping[str, str] = field(default_factory=dict)
    #: records.csv entry path per system id
    record_logs: Mapping[str, str] = field(default_factory=dict)

    @property
    def package_id(self) -> str:
        return self.manifest.package_id

    def system(self, system_id: str) -> System | None:
        for s in self.systems:
            if s.system_id == system_id:
                return s
        return None

    @property
    def photos(self) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.is_photo)

    def attachments_present(self) -> set[int]:
        return {d.attachment for d in self.documents if d.attachment is not None}
