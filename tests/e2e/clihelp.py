"""Helpers shared by the end-to-end tests of the command line."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType

from inspector_app import identity
from inspector_app.cli import run
from inspector_app.home import Home

ROOT = Path(__file__).resolve().parents[2]


def cli_reference() -> ModuleType:
    """``tools/gen_cli_reference.py`` (the walk of the real parser), loaded once."""
    name = "gen_cli_reference"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def environ(env: Mapping[str, str | None]) -> Iterator[None]:
    """``env`` set in ``os.environ`` (``None`` removes a name), restored afterwards."""
    old = {k: os.environ.get(k) for k in env}
    try:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_cli(*argv: str, env: Mapping[str, str | None] | None = None) -> tuple[int, str, str]:
    """``inspector_app.cli.run`` in-process with ``env`` set: exit code, stdout, stderr.

    Anything printed to ``sys.stdout``/``sys.stderr`` meanwhile is caught too.
    """
    out, err = io.StringIO(), io.StringIO()
    with environ(env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def make_identity(
    home: Path | Home,
    *,
    name: str,
    passphrase: str,
    role: str = "expert",
    device: str | None = None,
) -> identity.IdentityInfo:
    """A device identity in ``home`` at the test key-derivation cost (``identity init`` runs
    at the production cost where a test needs it)."""
    return identity.init_identity(
        home, name=name, role=role, passphrase=passphrase, device=device, _kdf=identity.TEST_KDF
    )
