"""The agency's batch roster (附件9 / 附件10, ``../shared/docs/roster.md``) and its typed status.

The roster is the spine of the agency console: per enterprise of the batch, which case package
and which experts' bundles arrived, each expert's level and recommendation, the open
disagreements, the agency's decision, the reports drafted and the enterprise record
(一企一档). It lives in the workspace database as the migration namespace ``batch``
(:data:`BATCH`), beside the core's and the sync layer's tables:

``batch_batches``
    One row per batch: its name, application deadline, source file, when it was imported.
``batch_roster``
    The batch's rows (replaced as a whole when the batch is imported again; findings belong to
    cases, never to roster rows, so they are kept).
``batch_reports``
    The drafts written for an enterprise project (path, kind), recorded by the face that wrote
    them (the console); ``一企一档`` is the ``archive`` kind.
``batch_cross_reviews``
    The agency's confirmation or dismissal of a cross-enterprise flag, with its reason, signed
    (Ed25519 over the RFC 8785 JSON of the review) by the agency's device key.

Parsing (:func:`read_roster`) is all or nothing: every bad row is listed with its line (CSV) or
row (XLSX) number in one :class:`~inspector_app.errors.InputRefused`.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app import uscc as uscc_mod
from inspector_app.canonjson import dumpb
from inspector_app.errors import InputRefused, Issue, UsageError
from inspector_app.findings.db import (
    Migration,
    MigrationSet,
    connect,
    environment_errors,
    migrate,
    transaction,
)
from inspector_app.findings.migrations import CORE
from inspector_app.findings.reading import DB_NAME
from inspector_app.home import Home
from inspector_app.i18n import Message, bi, join, verbatim
from inspector_app.identity import UnlockedIdentity
from inspector_app.values import TZ, isoformat, now
from sync.schema import SYNC

if TYPE_CHECKING:
    import sqlite_utils

ROSTER_INVALID = "ROSTER_INVALID"

ROSTER = Migration(
    "0001_roster",
    (
        """CREATE TABLE batch_batches (
            name TEXT PRIMARY KEY,
            deadline TEXT,
            source TEXT NOT NULL,
            imported_at TEXT NOT NULL
        )""",
        """CREATE TABLE batch_roster (
            batch TEXT NOT NULL REFERENCES batch_batches (name),
            position INTEGER NOT NULL,
            line INTEGER NOT NULL,
            no TEXT,
            enterprise TEXT NOT NULL,
            uscc TEXT NOT NULL,
            district TEXT,
            providers TEXT NOT NULL,
            project TEXT,
            project_id TEXT,
            reinspection INTEGER NOT NULL,
            previous_batch TEXT,
            extra TEXT NOT NULL,
            PRIMARY KEY (batch, uscc)
        )""",
        "CREATE INDEX batch_roster_uscc ON batch_roster (uscc)",
        """CREATE TABLE batch_reports (
            uscc TEXT NOT NULL,
            project_id TEXT NOT NULL DEFAULT '',
            path TEXT NOT NULL,
            kind TEXT NOT NULL,
            generated_at TEXT NOT NULL,
            PRIMARY KEY (uscc, project_id, path)
        )""",
        """CREATE TABLE batch_cross_reviews (
            flag_id TEXT PRIMARY KEY,
            decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed')),
            reason TEXT NOT NULL,
            signer TEXT NOT NULL,
            signed_at TEXT NOT NULL,
            signature TEXT NOT NULL
        )""",
    ),
)

BATCH = MigrationSet("batch", (ROSTER,))

#: column key -> (Chinese header, English header)
COLUMNS: dict[str, tuple[str, str]] = {
    "no": ("序号", "no"),
    "enterprise": ("企业名称", "enterprise"),
    "uscc": ("统一社会信用代码", "uscc"),
    "district": ("所属区县", "district"),
    "provider": ("服务商", "provider"),
    "project": ("项目名称", "project"),
    "project_id": ("项目编号", "project_id"),
    "reinspection": ("复核", "reinspection"),
    "previous_batch": ("原批次", "previous_batch"),
}
REQUIRED = ("enterprise", "uscc")
_YES = {"是", "yes", "y", "1", "true"}
_NO = {"否", "no", "n", "0", "false", ""}
_PROVIDER_SPLIT = re.compile(r"[、;；]")

#: the five states of an enterprise, in workflow order
STATUSES = ("pending", "inspected", "disputed", "final", "reported")


def status_label(code: str) -> Message:
    return {
        "pending": bi("to inspect"),
        "inspected": bi("inspected"),
        "disputed": bi("disagreement"),
        "final": bi("decided"),
        "reported": bi("reported"),
    }[code]


# ----------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class RosterRow:
    """One enterprise of a batch, as the office listed it."""

    line: int
    enterprise: str
    uscc: str
    no: str | None = None
    district: str | None = None
    providers: tuple[str, ...] = ()
    project: str | None = None
    project_id: str | None = None
    reinspection: bool = False
    previous_batch: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "no": self.no,
            "enterprise": self.enterprise,
            "uscc": self.uscc,
            "district": self.district,
            "providers": list(self.providers),
            "project": self.project,
            "project_id": self.project_id,
            "reinspection": self.reinspection,
            "previous_batch": self.previous_batch,
            "extra": dict(self.extra),
        }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _decode(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputRefused(
            bi(
                "{path} is neither UTF-8 nor GB18030 text; save the roster as CSV UTF-8 or XLSX.",
                path=str(path),
            )
        ) from exc


def _csv_records(path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""))
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            out.append((start, [c.strip() for c in record]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputRefused(
            bi(
                "{path} line {line}: not readable as CSV ({error}).",
                path=str(path),
                line=start,
                error=str(exc),
            )
        ) from exc
    return out


def _xlsx_records(path: Path) -> list[tuple[int, list[str]]]:
    import zipfile

    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency of the reports extra
        raise UsageError(bi("Reading XLSX rosters needs openpyxl (the reports extra).")) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputRefused(
            bi("{path} is not a readable XLSX workbook ({error}).", path=str(path), error=str(exc))
        ) from exc
    try:
        sheet = book.worksheets[0]
        return [
            (i, [_cell(v) for v in row])
            for i, row in enumerate(sheet.iter_rows(values_only=True), 1)
        ]
    finally:
        book.close()


def _header_map(header: list[str], path: Path, line: int) -> tuple[dict[str, int], dict[str, int]]:
    known: dict[str, str] = {}
    for key, (zh, en) in COLUMNS.items():
        known[zh] = key
        known[en.lower()] = key
    columns: dict[str, int] = {}
    extra: dict[str, int] = {}
    issues: list[Issue] = []
    for index, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff").strip()
        if not name:
            continue
        found = known.get(name) or known.get(name.lower())
        if found is None:
            extra[name] = index
        elif found in columns:
            issues.append(
                Issue(
                    ROSTER_INVALID,
                    str(path),
                    bi("The column {column} appears twice.", column=name),
                    line=line,
                )
            )
        else:
            columns[found] = index
    for key in REQUIRED:
        if key not in columns:
            zh, en = COLUMNS[key]
            issues.append(
                Issue(
                    ROSTER_INVALID,
                    str(path),
                    bi("The required column {en} (or {zh}) is missing.", zh=zh, en=en),
                    line=line,
                )
            )
    if issues:
        raise _refused(path, issues)
    return columns, extra


def _refused(path: Path, issues: list[Issue]) -> InputRefused:
    header = bi(
        "The roster {path} was not imported ({count} problems); nothing was changed:",
        path=str(path),
        count=len(issues),
    )
    lines = [
        bi("line {line}: {problem}", line=i.line, problem=i.message) if i.line else i.message
        for i in issues
    ]
    return InputRefused(join([header, *lines], sep=verbatim("\n  ")), issues)


def read_roster(path: str | Path) -> list[RosterRow]:
    """Parse a roster file (CSV or XLSX); all or nothing.

    Raises:
        InputRefused: an unreadable file, a missing required column, or any bad row (each
            listed with its line: missing enterprise or USCC, a bad check digit, a USCC given
            twice, an unclear re-inspection value); no rows at all.
    """
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise InputRefused(
            bi("Cannot read {path}: {error}", path=str(source), error=exc.strerror or str(exc))
        ) from exc
    if data.startswith(b"PK\x03\x04"):
        records = _xlsx_records(source)
    else:
        records = _csv_records(source, data)
    records = [(n, r) for n, r in records if any(c for c in r)]
    if not records:
        raise InputRefused(bi("The roster {path} is empty.", path=str(source)))
    header_line, header = records[0]
    columns, extra_cols = _header_map(header, source, header_line)
    rows: list[RosterRow] = []
    issues: list[Issue] = []
    seen: dict[str, int] = {}

    def get(record: list[str], key: str) -> str:
        index = columns.get(key)
        return record[index].strip() if index is not None and index < len(record) else ""

    for line, record in records[1:]:
        problems: list[Message] = []
        enterprise = get(record, "enterprise")
        code = get(record, "uscc").upper().replace(" ", "")
        if not enterprise:
            problems.append(bi("the enterprise name is missing"))
        if not code:
            problems.append(bi("the unified social credit code is missing"))
        elif not uscc_mod.is_valid(code):
            problems.append(
                bi(
                    "{uscc} is not a valid unified social credit code (check digit or shape)",
                    uscc=code,
                )
            )
        elif code in seen:
            problems.append(bi("{uscc} already appears on line {line}", uscc=code, line=seen[code]))
        re_text = get(record, "reinspection").lower()
        if re_text not in _YES and re_text not in _NO:
            problems.append(
                bi("re-inspection must be 是/yes/1 or 否/no/0, not {value}", value=re_text)
            )
        if code and code not in seen and uscc_mod.is_valid(code):
            seen[code] = line
        for problem in problems:
            issues.append(Issue(ROSTER_INVALID, str(source), problem, line=line))
        if problems:
            continue
        providers = tuple(
            p.strip() for p in _PROVIDER_SPLIT.split(get(record, "provider")) if p.strip()
        )
        rows.append(
            RosterRow(
                line=line,
                enterprise=enterprise,
                uscc=code,
                no=get(record, "no") or None,
                district=get(record, "district") or None,
                providers=providers,
                project=get(record, "project") or None,
                project_id=get(record, "project_id") or None,
                reinspection=re_text in _YES,
                previous_batch=get(record, "previous_batch") or None,
                extra={
                    name: record[i].strip()
                    for name, i in extra_cols.items()
                    if i < len(record) and record[i].strip()
                },
            )
        )
    if issues:
        raise _refused(source, issues)
    if not rows:
        raise InputRefused(
            bi("The roster {path} has a header but no enterprise.", path=str(source))
        )
    return rows


def parse_deadline(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(
            bi("--deadline must be a date such as 2025-06-30, not {value}.", value=text)
        ) from exc


# ----------------------------------------------------------------------------- storage


def open_batch_db(home: Home) -> sqlite_utils.Database:
    """The workspace database with the core's, sync's and the batch migrations applied."""
    path = home.workspace / DB_NAME
    db = connect(path)
    migrate(db, [CORE, SYNC, BATCH], path)
    return db


@dataclass(frozen=True)
class RosterImport:
    """What ``batch import`` did."""

    batch: str
    rows: tuple[RosterRow, ...]
    deadline: date | None
    replaced: int  # rows of the earlier roster of the same batch (0: a new batch)

    def to_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "rows": len(self.rows),
            "reinspections": sum(r.reinspection for r in self.rows),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "replaced": self.replaced,
        }


def import_roster(
    home: Home, path: str | Path, batch: str, deadline: date | None = None
) -> RosterImport:
    """Read ``path`` and store it as the roster of ``batch`` (replacing an earlier one; the
    deadline is kept when none is given)."""
    name = batch.strip()
    if not name:
        raise UsageError(bi("--batch needs a name."))
    rows = read_roster(path)
    db = open_batch_db(home)
    dbpath = home.workspace / DB_NAME
    try:
        with environment_errors(dbpath), transaction(db) as conn:
            old = conn.execute(
                "SELECT deadline FROM batch_batches WHERE name = ?", (name,)
            ).fetchone()
            replaced = conn.execute(
                "SELECT COUNT(*) FROM batch_roster WHERE batch = ?", (name,)
            ).fetchone()[0]
            keep = deadline.isoformat() if deadline else (old[0] if old else None)
            conn.execute("DELETE FROM batch_roster WHERE batch = ?", (name,))
            conn.execute(
                "INSERT INTO batch_batches (name, deadline, source, imported_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET deadline = excluded.deadline,"
                " source = excluded.source, imported_at = excluded.imported_at",
                (name, keep, str(Path(path)), isoformat(now())),
            )
            conn.executemany(
                "INSERT INTO batch_roster (batch, position, line, no, enterprise, uscc, district,"
                " providers, project, project_id, reinspection, previous_batch, extra)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        name,
                        i,
                        r.line,
                        r.no,
                        r.enterprise,
                        r.uscc,
                        r.district,
                        json.dumps(list(r.providers), ensure_ascii=False),
                        r.project,
                        r.project_id,
                        int(r.reinspection),
                        r.previous_batch,
                        json.dumps(r.extra, ensure_ascii=False),
                    )
                    for i, r in enumerate(rows)
                ],
            )
    finally:
        db.conn.close()
    return RosterImport(
        name, tuple(rows), date.fromisoformat(keep) if keep else None, int(replaced)
    )


def record_reports(
    home: Home, uscc: str, project_id: str | None, files: Iterable[tuple[str, Path]]
) -> None:
    """Record the drafts written for one enterprise project (``(kind, path)`` pairs)."""
    db = open_batch_db(home)
    try:
        with environment_errors(home.workspace / DB_NAME), transaction(db) as conn:
            at = isoformat(now())
            conn.executemany(
                "INSERT INTO batch_reports (uscc, project_id, path, kind, generated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (uscc, project_id, path) DO UPDATE SET"
                " kind = excluded.kind, generated_at = excluded.generated_at",
                [(uscc, project_id or "", str(p), kind, at) for kind, p in files],
            )
    finally:
        db.conn.close()


@dataclass(frozen=True)
class CrossReview:
    flag_id: str
    decision: str
    reason: str
    signer: str
    signed_at: str
    signature: str

    def payload(self) -> dict[str, str]:
        return {
            "flag": self.flag_id,
            "decision": self.decision,
            "reason": self.reason,
            "signer": self.signer,
            "signed_at": self.signed_at,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.payload(), "signature": self.signature}


def review_cross_flag(
    home: Home, signer: UnlockedIdentity, flag_id: str, decision: str, reason: str
) -> CrossReview:
    """Record the agency's signed confirmation or dismissal of a cross-enterprise flag.

    Raises:
        InputRefused: not an agency identity, an unknown decision, or no reason.
    """
    if signer.role != "agency":
        raise InputRefused(bi("Only the agency reviews cross-enterprise flags."))
    if decision not in ("confirmed", "dismissed"):
        raise InputRefused(bi("A review is confirmed or dismissed, not {value}.", value=decision))
    if not reason.strip():
        raise InputRefused(bi("Give the reason of the review."))
    review = CrossReview(
        flag_id, decision, reason.strip(), signer.fingerprint, isoformat(now()), ""
    )
    signature = base64.b64encode(signer.sign(dumpb(review.payload()))).decode("ascii")
    review = CrossReview(**{**review.__dict__, "signature": signature})
    db = open_batch_db(home)
    try:
        with environment_errors(home.workspace / DB_NAME), transaction(db) as conn:
            conn.execute(
                "INSERT INTO batch_cross_reviews (flag_id, decision, reason, signer, signed_at, signature)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (flag_id) DO UPDATE SET decision = excluded.decision,"
                " reason = excluded.reason, signer = excluded.signer, signed_at = excluded.signed_at,"
                " signature = excluded.signature",
                (
                    review.flag_id,
                    review.decision,
                    review.reason,
                    review.signer,
                    review.signed_at,
                    review.signature,
                ),
            )
    finally:
        db.conn.close()
    return review


def cross_reviews(home: Home) -> dict[str, CrossReview]:
    db = open_batch_db(home)
    try:
        rows = db.execute(
            "SELECT flag_id, decision, reason, signer, signed_at, signature FROM batch_cross_reviews"
        ).fetchall()
    finally:
        db.conn.close()
    return {r[0]: CrossReview(*r) for r in rows}


# ----------------------------------------------------------------------------- status


@dataclass(frozen=True)
class ExpertView:
    """One expert's result on an enterprise."""

    name: str
    level: int | None
    score: Decimal | None
    complete: bool
    recommendation: str | None
    findings: int

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "level": self.level,
            "score": self.score,
            "complete": self.complete,
            "recommendation": self.recommendation,
            "findings": self.findings,
        }


