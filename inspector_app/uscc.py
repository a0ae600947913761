"""统一社会信用代码 (USCC) per GB 32100-2015: 18 characters with a check digit."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def check_char(first17: str) -> str:
    """The check character of the first 17 characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in _VALUE for c in code):
        return False
    return check_char(code[:17]) == code[17]


def complete(first17: str) -> str:
    """Append the check character (used by the sample generator)."""
    return first17 + check_char(first17)
