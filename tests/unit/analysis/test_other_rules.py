"""Chronology, evidence, eligibility and goal rules; the engine's result, progress, cancel."""

from __future__ import annotations

import io
import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw

from inspector_app.analysis import analyze, chronology, eligibility, evidence
from inspector_app.casepkg.model import (
    Document,
    Goal,
    RecordCount,
    SelfAssessment,
    SelfAssessmentItem,
)
from inspector_app.errors import Cancelled
from inspector_app.progress import CancelToken
from tests.unit.analysis.builders import (
    APPLIED,
    GO_LIVE,
    REGISTERED,
    SIGNED,
    build,
    context,
    documents,
    every_day,
)

D = timedelta(days=1)


# --------------------------------------------------------------------------- chronology
def predates(**kw):
    """SYSTEM_PREDATES_PROJECT on the one system of ``build(**kw)``."""
    ctx = context(build(**kw))
    return chronology.check_predates(ctx, ctx.package.systems[0])


@pytest.mark.parametrize(("days", "fires"), [(30, False), (31, True)])
def test_go_live_before_the_contract(days: int, fires: bool) -> None:
    go_live = SIGNED - days * D
    flag = predates(system={"go_live": go_live}, events=every_day(SIGNED, APPLIED))
    assert (flag is not None) is fires
    if flag is not None:
        assert flag.id == "SYSTEM_PREDATES_PROJECT:mes"
        assert f"{days} days before the project" in flag.title_en
        assert flag.evidence[-1].path == "finance/contracts.csv"


def test_first_event_or_record_before_the_contract() -> None:
    flag = predates(events=every_day(SIGNED - 31 * D, APPLIED))
    assert flag is not None and flag.evidence[0].rows == (1, 1)
    assert "first usage event on 2024-08-20" in flag.detail
    records = [
        RecordCount(SIGNED - 40 * D, "工单", 0, 3, 1),  # nothing created: not counted
        RecordCount(SIGNED - 30 * D, "工单", 2, 0, 2),
    ]
    assert predates(records=records) is None
    records[1] = RecordCount(SIGNED - 31 * D, "工单", 2, 0, 2)
    flag = predates(records=records)
    assert flag is not None and flag.evidence[0].path == "logs/mes/records.csv"
    assert flag.evidence[0].rows == (2, 2)


def test_without_contracts_registration_is_the_reference() -> None:
    flag = predates(
        contracts=[],
        invoices=[],
        payments=[],
        items=[],
        system={"go_live": REGISTERED - 31 * D, "contract_no": None, "vendor_uscc": None},
        events=every_day(REGISTERED, APPLIED),
    )
    assert flag is not None and "project registered" in flag.detail
    assert flag.evidence[-1].pointer == "/registered_at"


@pytest.mark.parametrize(
    ("completed", "applied", "fires"),
    [
        (date(2025, 8, 31), date(2025, 11, 30), False),
        (date(2025, 8, 31), date(2025, 12, 1), True),
        (date(2025, 3, 20), date(2025, 6, 20), False),
        (date(2025, 3, 19), date(2025, 6, 20), True),
    ],
)
def test_deadline(completed: date, applied: date, fires: bool) -> None:
    ctx = context(build(project={"completed_at": completed, "acceptance_applied_at": applied}))
    flag = chronology.check_deadline(ctx)
    assert (flag is not None) is fires
    if flag is not None:
        assert flag.id == "DEADLINE_EXCEEDED" and "1 days after" in flag.title_en