@dataclass(frozen=True)
class Earlier:
    """The earlier inspection of a re-inspected enterprise: its case and requirements."""

    case_id: str
    recommendation: str | None
    requirements: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "recommendation": self.recommendation,
            "requirements": list(self.requirements),
        }


@dataclass(frozen=True)
class BatchRow:
    """One roster row with everything the console shows about it."""

    roster: RosterRow
    cases: tuple[str, ...]
    package: bool
    experts: tuple[ExpertView, ...]
    disagreements: tuple[Any, ...]  # sync.status.Disagreement
    open_disagreements: int
    decision: str | None
    decision_id: str | None
    reports: tuple[str, ...]
    archive: bool
    earlier: Earlier | None
    status: str

    @property
    def key(self) -> str:
        return self.roster.uscc

    def to_json(self) -> dict[str, Any]:
        from inspector_app.i18n import bilingual

        r = self.roster
        return {
            **r.to_json(),
            "status": self.status,
            **bilingual("status_label", status_label(self.status)),
            "cases": list(self.cases),
            "package": self.package,
            "experts": [e.to_json() for e in self.experts],
            "disagreements": [d.to_json() for d in self.disagreements],
            "open_disagreements": self.open_disagreements,
            "decision": self.decision,
            "decision_id": self.decision_id,
            "reports": list(self.reports),
            "archive": self.archive,
            "earlier": self.earlier.to_json() if self.earlier else None,
            "earlier_missing": r.reinspection and self.earlier is None,
        }


