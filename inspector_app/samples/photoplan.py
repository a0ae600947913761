"""Planning the evidence photos of a case: scenes, titles, dates, cameras, claims."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from inspector_app.samples.spec import Case, PhotoSpec
from inspector_app.values import TZ

D = timedelta


def local_time(d: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """The time of day on day ``d``, Kunming time."""
    return datetime.combine(d, time(hour, minute, second), TZ)


PHOTO_SCENES = (
    "terminal",
    "screen",
    "machine",
    "warehouse",
    "kanban",
    "server",
    "lab",
    "office",
    "scanner",
    "dashboard",
)
_PHOTO_TITLES = {
    "terminal": ("报工终端", "车间报工终端使用情况"),
    "screen": ("系统界面", "系统操作界面"),
    "machine": ("数控设备", "联网数控设备"),
    "warehouse": ("仓库扫码", "仓库扫码出入库"),
    "kanban": ("车间看板", "车间电子看板"),
    "server": ("机房", "服务器机柜及网络设备"),
    "lab": ("质检工位", "质检工位数据录入"),
    "office": ("培训现场", "系统上线培训"),
    "scanner": ("扫码作业", "物料扫码领用"),
    "dashboard": ("数据大屏", "生产数据驾驶舱"),
}
_CAMERAS = (
    ("HUAWEI", "Mate 40 Pro"),
    ("HUAWEI", "P50"),
    ("Xiaomi", "Redmi K60"),
    ("OPPO", "Reno8"),
    ("vivo", "X90"),
    ("Apple", "iPhone 13"),
)


#: Routine inspection photos in the large package.
LARGE_PHOTOS = 4300


def plan_inspection_photos(case: Case, n: int) -> list[PhotoSpec]:
    """Routine shop-floor photos (巡检照片) spread over the working days since go-live."""
    rng = random.Random(f"inspection-photos:{case.seed}")
    first = min(s.go_live for s in case.systems if s.go_live) + D(days=1)
    days = [first + D(days=i) for i in range((case.applied - first).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    make, model = "HUAWEI", "nova 11"
    out = []
    for k in range(n):
        d = days[k * len(days) // n]
        scene = PHOTO_SCENES[rng.randrange(len(PHOTO_SCENES))]
        short, title = _PHOTO_TITLES[scene]
        taken = local_time(d, rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
        out.append(
            PhotoSpec(
                f"photos/巡检/{d:%Y-%m}/{d:%Y%m%d}_{short}_{k:04d}.jpg",
                f"{title}（{d.month}月{d.day}日巡检 {k + 1}）",
                scene,
                taken,
                taken,
                make=make,
                model=model,
            )
        )
    return out


def plan_photos(case: Case, count: int | None = None) -> list[PhotoSpec]:
    """Evidence photos taken between go-live and the application, one before-photo sometimes."""
    rng = case.rng
    n = count if count is not None else rng.randint(4, 6)
    make, model = rng.choice(_CAMERAS)
    first = min(s.go_live for s in case.systems if s.go_live) + D(days=3)
    span = max(1, (case.applied - first).days)
    photos: list[PhotoSpec] = []
    scenes = list(PHOTO_SCENES)
    rng.shuffle(scenes)
    for i in range(n):
        scene = scenes[i % len(scenes)]
        short, title = _PHOTO_TITLES[scene]
        day = first + D(days=rng.randint(0, span))
        taken = local_time(day, rng.randint(9, 16), rng.randint(0, 59), rng.randint(0, 59))
        suffix = "" if i < len(scenes) else f"_{i // len(scenes) + 1}"
        photos.append(
            PhotoSpec(
                f"photos/{short}{suffix}.jpg",
                title + suffix.replace("_", " "),
                scene,
                taken,
                taken,
                make=make,
                model=model,
            )
        )
    if rng.random() < 0.6 or (count is None and case.seed == 0):
        day = case.registered - D(days=rng.randint(10, 60))
        taken = local_time(day, rng.randint(9, 16), rng.randint(0, 59))
        photos.append(
            PhotoSpec(
                "photos/改造前_手工台账.jpg",
                "改造前手工台账",
                "ledger",
                taken,
                taken,
                phase="before",
                make=make,
                model=model,
            )
        )
    return photos


_EVIDENCE = {
    "terminal": "S6",
    "screen": "Q5",
    "machine": "Q3",
    "warehouse": "S12",
    "kanban": "S6",
    "server": "Q6",
    "lab": "S7",
    "office": "Q10",
    "scanner": "S11",
    "dashboard": "Q4",
}


def link_evidence(case: Case) -> None:
    """The self-assessment cites the photos that support its answers."""
    ev: dict[str, list[str]] = {}
    for ph in case.photos:
        item = _EVIDENCE.get(ph.scene)
        if item is None or ph.phase == "before":
            continue
        if item.startswith("S") and case.answers.scenes.get(item, 0) == 0:
            continue
        ph.claim = item
        ev.setdefault(item, []).append(ph.path)
    ev.setdefault("Q9", []).append("docs/附件6_项目总结报告/项目总结报告.pdf")
    case.answers.evidence = ev
