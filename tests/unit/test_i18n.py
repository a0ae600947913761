"""Every literal message id in the code has a Chinese translation; the PO parser works."""

from __future__ import annotations

import ast
from pathlib import Path

from inspector_app.i18n import bi, catalog, parse_po

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = {"_", "bi", "zh", "tr", "N_"}


def _message_ids() -> list[tuple[str, str]]:
    found = []
    for layer in ("inspector_app", "sync", "reports", "ui"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in FUNCTIONS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0].value))
    return found


def test_every_message_is_translated() -> None:
    zh = catalog("zh_CN")
    missing = [f"{where}: {msgid!r}" for where, msgid in _message_ids() if msgid not in zh]
    assert not missing, "untranslated messages:\n" + "\n".join(missing)


def test_placeholders_match() -> None:
    import string

    fmt = string.Formatter()
    bad = []
    for msgid, msgstr in catalog("zh_CN").items():
        a = {f for _, f, _, _ in fmt.parse(msgid) if f}
        b = {f for _, f, _, _ in fmt.parse(msgstr) if f}
        if a != b:
            bad.append(msgid)
    assert not bad, bad


def test_parse_po_multiline() -> None:
    text = 'msgid ""\nmsgstr "header"\n\nmsgid "a"\n"b"\nmsgstr "中"\n"文"\n'
    assert parse_po(text) == {"ab": "中文"}


def test_bi_is_chinese_first() -> None:
    assert bi("usage error") == "用法错误 / usage error"
