"""Usage-log reading: the fast paths agree with a plain reference reader on any input shape."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector_app.casepkg import open_package, textio, validate_package, zipfmt
from inspector_app.casepkg.logs import iter_usage, minute_base, package_usage, timestamp_seconds
from inspector_app.casepkg.model import UsageEvent
from inspector_app.casepkg.sources import FolderSource
from inspector_app.errors import PackageRefused
from inspector_app.values import parse_timestamp
from tests.unit.casepkg.builders import build_package, gzip_bytes

ACTIONS = ["login", "logout", "view", "create", "update", "delete", "approve", "export"]


def reference(data: bytes) -> list[tuple[int, str, str, str]]:
    """The plain reading: csv module, full timestamp parser."""
    text = data.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    header = [h.strip() for h in rows[0]]
    idx = {n: header.index(n) for n in ("timestamp", "user_id", "action", "object")}
    out = []
    for r in rows[1:]:
        value, _ = parse_timestamp(r[idx["timestamp"]].strip())
        out.append(
            (
                int(value.replace(microsecond=0).timestamp()),
                r[idx["user_id"]].strip(),
                r[idx["action"]].strip(),
                r[idx["object"]].strip(),
            )
        )
    return out


@st.composite
def usage_logs(draw: st.DrawFn) -> bytes:
    n = draw(st.integers(1, 80))
    base = 1_719_795_600 + draw(st.integers(0, 10**6))
    shape = draw(st.sampled_from(["fast", "mixed"]))
    crlf = draw(st.booleans())
    extra = draw(st.booleans())
    order = draw(st.permutations(["timestamp", "user_id", "action", "object"]))
    header = list(order) + (["note"] if extra else [])
    lines = [",".join(header)]
    t = base
    from datetime import UTC, datetime, timedelta, timezone

    for _ in range(n):
        t += draw(st.integers(0, 4000))
        kind = (
            "fast"
            if shape == "fast"
            else draw(st.sampled_from(["fast", "z", "space", "noff", "frac"]))
        )
        local = datetime.fromtimestamp(t, timezone(timedelta(hours=8)))
        ts = {
            "fast": local.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            "z": datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "space": local.strftime("%Y-%m-%d %H:%M:%S+08:00"),
            "noff": local.strftime("%Y-%m-%dT%H:%M:%S"),
            "frac": local.strftime("%Y-%m-%dT%H:%M:%S.250+08:00"),
        }[kind]
        obj = draw(st.sampled_from(["WO-1", "", "工单", '"a, b"', '"line\nbreak"', "x y"]))
        values = {
            "timestamp": ts,
            "user_id": draw(st.sampled_from(["u1", "u002", "张三"])),
            "action": draw(st.sampled_from(ACTIONS)),
            "object": obj,
        }
        row = [values[c] for c in order] + (["n"] if extra else [])
        lines.append(",".join(row))
        if draw(st.integers(0, 20)) == 0:
            lines.append("")
    nl = "\r\n" if crlf else "\n"
    return (nl.join(lines) + nl).encode("utf-8")


@pytest.mark.parametrize("gz", [False, True])
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=usage_logs(), block=st.sampled_from([7, 64, 1 << 20]))
def test_fast_and_slow_paths_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gz: bool, data: bytes, block: int
) -> None:
    monkeypatch.setattr(textio, "CHUNK", block)
    monkeypatch.setattr(zipfmt, "READ_SIZE", block)
    expected = reference(data)
    name = "logs/mes/usage.csv.gz" if gz else "logs/mes/usage.csv"

    def edit(files: dict[str, bytes]) -> None:
        del files["logs/mes/usage.csv"]
        files[name] = gzip_bytes(data) if gz else data

    p = build_package(tmp_path / f"p{block}{gz}.case.zip", edit_files=edit, method=0)
    result = validate_package(p)
    assert result.valid, result.errors
    stats = result.usage["mes"]
    assert stats.rows == len(expected)
    assert (stats.first_ts, stats.last_ts) == (expected[0][0], expected[-1][0])
    with open_package(p) as pkg:
        got = [(e.ts, e.user_id, e.action, e.object) for e in package_usage(pkg, "mes")]
        rows = [e.row for e in package_usage(pkg, "mes")]
    assert got == expected
    assert rows == list(range(1, len(expected) + 1))


def test_minute_base_and_timestamps() -> None:
    assert minute_base("2024-07-01T09:00") == 1_719_795_600
    assert minute_base("2024-02-30T09:00") is None
    assert minute_base("2024-07-01T24:00") is None
    assert timestamp_seconds("2024-07-01T01:00:00Z") == (1_719_795_600, True)
    assert timestamp_seconds("2024-07-01 09:00:00") == (1_719_795_600, False)


class _Bytes:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def open(self, path: str) -> io.BytesIO:
        return io.BytesIO(self.files[path])

    def names(self) -> list[str]:
        return list(self.files)


def _events(data: bytes) -> Iterator[object]:
    return iter_usage(_Bytes({"u.csv": data}), "u.csv")  # type: ignore[arg-type]


def test_iter_usage_gb18030_without_hint() -> None:
    data = "timestamp,user_id,action,object\n2024-07-01T09:00:00+08:00,张三,view,工单\n".encode(
        "gb18030"
    )
    events = list(_events(data))
    assert events[0].user_id == "张三"  # type: ignore[attr-defined]


def test_iter_usage_refuses_bad_rows() -> None:
    from inspector_app.errors import PackageRefused

    data = b"timestamp,user_id,action,object\n2024-07-01T09:00:00+08:00,u,view,x\n2024-07-01T08:00:00+08:00,u,view,x\n"
    with pytest.raises(PackageRefused) as info:
        list(_events(data))
    assert (info.value.code, info.value.issue.line) == ("CSV_INVALID", 3)


def test_folder_source_encoding_hint(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_bytes(
        "timestamp,user_id,action,object\n2024-07-01T09:00:00+08:00,é,view,x\n".encode()
    )
    source = FolderSource(tmp_path, {"u.csv": "gb18030"})
    events = list(iter_usage(source, "u.csv"))
    assert events[0].user_id == "é".encode().decode("gb18030")


_MUTATIONS = [
    lambda ln: ln + ",extra",  # five fields
    lambda ln: ln.rsplit(",", 1)[0],  # three fields
    lambda ln: ln.replace("view", "peek").replace("login", "peek"),  # unknown action
    lambda ln: ln.replace("+08:00", "+09:00"),  # another offset: slow path, still valid
    lambda ln: ln.replace("2024", "2O24"),  # not a timestamp
    lambda ln: ln.replace("u1", " u1 ").replace("u002", ""),  # spaces / empty user
    lambda ln: ln.replace("T", "T2", 1),  # a broken time
    lambda ln: "1999-01-01T00:00:00+08:00,u1,view,x",  # earlier than the row before
    lambda ln: "",  # a blank line
]


@st.composite
def plain_logs(draw: st.DrawFn) -> bytes:
    """The shape the column fast path takes: the standard header, +08:00 timestamps."""
    from datetime import datetime, timedelta, timezone

    t = 1_719_795_600 + draw(st.integers(0, 10**6))
    lines = ["timestamp,user_id,action,object"]
    for _ in range(draw(st.integers(1, 120))):
        t += draw(st.sampled_from([0, 1, 7, 59, 3600, 86_399, 90_000]))
        stamp = datetime.fromtimestamp(t, timezone(timedelta(hours=8)))
        lines.append(
            f"{stamp:%Y-%m-%dT%H:%M:%S+08:00},{draw(st.sampled_from(['u1', 'u002', '张三']))},"
            f"{draw(st.sampled_from(ACTIONS))},{draw(st.sampled_from(['WO-1', '', '工单', 'x y']))}"
        )
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    end = draw(st.sampled_from([nl, ""]))
    return (nl.join(lines) + end).encode()


@st.composite
def mutated_logs(draw: st.DrawFn) -> bytes:
    data = draw(st.one_of(usage_logs(), plain_logs(), plain_logs()))
    lines = data.decode().split("\n")
    for _ in range(draw(st.integers(0, 2))):
        k = draw(st.integers(1, max(1, len(lines) - 2)))
        lines[k] = draw(st.sampled_from(_MUTATIONS))(lines[k])
    return "\n".join(lines).encode()


def _outcome(read: Iterator[tuple[int, str, str, str, int]]) -> object:
    from inspector_app.errors import PackageRefused

    try:
        return list(read)
    except PackageRefused as exc:
        return (exc.code, exc.issue.line, exc.issue.message)


def _event_columns(
    events: Iterable[UsageEvent], encoding: str = "utf-8"
) -> list[tuple[object, ...]]:
    """What the column reader should give for these events (keys by the shared key function)."""
    from inspector_app.casepkg.columns import keys_of_strings
    from inspector_app.casepkg.model import ACTIONS

    evs = list(events)
    users = keys_of_strings([e.user_id for e in evs], encoding).tolist()
    objects = keys_of_strings([e.object for e in evs], encoding).tolist()
    return [
        (e.ts, e.user_id, ACTIONS.index(e.action), users[i], objects[i], e.row)
        for i, e in enumerate(evs)
    ]


def _flat_columns(blocks: Iterable[Any]) -> Iterator[tuple[object, ...]]:
    for b in blocks:
        n = len(b.ts)
        assert len(b.ukey) == len(b.action) == len(b.okey) == len(b.rows) == n
        for i in range(n):
            yield (
                int(b.ts[i]),
                b.names.name(i),
                int(b.action[i]),
                int(b.ukey[i]),
                int(b.okey[i]),
                int(b.rows[i]),
            )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_logs(), block=st.sampled_from([7, 64, 300, 1 << 20]))
def test_column_blocks_equal_the_events(data: bytes, block: int) -> None:
    """``iter_usage_columns`` (the analysis' column reader) yields exactly the events, row
    numbers and errors of ``iter_usage``, with the same user and object keys, whatever mixture
    of fast (numpy) and row-by-row blocks."""
    from inspector_app.casepkg import logs
    from inspector_app.casepkg.logs import iter_usage_columns

    old = textio.CHUNK, logs.COLUMN_BLOCK
    textio.CHUNK = logs.COLUMN_BLOCK = block
    try:
        src = _Bytes({"u.csv": data})
        try:
            events: object = _event_columns(iter_usage(src, "u.csv"))  # type: ignore[arg-type]
        except PackageRefused as exc:
            events = (exc.code, exc.issue.line, exc.issue.message)
        try:
            blocks = iter_usage_columns(src, "u.csv", size=5)  # type: ignore[arg-type]
            got: object = list(_flat_columns(blocks))
        except PackageRefused as exc:
            got = (exc.code, exc.issue.line, exc.issue.message)
        assert got == events
    finally:
        textio.CHUNK, logs.COLUMN_BLOCK = old


def test_column_blocks_take_the_fast_path() -> None:
    """A plain +08:00 log comes as one numpy block with consecutive row numbers."""
    from inspector_app.casepkg.logs import iter_usage_columns

    rows = [
        f"2024-07-0{1 + i // 50000}T09:{i // 60 % 60:02d}:{i % 60:02d}+08:00,u{i % 7},view,o{i}"
        for i in range(2000)
    ]
    data = ("timestamp,user_id,action,object\n" + "\n".join(sorted(rows)) + "\n").encode()
    src = _Bytes({"u.csv": data})
    blocks = list(iter_usage_columns(src, "u.csv"))  # type: ignore[arg-type]
    assert len(blocks) == 1 and blocks[0].names._values is None  # the vectorised path
    assert blocks[0].rows.tolist() == list(range(1, 2001))
    expected = _event_columns(iter_usage(src, "u.csv"))  # type: ignore[arg-type]
    assert list(_flat_columns(blocks)) == expected


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize(
    "user, obj",
    [
        (" alice", "WO-1"),
        ("alice\t", "WO-1"),
        ("alice", "WO-1 "),
        ("alice", "\u3000工单"),
        ("\u00a0alice", "工单"),
        ("张三\u2003", "工单/WO-1"),
        ("alice", "报工单\x1f"),
        ("alice", ""),
    ],
)
def test_column_blocks_strip_like_the_row_reader(user: str, obj: str, encoding: str) -> None:
    """Fields with surrounding whitespace (ASCII, ideographic, no-break…) are stripped by the
    row-by-row reader; the vectorised path leaves such blocks to it, so both agree."""
    from inspector_app.casepkg.logs import iter_usage_columns

    class Hinted(_Bytes):
        def encoding_of(self, path: str) -> str:
            return encoding

    lines = [f"2024-07-01T09:00:{i:02d}+08:00,u{i % 3},view,o{i}" for i in range(40)]
    lines[20] = f"2024-07-01T09:00:20+08:00,{user},create,{obj}"
    data = ("timestamp,user_id,action,object\n" + "\n".join(lines) + "\n").encode(encoding)
    src = Hinted({"u.csv": data})
    expected = _event_columns(iter_usage(src, "u.csv"), encoding)  # type: ignore[arg-type]
    assert expected[20][1] == user.strip()
    got = list(_flat_columns(iter_usage_columns(src, "u.csv")))  # type: ignore[arg-type]
    assert got == expected


_PADS = ["", "", "", " ", "\u3000", "\u00a0", "\t"]
_WORDS = ["张三", "李四", "u1", "报工单", "工单/WO-7", "x", "質檢單", "ＡＢ"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(_WORDS),
            st.sampled_from(_PADS),
            st.sampled_from(ACTIONS),
            st.sampled_from(["", *_WORDS]),
            st.sampled_from(_PADS),
        ),
        min_size=1,
        max_size=60,
    ),
    encoding=st.sampled_from(["utf-8", "gb18030"]),
    block=st.sampled_from([64, 300, 1 << 20]),
)
def test_wide_text_reads_the_same_either_way(
    rows: list[tuple[str, str, str, str, str]], encoding: str, block: int
) -> None:
    """Chinese user ids and objects, some padded with white space, in UTF-8 or GB18030 (the
    encoding validation established): the column reader gives the rows of ``iter_usage``."""
    from inspector_app.casepkg import logs
    from inspector_app.casepkg.logs import iter_usage_columns

    class Hinted(_Bytes):
        def encoding_of(self, path: str) -> str:
            return encoding

    lines = [
        f"2024-07-01T09:{i // 60:02d}:{i % 60:02d}+08:00,{p}{u},{a},{o}{q}"
        for i, (u, p, a, o, q) in enumerate(rows)
    ]
    data = ("timestamp,user_id,action,object\n" + "\n".join(lines) + "\n").encode(encoding)
    old = textio.CHUNK, logs.COLUMN_BLOCK
    textio.CHUNK = logs.COLUMN_BLOCK = block
    try:
        src = Hinted({"u.csv": data})
        expected = _event_columns(iter_usage(src, "u.csv"), encoding)  # type: ignore[arg-type]
        got = list(_flat_columns(iter_usage_columns(src, "u.csv")))  # type: ignore[arg-type]
        assert got == expected
    finally:
        textio.CHUNK, logs.COLUMN_BLOCK = old
