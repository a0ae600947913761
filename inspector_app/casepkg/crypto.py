"""age-encrypted packages (``*.case.zip.age``): identities, streaming decryption, encryption.

The plaintext is only ever written to a private temporary file inside the home's ``tmp/``
folder and deleted on every exit path.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyrage
from pyrage import x25519

from inspector_app.errors import InputRefused, Issue, PackageRefused
from inspector_app.i18n import bi

AGE_MAGIC = b"age-encryption.org/v1"
ARMOR_MAGIC = b"-----BEGIN AGE ENCRYPTED FILE-----"


def is_age_file(path: Path) -> bool:
    """Whether ``path`` is to be read as an age file: it starts like one (binary or
    ASCII-armored), or it is named ``*.age`` and does not start like a ZIP archive (a damaged
    age header is then ``DECRYPT_FAILED``, not ``NOT_A_ZIP``)."""
    with Path(path).open("rb") as f:
        head = f.read(64)
    if head.startswith(AGE_MAGIC) or head.lstrip().startswith(ARMOR_MAGIC):
        return True
    return Path(path).name.lower().endswith(".age") and not head.startswith(b"PK")


def armor_start(f: Any) -> int:
    """Where the age data of the open file ``f`` starts: 0, or past the white space before an
    ASCII armor (the age format lets parsers skip white space around the armor; pyrage does
    not). Leaves ``f`` at its start."""
    head = f.read(4096)
    f.seek(0)
    stripped = head.lstrip()
    return len(head) - len(stripped) if stripped.startswith(ARMOR_MAGIC) else 0


_B64 = re.compile(rb"[A-Za-z0-9+/]*")
_ARG = re.compile(rb"[\x21-\x7e]+")
#: the header is read up to this size (thousands of recipient stanzas)
MAX_HEADER = 1 << 20


def _header_bytes(f: Any) -> bytes:
    """The first bytes of the age file ``f`` (binary, or the decoded start of an armor)."""
    head = f.read(MAX_HEADER)
    stripped = head.lstrip()
    if not stripped.startswith(ARMOR_MAGIC):
        return bytes(head)
    text = b"".join(
        line.strip() for line in stripped.split(b"\n")[1:] if not line.startswith(b"-----")
    )
    text = text[: len(text) // 4 * 4]
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        return b""  # pyrage refuses it


def header_problem(f: Any) -> str | None:
    """Why the age header at the start of the open file ``f`` is malformed, or None.

    The shape of the age v1 header (C2SP age spec) is checked before the file reaches pyrage,
    which accepts some malformed headers that the reference implementation refuses (the
    CCTV vectors ``stanza_missing_body``, ``stanza_missing_final_line``): the version line;
    each stanza an ``->`` line of one or more non-empty arguments of printable ASCII, then
    canonical unpadded base64 body lines of exactly 64 columns ended by one shorter line (empty
    allowed); then ``---`` and the MAC; LF line ends only. Leaves ``f`` at its start.
    """
    data = _header_bytes(f)
    f.seek(0)
    lines = data.split(b"\n")
    if not lines or lines[0] != b"age-encryption.org/v1":
        return "bad version line"
    i = 1
    while True:
        if i >= len(lines):
            return "header truncated"
        line = lines[i]
        if b"\r" in line:
            return "CR in the header"
        if line.startswith(b"--- ") or line == b"---":
            mac = line[4:]
            if len(mac) != 43 or not _B64.fullmatch(mac) or not _canonical(mac):
                return "malformed MAC line"
            return None
        if not line.startswith(b"-> "):
            return "a stanza must start with '-> '"
        args = line[3:].split(b" ")
        if not args or any(not _ARG.fullmatch(a) for a in args):
            return "empty or invalid stanza argument"
        i += 1
        while True:  # body: 64-column lines, then one shorter line
            if i >= len(lines):
                return "stanza body truncated"
            body = lines[i]
            if body.startswith((b"-> ", b"---")) and len(body) < 64 and b" " in body:
                return "stanza without its final short body line"
            if len(body) > 64 or not _B64.fullmatch(body) or not _canonical(body):
                return "malformed stanza body"
            i += 1
            if len(body) < 64:
                break


def _canonical(chunk: bytes) -> bool:
    """Unpadded base64 whose unused trailing bits are zero (re-encodes to itself)."""
    pad = -len(chunk) % 4
    if pad == 3:
        return False
    try:
        raw = base64.b64decode(chunk + b"=" * pad, validate=True)
    except binascii.Error:
        return False
    return base64.b64encode(raw).rstrip(b"=") == chunk


def parse_identities(text: str, *, source: str = "") -> list[Any]:
    """The X25519 identities of a standard age identity file (``#`` comments allowed)."""
    found: list[Any] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(x25519.Identity.from_str(line))
        except Exception as exc:  # pyrage raises its own IdentityError types
            raise InputRefused(
                bi(
                    "Line {line} of the identity file {path} is not an age identity.",
                    line=number,
                    path=source,
                )
            ) from exc
    if not found:
        raise InputRefused(bi("The identity file {path} holds no age identity.", path=source))
    return found


def load_identity_file(path: str | os.PathLike[str]) -> list[Any]:
    """Read ``--identity FILE``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputRefused(
            bi("Cannot read the identity file {path}: {error}", path=str(path), error=exc)
        ) from exc
    return parse_identities(text, source=str(path))


def parse_recipient(text: str) -> Any:
    """An age X25519 public key (``age1…``)."""
    try:
        return x25519.Recipient.from_str(text.strip())
    except Exception as exc:
        raise InputRefused(bi("Not an age recipient (public key): {value}", value=text)) from exc


def private_temp(tmp_dir: Path, suffix: str) -> Path:
    """A new empty file only the user can read, inside ``tmp_dir``."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        tmp_dir.chmod(0o700)
    fd, name = tempfile.mkstemp(prefix="inspector-", suffix=suffix, dir=tmp_dir)
    os.close(fd)
    return Path(name)


def _decrypt_failed(exc: Exception) -> PackageRefused:
    return PackageRefused(
        Issue(
            "DECRYPT_FAILED",
            None,
            bi(
                "The package cannot be decrypted (damaged, truncated or tampered): {error}",
                error=exc,
            ),
        )
    )


@contextlib.contextmanager
def decrypted(path: Path, identities: Sequence[Any], tmp_dir: Path) -> Iterator[Path]:
    """Decrypt ``path`` to a private temporary file and yield its path; always deleted.

    ``NOT_FOR_THIS_IDENTITY`` when no recipient stanza opens with the identities, else
    ``DECRYPT_FAILED`` (tampered, truncated, not age).
    """
    out = private_temp(Path(tmp_dir), ".zip")
    try:
        if not identities:
            raise PackageRefused(
                Issue(
                    "NOT_FOR_THIS_IDENTITY",
                    None,
                    bi(
                        "The package is encrypted and no identity is available: use --identity FILE or create this device's identity."
                    ),
                )
            )
        try:
            with Path(path).open("rb") as src, out.open("wb") as dest:
                problem = header_problem(src)
                if problem is not None:
                    raise pyrage.DecryptError(f"malformed age header: {problem}")
                src.seek(armor_start(src))
                pyrage.decrypt_io(src, dest, list(identities))
        except OSError as exc:
            if exc.errno is not None:  # a real I/O problem (disk full…), not the ciphertext
                raise
            raise _decrypt_failed(exc) from None
        except pyrage.DecryptError as exc:
            if "no matching keys" in str(exc).lower():
                raise PackageRefused(
                    Issue(
                        "NOT_FOR_THIS_IDENTITY",
                        None,
                        bi("The package was not encrypted for this identity."),
                    )
                ) from None
            raise _decrypt_failed(exc) from None
        yield out
    finally:
        with contextlib.suppress(OSError):
            out.unlink()


def encrypt_file(src: Path, dest: Path, recipients: Sequence[Any]) -> None:
    """Encrypt ``src`` to ``dest`` (binary age) for ``recipients``."""
    pyrage.encrypt_file(str(src), str(dest), list(recipients))
