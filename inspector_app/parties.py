""" "Same party" of red-flags.md: equal USCCs, else equal or contained normalised names."""

from __future__ import annotations

import re
import unicodedata

_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "分公司")
_STRIP = re.compile(r"[\s()（）]+")


def normalise_name(name: str) -> str:
    """NFKC, whitespace and brackets removed, one trailing company-form suffix stripped."""
    s = _STRIP.sub("", unicodedata.normalize("NFKC", name or ""))
    # NFKC turns full-width brackets into ASCII ones; the regex removed both forms.
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            return s[: -len(suffix)]
    return s


def same_party(
    name_a: str | None, uscc_a: str | None, name_b: str | None, uscc_b: str | None
) -> bool:
    if uscc_a and uscc_b:
        return uscc_a.strip().upper() == uscc_b.strip().upper()
    a, b = normalise_name(name_a or ""), normalise_name(name_b or "")
    if not a or not b:
        return False
    return a == b or a in b or b in a


def party_key(name: str | None, uscc: str | None) -> str:
    """The subject of a provider flag: its USCC, else its normalised name."""
    return (uscc or "").strip().upper() or normalise_name(name or "")
