"""Bundles are decrypted in a stream to a private temporary file: memory stays bounded
whatever the bundle's size (issue 16 item 9)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pyrage

from sync.bundle import BundleRefused, decrypt_file

from .conftest import PASSPHRASE, World

SIZE_MB = 160


def _big_age_file(path: Path, recipient: object, size_mb: int) -> None:
    plain = path.with_suffix(".plain")
    with plain.open("wb") as f:
        block = os.urandom(1 << 20)
        for _ in range(size_mb):
            f.write(block)
    pyrage.encrypt_file(str(plain), str(path), [recipient])
    plain.unlink()


# This process's own peak resident memory in MiB. Not ``ru_maxrss`` on Linux: the kernel
# carries the parent's high-water mark over fork/vfork + exec into the child's ``ru_maxrss``,
# so a child of a big pytest worker (e.g. after other tests ran in it) reported the worker's
# peak, not its own. ``VmHWM`` is the peak of the child's own address space since exec.
_PEAK_MIB = textwrap.dedent(
    """
    def peak_mib():
        import sys
        try:
            with open("/proc/self/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) // 1024
        except OSError:
            pass
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # bytes on macOS, else KiB
        return peak >> 20 if sys.platform == "darwin" else peak >> 10
    """
)


def test_big_bundle_is_refused_with_bounded_memory(
    make_world: Callable[[], World], tmp_path: Path
) -> None:
    world = make_world()
    home, _store = world.new_agency(tmp_path)
    bundle = tmp_path / "big.bundle.age"
    _big_age_file(bundle, world.agency_me.recipient, SIZE_MB)
    script = _PEAK_MIB + textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from inspector_app import identity
        from inspector_app.home import Home
        from sync.agency import AgencyStore
        from inspector_app.identity import trusted_lookup
        home = Home(Path(sys.argv[1]))
        me = identity.unlock(home, {PASSPHRASE!r})
        outcome = AgencyStore(home, me, trusted_lookup(home)).import_file(Path(sys.argv[2]))
        print(json.dumps([outcome.status, outcome.code, peak_mib()]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(home.root), str(bundle)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    status, code, peak_mib = __import__("json").loads(done.stdout.splitlines()[-1])
    assert (status, code) == ("refused", "ARCHIVE_INVALID")
    # whole-file reading held the ciphertext and the plaintext: more than 2 × 160 MiB
    assert peak_mib < SIZE_MB, (peak_mib, done.stderr[-2000:])
    assert not list(home.tmp_dir.iterdir())  # the private temporary file is gone


def test_decrypt_file_refusals(make_world: Callable[[], World], tmp_path: Path) -> None:
    world = make_world()
    other = pyrage.x25519.Identity.generate()
    mine = world.agency_me.recipient
    path = tmp_path / "x.bundle.age"
    for data, code in (
        (pyrage.encrypt(b"x" * 1000, [other.to_public()]), "NOT_FOR_THIS_AGENCY"),
        (pyrage.encrypt(b"x" * 100_000, [mine])[:-10], "DECRYPT_FAILED"),
        (b"PK\x03\x04 not age", "NOT_A_BUNDLE"),
    ):
        path.write_bytes(data)
        try:
            decrypt_file(path, [world.agency_me.age_identity()], tmp_dir=tmp_path / "tmp")
        except BundleRefused as exc:
            assert exc.code == code
        else:
            raise AssertionError("not refused")
