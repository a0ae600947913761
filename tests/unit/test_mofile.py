"""inspector_app.mofile: the fast .mo reader builds what gettext.GNUTranslations builds, and
fails where and as gettext fails."""

from __future__ import annotations

import gettext
import io
import marshal
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector_app import i18n, mofile
from inspector_app.mofile import (
    CACHE_NAME,
    MoTranslations,
    _contiguous,
    _pieces,
    cache_bytes,
    from_cache,
    merge,
    read_catalogs,
    write_cache,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "resources" / "locale").glob("*/LC_MESSAGES/*.mo"))
MAGIC = 0x950412DE

HEADER = (
    b"Project-Id-Version: test\n"
    b"Content-Type: text/plain; charset=UTF-8\n"
    b"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    b"n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"
)


def build_mo(
    entries: Sequence[tuple[bytes, bytes]],
    *,
    order: str = "<",
    revision: int = 0,
    layout: str = "msgfmt",
    gap: bytes = b"\x00",
) -> bytes:
    """A .mo file: the 28-byte header, the two offset tables, then the strings, each followed
    by ``gap`` (msgfmt: all msgids, then all translations, NUL after each). ``layout``
    "reversed" writes the strings in the reverse order (the tables still in entry order)."""
    count = len(entries)
    start = 28 + 16 * count
    blob = bytearray()
    strings = [m for m, _ in entries] + [t for _, t in entries]
    places: dict[int, tuple[int, int]] = {}
    indices = range(len(strings))
    for i in reversed(indices) if layout == "reversed" else indices:
        places[i] = (len(strings[i]), start + len(blob))
        blob += strings[i] + gap
    table = [places[i] for i in indices]
    head = struct.pack(f"{order}7I", MAGIC, revision, count, 28, 28 + 8 * count, 0, 0)
    words = [w for pair in table for w in pair]
    return head + struct.pack(f"{order}{len(words)}I", *words) + bytes(blob)


def outcome(cls: type[gettext.GNUTranslations], data: bytes) -> tuple[object, ...]:
    """What reading ``data`` gives: the catalog (in order), info, charset and plural forms
    for n in 0..300, or the exception's type and arguments."""
    fh = io.BytesIO(data)
    fh.name = "x.mo"
    try:
        trans = cls(fh)
    except Exception as exc:
        return ("error", type(exc), exc.args)
    catalog = trans._catalog  # type: ignore[attr-defined]
    return (
        list(catalog.items()),
        trans._info,  # type: ignore[attr-defined]
        trans._charset,  # type: ignore[attr-defined]
        [trans.plural(n) for n in range(301)],  # type: ignore[attr-defined]
    )


def assert_as_gettext(data: bytes) -> tuple[object, ...]:
    expected = outcome(gettext.GNUTranslations, data)
    assert outcome(MoTranslations, data) == expected
    return expected


def fast(data: bytes) -> bool:
    """Whether the fast reader took ``data`` itself (not handed to gettext)."""
    return MoTranslations(None)._parse_fast(data)


SAMPLE = [
    (b"", HEADER),
    (b"Apple", "苹果".encode()),
    (b"ctx\x04Open", "打开（上下文）".encode()),
    (b"{n} file\x00{n} files", "{n} 个文件\x00{n} 个文件们\x00{n} 文件多".encode()),
    (b"Open", "打开".encode()),
    (b"empty", b""),
    (b"one\x00many", "一".encode()),
    (b"zebra", "斑马".encode()),
]


