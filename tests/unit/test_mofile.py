"""inspector_app.mofile: the fast .mo reader builds what gettext.GNUTranslations builds, and
fails where and as gettext fails."""

from __future__ import annotations

import gettext
import io
import shutil
import struct
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector_app import i18n
from inspector_app.mofile import MoTranslations, _contiguous, _pieces

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
    """``translations()`` reads every area with the fast reader; merged as before."""
    i18n.translations.cache_clear()
    merged = i18n.translations("zh_CN")
    areas = []
    for mo in sorted(i18n.catalog_folder("zh_CN").glob("*.mo")):
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
