"""Record-offset indexes agree with the package reader's record splitter."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector_app.casepkg.csvcore import parse_record, split_records
from inspector_app.errors import Cancelled
from inspector_app.evidence.records import RecordIndexes, build_record_index, scan_offsets
from inspector_app.progress import CancelToken


def _expected(text: str) -> list[str]:
    """Records after the header, as csvcore's splitter groups them."""
    lines = text.replace("\r\n", "\n").split("\n")
    if text.endswith("\n"):
        lines.pop()
    records = [r for _line, r in split_records(lines, 1)]
    return records[1:]


def _index(tmp_path: Path, name: str, data: bytes, encoding: str | None = None):
    src = tmp_path.joinpath(*name.split("/"))
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_bytes(data)
    out = tmp_path / "idx"
    entry = build_record_index(src, name, out / "records", encoding=encoding)
    (out / "records" / "catalog.json").write_text(
        json.dumps({"entries": [entry]}), encoding="utf-8"
    )
    return entry, RecordIndexes(out, tmp_path).get(name)


def test_plain_quoted_multiline_blank_crlf(tmp_path: Path) -> None:
    text = (
        "timestamp,user_id,action,object\r\n"
        "2024-01-01T08:00:00+08:00,u1,login,\r\n"
        "\r\n"
        '2024-01-01T08:00:01+08:00,u2,create,"工单\r\n第二行, 逗号"\r\n'
        '2024-01-01T08:00:02+08:00,"u""3",view,x\r\n'
        "\n"
        "2024-01-01T08:00:03+08:00,u4,view,last"
    )
    entry, index = _index(tmp_path, "logs/mes/usage.csv", text.encode("utf-8"))
    assert index is not None
    assert entry["rows"] == 4 == index.rows
    assert index.header == ("timestamp", "user_id", "action", "object")
    assert index.texts(1, 10) == _expected(text)
    rows = index.rows_between(2, 2)
    assert rows[0][3] == "工单\n第二行, 逗号"
    assert rows[1][1] == 'u"3'
    assert index.rows_between(4, 1) == [["2024-01-01T08:00:03+08:00", "u4", "view", "last"]]
    assert index.rows_between(5, 3) == []


def test_bom_offsets_point_into_the_stored_file(tmp_path: Path) -> None:
    text = "a,b\n1,2\n3,4\n"
    _entry, index = _index(tmp_path, "finance/x.csv", b"\xef\xbb\xbf" + text.encode())
    assert index is not None
    assert index.header == ("a", "b")
    assert int(index.offsets[0]) == 3 + len("a,b\n")
    assert index.rows_between(1, 2) == [["1", "2"], ["3", "4"]]


def test_gb18030_is_sniffed_and_decoded(tmp_path: Path) -> None:
    text = "date,object_type,created,updated\n2024-01-01,质检单,3,1\n2024-01-02,采购单,2,0\n"
    entry, index = _index(tmp_path, "logs/mes/records.csv", text.encode("gb18030"))
    assert entry["encoding"] == "gb18030"
    assert index is not None
    assert index.rows_between(2, 1) == [["2024-01-02", "采购单", "2", "0"]]


def test_gzip_log_is_inflated_and_counts_decompressed_records(tmp_path: Path) -> None:
    lines = ["timestamp,user_id,action,object"] + [
        f"2024-01-01T08:{i // 60 % 60:02d}:{i % 60:02d}+08:00,u{i},view,对象{i}"
        for i in range(5000)
    ]
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    # two gzip members, as some exporters write
    data = gzip.compress(raw[:70000]) + gzip.compress(raw[70000:])
    entry, index = _index(tmp_path, "logs/mes/usage.csv.gz", data, encoding="utf-8")
    assert index is not None
    assert entry["data"] and index.data_file.name.endswith(".csv")
    assert index.rows == 5000
    assert index.rows_between(4321, 1)[0][1] == "u4320"
    assert index.rows_between(5000, 1)[0][3] == "对象4999"


def test_cancel_stops_the_scan(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    src = tmp_path / "u.csv"
    src.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(Cancelled):
        build_record_index(src, "u.csv", tmp_path / "out", cancel=token)


_field = st.one_of(
    st.text(alphabet='ab,中"\n ', max_size=6).map(lambda s: '"' + s.replace('"', '""') + '"'),
    st.text(alphabet="xy中 ", max_size=5),
)
_record = st.lists(_field, min_size=1, max_size=4).map(",".join)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(_record, min_size=0, max_size=12),
    crlf=st.booleans(),
    blanks=st.lists(st.integers(0, 12), max_size=3),
    block=st.integers(1, 7),
)
def test_scan_matches_the_record_splitter(
    records: list[str], crlf: bool, blanks: list[int], block: int
) -> None:
    nl = "\r\n" if crlf else "\n"
    parts = ["h1,h2"] + [r for r in records if r.replace(" ", "")]
    for at in blanks:
        parts.insert(min(at + 1, len(parts)), "")
    text = nl.join(p.replace("\n", nl) for p in parts) + nl
    data = text.encode("utf-8")
    # line-aligned blocks of a few lines each
    lines = data.splitlines(keepends=True)
    blocks = [b"".join(lines[i : i + block]) for i in range(0, len(lines), block)]
    starts, end = scan_offsets(iter(blocks))
    assert end == len(data)
    got = [
        data[int(starts[k]) : int(starts[k + 1]) if k + 1 < len(starts) else end]
        .decode()
        .replace("\r\n", "\n")
        .rstrip("\n")
        for k in range(len(starts))
    ]
    expected_lines = text.replace("\r\n", "\n").split("\n")[:-1]
    expected = [r for _line, r in split_records(expected_lines, 1)]
    assert got == expected
    for record in got:
        parse_record(record)