@pytest.mark.parametrize("mo", SHIPPED, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_every_shipped_catalog_reads_as_gettext_reads_it(mo: Path) -> None:
    data = mo.read_bytes()
    assert fast(data), "a catalog written by msgfmt takes the fast path"
    result = assert_as_gettext(data)
    assert result[0], "not empty"


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("layout", ["msgfmt", "reversed"])
def test_a_hand_built_catalog_in_both_byte_orders(order: str, layout: str) -> None:
    data = build_mo(SAMPLE, order=order, layout=layout)
    assert fast(data)
    assert_as_gettext(data)
    fh = io.BytesIO(data)
    trans = MoTranslations(fh)
    assert trans.gettext("Apple") == "苹果"
    assert trans.pgettext("ctx", "Open") == "打开（上下文）"
    assert trans.gettext("Open") == "打开"
    assert [trans.ngettext("{n} file", "{n} files", n) for n in (1, 3, 5, 11)] == [
        "{n} 个文件",
        "{n} 个文件们",
        "{n} 文件多",
        "{n} 文件多",
    ]
    assert trans.ngettext("one", "many", 1) == "一"
    assert trans.ngettext("one", "many", 2) == "many"  # no such form: the English plural
    assert trans.gettext("missing") == "missing"
    assert trans.info()["project-id-version"] == "test"
    assert trans.charset() == "UTF-8"


def test_strings_are_decoded_together_and_plural_entries_alone() -> None:
    """The fast reader decodes msgfmt's contiguous strings in runs; the entries with NULs of
    their own (plural messages, their forms) are found, each with its number of pieces."""
    data = build_mo(SAMPLE)
    count = len(SAMPLE)
    table = struct.unpack_from(f"<{4 * count}I", data, 28)
    mlens, mstarts = table[0 : 2 * count : 2], table[1 : 2 * count : 2]
    tlens, tstarts = table[2 * count :: 2], table[2 * count + 1 :: 2]
    mends, tends = _contiguous(mlens, mstarts), _contiguous(tlens, tstarts)
    assert mends is not None and tends is not None
    keys = _pieces(data, mstarts, mlens, mends, "UTF-8")
    texts = _pieces(data, tstarts, tlens, tends, "UTF-8")
    assert keys is not None and texts is not None
    assert keys[1] == {3: 2, 6: 2}
    assert texts[1] == {3: 3}
    assert keys[0][:3] == ["", "Apple", "ctx\x04Open"]
    # a byte between two strings that is not a NUL: not read in runs
    assert _pieces(build_mo(SAMPLE, gap=b"\x01"), mstarts, mlens, mends, "UTF-8") is None
    assert _contiguous(mlens, tuple(reversed(mstarts))) is None


def test_gaps_that_are_not_nul_and_nuls_of_their_own() -> None:
    """Strings separated by another byte than NUL, a translation with a NUL of its own: the
    same catalog as gettext's, whichever way it is read."""
    assert_as_gettext(build_mo(SAMPLE, gap=b"\x01"))
    assert_as_gettext(build_mo(SAMPLE, gap=b""))
    odd = [*SAMPLE[:2], (b"nul inside", b"a\x00b"), *SAMPLE[2:]]
    assert_as_gettext(build_mo(odd))
    no_header = [(b"Apple", b"apple"), (b"plain", b"text")]
    assert fast(build_mo(no_header))
    assert_as_gettext(build_mo(no_header))  # charset ascii, germanic plural


def test_a_header_that_is_not_first_is_read_as_gettext_reads_it() -> None:
    entries = [(b"Apple", b"apple"), (b"", HEADER), (b"Pear", "梨".encode())]
    data = build_mo(entries)
    assert_as_gettext(data)
    latin = [(b"", b"Content-Type: text/plain; charset=ISO-8859-1\n"), (b"caf\xe9", b"\xe9t\xe9")]
    assert_as_gettext(build_mo(latin))


def test_a_corrupt_or_truncated_file_fails_as_gettext_fails() -> None:
    good = build_mo(SAMPLE)
    bad_magic = b"\x00\x00\x00\x00" + good[4:]
    assert assert_as_gettext(bad_magic)[:2] == ("error", OSError)
    for revision in (2 << 16, 0xFFFF << 16):  # gettext reads major revisions 0 and 1
        assert assert_as_gettext(build_mo(SAMPLE, revision=revision))[:2] == ("error", OSError)
    assert_as_gettext(build_mo(SAMPLE, revision=1))  # a minor revision is read
    assert fast(build_mo(SAMPLE, revision=(1 << 16) | 1))
    errors = set()
    for size in range(len(good)):  # every truncation, the empty file included
        result = assert_as_gettext(good[:size])
        errors.add(result[1])
    assert errors == {struct.error, OSError}  # gettext's own: no IndexError from our code
    # an offset past the end of the file
    count = len(SAMPLE)
    broken = bytearray(good)
    struct.pack_into("<I", broken, 28 + 8 * count + 4, len(good) + 10)
    assert assert_as_gettext(bytes(broken))[:2] == ("error", OSError)
    # a translation that is not valid in its charset
    undecodable = build_mo([(b"", HEADER), (b"a", b"\xff\xfe")])
    assert assert_as_gettext(undecodable)[:2] == ("error", UnicodeDecodeError)
    assert_as_gettext(build_mo([(b"", b"Content-Type: text/plain; charset=NOPE\n"), (b"a", b"b")]))


def test_the_merged_translations_are_what_gettext_gives() -> None:
    """``merge`` (what ``translations()`` does without a current cache) reads every area with
    the fast reader; merged as before."""
    paths = sorted(i18n.catalog_folder("zh_CN").glob("*.mo"))
    merged = merge(read_catalogs(paths))
    areas = []
    for mo in paths:
        with mo.open("rb") as fh:
            areas.append(gettext.GNUTranslations(fh))
    expected = areas[0]
    for area in areas[1:]:
        expected.add_fallback(area)
        for key, value in area._catalog.items():  # type: ignore[attr-defined]
            expected._catalog.setdefault(key, value)  # type: ignore[attr-defined]
    assert list(merged._catalog.items()) == list(expected._catalog.items())  # type: ignore[attr-defined]
    assert merged.info() == expected.info()
    fallbacks = 0
    a: gettext.NullTranslations | None = merged
    b: gettext.NullTranslations | None = expected
    while a is not None and b is not None:
        assert isinstance(a, MoTranslations)
        assert a._catalog == b._catalog  # type: ignore[attr-defined]
        a, b = a._fallback, b._fallback  # type: ignore[attr-defined]
        fallbacks += 1
    assert a is None and b is None and fallbacks == len(areas)
    for key in expected._catalog:  # type: ignore[attr-defined]
        if isinstance(key, tuple):
            for n in (0, 1, 2, 7):
                assert merged.ngettext(key[0], "x", n) == expected.ngettext(key[0], "x", n)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU msgfmt not installed")
def test_a_catalog_compiled_by_msgfmt_with_three_plural_forms(tmp_path: Path) -> None:
    po = tmp_path / "t.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && '
        'n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        'msgid "{n} file"\nmsgid_plural "{n} files"\n'
        'msgstr[0] "{n} файл"\nmsgstr[1] "{n} файла"\nmsgstr[2] "{n} файлов"\n\n'
        'msgctxt "menu"\nmsgid "Open"\nmsgstr "Открыть"\n\n'
        'msgid "Open"\nmsgstr "Открыть файл"\n',
        encoding="utf-8",
    )
    mo = tmp_path / "t.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
    data = mo.read_bytes()
    assert fast(data)
    assert_as_gettext(data)
    trans = MoTranslations(io.BytesIO(data))
    assert trans.pgettext("menu", "Open") == "Открыть"
    assert [trans.ngettext("{n} file", "{n} files", n) for n in (1, 2, 5, 21)] == [
        "{n} файл",
        "{n} файла",
        "{n} файлов",
        "{n} файл",
    ]


TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
BYTES_WITH_NUL = st.binary(max_size=8)


@st.composite
def catalogs(draw: st.DrawFn) -> bytes:
    entries: list[tuple[bytes, bytes]] = []
    if draw(st.booleans()):
        charset = draw(st.sampled_from(["UTF-8", "utf-8", "ascii", "ISO-8859-1", "UTF-16"]))
        entries.append((b"", f"Content-Type: text/plain; charset={charset}\n".encode()))
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.booleans()):
            msgid = draw(TEXT).encode() + b"\x00" + draw(TEXT).encode()
            forms = draw(st.lists(TEXT, min_size=1, max_size=3))
            entries.append((msgid, "\x00".join(forms).encode()))
        else:
            entries.append((draw(TEXT).encode(), draw(TEXT).encode()))
    if draw(st.booleans()):  # odd bytes: NULs of their own, undecodable bytes, empty msgids
        at = draw(st.integers(0, len(entries)))
        entries.insert(at, (draw(BYTES_WITH_NUL), draw(BYTES_WITH_NUL)))
    if entries and draw(st.booleans()):
        entries.sort()  # msgfmt sorts the msgids
    data = build_mo(
        entries,
        order=draw(st.sampled_from(["<", ">"])),
        layout=draw(st.sampled_from(["msgfmt", "msgfmt", "reversed"])),
        gap=draw(st.sampled_from([b"\x00", b"\x00", b"\x00", b"\x01", b""])),
    )
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


