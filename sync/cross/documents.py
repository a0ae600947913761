"""Near-identical evidence documents (附件6/7) across enterprises.

Text is extracted (PDF with pypdf, DOCX from its XML, plain text), then **names, numbers and
dates are removed** — the enterprise's, its providers' and its contacts' names, anything that
looks like a company name, dates in the usual Chinese and ISO forms, USCCs, and every run of digits —
and so are whitespace and punctuation. What is left is cut into character n-grams (default 5);
the similarity of two documents is the Jaccard index of their n-gram sets.

Candidates come from an inverted index of **bottom-k sketches** (the ``k`` smallest n-gram
hashes of each document): two documents with Jaccard ≥ 0.9 share most of their sketch, two
unrelated ones almost none, so only documents sharing at least a quarter of a sketch are
compared exactly — never every pair.
"""

from __future__ import annotations

import heapq
import io
import re
import unicodedata
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree

SKETCH = 128
_DATE = re.compile(
    r"\d{2,4}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}\s*[日号]?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*年(\s*\d{1,2}\s*月)?"
)
_USCC = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Z])")
_NUMBER = re.compile(r"[0-9０-９]+([.,，．][0-9０-９]+)*\s*%?")
_COMPANY = re.compile(
    r"[\u4e00-\u9fff（）()]{2,30}?(股份有限公司|有限责任公司|有限公司|分公司|公司|厂)"
)
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]")
TEXT_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".csv", ".html", ".htm")


def extract_text(name: str, data: bytes) -> str:
    """The text of a document, or "" when it holds none (scans, images, unknown types)."""
    lower = name.lower()
    try:
        if lower.endswith(".pdf"):
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            return "\n".join((page.extract_text() or "") for page in reader.pages)
        if lower.endswith(".docx"):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                xml = zf.read("word/document.xml")
            root = ElementTree.fromstring(xml)
            return "".join(t.text or "" for t in root.iter() if t.tag.endswith("}t"))
        if lower.endswith((".txt", ".md", ".csv", ".html", ".htm")):
            for enc in ("utf-8-sig", "gb18030"):
                try:
                    return data.decode(enc)
                except UnicodeDecodeError:
                    continue
    except Exception:  # a damaged file has no comparable text; it is not an error here
        return ""
    return ""


def normalise(text: str, names: Iterable[str] = ()) -> str:
    """Remove names, dates, numbers, whitespace and punctuation (see the module doc)."""
    s = unicodedata.normalize("NFKC", text)
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        s = s.replace(unicodedata.normalize("NFKC", name), " ")
    s = _USCC.sub(" ", s)
    s = _COMPANY.sub(" ", s)
    s = _DATE.sub(" ", s)
    s = _NUMBER.sub(" ", s)
    return "".join(_KEEP.findall(s))


def shingles(text: str, n: int) -> frozenset[int]:
    """32-bit hashes (CRC-32) of the character n-grams of ``text``."""
    if len(text) < n:
        return frozenset()
    data = text
    return frozenset(zlib.crc32(data[i : i + n].encode("utf-8")) for i in range(len(data) - n + 1))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@dataclass
class Doc:
    uscc: str
    path: str
    sha256: str
    grams: frozenset[int]
    sketch: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.sketch:
            self.sketch = tuple(heapq.nsmallest(SKETCH, self.grams))


def similar_pairs(
    docs: Sequence[Doc], min_similarity: float, *, min_grams: int = 20
) -> Iterator[tuple[Doc, Doc, float]]:
    """Pairs of documents of different enterprises with Jaccard ≥ ``min_similarity``."""
    usable = [d for d in docs if len(d.grams) >= min_grams]
    postings: dict[int, list[int]] = defaultdict(list)
    for i, d in enumerate(usable):
        for h in d.sketch:
            postings[h].append(i)
    for i, d in enumerate(usable):
        shared: dict[int, int] = defaultdict(int)
        for h in d.sketch:
            for j in postings[h]:
                if j > i:
                    shared[j] += 1
        need = max(1, len(d.sketch) // 4)
        for j, count in sorted(shared.items()):
            other = usable[j]
            if count < min(need, max(1, len(other.sketch) // 4)) or other.uscc == d.uscc:
                continue
            sim = jaccard(d.grams, other.grams)
            if sim >= min_similarity:
                a, b = sorted((d, other), key=lambda x: (x.uscc, x.path))
                yield a, b, sim
