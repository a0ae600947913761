"""Full-text search over a case's documents (SQLite FTS5 with the trigram tokenizer).

Passages are a PDF's pages (text extracted with pypdf), a text file's lines (TXT, Markdown,
JSON, XML, HTML, and DOCX paragraphs) and a finance table's data records. Each passage keeps
where it came from (``path``, ``unit`` = ``page`` / ``line`` / ``row`` / ``paragraph``, and the
1-based ``number``), so a hit opens the document at that place. The trigram tokenizer finds
any substring of three characters or more — Chinese has no spaces to split words on; shorter
queries (两个字 such as 合同) are answered with ``LIKE``.
"""

from __future__ import annotations

import html
import re
import sqlite3
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SCHEMA = (
    "CREATE VIRTUAL TABLE passages USING fts5("
    "text, path UNINDEXED, unit UNINDEXED, number UNINDEXED, tokenize='trigram')"
)
TEXT_EXTENSIONS = (".txt", ".md", ".json", ".xml", ".html", ".htm")
#: the markers around a match in :attr:`SearchHit.snippet`
MARK_START, MARK_END = "\x02", "\x03"
MAX_TEXT_FILE = 32 << 20


@dataclass(frozen=True)
class SearchHit:
    """One passage that matched: ``path`` (package path), ``unit`` and ``number`` locate it."""

    path: str
    unit: str
    number: int
    snippet: str

    def plain(self) -> str:
        return self.snippet.replace(MARK_START, "").replace(MARK_END, "")

    def html(self) -> str:
        """The snippet as HTML, the match in bold."""
        text = html.escape(self.snippet)
        return text.replace(MARK_START, "<b>").replace(MARK_END, "</b>")


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM tolerated), else GB18030, else UTF-8 with replacement characters."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def pdf_pages(file: Path) -> Iterator[tuple[int, str]]:
    """``(page number, text)`` of a PDF; raises ``ValueError`` when it cannot be read."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(file))
            for number, page in enumerate(reader.pages, 1):
                yield number, page.extract_text() or ""
    except (PyPdfError, OSError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ValueError(str(exc)) from exc


_W_T = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|</w:p>")


def docx_paragraphs(file: Path) -> Iterator[tuple[int, str]]:
    """``(paragraph number, text)`` of a DOCX (``word/document.xml``'s runs)."""
    try:
        with zipfile.ZipFile(file) as z:
            xml = z.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValueError(str(exc)) from exc
    parts: list[str] = []
    number = 0
    for m in _W_T.finditer(xml):
        if m.group(1) is None:
            number += 1
            text = "".join(parts).strip()
            parts = []
            if text:
                yield number, text
        else:
            parts.append(html.unescape(m.group(1).decode("utf-8", errors="replace")))


def text_lines(file: Path) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of a text file, blank lines left out."""
    if file.stat().st_size > MAX_TEXT_FILE:
        raise ValueError("too large to index")
    for number, line in enumerate(decode_text(file.read_bytes()).splitlines(), 1):
        if line.strip():
            yield number, line


class TextIndex:
    """The search index of one case (``search.sqlite``)."""

    def __init__(self, db_file: Path) -> None:
        self.file = Path(db_file)
        self._conn: sqlite3.Connection | None = None

    @classmethod
    def create(cls, db_file: Path) -> TextIndex:
        conn = sqlite3.connect(db_file)
        conn.execute(SCHEMA)
        conn.commit()
        conn.close()
        return cls(db_file)

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            # read-only, usable from the thread that searches (one connection per thread)
            uri = f"{self.file.resolve().as_uri()}?mode=ro"
            self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def add(self, conn: sqlite3.Connection, rows: list[tuple[str, str, str, int]]) -> None:
        conn.executemany(
            "INSERT INTO passages (text, path, unit, number) VALUES (?, ?, ?, ?)", rows
        )

    def count(self) -> int:
        return int(self._db().execute("SELECT count(*) FROM passages").fetchone()[0])

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        """Passages containing ``query`` (case-insensitive for Latin letters), best first."""
        q = " ".join(query.split())
        if not q:
            return []
        db = self._db()
        if len(q) >= 3:
            phrase = '"' + q.replace('"', '""') + '"'
            rows = db.execute(
                "SELECT path, unit, number, snippet(passages, 0, ?, ?, '…', 16)"
                " FROM passages WHERE passages MATCH ? ORDER BY rank LIMIT ?",
                (MARK_START, MARK_END, phrase, limit),
            ).fetchall()
            return [SearchHit(r[0], r[1], int(r[2]), r[3]) for r in rows]
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = db.execute(
            "SELECT path, unit, number, text FROM passages WHERE text LIKE ? ESCAPE '\\'"
            " ORDER BY rowid LIMIT ?",
            (like, limit),
        ).fetchall()
        return [SearchHit(r[0], r[1], int(r[2]), _snippet(r[3], q)) for r in rows]


def _snippet(text: str, query: str, width: int = 24) -> str:
    at = text.lower().find(query.lower())
    if at < 0:
        return text[: width * 2]
    lo = max(0, at - width)
    hi = min(len(text), at + len(query) + width)
    return (
        ("…" if lo else "")
        + text[lo:at]
        + MARK_START
        + text[at : at + len(query)]
        + MARK_END
        + text[at + len(query) : hi]
        + ("…" if hi < len(text) else "")
    )
