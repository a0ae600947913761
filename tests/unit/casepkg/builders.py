"""Test builders: a minimal but complete valid package, and a raw ZIP writer for crafted archives.

``write_zip`` writes local headers, the central directory and the end records by hand, so a
test can give any entry raw name bytes, flags, extra fields, compression method, attributes or
sizes, and force ZIP64 records.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import struct
import uuid
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector_app.uscc import complete

ENTERPRISE_USCC = complete("91530111MA6N12345")
VENDOR_USCC = complete("91530100MA6K00001")
PACKAGE_ID = "5f1c2a9e-0d1e-4c55-9a7b-2f1e7f0c9b11"
ACTIONS = ("login", "view", "create", "update", "approve", "export", "logout")


# --------------------------------------------------------------------------- raw ZIP writer
@dataclass
class RawEntry:
    """One entry as written; ``None`` fields are computed from ``data``."""

    name: bytes | str
    data: bytes = b""
    method: int = 8
    flags: int | None = None
    extra: bytes = b""
    external_attr: int = 0
    made_by: int = 20
    compressed: bytes | None = None
    size: int | None = None
    crc: int | None = None

    def raw_name(self) -> bytes:
        return self.name.encode("utf-8") if isinstance(self.name, str) else self.name

    def payload(self) -> bytes:
        if self.compressed is not None:
            return self.compressed
        if self.method == 8:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            return c.compress(self.data) + c.flush()
        return self.data


def write_zip(
    path: Path, entries: list[RawEntry], *, zip64: bool = False, prefix: bytes = b""
) -> bytes:
    """Write ``entries`` as a ZIP file (``zip64``: ZIP64 sizes, offsets and end records)."""
    out = bytearray(prefix)
    central = bytearray()
    for e in entries:
        raw = e.raw_name()
        flags = e.flags
        if flags is None:
            flags = 0x800 if isinstance(e.name, str) and not raw.isascii() else 0
        payload = e.payload()
        size = len(e.data) if e.size is None else e.size
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        offset = len(out) - len(prefix)
        extra = e.extra
        if zip64:
            extra = struct.pack("<HHQQQ", 1, 24, size, len(payload), offset) + extra
            c_size = c_csize = c_offset = 0xFFFFFFFF
        else:
            c_size, c_csize, c_offset = size, len(payload), offset
        local_extra = (
            struct.pack("<HHQQ", 1, 16, size, len(payload)) + e.extra if zip64 else e.extra
        )
        out += struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            45 if zip64 else 20,
            flags,
            e.method,
            0,
            0x5A21,
            crc,
            0xFFFFFFFF if zip64 else len(payload),
            0xFFFFFFFF if zip64 else size,
            len(raw),
            len(local_extra),
        )
        out += raw + local_extra + payload
        central += struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            e.made_by,
            45 if zip64 else 20,
            flags,
            e.method,
            0,
            0x5A21,
            crc,
            c_csize,
            c_size,
            len(raw),
            len(extra),
            0,
            0,
            0,
            e.external_attr,
            c_offset,
        )
        central += raw + extra
    cd_offset = len(out) - len(prefix)
    out += central
    if zip64:
        eocd64_at = len(out) - len(prefix)
        out += struct.pack(
            "<4sQHHIIQQQQ",
            b"PK\x06\x06",
            44,
            45,
            45,
            0,
            0,
            len(entries),
            len(entries),
            len(central),
            cd_offset,
        )
        out += struct.pack("<4sIQI", b"PK\x06\x07", 0, eocd64_at, 1)
        out += struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0
        )
    else:
        out += struct.pack(
            "<4sHHHHIIH",
            b"PK\x05\x06",
            0,
            0,
            len(entries),
            len(entries),
            len(central),
            cd_offset,
            0,
        )
    Path(path).write_bytes(bytes(out))
    return bytes(out)


# --------------------------------------------------------------------------- valid package
def _csv(rows: list[list[str]], *, crlf: bool = False) -> bytes:
    nl = "\r\n" if crlf else "\n"
    return ("".join(",".join(r) + nl for r in rows)).encode("utf-8")


def usage_rows(n: int = 60, *, start_day: int = 1, offset: str = "+08:00") -> list[list[str]]:
    rows = [["timestamp", "user_id", "action", "object"]]
    for i in range(n):
        day = start_day + i // 10
        minute = (i % 10) * 5
        rows.append(
            [
                f"2024-07-{day:02d}T09:{minute:02d}:00{offset}",
                f"u{i % 7:03d}",
                ACTIONS[i % len(ACTIONS)],
                f"WO-{i}",
            ]
        )
    return rows


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


def base_json() -> dict[str, Any]:
    """The JSON documents of the minimal package (edit a deep copy)."""
    return {
        "enterprise.json": {
            "name": "昆明测试机械制造有限公司",
            "uscc": ENTERPRISE_USCC,
            "district": "官渡区",
            "industry_code": "C3484",
            "industry_name": "机械零部件加工",
            "size": "small",
            "employees": 80,
            "prior_support": {"little_giant_central_fund": False, "pilot_2022": False},
            "contact": {"name": "李经理", "phone": "0871-63250612"},
        },
        "project.json": {
            "project_id": "KM-DX-2024-0001",
            "title": "生产管控数字化改造项目",
            "batch": "2025-2",
            "registered_at": "2024-03-13",
            "diagnosis_completed_at": None,
            "completed_at": "2024-08-28",
            "acceptance_applied_at": "2024-09-27",
            "inspection_planned_at": None,
            "providers": [{"name": "昆明智造软件有限公司", "uscc": VENDOR_USCC}],
            "total_investment_yuan": "300000.00",
            "subsidy_requested_yuan": "120000.00",
            "subsidy_prepaid_yuan": "0.00",
            "level_before": 1,
            "level_target": 2,
            "goals": [
                {
                    "metric": "MES活跃用户数",
                    "unit": "人",
                    "baseline": 0,
                    "target": 5,
                    "claimed": 7,
                    "key": "active_users",
                    "system_id": "mes",
                }
            ],
        },
        "self_assessment.json": {
            "checklist": "miit-2024",
            "assessed_at": "2024-09-25",
            "items": {
                "Q1": {"answer": ["B", "C"], "evidence": []},
                "S6": {"level": 2, "evidence": ["photos/报工终端.jpg"]},
            },
            "claimed_score": 40.5,
            "claimed_level": 2,
        },
        "systems.json": [
            {
                "system_id": "mes",
                "name": "制造执行系统(MES)",
                "vendor": "昆明智造软件有限公司",
                "vendor_uscc": VENDOR_USCC,
                "modules": ["生产计划", "生产报工"],
                "deployment": "saas",
                "go_live": "2024-06-28",
                "licensed_users": 40,
                "contract_no": "HT-2024-001",
            }
        ],
    }


def base_files() -> dict[str, bytes]:
    """Every file of the minimal valid package except the manifest."""
    files = {name: json_bytes(value) for name, value in base_json().items()}
    files["finance/contracts.csv"] = _csv(
        [
            [
                "contract_no",
                "signed_at",
                "party_a",
                "party_b",
                "party_b_uscc",
                "amount_yuan",
                "subject",
            ],
            [
                "HT-2024-001",
                "2024-04-22",
                "昆明测试机械制造有限公司",
                "昆明智造软件有限公司",
                VENDOR_USCC,
                "300000.00",
                "MES项目",
            ],
        ]
    )
    files["finance/contract_items.csv"] = _csv(
        [
            [
                "contract_no",
                "line_no",
                "item",
                "category",
                "quantity",
                "unit",
                "unit_price_yuan",
                "amount_yuan",
                "catalog_code",
            ],
            [
                "HT-2024-001",
                "1",
                "MES系统软件许可",
                "software",
                "1",
                "套",
                "300000.00",
                "300000.00",
                "KM-CAT-1",
            ],
        ]
    )
    files["finance/catalog.csv"] = _csv(
        [
            ["catalog_code", "product", "provider", "unit", "listed_unit_price_yuan"],
            ["KM-CAT-1", "MES系统软件许可", "昆明智造软件有限公司", "套", "310000.00"],
        ]
    )
    files["finance/invoices.csv"] = _csv(
        [
            [
                "invoice_no",
                "issued_at",
                "seller",
                "seller_uscc",
                "buyer",
                "buyer_uscc",
                "amount_excl_tax_yuan",
                "tax_yuan",
                "total_yuan",
                "item",
                "contract_no",
            ],
            [
                "25535769691390726366",
                "2024-05-07",
                "昆明智造软件有限公司",
                VENDOR_USCC,
                "昆明测试机械制造有限公司",
                ENTERPRISE_USCC,
                "283018.87",
                "16981.13",
                "300000.00",
                "*信息技术服务*MES",
                "HT-2024-001",
            ],
        ]
    )
    files["finance/payments.csv"] = _csv(
        [
            [
                "paid_at",
                "direction",
                "payer",
                "payee",
                "amount_yuan",
                "bank_ref",
                "memo",
                "contract_no",
            ],
            [
                "2024-05-14",
                "out",
                "昆明测试机械制造有限公司",
                "昆明智造软件有限公司",
                "300000.00",
                "B1",
                "合同款",
                "HT-2024-001",
            ],
        ]
    )
    files["logs/mes/usage.csv"] = _csv(usage_rows())
    files["logs/mes/records.csv"] = _csv(
        [
            ["date", "object_type", "created", "updated"],
            ["2024-07-01", "工单", "11", "1"],
            ["2024-07-02", "工单", "9", "0"],
        ]
    )
    files["docs/附件4_改造合同/合同HT-2024-001.pdf"] = b"%PDF-1.4\n% test contract\n%%EOF\n"
    files["docs/附件1_验收档案/验收档案.pdf"] = b"%PDF-1.4\n% archive\n%%EOF\n"
    files["photos/报工终端.jpg"] = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"
    return files


def manifest_for(files: Mapping[str, bytes], **overrides: Any) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "format": "sme-dx-case",
        "format_version": "1.0",
        "package_id": PACKAGE_ID,
        "created_at": "2024-10-02T10:00:00+08:00",
        "issuer": {"id": "kmszpt", "name": "昆明市中小企业数字化转型公共服务平台"},
        "batch": "2025-2",
        "checklist": "miit-2024",
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in files.items()
        ],
    }
    for item in manifest["files"]:
        if item["path"].startswith("docs/附件4"):
            item.update({"attachment": 4, "kind": "contract", "title": "改造合同"})
    manifest.update(overrides)
    return manifest


def build_package(
    path: Path,
    *,
    files: Mapping[str, bytes] | None = None,
    edit_files: Callable[[dict[str, bytes]], None] | None = None,
    edit_manifest: Callable[[dict[str, Any]], None] | None = None,
    unlisted: Mapping[str, bytes] | None = None,
    manifest_bytes: bytes | None = None,
    method: int = 8,
    entry_options: Mapping[str, Mapping[str, Any]] | None = None,
    zip64: bool = False,
    package_id: str | None = None,
) -> Path:
    """Write a valid package to ``path``, changed by the knobs.

    ``edit_files`` changes the files before the manifest is computed (so they stay listed);
    ``edit_manifest`` changes the manifest afterwards; ``unlisted`` adds entries the manifest
    does not list; ``entry_options`` sets :class:`RawEntry` fields per entry name.
    """
    content = dict(copy.deepcopy(dict(files if files is not None else base_files())))
    if edit_files is not None:
        edit_files(content)
    manifest = manifest_for(content)
    if package_id is not None:
        manifest["package_id"] = package_id
    if edit_manifest is not None:
        edit_manifest(manifest)
    entries = [
        RawEntry(
            "manifest.json",
            manifest_bytes if manifest_bytes is not None else json_bytes(manifest),
            method=method,
        )
    ]
    options = entry_options or {}
    for name, data in [*content.items(), *(unlisted or {}).items()]:
        fields: dict[str, Any] = {"method": method, **dict(options.get(name, {}))}
        entries.append(RawEntry(name, data, **fields))
    write_zip(path, entries, zip64=zip64)
    return path


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def new_package_id() -> str:
    return str(uuid.uuid4())
