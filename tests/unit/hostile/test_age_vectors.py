"""age files checked against the C2SP/CCTV ``age`` X25519 test vectors (issue 16 item 14).

Each vector is crafted here (``agekit``) from its description in the CCTV kit; the package
reader (``casepkg.crypto.decrypted``) must decrypt the good ones and refuse the others — also
the two malformed headers pyrage alone accepts (``stanza_missing_body``,
``stanza_missing_final_line``), caught by the header shape check that runs first.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519

from inspector_app.casepkg.crypto import decrypted, header_problem
from inspector_app.errors import PackageRefused
from tests.unit.hostile.agekit import Key, age_file, armor, stanza_text, x25519_stanza

PLAINTEXT = b"age"
KEY = Key()
FILE_KEY = bytes.fromhex("59454c4c4f57205355424d4152494e45")  # "YELLOW SUBMARINE", as in the kit


def _mine(file_key: bytes = FILE_KEY, **kw: object) -> bytes:
    args, body = x25519_stanza(KEY, file_key, **kw)  # type: ignore[arg-type]
    return stanza_text(args, body)


def _replace(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def edit(header: bytes) -> bytes:
        assert old in header
        return header.replace(old, new, 1)

    return edit


def _vectors() -> dict[str, tuple[bytes, str]]:
    other = Key()
    args_other, body_other = x25519_stanza(other, FILE_KEY)
    mine = _mine()
    share = mine.split(b" ")[2].split(b"\n")[0]
    v: dict[str, tuple[bytes, str]] = {
        "x25519": (age_file(FILE_KEY, mine), "success"),
        "x25519_multiple_recipients": (
            age_file(FILE_KEY, stanza_text(args_other, body_other) + mine),
            "success",
        ),
        "x25519_lowercase": (
            age_file(FILE_KEY, mine.replace(b"-> X25519", b"-> x25519", 1)),
            "no match",
        ),
        "x25519_no_match": (age_file(FILE_KEY, stanza_text(args_other, body_other)), "no match"),
        "x25519_bad_tag": (age_file(FILE_KEY, _mine(tamper_tag=True)), "failure"),
        "x25519_low_order": (age_file(FILE_KEY, _mine(share=bytes(32))), "failure"),
        "x25519_extra_argument": (
            age_file(FILE_KEY, mine.replace(share, share + b" extra", 1)),
            "failure",
        ),
        "x25519_short_share": (
            age_file(FILE_KEY, mine.replace(share, share[:-1], 1)),
            "failure",
        ),
        "stanza_missing_body": (age_file(FILE_KEY, mine + b"-> empty\n"), "failure"),
        "stanza_missing_final_line": (
            age_file(FILE_KEY, mine + b"-> stanza\n" + b"A" * 64 + b"\n"),
            "failure",
        ),
        "stanza_multiple_short_lines": (
            age_file(FILE_KEY, mine + b"-> stanza\n" + b"A" * 32 + b"\n" + b"A" * 32 + b"\n"),
            "failure",
        ),
        "stanza_long_line": (
            age_file(FILE_KEY, mine + b"-> stanza\n" + b"A" * 68 + b"\n\n"),
            "failure",
        ),
        "stanza_base64_padding": (age_file(FILE_KEY, mine + b"-> stanza\nAA==\n"), "failure"),
        "stanza_not_canonical": (age_file(FILE_KEY, mine + b"-> stanza\nAB\n"), "failure"),
        "stanza_empty_argument": (age_file(FILE_KEY, mine + b"-> stanza  arg\n\n"), "failure"),
        "stanza_no_arguments": (age_file(FILE_KEY, mine + b"->\n\n"), "failure"),
        "stanza_bad_start": (age_file(FILE_KEY, mine + b"-- stanza\n\n"), "failure"),
        "stanza_valid_characters": (
            age_file(FILE_KEY, mine + b"-> " + bytes(range(0x21, 0x7F)) + b"\n\n"),
            "success",
        ),
        "header_crlf": (
            age_file(FILE_KEY, mine, edit_header=_replace(b"v1\n", b"v1\r\n")),
            "failure",
        ),
        "version_unsupported": (
            age_file(FILE_KEY, mine, edit_header=_replace(b"/v1", b"/v2")),
            "failure",
        ),
        "hmac_bad": (age_file(FILE_KEY, mine, bad_mac=True), "failure"),
        "long_file_key": (
            age_file(b"A LONGER YELLOW SUBMARINE", _mine(b"A LONGER YELLOW SUBMARINE")),
            "failure",
        ),
        "stream_no_final": (age_file(FILE_KEY, mine, drop_final=True), "failure"),
        "armor_whitespace_outside": (
            b"\n \n" + armor(age_file(FILE_KEY, mine)) + b"\n\n",
            "success",
        ),
    }
    good = age_file(FILE_KEY, mine)
    v["stream_bad_tag"] = (good[:-1] + bytes([good[-1] ^ 1]), "failure")
    v["hmac_missing"] = (
        good.replace(good[good.index(b"---") : good.index(b"\n", good.index(b"---")) + 1], b""),
        "failure",
    )
    return v


VECTORS = _vectors()


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_c2sp_x25519_vector(tmp_path: Path, name: str) -> None:
    data, expect = VECTORS[name]
    path = tmp_path / f"{name}.age"
    path.write_bytes(data)
    identity = x25519.Identity.from_str(KEY.identity)
    if expect == "success":
        with decrypted(path, [identity], tmp_path / "tmp") as plain:
            assert plain.read_bytes() == PLAINTEXT
        return
    with pytest.raises(PackageRefused) as info, decrypted(path, [identity], tmp_path / "tmp"):
        pass
    code = info.value.issues[0].code
    assert code == ("NOT_FOR_THIS_IDENTITY" if expect == "no match" else code)
    assert code in ("DECRYPT_FAILED", "NOT_FOR_THIS_IDENTITY")
    assert not list((tmp_path / "tmp").iterdir())  # the temporary plaintext is gone


@pytest.mark.parametrize("name", ["stanza_missing_body", "stanza_missing_final_line"])
def test_pyrage_alone_accepts_these_malformed_headers(tmp_path: Path, name: str) -> None:
    """Why the shape check exists: pyrage decrypts them, the reference age refuses them."""
    data, _expect = VECTORS[name]
    assert pyrage.decrypt(data, [x25519.Identity.from_str(KEY.identity)]) == PLAINTEXT
    path = tmp_path / "f.age"
    path.write_bytes(data)
    with path.open("rb") as f:
        assert header_problem(f) is not None


def test_shape_check_accepts_pyrage_output(tmp_path: Path) -> None:
    key = x25519.Identity.generate()
    for armored in (False, True):
        path = tmp_path / "f.age"
        path.write_bytes(
            pyrage.encrypt(os.urandom(100_000), [key.to_public()] * 3, armored=armored)
        )
        with path.open("rb") as f:
            assert header_problem(f) is None