# --------------------------------------------------------------------------- images
def picture(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    rnd = random.Random(seed)
    im = Image.new("RGB", size, (rnd.randrange(256),) * 3)
    d = ImageDraw.Draw(im)
    for _ in range(30):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        d.rectangle([x, y, x + rnd.randrange(200), y + rnd.randrange(200)], fill=rnd.randrange(256))
    return im


def jpeg(im: Image.Image, quality: int = 90, **tags: str) -> bytes:
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    names = {"software": 0x0131, "datetime": 0x0132}
    subs = {"original": 0x9003, "offset_original": 0x9011}
    raw: dict[bytes, bytes] = {}
    for key, given in tags.items():
        value = given
        if not value.isascii():  # as phones write it: UTF-8 bytes in the ASCII field
            encoded = value.encode("utf-8")
            placeholder = b"X" * len(encoded)
            raw[placeholder] = encoded
            value = placeholder.decode()
        if key in names:
            exif[names[key]] = value
        else:
            sub[subs[key]] = value
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, exif=exif)
    data = buf.getvalue()
    for placeholder, encoded in raw.items():
        data = data.replace(placeholder, encoded, 1)
    return data


def photo(path: str, data: bytes, **kw) -> Document:
    import hashlib

    return Document(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        attachment=kw.pop("attachment", 7),
        kind="photo",
        title=kw.pop("title", None),
        phase=kw.pop("phase", None),
    )


def with_photos(photos: dict[str, tuple[bytes, dict]], **kw):
    docs = documents() + [photo(p, data, **meta) for p, (data, meta) in photos.items()]
    return build(documents=docs, images={p: data for p, (data, _) in photos.items()}, **kw)


@pytest.mark.parametrize(
    ("taken", "offset", "phase", "fires"),
    [
        ("2024:09:01 23:59:59", None, None, True),
        ("2024:09:02 00:00:00", None, None, False),
        ("2024:09:01 23:59:59", None, "before", False),
        ("2024:09:01 20:00:00", "+00:00", None, False),  # 2024-09-02 04:00 in +08:00
        ("2024:09:01 15:59:59", "+00:00", None, True),
    ],
)
def test_photo_predates_project(
    taken: str, offset: str | None, phase: str | None, fires: bool
) -> None:
    tags = {"original": taken}
    if offset:
        tags["offset_original"] = offset
    pkg = with_photos({"photos/现场.jpg": (jpeg(picture(1), **tags), {"phase": phase})})
    got = evidence.check_photo_dates(context(pkg))
    assert [f.id for f in got] == (["PHOTO_PREDATES_PROJECT:photos/现场.jpg"] if fires else [])


@pytest.mark.parametrize(
    ("tags", "fires"),
    [
        ({"software": "Adobe Photoshop 25.0 (Windows)"}, True),
        ({"software": "美图秀秀"}, True),
        ({"software": "HUAWEI P60 V1.0"}, False),
        ({"original": "2025:01:01 10:00:00", "datetime": "2025:01:02 10:00:00"}, False),
        ({"original": "2025:01:01 10:00:00", "datetime": "2025:01:02 10:00:01"}, True),
    ],
)
def test_photo_edited(tags: dict[str, str], fires: bool) -> None:
    pkg = with_photos({"photos/a.jpg": (jpeg(picture(2), **tags), {})})
    got = evidence.check_photo_edits(context(pkg))
    assert [f.id for f in got] == (["PHOTO_EDITED:photos/a.jpg"] if fires else [])


def test_photo_without_exif_is_listed_not_flagged() -> None:
    buf = io.BytesIO()
    picture(3).save(buf, "JPEG")
    pkg = with_photos({"photos/b.jpg": (buf.getvalue(), {})})
    result = analyze(pkg)
    assert result.flags == []
    assert result.photos_without_exif == ["photos/b.jpg"]


def claims(**paths: list[str]) -> SelfAssessment:
    items = {}
    for item_id, evidence_paths in paths.items():
        items[item_id] = SelfAssessmentItem(item_id, answer="B", evidence=tuple(evidence_paths))
    return SelfAssessment("miit-2024", items)


