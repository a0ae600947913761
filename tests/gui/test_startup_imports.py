"""The desktop app's start (``inspector-app gui`` as the frozen ``Inspector`` runs it: the
``gui`` parser only) shows the main window with its case list — its rows there — before numpy,
the rule engine, the validator, the sample generator, reportlab, the sync layer, sqlite-utils,
the identity's keys (cryptography, pyrage), ``logging.handlers`` or ``multiprocessing`` are
imported; also when the case's analysis is cached (the list shows its open red flags). A
fresh interpreter, offscreen; only imports are asserted, never a time (bench_startup times it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inspector_app import identity
from inspector_app.home import Home
from inspector_app.samples import generate
from inspector_app.services import import_case, open_case

ROOT = Path(__file__).resolve().parents[2]
NOT_AT_START = (
    "numpy",
    "reportlab",
    "inspector_app.samples",
    "inspector_app.analysis.engine",
    "inspector_app.casepkg.validator",
    "inspector_app.casepkg.logs",
    "PIL",
    "reports",
    "sync",
    "sqlite_utils",
    # the identity: only whether one exists and its role (inspector_app.identity.header)
    "cryptography",
    "pyrage",
    "inspector_app.identity.device",
    "inspector_app.identity.keyfile",
    "inspector_app.services.identities",
    # the log file rotates without logging.handlers (socket, pickle, queue)
    "logging.handlers",
    "socket",
    "pickle",
    # PyInstaller's multiprocessing and pkgutil patches wait for their module
    # (packaging/rthook_lazy.py); the entry scripts import multiprocessing only in a child
    "multiprocessing",
    "pkgutil",
    # hashing (OpenSSL's libcrypto) and the terminal's passphrase prompt wait for their use
    "hashlib",
    "getpass",
)
#: not at a start whose store did not change since the last listing (the case list's values
#: come from its validated cache, inspector_app/services/caselist_cache.py)
NOT_AT_A_LATER_START = (
    *NOT_AT_START,
    "inspector_app.findings.store",
    "inspector_app.findings.core",
    "inspector_app.findings.records",
    "inspector_app.findings.outcome",
    "decimal",
)
PROBE = """
import gc, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import ui.mainwindow
seen = {}
show = ui.mainwindow.MainWindow.show
def shown(self):
    show(self)
    seen["modules"] = set(sys.modules)
    seen["gc"] = gc.isenabled()
    model = self.pages["cases"].model
    seen["rows"] = [(model.summary(model.case_id(r)).open_flags,
                     model.summary(model.case_id(r)).analysed) for r in range(model.rowCount())]
    QTimer.singleShot(0, QApplication.instance().quit)
ui.mainwindow.MainWindow.show = shown
from inspector_app import cli
cli.COMMAND_MODULES[:] = ["ui.command"]  # as packaging/entry_gui.py
code = cli.run(["gui", "--home", sys.argv[1]])
print(json.dumps({"code": code, "rows": seen.get("rows"), "gc": [seen.get("gc"), gc.isenabled()],
                  "loaded": sorted(m for m in %r if m in seen.get("modules", ()))}))
"""


@pytest.mark.parametrize("analysed", [False, True], ids=["imported", "analysed"])
def test_start_shows_the_case_list_without_heavy_imports(tmp_path: Path, analysed: bool) -> None:
    home = Home(tmp_path / "home").ensure()
    identity.init_identity(
        home, name="李明", role="expert", passphrase="pw-pw-pw-pw", _kdf=identity.TEST_KDF
    )
    package = generate("usage_burst", tmp_path / "c.case.zip", seed=0, size="small")
    case_id = import_case(home, package).case_id
    flags = len(open_case(home, case_id).analysis().flags) if analysed else 0
    assert flags or not analysed
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for not_loaded in (NOT_AT_START, NOT_AT_A_LATER_START):  # the first start, then another
        done = subprocess.run(
            [sys.executable, "-c", PROBE % (not_loaded,), str(home.root)],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads(done.stdout.splitlines()[-1])
        assert result["code"] == 0 and result["rows"] == [[flags, analysed]], result
        assert result["gc"] == [False, True], result  # off while starting, on again
        assert result["loaded"] == [], result
