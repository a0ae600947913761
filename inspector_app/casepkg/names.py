"""Entry names: decoding (flag bit 11, Info-ZIP Unicode Path, UTF-8, GB18030) and safety checks."""

from __future__ import annotations

import re
import struct
import unicodedata
import zlib

from inspector_app.i18n import Message, bi

UTF8_FLAG = 0x800
UNICODE_PATH_EXTRA = 0x7075
_WINDOWS_FORBIDDEN = set('<>:"|?*')
_BAD_CHAR = re.compile('[\x00-\x1f\x7f-\x9f<>:"|?*]')
_RESERVED = (
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
_DRIVE = re.compile(r"^[A-Za-z]:")


def extra_fields(extra: bytes) -> dict[int, bytes]:
    """The extra-field blocks by header id (a malformed tail is ignored)."""
    out: dict[int, bytes] = {}
    pos = 0
    while pos + 4 <= len(extra):
        key, size = struct.unpack_from("<HH", extra, pos)
        pos += 4
        if pos + size > len(extra):
            break
        out.setdefault(key, extra[pos : pos + size])
        pos += size
    return out


def decode_name(raw: bytes, flags: int, extra: bytes) -> tuple[str | None, Message | None]:
    """Decode an entry name per ``case-package.md``; returns ``(NFC name, None)`` or
    ``(None, problem message)``.

    With flag bit 11 the name is UTF-8. Without it, a non-ASCII name is taken, in order, from
    the Info-ZIP Unicode Path extra field (when its CRC matches the raw name), the raw bytes as
    UTF-8, else GB18030.
    """
    if flags & UTF8_FLAG:
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None, bi("The entry name is flagged UTF-8 but is not valid UTF-8.")
    elif raw.isascii():
        name = raw.decode("ascii")
    else:
        name_or_none = _unicode_path(raw, extra)
        if name_or_none is None:
            try:
                name_or_none = raw.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    name_or_none = raw.decode("gb18030")
                except UnicodeDecodeError:
                    return None, bi(
                        "The entry name is neither UTF-8 nor GB18030 and cannot be decoded."
                    )
        name = name_or_none
    return unicodedata.normalize("NFC", name), None


def _unicode_path(raw: bytes, extra: bytes) -> str | None:
    data = extra_fields(extra).get(UNICODE_PATH_EXTRA)
    if data is None or len(data) < 5 or data[0] != 1:
        return None
    (crc,) = struct.unpack_from("<I", data, 1)
    if crc != zlib.crc32(raw):
        return None
    try:
        return data[5:].decode("utf-8")
    except UnicodeDecodeError:
        return None


def name_problem(name: str) -> Message | None:
    """Why a decoded entry name is unsafe (``UNSAFE_PATH``), or None when it is acceptable.

    Directory entries (ending in ``/``) are checked without their final slash.
    """
    if not name or name == "/":
        return bi("The entry name is empty.")
    if name.startswith("/"):
        return bi("Absolute paths are not allowed.")
    if "\\" in name:
        return bi("Backslashes are not allowed in entry names.")
    if _DRIVE.match(name):
        return bi("Drive letters are not allowed in entry names.")
    bad = _BAD_CHAR.search(name)  # the first control or forbidden character
    if bad is not None:
        ch = bad.group()
        if ch not in _WINDOWS_FORBIDDEN:
            return bi("Control characters are not allowed in entry names.")
        return bi("The character {char} is not allowed in entry names.", char=repr(ch))
    body = name[:-1] if name.endswith("/") else name
    for segment in body.split("/"):
        if segment == "":
            return bi("Empty path segments are not allowed.")
        if segment == "..":
            return bi("'..' segments are not allowed.")
        if segment.endswith((".", " ")):
            return bi("Names ending in a dot or a space are not allowed.")
        stem = segment.split(".", 1)[0].rstrip(" ").upper()
        if stem in _RESERVED:
            return bi("{name} is a reserved Windows device name.", name=segment)
    return None


def fold_key(name: str) -> str:
    """The key under which two names are duplicates: NFC then case folding, no final slash."""
    return unicodedata.normalize("NFC", name.rstrip("/")).casefold()