def test_identical_files_with_different_titles_or_claims() -> None:
    data = jpeg(picture(4), original="2025:01:01 10:00:00")
    same = {"photos/a.jpg": (data, {"title": "产线"}), "photos/b.jpg": (data, {"title": "产线"})}
    assert evidence.check_duplicates(context(with_photos(same))) == []
    titled = {"photos/a.jpg": (data, {"title": "产线"}), "photos/b.jpg": (data, {"title": "仓库"})}
    (flag,) = evidence.check_duplicates(context(with_photos(titled)))
    assert flag.id == "DUPLICATE_EVIDENCE:photos/a.jpg|photos/b.jpg"
    assert "identical" in flag.title_en
    pkg = with_photos(same, self_assessment=claims(Q1=["photos/a.jpg"], S6=["photos/b.jpg"]))
    (flag,) = evidence.check_duplicates(context(pkg))
    assert "Q1" in flag.detail and "S6" in flag.detail
    # the same claim on both: not different claims
    pkg = with_photos(same, self_assessment=claims(Q1=["photos/a.jpg", "photos/b.jpg"]))
    assert evidence.check_duplicates(context(pkg)) == []


def test_near_identical_images() -> None:
    im = picture(5, (1200, 900))
    near = {
        "photos/a.jpg": (jpeg(im, 92), {"title": "一号机"}),
        "photos/b.jpg": (jpeg(im.resize((800, 600)), 60), {"title": "二号机"}),
        "photos/c.jpg": (jpeg(picture(6, (1200, 900))), {"title": "三号机"}),
    }
    got = evidence.check_duplicates(context(with_photos(near)))
    assert [f.id for f in got] == ["DUPLICATE_EVIDENCE:photos/a.jpg|photos/b.jpg"]
    assert "bits apart" in got[0].title_en
    ctx = context(with_photos(near), {"DUPLICATE_EVIDENCE": {"max_phash_distance": 0}})
    hashes = [ctx.images[p].phash for p in ("photos/a.jpg", "photos/b.jpg")]
    expected = [] if hashes[0] != hashes[1] else [got[0].id]
    assert [f.id for f in evidence.check_duplicates(ctx)] == expected


def test_near_pairs_banding_is_exact() -> None:
    rnd = random.Random(7)
    hashes = {f"p{i}": rnd.getrandbits(64) for i in range(300)}
    base = hashes["p0"]
    for k, bits in enumerate((1, 3, 6, 7)):
        flipped = base
        for b in rnd.sample(range(64), bits):
            flipped ^= 1 << b
        hashes[f"near{k}"] = flipped
    brute = {
        (a, b) for a in hashes for b in hashes if a < b and (hashes[a] ^ hashes[b]).bit_count() <= 6
    }
    assert evidence.near_pairs(hashes, 6) == brute
    assert ("near2", "p0") in brute and not any("near3" in p for p in brute if "p0" in p)


# --------------------------------------------------------------------------- eligibility
def test_materials_missing_and_folder_names() -> None:
    docs = [d for d in documents() if d.attachment != 3]
    (flag,) = eligibility.check_materials(context(build(documents=docs)))
    assert flag.id == "MATERIALS_MISSING:3" and "财务核查表" in flag.title
    folder_only = replace(docs[0], path="docs/附件3_财务核查表/表.pdf", attachment=None)
    assert eligibility.check_materials(context(build(documents=[*docs, folder_only]))) == []
    wrong = replace(docs[0], path="docs/附件30/表.pdf", attachment=None)
    assert len(eligibility.check_materials(context(build(documents=[*docs, wrong])))) == 1
    ctx = context(build(documents=docs), {"MATERIALS_MISSING": {"required": [1, 2]}})
    assert eligibility.check_materials(ctx) == []


def test_duplicate_funding() -> None:
    from inspector_app.casepkg.model import PriorSupport

    assert eligibility.check_funding(context(build())) is None
    flag = eligibility.check_funding(
        context(build(enterprise={"prior_support": PriorSupport(True, True)}))
    )
    assert flag is not None and flag.id == "DUPLICATE_FUNDING"
    assert len(flag.evidence) == 2 and "小巨人" in flag.title


def goal(key: str, claimed: str) -> Goal:
    return Goal("活跃用户数", "人", Decimal(0), Decimal(10), Decimal(claimed), key, "mes")


