"""The encrypted identity file (``docs/formats/identity-file.md``).

The secret keys never touch the disk in the clear. They are serialised as canonical JSON,
encrypted with ChaCha20-Poly1305 under a 256-bit key derived from the passphrase by scrypt, and
the public header (name, role, device, public keys, KDF parameters, nonce) is the AEAD's
associated data, so that it cannot be altered without the passphrase noticing.

``cryptography`` is imported only where a key is derived or the secret is sealed or opened:
reading the public header (:func:`read_header`, :func:`kdf_params`) needs none of it.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector_app import canonjson
from inspector_app.errors import InputRefused
from inspector_app.i18n import bi
from inspector_app.identity.card import b64, unb64
from inspector_app.identity.header import FILE_FORMAT, damaged, read_header

KDF_NAME = "scrypt"
AEAD_NAME = "chacha20-poly1305"
MIN_PASSPHRASE_LENGTH = 8


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost: N = 2**log_n, block size r, parallelism p (memory ≈ 128·r·N bytes)."""

    log_n: int
    r: int
    p: int


#: The production cost, measured on the reference machine (2 cores, Python 3.11, OpenSSL's
#: scrypt): N=2**16 takes 0.21-0.40 s depending on load, too close to the 0.25 s floor, so
#: N=2**17, r=8, p=1: 0.45-0.80 s and 128 MiB per attempt. See identity-file.md.
DEFAULT_KDF = ScryptParams(log_n=17, r=8, p=1)
#: Test-only cost; reachable only through the ``_kdf`` keyword of the Python API, never the CLI.
TEST_KDF = ScryptParams(log_n=10, r=8, p=1)
# Bounds accepted when reading a file, so that a crafted file cannot make us allocate gigabytes.
_LOG_N_RANGE = range(10, 23)
_R_RANGE = range(1, 33)
_P_RANGE = range(1, 17)


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC-normalised UTF-8, so that the same passphrase typed by different input methods works."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def check_new_passphrase(passphrase: str) -> None:
    """Refuse a passphrase that is too short to protect the keys."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InputRefused(
            bi(
                "The passphrase must have at least {n} characters.",
                n=MIN_PASSPHRASE_LENGTH,
            )
        )


def derive_key(passphrase: str, salt: bytes, params: ScryptParams) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=2**params.log_n, r=params.r, p=params.p).derive(
        normalise_passphrase(passphrase)
    )


def _aad(header: dict[str, Any]) -> bytes:
    return canonjson.dumpb(header)


def seal(
    public_header: dict[str, Any],
    secrets_obj: dict[str, str],
    passphrase: str,
    params: ScryptParams,
    *,
    _salt: bytes | None = None,
    _nonce: bytes | None = None,
) -> bytes:
    """The identity file's bytes: ``public_header`` plus KDF/AEAD parameters and ciphertext.

    ``_salt`` and ``_nonce`` fix the random values for the documented test vector only.
    """
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    salt = os.urandom(16) if _salt is None else _salt
    nonce = os.urandom(12) if _nonce is None else _nonce
    header = {
        **public_header,
        "format": FILE_FORMAT,
        "kdf": {
            "alg": KDF_NAME,
            "log_n": params.log_n,
            "r": params.r,
            "p": params.p,
            "salt": b64(salt),
        },
        "aead": {"alg": AEAD_NAME, "nonce": b64(nonce)},
    }
    key = derive_key(passphrase, salt, params)
    ciphertext = ChaCha20Poly1305(key).encrypt(nonce, canonjson.dumpb(secrets_obj), _aad(header))
    return canonjson.dumpb({**header, "ciphertext": b64(ciphertext)}) + b"\n"


def kdf_params(obj: dict[str, Any], path: Path) -> tuple[ScryptParams, bytes]:
    kdf = obj.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("alg") != KDF_NAME:
        raise damaged(path, "unknown key derivation")
    try:
        params = ScryptParams(int(kdf["log_n"]), int(kdf["r"]), int(kdf["p"]))
        salt = unb64(str(kdf["salt"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise damaged(path, "bad key-derivation parameters") from exc
    if (
        params.log_n not in _LOG_N_RANGE
        or params.r not in _R_RANGE
        or params.p not in _P_RANGE
        or not 16 <= len(salt) <= 64
    ):
        raise damaged(path, "key-derivation parameters out of range")
    return params, salt


def open_sealed(path: Path, passphrase: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Decrypt the identity file: ``(public header, secrets)``.

    The KDF always runs in full before a wrong passphrase is reported.

    Raises:
        InputRefused: wrong passphrase, or the file was altered or damaged.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    obj = read_header(path)
    params, salt = kdf_params(obj, path)
    aead = obj.get("aead")
    if not isinstance(aead, dict) or aead.get("alg") != AEAD_NAME:
        raise damaged(path, "unknown cipher")
    try:
        nonce = unb64(str(aead["nonce"]), 12)
        ciphertext = unb64(str(obj["ciphertext"]))
    except (KeyError, ValueError) as exc:
        raise damaged(path, "bad nonce or ciphertext") from exc
    header = {k: v for k, v in obj.items() if k != "ciphertext"}
    key = derive_key(passphrase, salt, params)
    try:
        plain = ChaCha20Poly1305(key).decrypt(nonce, ciphertext, _aad(header))
    except InvalidTag:
        raise InputRefused(
            bi(
                "Wrong passphrase for the identity in {path} (or the identity file was altered).",
                path=str(path.parent),
            )
        ) from None
    secrets_obj = json.loads(plain)
    if not isinstance(secrets_obj, dict):
        raise damaged(path, "bad secret payload")
    return header, secrets_obj