@dataclass(frozen=True)
class NotOnRoster:
    uscc: str | None
    project_id: str | None
    enterprise: str | None
    cases: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc,
            "project_id": self.project_id,
            "enterprise": self.enterprise,
            "cases": list(self.cases),
        }


@dataclass(frozen=True)
class BatchStatus:
    """``batch status``: the roster rows, their states, the deadline and what is not on it."""

    batch: str
    deadline: date | None
    today: date
    rows: tuple[BatchRow, ...]
    not_on_roster: tuple[NotOnRoster, ...]
    pending_bundles: int

    @property
    def days_left(self) -> int | None:
        return (self.deadline - self.today).days if self.deadline else None

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.rows) for s in STATUSES}

    def to_json(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "days_left": self.days_left,
            "counts": self.counts(),
            "rows": [r.to_json() for r in self.rows],
            "not_on_roster": [n.to_json() for n in self.not_on_roster],
            "pending_bundles": self.pending_bundles,
        }


def batches(home: Home) -> list[tuple[str, date | None, str]]:
    """``(name, deadline, imported_at)`` of every batch, latest import first."""
    db = open_batch_db(home)
    try:
        rows = db.execute(
            "SELECT name, deadline, imported_at FROM batch_batches ORDER BY imported_at DESC, name"
        ).fetchall()
    finally:
        db.conn.close()
    return [(n, date.fromisoformat(d) if d else None, at) for n, d, at in rows]