@pytest.mark.parametrize(("claimed", "fires"), [("12", False), ("12.01", True)])
def test_goal_active_users(claimed: str, fires: bool) -> None:
    # 10 distinct users in window(90, applied), others before it
    events = every_day(APPLIED - 89 * D, APPLIED, per_day=1)
    events = [(t, f"u{i % 10}", a, o) for i, (t, _u, a, o) in enumerate(events)]
    early = [(t, "old", a, o) for t, _u, a, o in every_day(GO_LIVE, GO_LIVE + 5 * D)]
    pkg = build(project={"goals": (goal("active_users", claimed),)}, events=early + events)
    got = eligibility.check_goals(context(pkg))
    assert [f.id for f in got] == (["GOAL_UNSUPPORTED:goals/0"] if fires else [])
    if fires:
        assert got[0].evidence[0].pointer == "/goals/0"
        assert "data shows 10" in got[0].title_en


def test_goal_records_per_month() -> None:
    first = APPLIED - 89 * D
    records = [RecordCount(first + i * D, "工单", 10, 0, i + 1) for i in range(90)]
    records.append(RecordCount(first - D, "工单", 1000, 0, 91))  # outside the window
    pkg = build(project={"goals": (goal("records_per_month", "360"),)}, records=records)
    assert eligibility.check_goals(context(pkg)) == []  # 900 / 3 = 300; 360 = 120 %
    pkg = build(project={"goals": (goal("records_per_month", "360.1"),)}, records=records)
    (flag,) = eligibility.check_goals(context(pkg))
    assert flag.evidence[1].path == "logs/mes/records.csv"


def test_self_assessment_inflated() -> None:
    empty = SelfAssessment("miit-2024", {}, claimed_score=Decimal(2), claimed_level=0)
    assert eligibility.check_self_assessment(context(build(self_assessment=empty))) is None
    over = replace(empty, claimed_score=Decimal("2.1"))
    flag = eligibility.check_self_assessment(context(build(self_assessment=over)))
    assert flag is not None and flag.id == "SELF_ASSESSMENT_INFLATED"
    assert "claims 2.1 points, the answers give 0" in flag.title_en
    level = replace(empty, claimed_level=1)
    flag = eligibility.check_self_assessment(context(build(self_assessment=level)))
    assert flag is not None and flag.evidence[0].pointer == "/claimed_level"
    unknown = replace(over, checklist="no-such-checklist")
    assert eligibility.check_self_assessment(context(build(self_assessment=unknown))) is None


# --------------------------------------------------------------------------- engine
def test_result_json_and_usage_statistics() -> None:
    result = analyze(build(events=every_day(APPLIED - 59 * D, APPLIED, per_day=2)))
    data = result.to_json()
    stats = data["usage"]["mes"]
    assert stats["events"] == 120
    assert stats["first_event"].startswith((APPLIED - 59 * D).isoformat())
    assert stats["last_event"].startswith(APPLIED.isoformat())
    assert stats["active_days_last_90"] == 60
    assert stats["distinct_users_last_90"] == 7
    assert stats["share_last_30"] == 0.5
    assert sum(stats["hours"]) == 120 and stats["hours"][9] == 60
    assert len(stats["daily"]) == 60 and stats["daily"][0]["events"] == 2
    assert data["settings_sha256"] == result.settings_sha256


def test_package_settings_and_rules_file_are_layered() -> None:
    pkg = build(rules={"USAGE_FEW_USERS": {"min_user_share": 0.9}})
    assert [f.id for f in analyze(pkg).flags] == ["USAGE_FEW_USERS:mes"]  # 12 of 20 users
    again = analyze(pkg, rules_file_layer={"USAGE_FEW_USERS": {"min_user_share": 0.5}})
    assert again.flags == []


def test_progress_and_cancel() -> None:
    seen: list[tuple[int, int | None, str]] = []
    base = every_day(GO_LIVE, APPLIED, per_day=1)
    events = [(t + k, u, a, o) for t, u, a, o in base for k in range(0, 800, 2)]  # > 65,536
    analyze(build(events=events), progress=lambda d, t, s: seen.append((d, t, s)))
    assert any("mes" in text for _, _, text in seen)
    assert any("65,536" in text for _, _, text in seen)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        analyze(build(), cancel=token)
