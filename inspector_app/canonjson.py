"""Canonical JSON (RFC 8785, JCS) for everything the project signs or hashes.

Signed records should carry money and scores as strings; floats are still serialised exactly as
ECMAScript's ``Number.prototype.toString`` does, as JCS requires.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError("NaN and infinities are not JSON")
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    r = repr(value)  # shortest round-trip digits
    mantissa, _, exp_s = r.partition("e")
    exp = int(exp_s) if exp_s else 0
    sign = "-" if mantissa.startswith("-") else ""
    mantissa = mantissa.lstrip("-")
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    # position of the decimal point relative to the start of ``digits``
    lead_zeros = len(int_part + frac_part) - len((int_part + frac_part).lstrip("0"))
    point = len(int_part) - lead_zeros + exp
    digits = digits.rstrip("0") or "0"
    k, n = len(digits), point
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        es = f"e{'+' if e >= 0 else '-'}{abs(e)}"
        out = digits[0] + ("." + digits[1:] if k > 1 else "") + es
    return sign + out


def _string(value: str) -> str:
    # Python's encoder (ensure_ascii=False) escapes exactly what JCS escapes: '"', '\\', the
    # short forms \b \f \n \r \t and other controls as lower-case \u00xx; tested against a
    # per-character reference implementation in tests/unit/test_canonjson.py.
    return json.dumps(value, ensure_ascii=False)


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be")


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, Decimal):
        raise TypeError("Decimal in canonical JSON: write money as a string")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if not isinstance(key, str):
                raise TypeError("JSON object keys must be strings")
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    else:
        raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    out: list[str] = []
    _encode(value, out)
    return "".join(out)


def dumpb(value: Any) -> bytes:
    """Canonical UTF-8 bytes."""
    return dumps(value).encode("utf-8")