def _roster_rows(db: sqlite_utils.Database, batch: str) -> list[RosterRow]:
    out = []
    for row in db.execute(
        "SELECT line, enterprise, uscc, no, district, providers, project, project_id,"
        " reinspection, previous_batch, extra FROM batch_roster WHERE batch = ? ORDER BY position",
        (batch,),
    ).fetchall():
        out.append(
            RosterRow(
                line=row[0],
                enterprise=row[1],
                uscc=row[2],
                no=row[3],
                district=row[4],
                providers=tuple(json.loads(row[5])),
                project=row[6],
                project_id=row[7],
                reinspection=bool(row[8]),
                previous_batch=row[9],
                extra=json.loads(row[10]),
            )
        )
    return out


def _case_batch(folder: str | None) -> str | None:
    """The batch named in an imported package's manifest (or project.json)."""
    if not folder:
        return None
    for name in ("manifest.json", "project.json"):
        try:
            value = json.loads((Path(folder) / name).read_text(encoding="utf-8")).get("batch")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, str) and value:
            return value
    return None


def _is_earlier(case: Any, row: RosterRow, batch: str) -> bool:
    """A case of an earlier batch: its package names ``previous_batch`` (or, when the roster
    names none, any batch other than this one)."""
    found = _case_batch(case.folder) if case is not None else None
    if found is None:
        return False
    return found == row.previous_batch if row.previous_batch else found != batch


