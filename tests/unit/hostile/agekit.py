"""A small age v1 writer for crafted test files, after the C2SP/CCTV ``age`` test-vector kit.

Builds headers and payloads by hand (X25519 stanzas, HMAC, STREAM payload) with
``cryptography``, so a test can make every malformed shape the CCTV vectors describe:
missing stanza bodies, long or short lines, bad padding, CRLF, a wrong MAC, a bad tag, a
low-order share, a long file key. Nothing is copied from the vector files: each one is
written here from its description.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

X25519_INFO = b"age-encryption.org/v1/X25519"
CHUNK = 64 * 1024
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt, info).derive(ikm)


def _bech32_polymod(values: list[int]) -> int:
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def bech32(hrp: str, data: bytes) -> str:
    """Bech32 (BIP 173) of ``data``: how age writes identities (``AGE-SECRET-KEY-1…``)."""
    acc, bits, five = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            five.append((acc >> bits) & 31)
    if bits:
        five.append((acc << (5 - bits)) & 31)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    poly = _bech32_polymod([*expanded, *five, 0, 0, 0, 0, 0, 0]) ^ 1
    check = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in five + check)


@dataclass
class Key:
    """An X25519 identity with its age string forms."""

    secret: bytes = field(default_factory=lambda: os.urandom(32))

    @property
    def private(self) -> X25519PrivateKey:
        return X25519PrivateKey.from_private_bytes(self.secret)

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def identity(self) -> str:
        return bech32("age-secret-key-", self.secret).upper()


def x25519_stanza(
    key: Key, file_key: bytes, *, share: bytes | None = None, tamper_tag: bool = False
) -> tuple[list[bytes], bytes]:
    """``(["X25519", b64(share)], wrapped file key)`` for ``key``'s recipient."""
    eph = X25519PrivateKey.generate()
    eph_share = eph.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    if share is not None:  # a chosen (e.g. low-order) share: the secret is computed from it
        eph_share = share
        shared = bytes(32)
    else:
        shared = eph.exchange(X25519PublicKey.from_public_bytes(key.public))
    wrap = hkdf(shared, eph_share + key.public, X25519_INFO)
    body = ChaCha20Poly1305(wrap).encrypt(bytes(12), file_key, None)
    if tamper_tag:
        body = body[:-1] + bytes([body[-1] ^ 1])
    return [b"X25519", b64(eph_share)], body


def stanza_text(args: list[bytes], body: bytes) -> bytes:
    """``-> args`` and the body wrapped at 64 columns, ended by a short (maybe empty) line."""
    encoded = b64(body)
    lines = [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
    if not lines or len(lines[-1]) == 64:
        lines.append(b"")
    return b"-> " + b" ".join(args) + b"\n" + b"".join(line + b"\n" for line in lines)


def payload(file_key: bytes, plaintext: bytes, *, drop_final: bool = False) -> bytes:
    nonce = os.urandom(16)
    aead = ChaCha20Poly1305(hkdf(file_key, nonce, b"payload"))
    chunks = [plaintext[i : i + CHUNK] for i in range(0, len(plaintext), CHUNK)] or [b""]
    out = [nonce]
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1 and not drop_final
        out.append(
            aead.encrypt(n.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), chunk, None)
        )
    return b"".join(out)


def age_file(
    file_key: bytes,
    stanzas: bytes,
    plaintext: bytes = b"age",
    *,
    edit_header: Callable[[bytes], bytes] | None = None,
    bad_mac: bool = False,
    drop_final: bool = False,
) -> bytes:
    """A whole age file: version line, ``stanzas`` (raw text), MAC line, payload."""
    header = b"age-encryption.org/v1\n" + stanzas + b"---"
    if edit_header is not None:
        header = edit_header(header)
    mac = hmac.new(hkdf(file_key, b"", b"header"), header, hashlib.sha256).digest()
    if bad_mac:
        mac = bytes([mac[0] ^ 1]) + mac[1:]
    return header + b" " + b64(mac) + b"\n" + payload(file_key, plaintext, drop_final=drop_final)


def armor(data: bytes) -> bytes:
    encoded = base64.b64encode(data)
    lines = [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
    return (
        b"-----BEGIN AGE ENCRYPTED FILE-----\n"
        + b"".join(line + b"\n" for line in lines)
        + b"-----END AGE ENCRYPTED FILE-----\n"
    )
