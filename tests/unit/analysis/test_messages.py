"""Every message id of the analysis — including those passed to ``texts()``, which the
project-wide i18n test does not know — has a Chinese translation with the same placeholders."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from inspector_app.i18n import catalog

ROOT = Path(__file__).resolve().parents[3]
FILES = [
    *sorted((ROOT / "inspector_app" / "analysis").glob("*.py")),
    ROOT / "inspector_app" / "commands" / "analyze.py",
]


def _ids() -> list[tuple[str, str]]:
    found = []
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"texts", "zh", "bi", "_"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append((f"{path.name}:{node.lineno}", node.args[0].value))
    return found


def test_every_analysis_message_is_translated() -> None:
    zh = catalog("zh_CN")
    ids = _ids()
    assert len(ids) > 80
    missing = [f"{where}: {msgid!r}" for where, msgid in ids if msgid not in zh]
    assert not missing, "\n".join(missing)
    fmt = string.Formatter()
    for _where, msgid in ids:
        a = {f for _, f, _, _ in fmt.parse(msgid) if f}
        b = {f for _, f, _, _ in fmt.parse(zh[msgid]) if f}
        assert a == b, msgid
        assert zh[msgid] != msgid or not any(c.isalpha() for c in msgid), msgid
