"""The cross-enterprise rules' algorithms: banded pHash lookup, document similarity after
removing names/numbers/dates, winnowed log-clone detection, provider price outliers."""

from __future__ import annotations

import io
import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from inspector_app.imaging import hamming
from sync.cross import documents as docmod
from sync.cross import logs as logmod
from sync.cross import photos as photomod
from sync.cross import prices as pricemod


# --------------------------------------------------------------------------- photos
@given(st.integers(0, 2**64 - 1), st.sets(st.integers(0, 63), max_size=6))
def test_bands_guarantee_a_shared_band_within_the_distance(h: int, flips: set[int]) -> None:
    other = h
    for bit in flips:
        other ^= 1 << bit
    widths = photomod.band_widths(6)
    assert len(widths) == 7 and sum(widths) == 64
    assert set(photomod.bands(h, widths)) & set(photomod.bands(other, widths))


def _jpeg(seed: int, *, shift: int = 0, quality: int = 90) -> bytes:
    rnd = random.Random(seed)
    img = Image.new("RGB", (640, 480), (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rnd.randrange(600), rnd.randrange(440)
        draw.rectangle(
            (x + shift, y, x + shift + rnd.randrange(40, 200), y + rnd.randrange(40, 200)),
            fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)),
        )
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def test_near_duplicate_photos_across_enterprises_only() -> None:
    import hashlib

    original = _jpeg(1)
    recompressed = _jpeg(1, quality=60)  # same scene, other bytes
    photos = []
    for uscc, path, data in [
        ("U1", "photos/a.jpg", original),
        ("U2", "photos/b.jpg", recompressed),
        ("U1", "photos/c.jpg", original),  # same enterprise: not a cross flag by itself
        *[(f"U{3 + i}", f"photos/x{i}.jpg", _jpeg(100 + i)) for i in range(20)],
    ]:
        photos.append(
            photomod.Photo(uscc, path, hashlib.sha256(data).hexdigest(), photomod.phash_bytes(data))
        )
    pairs = {(a.uscc, a.path, b.uscc, b.path) for a, b, _d in photomod.duplicate_pairs(photos, 6)}
    assert pairs == {
        ("U1", "photos/a.jpg", "U2", "photos/b.jpg"),
        ("U1", "photos/c.jpg", "U2", "photos/b.jpg"),
    }


def test_band_index_finds_exactly_the_pairs_a_full_scan_finds() -> None:
    rnd = random.Random(7)
    base = [rnd.getrandbits(64) for _ in range(200)]
    hashes = base + [b ^ (1 << rnd.randrange(64)) ^ (1 << rnd.randrange(64)) for b in base[:50]]
    photos = [photomod.Photo(f"U{i}", f"p{i}", f"{i:064x}", h) for i, h in enumerate(hashes)]
    found = {(a.path, b.path) for a, b, _ in photomod.duplicate_pairs(photos, 6)}
    brute = set()
    for i, a in enumerate(photos):
        for b in photos[i + 1 :]:
            assert a.phash is not None and b.phash is not None
            if hamming(a.phash, b.phash) <= 6:
                x, y = sorted((a, b), key=lambda p: (p.uscc, p.path))
                brute.add((x.path, y.path))
    assert found == brute and len(found) >= 50


# --------------------------------------------------------------------------- documents
REPORT = (
    "{company}数字化改造项目总结报告。本项目于{date}启动，由{provider}实施，部署制造执行系统，"
    "覆盖生产计划、生产报工与质量检验三个模块。上线后，车间工单全部在系统中流转，"
    "报工数据实时采集，质量问题可以追溯到工序和班组。项目累计投入{money}万元，"
    "培训员工{people}人次，关键设备联网率达到{rate}%。下一步将推进设备数据与计划排程的集成，"
    "并建立以数据为依据的绩效考核制度。"
)


def _doc(
    uscc: str, company: str, provider: str, *, date: str, money: str, people: str, rate: str
) -> docmod.Doc:
    text = REPORT.format(
        company=company, provider=provider, date=date, money=money, people=people, rate=rate
    )
    norm = docmod.normalise(text, [company, provider])
    return docmod.Doc(uscc, "docs/附件6_总结报告/总结.pdf", "", docmod.shingles(norm, 5))