def _matches(row: RosterRow, uscc: str | None, project_id: str | None) -> bool:
    return uscc == row.uscc and (
        not row.project_id or not project_id or row.project_id == project_id
    )


def _earlier(store: Any, row: RosterRow, case_ids: list[str]) -> Earlier | None:
    """The earlier case's conclusion (the agency's decision, else the experts' conclusions)."""
    best: tuple[int, str, Earlier] | None = None
    for cid in case_ids:
        found = store.findings(cid)
        for f in found:
            data = f.data
            if "recommendation" not in data or f.kind not in ("conclusion", "decision"):
                continue
            rank = 1 if f.kind == "decision" else 0
            earlier = Earlier(
                cid, data.get("recommendation"), tuple(data.get("requirements") or ())
            )
            key = (rank, f.record.created_at, earlier)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is not None:
        return best[2]
    return Earlier(case_ids[0], None, ()) if case_ids else None


def batch_status(home: Home, batch: str | None = None, *, today: date | None = None) -> BatchStatus:
    """The typed status of ``batch`` (default: the latest imported).

    Raises:
        InputRefused: no roster was imported, or no batch of that name.
    """
    from inspector_app.findings import open_store
    from sync.status import merge_status

    known = batches(home)
    if not known:
        raise InputRefused(bi("No roster has been imported: run batch import first."))
    chosen = next((b for b in known if b[0] == batch), None) if batch else known[0]
    if chosen is None:
        raise InputRefused(
            bi(
                "No batch named {name}; known: {known}.",
                name=batch,
                known=", ".join(b[0] for b in known),
            )
        )
    name, deadline, _at = chosen
    merged = merge_status(home)
    db = open_batch_db(home)
    try:
        roster = _roster_rows(db, name)
        reports: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for uscc, pid, path, kind in db.execute(
            "SELECT uscc, project_id, path, kind FROM batch_reports ORDER BY path"
        ).fetchall():
            reports.setdefault((uscc, pid), []).append((path, kind))
    finally:
        db.conn.close()
    rows: list[BatchRow] = []
    claimed: set[int] = set()
    with open_store(home, extra=(SYNC,)) as store:
        case_rows = {c.case_id: c for c in store.cases()}
        for row in roster:
            current: list[Any] = []
            earlier_cases: list[str] = []
            for p in merged.projects:
                if p.uscc != row.uscc:
                    continue
                olds = [
                    cid
                    for cid in p.cases
                    if row.reinspection and _is_earlier(case_rows.get(cid), row, name)
                ]
                earlier_cases.extend(olds)
                if _matches(row, p.uscc, p.project_id) and len(olds) < len(p.cases):
                    current.append(p)
                    claimed.add(id(p))
                elif olds:
                    claimed.add(id(p))
            experts: list[ExpertView] = []
            disagreements: list[Any] = []
            decision: tuple[str | None, str | None] = (None, None)
            cases: list[str] = []
            for p in current:
                cases.extend(c for c in p.cases if c not in earlier_cases)
                experts.extend(
                    ExpertView(e.name, e.level, e.score, e.complete, e.conclusion, e.findings)
                    for e in p.experts
                )
                disagreements.extend(p.disagreements)
                for d in p.decisions:
                    if d.type == "conclusion":
                        decision = (str(d.value) if d.value is not None else None, d.finding_id)
            open_count = sum(
                1
                for d in disagreements
                if d.settled is None and not (d.type == "level" and decision[0] is not None)
            )
            files = [
                f for p in current for f in reports.get((p.uscc or "", p.project_id or ""), [])
            ]
            files += reports.get((row.uscc, row.project_id or ""), []) if not current else []
            files = list(dict.fromkeys(files))
            report_files = tuple(path for path, kind in files if kind != "archive")
            archive = any(kind == "archive" for _p, kind in files)
            package = any(c in case_rows and case_rows[c].folder for c in cases)
            if decision[0] is not None and report_files:
                state = "reported"
            elif decision[0] is not None:
                state = "final"
            elif open_count:
                state = "disputed"
            elif experts:
                state = "inspected"
            else:
                state = "pending"
            earlier = _earlier(store, row, earlier_cases) if row.reinspection else None
            rows.append(
                BatchRow(
                    roster=row,
                    cases=tuple(cases),
                    package=package,
                    experts=tuple(experts),
                    disagreements=tuple(disagreements),
                    open_disagreements=open_count,
                    decision=decision[0],
                    decision_id=decision[1],
                    reports=report_files,
                    archive=archive,
                    earlier=earlier,
                    status=state,
                )
            )
    others = tuple(
        NotOnRoster(p.uscc, p.project_id, p.enterprise, tuple(p.cases))
        for p in merged.projects
        if id(p) not in claimed
    )
    return BatchStatus(
        batch=name,
        deadline=deadline,
        today=today or now().astimezone(TZ).date(),
        rows=tuple(rows),
        not_on_roster=others,
        pending_bundles=len(merged.pending_bundles),
    )


