"""The CSV files of a package (finance tables, record counts): push parsing into the model.

The validator pushes each entry's line-aligned blocks through a :class:`TableParser` while it
hashes them, so a CSV is read once. Rows are typed as they come; every problem is reported with
the file and the physical line where the record starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from inspector_app.casepkg.csvcore import (
    CellProblem,
    Header,
    RecordSplitter,
    cell_choice,
    cell_count,
    cell_date,
    cell_decimal,
    cell_int,
    cell_invoice_no,
    cell_money,
    cell_text,
    parse_record,
)
from inspector_app.casepkg.issues import IssueLog
from inspector_app.casepkg.model import (
    DIRECTIONS,
    ITEM_CATEGORIES,
    CatalogEntry,
    Contract,
    ContractItem,
    Invoice,
    Payment,
)
from inspector_app.i18n import Message, bi, exc_message
from inspector_app.uscc import is_valid as uscc_valid

#: (column, kind, may be empty)
Column = tuple[str, Any, bool]


class NeedRestart(Exception):
    """The file is not UTF-8: parse it again from the start as GB18030."""


TABLES: dict[str, tuple[Callable[..., Any], Sequence[Column]]] = {
    "finance/contracts.csv": (
        Contract,
        (
            ("contract_no", "text", False),
            ("signed_at", "date", False),
            ("party_a", "text", False),
            ("party_b", "text", False),
            ("party_b_uscc", "uscc", True),
            ("amount_yuan", "money", False),
            ("subject", "text", True),
        ),
    ),
    "finance/contract_items.csv": (
        ContractItem,
        (
            ("contract_no", "text", False),
            ("line_no", "int", False),
            ("item", "text", False),
            ("category", ITEM_CATEGORIES, False),
            ("quantity", "decimal", False),
            ("unit", "text", True),
            ("unit_price_yuan", "money", False),
            ("amount_yuan", "money", False),
            ("catalog_code", "text", True),
        ),
    ),
    "finance/catalog.csv": (
        CatalogEntry,
        (
            ("catalog_code", "text", False),
            ("product", "text", False),
            ("provider", "text", False),
            ("unit", "text", True),
            ("listed_unit_price_yuan", "money", False),
        ),
    ),
    "finance/invoices.csv": (
        Invoice,
        (
            ("invoice_no", "invoice", False),
            ("issued_at", "date", False),
            ("seller", "text", False),
            ("seller_uscc", "uscc", True),
            ("buyer", "text", False),
            ("buyer_uscc", "uscc", True),
            ("amount_excl_tax_yuan", "money", False),
            ("tax_yuan", "money", False),
            ("total_yuan", "money", False),
            ("item", "text", True),
            ("contract_no", "text", True),
        ),
    ),
    "finance/payments.csv": (
        Payment,
        (
            ("paid_at", "date", False),
            ("direction", DIRECTIONS, False),
            ("payer", "text", False),
            ("payee", "text", False),
            ("amount_yuan", "money", False),
            ("bank_ref", "text", True),
            ("memo", "text", True),
            ("contract_no", "text", True),
        ),
    ),
}
RECORDS_COLUMNS: Sequence[Column] = (
    ("date", "date", False),
    ("object_type", "text", False),
    ("created", "count", False),
    ("updated", "count", False),
)
REQUIRED_TABLES = (
    "finance/contracts.csv",
    "finance/contract_items.csv",
    "finance/invoices.csv",
    "finance/payments.csv",
)


def _typed(kind: Any, value: str, optional: bool) -> Any:
    if kind == "text":
        return cell_text(value, optional=optional)
    if optional and not value.strip():
        return None
    if kind == "date":
        return cell_date(value)
    if kind == "money":
        return cell_money(value)
    if kind == "int":
        return cell_int(value)
    if kind == "count":
        return cell_count(value)
    if kind == "decimal":
        return cell_decimal(value)
    if kind == "invoice":
        return cell_invoice_no(value)
    if kind == "uscc":
        return value.strip()
    return cell_choice(value, kind)


class TableParser:
    """Push parser of one CSV file: ``feed`` line-aligned blocks, then ``finish``.

    ``make(*typed values, row)`` builds each row object (``None``: only check). Problems go to
    ``log``; a decoding failure in UTF-8 mode raises :class:`NeedRestart`.
    """

    def __init__(
        self,
        path: str,
        columns: Sequence[Column],
        log: IssueLog,
        *,
        make: Callable[..., Any] | None = None,
        encoding: str = "utf-8",
    ) -> None:
        self.path = path
        self.columns = columns
        self.log = log
        self.make = make
        self.encoding = encoding
        self.rows: list[Any] = []
        #: physical line of each kept row
        self.lines: list[int] = []
        self.count = 0
        self.header: Header | None = None
        self._positions: list[int] = []
        self._records = RecordSplitter()
        self._dead = False

    def error(self, code: str, message: Message, line: int | None) -> None:
        self.log.add_error(code, self.path, message, line=line)

    def feed(self, block: bytes) -> None:
        if self._dead or self.log.stop_file(self.path):
            return
        try:
            text = block.decode(self.encoding)
        except UnicodeDecodeError:
            if self.encoding == "utf-8":
                raise NeedRestart from None
            self.error("ENCODING", bi("The file is neither UTF-8 nor GB18030 text."), None)
            self._dead = True
            return
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        for line, record in self._records.push(lines):
            self._record(line, record)

    def finish(self) -> None:
        if self._dead:
            return
        if self._records.open:
            self.error("CSV_INVALID", bi("A quoted field is never closed."), self._records.start)
        if self.header is None:
            self.error("SCHEMA_INVALID", bi("The file is empty: no header row."), 1)

    def _record(self, line: int, text: str) -> None:
        if self._dead or self.log.stop_file(self.path):
            return
        try:
            fields = parse_record(text)
        except CellProblem as exc:
            self.error("CSV_INVALID", exc_message(exc), line)
            return
        if self.header is None:
            self.header = Header(tuple(f.strip() for f in fields), {})
            for i, name in enumerate(self.header.names):
                self.header.index.setdefault(name, i)
            missing = self.header.missing([c[0] for c in self.columns])
            if missing:
                self.error(
                    "SCHEMA_INVALID",
                    bi("Missing required column(s): {columns}", columns=", ".join(missing)),
                    line,
                )
                self._dead = True
                return
            self._positions = [self.header.index[c[0]] for c in self.columns]
            return
        if len(fields) != len(self.header.names):
            self.error(
                "CSV_INVALID",
                bi("Expected {n} fields, found {m}.", n=len(self.header.names), m=len(fields)),
                line,
            )
            return
        values: list[Any] = []
        ok = True
        for (name, kind, optional), pos in zip(self.columns, self._positions, strict=True):
            try:
                value = _typed(kind, fields[pos], optional)
            except CellProblem as exc:
                self.error(
                    "CSV_INVALID",
                    bi("Column {column}: {problem}", column=name, problem=exc_message(exc)),
                    line,
                )
                ok = False
                continue
            if kind == "uscc" and value is not None and not uscc_valid(value):
                self.log.add_error(
                    "USCC_INVALID",
                    self.path,
                    bi(
                        "Column {column}: invalid unified social credit code (USCC): {value!r}",
                        column=name,
                        value=value,
                    ),
                    line=line,
                )
                ok = False
            values.append(value)
        if not ok:
            return
        self.count += 1
        if self.make is not None:
            self.rows.append(self.make(*values, self.count))
            self.lines.append(line)


def records_parser(path: str, log: IssueLog, encoding: str = "utf-8") -> TableParser:
    """A checker of ``logs/<id>/records.csv`` (rows counted, not kept)."""
    return TableParser(path, RECORDS_COLUMNS, log, encoding=encoding)
