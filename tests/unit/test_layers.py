"""The layer rules of docs/architecture.md, enforced statically and at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPOSITION_ROOT = {"inspector_app/cli.py", "inspector_app/__main__.py"}

# layer -> top-level modules it must never import
FORBIDDEN = {
    "inspector_app": {"PySide6", "shiboken6", "ui", "sync", "reports"},
    "sync": {"PySide6", "shiboken6", "ui", "reports"},
    "reports": {"PySide6", "shiboken6", "ui", "sync"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value.split(".")[0])
    return names


def test_static_layering() -> None:
    broken = []
    for layer, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / layer).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel in COMPOSITION_ROOT:
                continue
            bad = _imports(path) & forbidden
            if bad:
                broken.append(f"{rel} imports {sorted(bad)}")
    assert not broken, "layering broken:\n" + "\n".join(broken)


def test_core_loads_no_qt_at_run_time() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import inspector_app, sync, reports\n"
        "for pkg in (inspector_app, sync, reports):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if m.name in ('inspector_app.cli', 'inspector_app.__main__'):\n"
        "            continue\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'ui'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
