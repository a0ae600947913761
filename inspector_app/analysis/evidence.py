"""Evidence rules: photos older than the project, edited photos, the same evidence used twice.

The images are decoded once by the engine (:func:`inspector_app.imaging.analyse_image`: EXIF
and pHash in one decode) and handed to these rules through ``ctx.images``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from inspector_app.analysis.context import Conditions, Context, make_flag, texts
from inspector_app.analysis.flags import Evidence, Flag
from inspector_app.casepkg.model import Document
from inspector_app.i18n import bi
from inspector_app.imaging import hamming
from inspector_app.values import TZ


def check_photo_dates(ctx: Context) -> list[Flag]:
    """PHOTO_PREDATES_PROJECT (佐证照片早于项目): a result photo taken before the project.

    Fires when a photo's EXIF ``DateTimeOriginal`` (read in +08:00 unless
    ``OffsetTimeOriginal`` says otherwise) falls on a date before ``registered_at``, unless the
    manifest marks it ``phase: before`` (改造前 photos are expected to be old). A photo of the
    transformation's result cannot predate the project.

    Known false positives: a camera whose clock was never set (dates in 2000 or 1970: the
    detail shows the date, the expert judges); a 'before' photo the producer did not mark.
    """
    flags = []
    for doc in ctx.package.photos:
        info = ctx.images.get(doc.path)
        if info is None or info.exif.datetime_original is None or doc.phase == "before":
            continue
        taken = info.exif.datetime_original.astimezone(TZ).date()
        if taken >= ctx.registered:
            continue
        days = (ctx.registered - taken).days
        title = texts(
            "Photo older than the project: taken {days} days before registration",
            days=days,
        )
        detail = texts(
            "{path}: EXIF DateTimeOriginal {taken}, project registered {registered}",
            path=doc.path,
            taken=info.exif.datetime_original.isoformat(),
            registered=ctx.registered.isoformat(),
        )
        flags.append(
            make_flag(
                "PHOTO_PREDATES_PROJECT",
                doc.path,
                title,
                [detail],
                bi(
                    "Go to the place shown in the photo and compare it with what stands there "
                    "today; ask who took the photo and when."
                ),
                [Evidence(doc.path)],
                {"days_before": days},
            )
        )
    return flags


def _editor(software: str | None, editors: Iterable[str]) -> str | None:
    if not software:
        return None
    low = software.casefold()
    for name in editors:
        if name.casefold() in low:
            return name
    return None


def check_photo_edits(ctx: Context) -> list[Flag]:
    """PHOTO_EDITED (照片疑似处理): a photo that went through an image editor.

    Fires when EXIF ``Software`` names an editor of the settings' list (Photoshop, GIMP,
    Lightroom, 美图秀秀, Snapseed, Meitu, PicsArt), or EXIF ``DateTime`` (last modified) is more
    than ``max_datetime_lag_hours`` (24) after ``DateTimeOriginal`` — a camera writes both at
    the same moment. A photo without EXIF is not flagged (its absence proves nothing) but is
    listed as such in the analysis result.

    Known false positives: cropping or brightening for the report, which does not change what
    the photo shows; phone gallery apps that rewrite DateTime when rotating a picture.
    """
    cfg = ctx.settings["PHOTO_EDITED"]
    lag_limit = cfg["max_datetime_lag_hours"] * 3600
    flags = []
    for doc in ctx.package.photos:
        info = ctx.images.get(doc.path)
        if info is None:
            continue
        exif = info.exif
        found = Conditions([Evidence(doc.path)])
        if _editor(exif.software, cfg["editors"]) is not None:
            found.add(
                texts("Photo looks edited: saved by {software}", software=exif.software),
                texts("{path}: EXIF Software {software}", path=doc.path, software=exif.software),
            )
        if exif.datetime is not None and exif.datetime_original is not None:
            lag = (exif.datetime - exif.datetime_original).total_seconds()
            if lag > lag_limit:
                found.add(
                    texts(
                        "Photo looks edited: modified {hours} hours after it was taken",
                        hours=f"{lag / 3600:.0f}",
                    ),
                    texts(
                        "{path}: EXIF DateTime {modified}, DateTimeOriginal {taken}",
                        path=doc.path,
                        modified=exif.datetime.isoformat(),
                        taken=exif.datetime_original.isoformat(),
                    ),
                )
        flag = found.flag(
            "PHOTO_EDITED",
            doc.path,
            bi(
                "Ask for the original file on the phone or camera that took it and compare; "
                "check on site that the scene looks as in the photo."
            ),
        )
        if flag is not None:
            flags.append(flag)
    return flags


def claims_by_path(ctx: Context) -> dict[str, frozenset[str]]:
    """The claims each entry supports: the self-assessment item ids citing it as evidence.
    (Goals carry no evidence paths; the manifest's attachment number is not a claim.)"""
    out: dict[str, set[str]] = defaultdict(set)
    for item_id, item in ctx.package.self_assessment.items.items():
        for path in item.evidence:
            out[path].add(item_id)
    return {k: frozenset(v) for k, v in out.items()}


def near_pairs(hashes: dict[str, int], max_distance: int) -> set[tuple[str, str]]:
    """Pairs of paths whose hashes are within ``max_distance`` bits (pigeonhole banding: split
    the 64 bits into ``max_distance + 1`` bands; two hashes that close agree on one band)."""
    bands = min(max_distance + 1, 64)
    widths = [64 // bands + (1 if i < 64 % bands else 0) for i in range(bands)]
    pairs: set[tuple[str, str]] = set()
    shift = 0
    for width in widths:
        mask = (1 << width) - 1
        buckets: dict[int, list[str]] = defaultdict(list)
        for path, h in hashes.items():
            buckets[(h >> shift) & mask].append(path)
        for paths in buckets.values():
            for i, a in enumerate(paths):
                for b in paths[i + 1 :]:
                    pair = (a, b) if a < b else (b, a)
                    if pair not in pairs and hamming(hashes[a], hashes[b]) <= max_distance:
                        pairs.add(pair)
        shift += width
    return pairs


def _differs(a: object, b: object) -> bool:
    return bool(a) and bool(b) and a != b


def check_duplicates(ctx: Context) -> list[Flag]:
    """DUPLICATE_EVIDENCE (重复佐证): the same evidence presented as two different things.

    Fires for two different entries (documents or photos) that are identical (same SHA-256)
    or near-identical images (pHash Hamming distance ≤ ``max_phash_distance``, 6 of 64 bits:
    survives re-compression, resizing and small crops; unrelated photos of the same workshop
    differ by 20 bits or more), when they support different claims (the self-assessment items
    citing them differ) or carry different titles in the manifest.

    Known false positives: two genuinely similar photos of identical machines side by side;
    one document that really supports two items under two titles.
    """
    max_d = ctx.settings["DUPLICATE_EVIDENCE"]["max_phash_distance"]
    docs: dict[str, Document] = {d.path: d for d in ctx.package.documents}
    claims = claims_by_path(ctx)
    identical: set[tuple[str, str]] = set()
    by_sha: dict[str, list[str]] = defaultdict(list)
    for d in docs.values():
        by_sha[d.sha256].append(d.path)
    for paths in by_sha.values():
        ps = sorted(paths)
        for i, first in enumerate(ps):
            for second in ps[i + 1 :]:
                identical.add((first, second))
    hashes = {
        path: info.phash
        for path, info in ctx.images.items()
        if info.phash is not None and path in docs
    }
    similar = near_pairs(hashes, max_d) - identical
    flags = []
    for pair in sorted(identical | similar):
        a, b = docs[pair[0]], docs[pair[1]]
        ca, cb = claims.get(a.path, frozenset()), claims.get(b.path, frozenset())
        ta, tb = (a.title or "").strip(), (b.title or "").strip()
        claims_differ, titles_differ = _differs(ca, cb), _differs(ta, tb)
        if not (claims_differ or titles_differ):
            continue
        if pair in identical:
            title = texts("Same evidence used twice: two identical files")
            how = texts("identical content (SHA-256 {sha})", sha=a.sha256[:12])
        else:
            distance = hamming(hashes[a.path], hashes[b.path])
            title = texts("Same evidence used twice: two images {bits} bits apart", bits=distance)
            how = texts("near-identical images ({bits} of 64 bits differ)", bits=distance)
        parts = [how]
        if claims_differ:
            parts.append(
                texts(
                    "{a} supports {claims_a}, {b} supports {claims_b}",
                    a=a.path,
                    b=b.path,
                    claims_a=",".join(sorted(ca)),
                    claims_b=",".join(sorted(cb)),
                )
            )
        if titles_differ:
            parts.append(texts("titled “{title_a}” and “{title_b}”", title_a=ta, title_b=tb))
        flags.append(
            make_flag(
                "DUPLICATE_EVIDENCE",
                f"{pair[0]}|{pair[1]}",
                title,
                parts,
                bi(
                    "Open both files side by side and ask the enterprise what each one shows; "
                    "ask to see the scene or the original of the second one."
                ),
                [Evidence(pair[0]), Evidence(pair[1])],
            )
        )
    return flags


def check(ctx: Context) -> list[Flag]:
    return [*check_photo_dates(ctx), *check_photo_edits(ctx), *check_duplicates(ctx)]