def test_documents_equal_after_removing_names_numbers_dates() -> None:
    a = _doc(
        "U1",
        "昆明甲机械制造有限公司",
        "云南某软件有限公司",
        date="2024年5月7日",
        money="86.5",
        people="120",
        rate="62",
    )
    b = _doc(
        "U2",
        "曲靖乙食品有限公司",
        "贵州另一软件有限公司",
        date="2024-06-18",
        money="102",
        people="45",
        rate="71.3",
    )
    assert docmod.jaccard(a.grams, b.grams) == 1.0
    different = docmod.Doc(
        "U3",
        "docs/附件6/x.txt",
        "",
        docmod.shingles(
            docmod.normalise(
                "本企业通过云平台采购了财务软件，实现了凭证电子化和报表自动生成，管理效率明显提升。"
                * 3
            ),
            5,
        ),
    )
    pairs = [(x.uscc, y.uscc) for x, y, _s in docmod.similar_pairs([a, b, different], 0.9)]
    assert pairs == [("U1", "U2")]


def test_extract_text_of_docx_and_txt() -> None:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>报工系统</w:t></w:r><w:r><w:t>已上线</w:t></w:r></w:p></w:body></w:document>",
        )
    assert docmod.extract_text("a.docx", buf.getvalue()) == "报工系统已上线"
    assert docmod.extract_text("a.txt", "报工".encode("gb18030")) == "报工"
    assert docmod.extract_text("a.pdf", b"not a pdf") == ""


# --------------------------------------------------------------------------- logs
def _events(rnd: random.Random, n: int, t0: int) -> list[tuple[int, str, str]]:
    out, t = [], t0
    for _ in range(n):
        t += rnd.randint(1, 900)
        out.append(
            (t, rnd.choice(["view", "create", "update", "approve"]), f"WO-{rnd.randint(1, 80)}")
        )
    return out


def _log(uscc: str, events: list[tuple[int, str, str]]) -> logmod.Log:
    toks, heads = logmod.tokenize(events)
    return logmod.Log(uscc, "mes", f"logs/mes/{uscc}.csv", toks, heads)


@settings(max_examples=25, deadline=None)
@given(st.integers(150, 260), st.integers(0, 10**6), st.integers(0, 2**32))
def test_log_clone_found_exactly_at_the_threshold(run: int, offset: int, seed: int) -> None:
    rnd = random.Random(seed)
    source = _events(rnd, 600, 1_700_000_000)
    start = rnd.randrange(0, 600 - run)
    copied = source[start : start + run]
    shift = 86_400 * 400 + offset - copied[0][0]
    prefix = _events(rnd, 50, 1_500_000_000)
    # the event before the copied run differs in action, so the run has exactly `run` events
    prefix[-1] = (prefix[-1][0], "export", "ELSEWHERE")
    clone = (
        prefix
        + [(t + shift + 1_500_000_000, a, o) for t, a, o in copied]
        + [(4_000_000_000 + 5 * i, "logout", "-") for i in range(20)]
    )
    clone = sorted(clone)
    found = list(logmod.clone_pairs([_log("U1", source), _log("U2", clone)], 200))
    if run >= 200:
        assert len(found) == 1
        _a, _b, ea, eb, events = found[0]
        assert events >= run
        assert source[ea][1:] == clone[eb][1:]
    else:
        assert all(events < run + 2 for *_x, events in found)
        assert not any(events >= 200 for *_x, events in found)


def test_same_enterprise_logs_are_not_compared() -> None:
    rnd = random.Random(3)
    ev = _events(rnd, 400, 0)
    assert list(logmod.clone_pairs([_log("U1", ev), _log("U1", ev)], 200)) == []
    assert len(list(logmod.clone_pairs([_log("U1", ev), _log("U2", ev)], 200))) == 1


# --------------------------------------------------------------------------- prices
def test_price_outliers_against_the_providers_median() -> None:
    def price(uscc: str, value: str, provider: str = "P1") -> pricemod.Price:
        return pricemod.Price(uscc, provider, provider, "C-01", Decimal(value), "HT-1", 1)

    prices = [
        price("U1", "100"),
        price("U2", "110"),
        price("U3", "95"),
        price("U4", "260"),
        price("U5", "40"),
        price("U6", "900", provider="P2"),
        price("U7", "100", provider="P2"),
    ]
    out = [(o.price.uscc, o.median) for o in pricemod.outliers(prices, Decimal(2))]
    # median of P1 is 100: 260 > 200 and 40 < 50; P2 has too few enterprises
    assert out == [("U4", Decimal(100)), ("U5", Decimal(100))]