@settings(max_examples=400, deadline=None)
@given(catalogs())
def test_any_catalog_reads_or_fails_as_gettext(data: bytes) -> None:
    assert_as_gettext(data)


# ---------------------------------------------------------------------------- the merged cache

LOCALES = sorted(
    p for p in (ROOT / "resources" / "locale").glob("*/LC_MESSAGES") if any(p.glob("*.mo"))
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty zh_CN catalog folder that ``i18n.translations`` reads."""
    where = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES"
    where.mkdir(parents=True)
    monkeypatch.setattr(i18n, "resource_path", tmp_path.joinpath)
    i18n.translations.cache_clear()
    yield where
    i18n.translations.cache_clear()


def _no_merge(files: object) -> MoTranslations:
    raise AssertionError("the catalogs were read: the cache was not used")


def observe(lang: str = "zh_CN") -> tuple[object, ...]:
    """Everything ``translations(lang)`` gives: its catalog (in order), info, charset, plural
    rule for 0..300, every lookup (gettext, pgettext, ngettext for 0..300, npgettext, and
    misses), and ``i18n.catalog``/``i18n.plural_catalog`` (which walk the fallbacks)."""
    i18n.translations.cache_clear()
    trans = i18n.translations(lang)
    assert isinstance(trans, MoTranslations)
    catalog = trans._catalog
    singles = [k for k in catalog if isinstance(k, str)] + ["not a message", "x\x04y"]
    plurals = [*sorted({k[0] for k in catalog if isinstance(k, tuple)}), "not a message"]
    counts = range(301)
    in_context = [m.partition("\x04") for m in plurals if "\x04" in m]
    return (
        list(catalog.items()),
        trans.info(),
        trans.charset(),
        [trans.plural(n) for n in counts],
        [trans.gettext(k) for k in singles],
        [trans.pgettext(*k.split("\x04", 1)) for k in singles if "\x04" in k],
        [trans.ngettext(m, "other", n) for m in plurals for n in counts],
        [trans.npgettext(c, m, "other", n) for c, _, m in in_context for n in counts],
        i18n.catalog(lang),
        i18n.plural_catalog(lang),
    )


def parsed_and_cached(
    monkeypatch: pytest.MonkeyPatch, lang: str = "zh_CN"
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """What ``translations(lang)`` gives with its cache ignored, and from the cache alone."""
    with monkeypatch.context() as m:
        m.setattr(mofile, "from_cache", lambda cache, files: None)
        parsed = observe(lang)
    with monkeypatch.context() as m:
        m.setattr(mofile, "merge", _no_merge)
        cached = observe(lang)
    i18n.translations.cache_clear()
    return parsed, cached


def catalogs_in(where: Path) -> list[tuple[Path, bytes]]:
    return read_catalogs(sorted(where.glob("*.mo")))


@pytest.mark.parametrize("source", LOCALES, ids=lambda p: p.parent.name)
def test_the_cache_of_every_shipped_language_gives_what_its_catalogs_give(
    source: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lang = source.parent.name
    where = folder.parents[1] / lang / "LC_MESSAGES"
    where.mkdir(parents=True, exist_ok=True)
    for mo in source.glob("*.mo"):
        shutil.copy(mo, where / mo.name)
    assert write_cache(where) == "written"
    parsed, cached = parsed_and_cached(monkeypatch, lang)
    assert cached == parsed
    entries = parsed[0]
    assert isinstance(entries, list) and len(entries) > 1000


def area(*entries: tuple[bytes, bytes], header: bytes = HEADER) -> bytes:
    return build_mo([(b"", header), *entries])


TWO_FORMS = b"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
ONE_FORM = b"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n"


@pytest.mark.parametrize(
    "areas",
    [
        # overlapping messages (the first area wins), contexts, plural messages
        {
            "a.mo": area(*SAMPLE[1:]),
            "b.mo": area(
                (b"Apple", "另一个苹果".encode()),
                (b"Banana", "香蕉".encode()),
                (b"ctx\x04Close", "关闭".encode()),
                (b"{n} dir\x00{n} dirs", "{n} 目录\x00{n} 目录们\x00{n} 目录多".encode()),
            ),
            "c.mo": area((b"{n} file\x00{n} files", b"x\x00y\x00z")),
        },
        # a form empty in the first area, given by a later one (plural_catalog takes it)
        {
            "a.mo": area((b"{n} file\x00{n} files", "\x00两个\x00".encode()), header=TWO_FORMS),
            "b.mo": area((b"Apple", "苹果".encode()), header=TWO_FORMS),
            "c.mo": area((b"{n} file\x00{n} files", "一\x00二\x00三".encode()), header=TWO_FORMS),
            "d.mo": area((b"{n} file\x00{n} files", b"1\x002\x003"), header=TWO_FORMS),
        },
        # one plural form, an area without header (gettext's default charset), one without entries
        {
            "a.mo": area((b"{n} page\x00{n} pages", "{n} 页".encode()), header=ONE_FORM),
            "b.mo": build_mo([]),
            "c.mo": area((b"Apple", "苹果".encode()), header=ONE_FORM),
        },
        # later areas without plural messages: their rules never count
        {
            "a.mo": area((b"{n} page\x00{n} pages", "{n} 页".encode()), header=ONE_FORM),
            "b.mo": area((b"Apple", "苹果".encode()), header=TWO_FORMS),
            "c.mo": build_mo([(b"Pear", b"li"), (b"", TWO_FORMS)]),  # read by gettext
        },
        # a single area, big-endian
        {"only.mo": build_mo([(b"", HEADER), *SAMPLE[1:]], order=">")},
    ],
    ids=["overlapping", "empty-form", "one-form", "other-rules", "single"],
)
def test_the_cache_gives_what_the_catalogs_give(
    areas: dict[str, bytes], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, data in areas.items():
        (folder / name).write_bytes(data)
    assert write_cache(folder) == "written"
    parsed, cached = parsed_and_cached(monkeypatch)
    assert cached == parsed


def test_an_empty_form_is_filled_from_a_later_catalog(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "a.mo").write_bytes(
        area((b"{n} file\x00{n} files", "\x00两个".encode()), header=TWO_FORMS)
    )
    (folder / "b.mo").write_bytes(
        area((b"{n} file\x00{n} files", "一\x00二".encode()), header=TWO_FORMS)
    )
    assert write_cache(folder) == "written"
    cached = from_cache(folder / CACHE_NAME, catalogs_in(folder))
    assert cached is not None and cached._fallback is not None  # type: ignore[attr-defined]
    monkeypatch.setattr(mofile, "merge", _no_merge)
    assert i18n.plural_catalog("zh_CN") == {"{n} file": ["一", "两个"]}
    assert i18n.translations("zh_CN").ngettext("{n} file", "{n} files", 1) == ""


@pytest.mark.parametrize(
    "areas",
    [
        {
            "a.mo": area((b"A", b"a"), header=TWO_FORMS),
            "b.mo": area((b"B\x00Bs", b"b"), header=ONE_FORM),
        },
        {"a.mo": area((b"A", b"a"), header=ONE_FORM), "b.mo": build_mo([(b"B\x00Bs", b"b")])},
        # the header not first: gettext reads that area (the fast reader does not know its rule)
        {"a.mo": build_mo([(b"A", b"a"), (b"", ONE_FORM)])},
        {
            "a.mo": area((b"A", b"a"), header=ONE_FORM),
            "b.mo": build_mo([(b"B\x00Bs", b"b"), (b"", ONE_FORM)]),
        },
    ],
    ids=["two-rules", "rule-and-default", "read-by-gettext", "plurals-read-by-gettext"],
)
def test_no_cache_when_one_object_cannot_stand_for_the_catalogs(
    areas: dict[str, bytes], folder: Path
) -> None:
    """``ngettext`` asks a fallback with its own rule: such catalogs are read each time."""
    for name, data in areas.items():
        (folder / name).write_bytes(data)
    assert cache_bytes(catalogs_in(folder)) is None
    (folder / CACHE_NAME).write_bytes(b"an old cache")
    assert write_cache(folder) == "removed"
    assert not (folder / CACHE_NAME).exists()
    assert write_cache(folder) == "none"


def test_a_stale_cache_is_ignored(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "a.mo").write_bytes(area((b"Apple", "苹果".encode())))
    (folder / "b.mo").write_bytes(area((b"Pear", "梨".encode())))
    (folder / "c.mo").write_bytes(area((b"Plum", "李子".encode())))
    assert write_cache(folder) == "written"
    cache = (folder / CACHE_NAME).read_bytes()
    assert from_cache(folder / CACHE_NAME, catalogs_in(folder)) is not None

    def current(expected: dict[str, str]) -> None:
        (folder / CACHE_NAME).write_bytes(cache)
        assert from_cache(folder / CACHE_NAME, catalogs_in(folder)) is None
        i18n.translations.cache_clear()
        assert i18n.catalog("zh_CN") == expected  # read from the catalogs, silently

    # one catalog changed, same size (its bytes differ)
    (folder / "b.mo").write_bytes(area((b"Pear", "桃".encode())))
    current({"Apple": "苹果", "Pear": "桃", "Plum": "李子"})
    # one added (first in name order: it wins)
    (folder / "0.mo").write_bytes(area((b"Apple", "青苹果".encode())))
    current({"Apple": "青苹果", "Pear": "桃", "Plum": "李子"})
    # one removed
    (folder / "c.mo").unlink()
    current({"Apple": "青苹果", "Pear": "桃"})
    # one renamed (the order of the areas may change)
    (folder / "0.mo").rename(folder / "z.mo")
    current({"Apple": "苹果", "Pear": "桃"})
    # the cache made again is used again
    assert write_cache(folder) == "written"
    monkeypatch.setattr(mofile, "merge", _no_merge)
    i18n.translations.cache_clear()
    assert i18n.catalog("zh_CN") == {"Apple": "苹果", "Pear": "桃"}


def _damaged(cache: bytes) -> list[bytes]:
    from zlib import crc32

    head = mofile._CACHE_HEAD
    magic, version, major, minor, crc = head.unpack_from(cache)
    payload = cache[head.size :]

    def framed(body: bytes, **kw: int) -> bytes:
        fields = {"version": version, "major": major, "minor": minor, "crc": crc32(body)} | kw
        return (
            head.pack(magic, fields["version"], fields["major"], fields["minor"], fields["crc"])
            + body
        )

    content = marshal.loads(payload)
    flipped = bytearray(cache)
    flipped[len(cache) // 2] ^= 0x01
    out = [
        cache[:n]
        for n in (0, 4, head.size - 1, head.size, head.size + 1, len(cache) // 2, len(cache) - 1)
    ]
    out += [
        bytes(flipped),
        b"xyz" + cache[3:],
        framed(payload, version=version + 1),
        framed(payload, minor=minor + 1),
        framed(payload, major=major - 1),
        framed(payload, crc=crc ^ 1),
        framed(b"\xff\x00garbage"),
        framed(marshal.dumps([1, 2, 3])),
        framed(marshal.dumps({k: v for k, v in content.items() if k != "fills"})),
        framed(marshal.dumps(content | {"catalog": list(content["catalog"].items())})),
        framed(marshal.dumps(content | {"plural": 0})),
        framed(marshal.dumps(content | {"files": content["files"][:-1]})),
        framed(marshal.dumps(content)[:-1]),
    ]
    return out


def test_a_damaged_cache_is_ignored(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "a.mo").write_bytes(area(*SAMPLE[1:]))
    (folder / "b.mo").write_bytes(area((b"Pear", "梨".encode())))
    assert write_cache(folder) == "written"
    parsed, cached = parsed_and_cached(monkeypatch)
    assert cached == parsed
    cache = (folder / CACHE_NAME).read_bytes()
    damaged = _damaged(cache)
    assert len(set(damaged)) == len(damaged) and cache not in damaged
    for data in damaged:
        (folder / CACHE_NAME).write_bytes(data)
        assert from_cache(folder / CACHE_NAME, catalogs_in(folder)) is None
        assert observe() == parsed
    (folder / CACHE_NAME).unlink()
    (folder / CACHE_NAME).mkdir()  # not even a file
    assert from_cache(folder / CACHE_NAME, catalogs_in(folder)) is None
    assert observe() == parsed


def test_a_po_without_its_mo_is_still_an_error_with_a_cache(folder: Path) -> None:
    (folder / "a.mo").write_bytes(area((b"Apple", "苹果".encode())))
    assert write_cache(folder) == "written"
    (folder / "b.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    with pytest.raises(i18n.CatalogMissing, match=r"b\.po"):
        i18n.translations("zh_CN")


def test_the_entry_point_writes_the_cache_once(folder: Path) -> None:
    (folder / "a.mo").write_bytes(area((b"Apple", "苹果".encode())))
    command = [sys.executable, "-m", "inspector_app.mofile", "--write-cache", str(folder)]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    assert first.stdout == f"written\t{folder}\n"
    assert from_cache(folder / CACHE_NAME, catalogs_in(folder)) is not None
    assert [p.name for p in folder.iterdir() if p.name != "a.mo"] == [CACHE_NAME]  # no temp
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert again.stdout == f"unchanged\t{folder}\n"
    usage = subprocess.run(command[:3], check=False, capture_output=True, text=True)
    assert usage.returncode == 2 and "usage" in usage.stderr


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU msgfmt not installed")
def test_compile_catalogs_writes_the_cache(tmp_path: Path) -> None:
    """tools/compile_catalogs.sh, on a copy of the catalogs' sources: every .mo and the cache."""
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "compile_catalogs.sh", tmp_path / "tools")
    source = ROOT / "resources" / "locale" / "zh_CN" / "LC_MESSAGES"
    where = tmp_path / "resources" / "locale" / "zh_CN" / "LC_MESSAGES"
    where.mkdir(parents=True)
    for po in source.glob("*.po"):
        shutil.copy(po, where / po.name)
    env = dict(os.environ, PYTHON=sys.executable, INSPECTOR_LANG="en")
    script = [str(tmp_path / "tools" / "compile_catalogs.sh")]
    done = subprocess.run(["bash", *script], env=env, capture_output=True, text=True, check=True)
    assert "wrote the merged cache" in done.stderr
    files = catalogs_in(where)
    assert len(files) == len(list(source.glob("*.po")))
    cached = from_cache(where / CACHE_NAME, files)
    assert cached is not None
    assert list(cached._catalog.items()) == list(merge(files)._catalog.items())
    again = subprocess.run(["bash", *script], env=env, capture_output=True, text=True, check=True)
    assert again.stderr == ""  # nothing compiled, the cache unchanged
