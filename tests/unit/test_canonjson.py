"""RFC 8785 canonical JSON: strings, numbers, key order."""

from __future__ import annotations

import json
import struct

from hypothesis import given
from hypothesis import strategies as st

from inspector_app.canonjson import dumps

_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _reference_string(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch in _SHORT:
            out.append(_SHORT[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


@given(st.text())
def test_strings_match_the_jcs_reference(value: str) -> None:
    assert dumps(value) == _reference_string(value)
    assert json.loads(dumps(value)) == value


def test_rfc8785_examples() -> None:
    # RFC 8785 appendix B (selected IEEE-754 values) and § 3.2.3 ordering
    cases = {
        0x0000000000000000: "0",
        0x8000000000000000: "0",
        0x0000000000000001: "5e-324",
        0x7FEFFFFFFFFFFFFF: "1.7976931348623157e+308",
        0x4340000000000000: "9007199254740992",
        0x444B1AE4D6E2EF50: "1e+21",
        0x44B52D02C7E14AF5: "9.999999999999997e+22",
        0x44B52D02C7E14AF6: "1e+23",
        0x44B52D02C7E14AF7: "1.0000000000000001e+23",
        0x4430000000000000: "295147905179352830000",
        0x444B1AE4D6E2EF4E: "999999999999999700000",
        0x41B3DE4355555554: "333333333.33333325",
        0x3EB0C6F7A0B5ED8D: "0.000001",
        0x3EB0C6F7A0B5ED8C: "9.999999999999997e-7",
        0x41B3DE4355555555: "333333333.3333333",
    }
    for bits, text in cases.items():
        (value,) = struct.unpack(">d", bits.to_bytes(8, "big"))
        assert dumps(value) == text, hex(bits)
    assert dumps({"\u20ac": 1, "\r": 2, "1": 3, "\U0001f600": 4, "\u00f6": 5}) == (
        '{"\\r":2,"1":3,"ö":5,"€":1,"😀":4}'
    )