def sort_open_first(rows: Sequence[BatchRow]) -> list[BatchRow]:
    """Enterprises with open disagreements first (most first), then roster order."""
    return sorted(rows, key=lambda r: (-r.open_disagreements,))


# ----------------------------------------------------------------------------- disagreements


@dataclass(frozen=True)
class AnswerView:
    """One expert's finding on a disputed subject: the value, comment, evidence, attachments."""

    expert: str
    finding_id: str
    value: Any
    comment: str | None
    evidence: tuple[str, ...]
    attachments: tuple[str, ...]
    created_at: str


@dataclass(frozen=True)
class ProjectDetail:
    """What the disagreements page shows for one enterprise."""

    uscc: str
    case_id: str | None  # the case the agency's decisions are signed on
    experts: tuple[ExpertView, ...]
    disagreements: tuple[Any, ...]
    answers: dict[str, AnswerView]  # finding id -> answer
    flag_reviews: tuple[AnswerView, ...]


def _answer_view(expert: str, f: Any) -> AnswerView:
    d = f.data
    value: Any = d.get("answer", d.get("level", d.get("decision", d.get("recommendation"))))
    comment = d.get("comment") or d.get("reason") or d.get("summary")
    if d.get("requirements"):
        comment = f"{comment or ''} {'; '.join(d['requirements'])}".strip()
    evidence = d.get("evidence")
    ev: tuple[str, ...] = ()
    if isinstance(evidence, list):
        ev = tuple(str(e.get("path", e)) if isinstance(e, dict) else str(e) for e in evidence)
    elif isinstance(evidence, dict | str):
        ev = (str(evidence.get("path", evidence)) if isinstance(evidence, dict) else evidence,)
    atts = tuple(
        str(a.get("name") or a.get("sha256", ""))[:60]
        for a in d.get("attachments") or ()
        if isinstance(a, dict)
    )
    return AnswerView(
        expert,
        f.finding_id,
        value,
        str(comment) if comment else None,
        ev,
        atts,
        f.record.created_at,
    )


