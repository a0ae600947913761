"""checklist.schema.json describes what the loader accepts (checked with a tiny validator)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from inspector_app.checklist import parse_checklist
from inspector_app.resources import resource_path

from .fixtures import mini

SCHEMA = json.loads(resource_path("checklists", "checklist.schema.json").read_text("utf-8"))
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def _errors(value: Any, schema: dict[str, Any], ptr: str = "") -> list[str]:
    """The subset of JSON Schema the file uses: $ref, type, const, enum, pattern, minLength,
    required, properties, items, minItems, maxItems, minimum, maximum."""
    if "$ref" in schema:
        return _errors(value, SCHEMA["$defs"][schema["$ref"].split("/")[-1]], ptr)
    out: list[str] = []
    t = schema.get("type")
    if t == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{ptr}: not an integer"]
    elif t is not None and not isinstance(value, TYPES[t]):
        return [f"{ptr}: not {t}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{ptr}: const")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{ptr}: enum")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        out.append(f"{ptr}: pattern")
    if len(value) < schema.get("minLength", 0) if isinstance(value, str) else False:
        out.append(f"{ptr}: minLength")
    if "minimum" in schema and value < schema["minimum"]:
        out.append(f"{ptr}: minimum")
    if "maximum" in schema and value > schema["maximum"]:
        out.append(f"{ptr}: maximum")
    if isinstance(value, dict):
        out += [f"{ptr}/{k}: required" for k in schema.get("required", []) if k not in value]
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                out += _errors(value[k], sub, f"{ptr}/{k}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 10**9):
            out.append(f"{ptr}: item count")
        for i, item in enumerate(value):
            out += _errors(item, schema.get("items", {}), f"{ptr}/{i}")
    return out


def test_bundled_checklist_follows_schema() -> None:
    data = json.loads(resource_path("checklists", "miit-2024.json").read_text("utf-8"))
    assert _errors(data, SCHEMA) == []


def test_fixture_follows_schema() -> None:
    assert _errors(mini(), SCHEMA) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [("max_score", 10), ("format", "x"), ("id", "Bad Id"), ("dimensions", [])],
)
def test_schema_and_loader_refuse_the_same(key: str, value: Any) -> None:
    data = mini()
    data[key] = value
    assert _errors(data, SCHEMA)
    with pytest.raises(Exception, match="invalid"):
        parse_checklist(data)
