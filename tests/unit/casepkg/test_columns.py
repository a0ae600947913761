"""The usage log's vectorised reader: keys, timestamps, and what the fast path refuses."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector_app.analysis.usagestats import stable_order
from inspector_app.casepkg.columns import (
    PAD,
    columns_from_lists,
    field_keys,
    keys_of_strings,
    parse_block,
)
from inspector_app.casepkg.logs import timestamp_seconds
from inspector_app.casepkg.model import ACTIONS
from inspector_app.values import TZ

LINE = "2024-07-01T09:{m:02d}:{s:02d}+08:00,{u},{a},{o}\n"


def block(rows: list[tuple[str, str, str]], start: int = 0) -> bytes:
    out = []
    for i, (u, a, o) in enumerate(rows):
        k = start + i
        out.append(LINE.format(m=k // 60 % 60, s=k % 60, u=u, a=a, o=o))
    return "".join(out).encode()


def test_a_plain_block_gives_the_row_values() -> None:
    rows = [("alice", "login", ""), ("张三", "view", "工单/WO-1"), ("bob", "approve", "x")]
    cols = parse_block(block(rows), -(1 << 62), 7, "utf-8")
    assert cols is not None
    assert cols.rows.tolist() == [7, 8, 9]
    assert cols.ts.tolist() == [
        timestamp_seconds(f"2024-07-01T09:00:0{i}+08:00")[0] for i in range(3)
    ]
    assert [ACTIONS[int(a)] for a in cols.action] == ["login", "view", "approve"]
    assert [cols.names.name(i) for i in range(3)] == ["alice", "张三", "bob"]
    same = columns_from_lists(
        cols.ts.tolist(),
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [7, 8, 9],
    )
    assert cols.ukey.tolist() == same.ukey.tolist()
    assert cols.okey.tolist() == same.okey.tolist()
    assert cols.action.tolist() == same.action.tolist()


def test_crlf_reads_like_lf() -> None:
    rows = [("alice", "login", "a"), ("bob", "view", "b")]
    lf = parse_block(block(rows), 0, 1, "utf-8")
    crlf = parse_block(block(rows).replace(b"\n", b"\r\n"), 0, 1, "utf-8")
    assert lf is not None and crlf is not None
    assert lf.ts.tolist() == crlf.ts.tolist() and lf.okey.tolist() == crlf.okey.tolist()


@pytest.mark.parametrize(
    "text",
    [
        '2024-07-01T09:00:00+08:00,"alice",view,o\n',  # quoting
        "2024-07-01T09:00:00+08:00,alice,view,o\r2024-07-01T09:00:01+08:00,b,view,o\n",
        "2024-07-01T09:00:00+08:00,alice,view,o\n\n",  # a blank line
        "2024-07-01T09:00:00Z,alice,view,o\n",
        "2024-07-01 09:00:00+08:00,alice,view,o\n",
        "2024-07-01T09:00:00+09:00,alice,view,o\n",
        "2024-07-01T09:00:00,alice,view,o\n",  # no offset (NO_OFFSET is the row reader's)
        "2024-13-01T09:00:00+08:00,alice,view,o\n",
        "2024-02-30T09:00:00+08:00,alice,view,o\n",
        "2024-07-01T24:00:00+08:00,alice,view,o\n",
        "2024-07-01T09:60:00+08:00,alice,view,o\n",
        "2024-07-01T09:00:60+08:00,alice,view,o\n",
        "2024-07-01T09:0a:00+08:00,alice,view,o\n",
        "2024-07-01T09:00:00+08:00,alice,browse,o\n",
        "2024-07-01T09:00:00+08:00,alice,View,o\n",
        "2024-07-01T09:00:00+08:00,alice,view\x00,o\n",
        "2024-07-01T09:00:00+08:00,,view,o\n",
        "2024-07-01T09:00:00+08:00,alice,view\n",  # three fields
        "2024-07-01T09:00:00+08:00,alice,view,o,extra\n",
        "2024-07-01T09:00:01+08:00,a,view,o\n2024-07-01T09:00:00+08:00,b,view,o\n",  # order
        "2024-07-01T09:00:00+08:00, alice,view,o\n",
        "2024-07-01T09:00:00+08:00,alice,view,o\u3000\n",
    ],
)
def test_blocks_the_fast_path_leaves_to_the_row_reader(text: str) -> None:
    assert parse_block(text.encode(), -(1 << 62), 1, "utf-8") is None


def test_a_block_earlier_than_the_previous_row_is_refused() -> None:
    data = block([("a", "view", "o")])
    ts = timestamp_seconds("2024-07-01T09:00:00+08:00")[0]
    assert parse_block(data, ts, 1, "utf-8") is not None
    assert parse_block(data, ts + 1, 1, "utf-8") is None


def test_gb18030_blocks_are_taken_with_the_same_keys() -> None:
    """A GB18030 block is parsed on its own bytes; its keys equal those of its values encoded
    in GB18030, and white space around a field (U+3000 is A1A1 there) leaves it to the row
    reader."""
    text = "2024-07-01T09:00:00+08:00,张三,view,工单/WO-1\n"
    cols = parse_block(text.encode("gb18030"), 0, 1, "gb18030")
    assert cols is not None and cols.names.name(0) == "张三"
    same = columns_from_lists(
        cols.ts.tolist(), ["张三"], ["view"], ["工单/WO-1"], [1], encoding="gb18030"
    )
    assert (cols.ukey.tolist(), cols.okey.tolist()) == (same.ukey.tolist(), same.okey.tolist())
    for padded in ("张三\u3000", "\u3000张三", "\u00a0张三", "张三\u2002"):
        data = text.replace("张三", padded).encode("gb18030")
        assert parse_block(data, 0, 1, "gb18030") is None, padded
    assert parse_block(text.encode("gb18030"), 0, 1, "latin-1") is None  # not ASCII


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(TZ)
    )
)
def test_timestamps_equal_the_row_reader(moment: datetime) -> None:
    text = moment.replace(microsecond=0).isoformat()
    cols = parse_block(f"{text},u,view,o\n".encode(), -(1 << 62), 1, "utf-8")
    assert cols is not None
    assert int(cols.ts[0]) == timestamp_seconds(text)[0]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=90), min_size=1, max_size=40), st.integers(0, 70))
def test_keys_depend_on_the_value_only(values: list[str], pad: int) -> None:
    """A value's key is the same alone, beside longer values, or at another offset; equal keys
    mean equal values."""
    keys = keys_of_strings(values, "utf-8").tolist()
    for v, k in zip(values, keys, strict=True):
        assert keys_of_strings([v], "utf-8").tolist() == [k]
        raw = b"#" * pad + v.encode()
        buf = np.frombuffer(raw + bytes(PAD), np.uint8)
        got = field_keys(buf, np.array([pad], np.int64), np.array([len(raw)], np.int64))
        assert got.tolist() == [k]
    by_key: dict[int, str] = {}
    for v, k in zip(values, keys, strict=True):
        assert by_key.setdefault(k, v) == v


def test_no_key_collisions_among_many_similar_values() -> None:
    values = [f"u{i:06d}" for i in range(200_000)] + [f"报工单/BG-{i:08d}" for i in range(100_000)]
    values += ["a" * n for n in range(200)] + ["\0" * n for n in range(1, 30)]
    keys = keys_of_strings(values, "utf-8")
    assert len(np.unique(keys)) == len(values)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=300), st.integers(0, 5))
def test_stable_order_equals_a_stable_argsort(values: list[int], dup: int) -> None:
    keys = np.array(values + values[:dup] * 3, np.uint64)
    # keys sharing their top bits but not their low ones take the exact fallback
    keys = np.concatenate([keys, keys[:dup] ^ np.uint64(1)])
    order, ordered = stable_order(keys)
    assert order.tolist() == np.argsort(keys, kind="stable").tolist()
    assert ordered.tolist() == np.sort(keys).tolist()


def test_names_of_a_block_are_decoded_on_demand() -> None:
    cols = parse_block(block([("李四", "view", "o"), ("王五", "view", "o")]), 0, 1, "utf-8")
    assert cols is not None
    assert cols.names._values is None  # kept as bytes and offsets
    assert [cols.names.name(1), cols.names.name(0)] == ["王五", "李四"]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_names_of_many_rows_at_once_equal_one_by_one(encoding: str) -> None:
    """``names`` (one joined decode) gives what ``name`` gives row by row, in the order asked,
    for ids of every length (empty excepted: the fast path has none), CJK ones included, and
    for bytes that do not decode (one by one then, with the same replacement)."""
    ids = ["a", "张三", "u-123456789012345678", "李", "x" * 70, "王五六", "b"]
    data = block([(u, "view", "o") for u in ids]).decode().encode(encoding)
    cols = parse_block(data, 0, 1, encoding)
    assert cols is not None
    rows = np.array([6, 0, 3, 1, 1, 5, 2, 4], np.int64)
    assert cols.names.names(rows) == [cols.names.name(i) for i in rows.tolist()]
    assert cols.names.names(rows) == [ids[i] for i in rows.tolist()]
    assert cols.names.names(np.empty(0, np.int64)) == []
    bad = data.replace("张三".encode(encoding), b"\xff\xfe", 1)
    cols = parse_block(bad, 0, 1, encoding)
    if cols is not None:
        assert cols.names.names(rows) == [cols.names.name(i) for i in rows.tolist()]