def project_detail(home: Home, uscc: str, batch: str | None = None) -> ProjectDetail:
    """The experts' answers behind every disagreement of the roster row ``uscc``."""
    from inspector_app.findings import open_store

    status = batch_status(home, batch)
    row = next((r for r in status.rows if r.roster.uscc == uscc), None)
    if row is None:
        raise InputRefused(bi("{uscc} is not on the roster.", uscc=uscc))
    db = open_batch_db(home)
    try:
        experts = dict(db.execute("SELECT fingerprint, expert FROM sync_devices").fetchall())
    finally:
        db.conn.close()
    answers: dict[str, AnswerView] = {}
    reviews: list[AnswerView] = []
    wanted = {fid for d in row.disagreements for fid in d.findings.values()}
    with open_store(home, extra=(SYNC,)) as store:
        for cid in row.cases:
            for f in store.findings(cid):
                name = experts.get(f.record.signer)
                if name is None:
                    continue
                if f.finding_id in wanted:
                    answers[f.finding_id] = _answer_view(name, f)
                if f.kind == "flag_review":
                    reviews.append(_answer_view(name, f))
        case_id = next((c for c in row.cases if store.case(c) is not None), None)
    return ProjectDetail(uscc, case_id, row.experts, row.disagreements, answers, tuple(reviews))


@dataclass(frozen=True)
class DecisionResult:
    """The signed decision, or why it was not signed (the outcome rules' refusals)."""

    finding_id: str | None
    refusals: tuple[Any, ...] = ()


def sign_decision(
    home: Home, case_id: str, payload: dict[str, Any], signer: UnlockedIdentity
) -> DecisionResult:
    """Sign the agency's ``decision`` on ``case_id``; a decision on the conclusion is checked
    against the outcome rules first, and its refusals come back instead of a signature.

    Raises:
        InputRefused: the case is not imported at the agency, the decision is invalid.
    """
    from inspector_app.findings import open_store
    from inspector_app.findings.outcome import check_conclusion
    from inspector_app.services.findings import add_finding

    if "recommendation" in payload:
        with open_store(home) as store:
            refusals = check_conclusion(store, case_id, signer.fingerprint, payload, role="agency")
        if refusals:
            return DecisionResult(None, tuple(refusals))
    added = add_finding(home, case_id, payload, signer=signer)
    return DecisionResult(added.finding.finding_id)
