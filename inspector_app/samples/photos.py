"""Synthetic evidence photos (JPEG with EXIF) and the 64-bit DCT perceptual hash.

Each photo is a drawn scene — a 报工终端 on its stand, a monitor with the system's screen, a
CNC machine, warehouse racks, an LED 看板, a server cabinet, a quality-check bench, a training
room, a barcode scan, a data wall, or (before the transformation) a handwritten ledger — with
its composition, colours and framing drawn from the photo's own seed, then "photographed":
a small rotation and crop, lens blur and sensor noise. Photos of one package are checked to
be far apart in pHash (distance > :data:`MIN_DISTANCE`), so that only a planted duplicate is
ever near-identical.

EXIF carries Make, Model, DateTime, DateTimeOriginal, DateTimeDigitized and
OffsetTimeOriginal (+08:00), as a phone writes them; ``Software`` only when a scenario plants
an editor.
"""

from __future__ import annotations

import io
import random
import zlib
from collections.abc import Callable
from datetime import datetime
from functools import cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from inspector_app.imaging import hamming
from inspector_app.imaging import phash as imaging_phash
from inspector_app.resources import cjk_font_path

#: Photos of one package differ by more than this many pHash bits (the rule's default is 6).
MIN_DISTANCE = 12

Draw = ImageDraw.ImageDraw
RGB = tuple[int, int, int]


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font_path()
    if path is None:
        return ImageFont.load_default()
    return ImageFont.truetype(str(path), size)


def _c(rng: random.Random, base: RGB, spread: int = 30) -> RGB:
    r, g, b = (max(0, min(255, v + rng.randint(-spread, spread))) for v in base)
    return (r, g, b)


def _gradient(img: Image.Image, top: RGB, bottom: RGB, y0: int = 0, y1: int | None = None) -> None:
    d = ImageDraw.Draw(img)
    y1 = img.height if y1 is None else y1
    for y in range(y0, y1):
        t = (y - y0) / max(1, y1 - y0 - 1)
        d.line(
            [(0, y), (img.width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )


def _floor(img: Image.Image, rng: random.Random, horizon: int, color: RGB) -> None:
    _gradient(img, _c(rng, color), _c(rng, tuple(max(0, v - 50) for v in color)), horizon)  # type: ignore[arg-type]
    d = ImageDraw.Draw(img)
    cx = rng.randint(img.width // 4, 3 * img.width // 4)
    for k in range(-8, 9):
        d.line(
            [(cx, horizon), (cx + k * img.width // 5, img.height)],
            fill=_c(rng, (200, 200, 80), 20),
            width=1,
        )


def _table_ui(d: Draw, rng: random.Random, box: tuple[int, int, int, int], accent: RGB) -> None:
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=(240, 242, 245))
    side = x0 + (x1 - x0) // rng.randint(4, 7)
    d.rectangle((x0, y0, side, y1), fill=accent)
    d.rectangle((side, y0, x1, y0 + (y1 - y0) // 9), fill=tuple(min(255, v + 40) for v in accent))
    rows = rng.randint(6, 12)
    h = (y1 - y0) * 0.8 / rows
    for r in range(rows):
        y = y0 + (y1 - y0) * 0.15 + r * h
        fill = (255, 255, 255) if r % 2 else (228, 232, 238)
        d.rectangle((side + 6, y, x1 - 6, y + h - 2), fill=fill)
        for c in range(rng.randint(3, 6)):
            cx = side + 12 + c * (x1 - side) / 6
            d.line(
                [(cx, y + h / 2), (cx + rng.randint(10, 40), y + h / 2)],
                fill=(90, 90, 100),
                width=2,
            )


def scene_terminal(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (200, 205, 210)), _c(rng, (150, 155, 160)), 0, h * 2 // 3)
    _floor(img, rng, h * 2 // 3, (110, 120, 110))
    d = ImageDraw.Draw(img)
    cx = rng.randint(w // 3, 2 * w // 3)
    tw, th = rng.randint(w // 5, w // 3), rng.randint(h // 5, h // 3)
    top = rng.randint(h // 6, h // 3)
    d.rectangle((cx - 8, top + th, cx + 8, h * 5 // 6), fill=(60, 60, 60))
    d.rectangle((cx - tw // 2 - 12, top - 12, cx + tw // 2 + 12, top + th + 12), fill=(25, 25, 28))
    _table_ui(d, rng, (cx - tw // 2, top, cx + tw // 2, top + th), _c(rng, (30, 90, 170)))
    d.text(
        (cx - tw // 2, top + th + 20), "报工终端", font=_font(max(12, h // 30)), fill=(20, 20, 20)
    )


def scene_screen(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (235, 230, 220)), _c(rng, (210, 200, 190)), 0, h * 3 // 5)
    _gradient(img, _c(rng, (150, 100, 60)), _c(rng, (110, 70, 40)), h * 3 // 5, h)
    d = ImageDraw.Draw(img)
    mw, mh = rng.randint(w // 2, w * 3 // 4), rng.randint(h // 3, h // 2)
    x0 = rng.randint(10, w - mw - 10)
    y0 = h * 3 // 5 - mh - rng.randint(20, 60)
    d.rectangle((x0 - 14, y0 - 14, x0 + mw + 14, y0 + mh + 14), fill=(20, 20, 22))
    _table_ui(d, rng, (x0, y0, x0 + mw, y0 + mh), _c(rng, (20, 60, 120)))
    d.rectangle(
        (x0 + mw // 2 - 20, y0 + mh + 14, x0 + mw // 2 + 20, h * 3 // 5 + 10), fill=(40, 40, 40)
    )
    kx = rng.randint(w // 8, w // 2)
    d.rectangle((kx, h * 4 // 5, kx + w // 3, h * 4 // 5 + h // 14), fill=(50, 50, 55))


def scene_machine(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (180, 190, 200)), _c(rng, (140, 150, 160)), 0, h * 3 // 4)
    _floor(img, rng, h * 3 // 4, (90, 110, 95))
    d = ImageDraw.Draw(img)
    body = _c(rng, (70, 110, 160), 40)
    x0, x1 = rng.randint(0, w // 5), rng.randint(w * 3 // 5, w)
    y0 = rng.randint(h // 8, h // 3)
    d.rectangle((x0, y0, x1, h * 3 // 4 + 20), fill=body)
    wx0 = x0 + (x1 - x0) // 8
    d.rectangle(
        (wx0, y0 + 30, wx0 + (x1 - x0) // 2, y0 + (h * 3 // 4 - y0) * 2 // 3), fill=(60, 70, 75)
    )
    d.rectangle((wx0 + 10, y0 + 40, wx0 + (x1 - x0) // 2 - 10, y0 + 60), fill=(180, 200, 210))
    px = x1 - (x1 - x0) // 4
    d.rectangle((px, y0 + 40, x1 - 15, y0 + 40 + h // 4), fill=(30, 30, 30))
    for k in range(12):
        d.ellipse(
            (
                px + 8 + (k % 4) * 14,
                y0 + 60 + (k // 4) * 14,
                px + 16 + (k % 4) * 14,
                y0 + 68 + (k // 4) * 14,
            ),
            fill=_c(rng, (200, 200, 200)),
        )
    d.rectangle((x1 - 30, y0 - 40, x1 - 22, y0), fill=(80, 80, 80))
    d.ellipse((x1 - 36, y0 - 60, x1 - 16, y0 - 40), fill=rng.choice(((0, 200, 60), (255, 160, 0))))


def scene_warehouse(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (120, 125, 130)), _c(rng, (90, 90, 95)), 0, h * 4 // 5)
    _floor(img, rng, h * 4 // 5, (160, 160, 150))
    d = ImageDraw.Draw(img)
    bays = rng.randint(3, 6)
    levels = rng.randint(3, 5)
    bw = w / bays
    for b in range(bays + 1):
        d.rectangle((b * bw - 6, 0, b * bw + 6, h * 4 // 5), fill=(230, 110, 20))
    for lv in range(levels):
        y = h * 4 // 5 - (lv + 1) * (h * 4 // 5) / levels
        d.rectangle((0, y, w, y + 10), fill=(30, 70, 160))
        for b in range(bays):
            for k in range(rng.randint(1, 3)):
                bx = b * bw + 12 + k * bw / 3
                bh = rng.randint(20, int(h * 0.8 / levels) - 15)
                d.rectangle((bx, y - bh, bx + bw / 3 - 8, y), fill=_c(rng, (170, 130, 80), 25))


def scene_kanban(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (220, 220, 215)), _c(rng, (190, 190, 185)))
    d = ImageDraw.Draw(img)
    x0, y0 = rng.randint(20, w // 6), rng.randint(20, h // 5)
    x1, y1 = rng.randint(w * 5 // 6, w - 20), rng.randint(h * 3 // 5, h * 4 // 5)
    d.rectangle((x0 - 10, y0 - 10, x1 + 10, y1 + 10), fill=(50, 50, 50))
    d.rectangle((x0, y0, x1, y1), fill=(5, 10, 30))
    f = _font(max(12, (y1 - y0) // 10))
    d.text(
        (x0 + 20, y0 + 10),
        rng.choice(("生产看板", "车间生产实时看板", "今日生产进度")),
        font=f,
        fill=(255, 60, 40),
    )
    rows = rng.randint(3, 6)
    for r in range(rows):
        y = y0 + (y1 - y0) * (0.25 + 0.7 * r / rows)
        d.text((x0 + 20, y), f"{rng.choice('ABCDEF')}线", font=f, fill=(0, 255, 120))
        frac = rng.uniform(0.2, 1.0)
        d.rectangle(
            (
                x0 + (x1 - x0) * 0.3,
                y + 4,
                x0 + (x1 - x0) * (0.3 + 0.6 * frac),
                y + (y1 - y0) * 0.5 / rows,
            ),
            fill=rng.choice(((0, 200, 255), (255, 200, 0), (0, 230, 90))),
        )


def scene_server(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (225, 230, 235)), _c(rng, (200, 205, 210)))
    d = ImageDraw.Draw(img)
    racks = rng.randint(1, 3)
    rw = w // (racks + 1)
    for r in range(racks):
        x0 = rw // 2 + r * rw + rng.randint(-20, 20)
        d.rectangle((x0, h // 10, x0 + rw - 20, h), fill=(20, 22, 25))
        for u in range(rng.randint(8, 20)):
            y = h // 10 + 20 + u * (h * 0.85) / 20
            d.rectangle((x0 + 10, y, x0 + rw - 30, y + 12), fill=(55, 58, 62))
            for k in range(rng.randint(1, 6)):
                lx = x0 + 14 + k * 9
                d.rectangle(
                    (lx, y + 4, lx + 4, y + 8),
                    fill=rng.choice(((0, 255, 0), (255, 160, 0), (60, 160, 255))),
                )


def scene_lab(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (240, 240, 240)), _c(rng, (215, 220, 220)), 0, h // 2)
    _gradient(img, _c(rng, (40, 120, 90)), _c(rng, (30, 90, 70)), h // 2, h)
    d = ImageDraw.Draw(img)
    for _ in range(rng.randint(3, 6)):
        x = rng.randint(0, w - w // 6)
        bw, bh = rng.randint(w // 12, w // 5), rng.randint(h // 10, h // 3)
        d.rectangle((x, h // 2 - bh, x + bw, h // 2 + 10), fill=_c(rng, (200, 200, 205), 40))
        d.rectangle((x + 6, h // 2 - bh + 8, x + bw - 6, h // 2 - bh + bh // 3), fill=(20, 40, 60))
    for _ in range(rng.randint(4, 9)):
        x, y = rng.randint(0, w), rng.randint(h // 2 + 20, h - 20)
        r = rng.randint(8, 30)
        d.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=_c(rng, (180, 180, 190), 50))


def scene_office(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (230, 225, 210)), _c(rng, (200, 195, 180)))
    d = ImageDraw.Draw(img)
    sx0, sx1 = rng.randint(w // 6, w // 3), rng.randint(w * 2 // 3, w * 5 // 6)
    d.rectangle((sx0, h // 12, sx1, h // 2), fill=(250, 250, 252))
    _table_ui(d, rng, (sx0 + 20, h // 12 + 20, sx1 - 20, h // 2 - 20), _c(rng, (200, 60, 40)))
    for row in range(rng.randint(2, 4)):
        y = h * 0.6 + row * h * 0.14
        size = 18 + row * 10
        for k in range(int(w / (size * 2.6))):
            x = k * size * 2.6 + rng.randint(0, size)
            d.ellipse((x, y, x + size * 1.6, y + size * 1.8), fill=_c(rng, (30, 25, 20), 15))
            d.rectangle(
                (x - size * 0.3, y + size * 1.6, x + size * 1.9, y + size * 3.5),
                fill=_c(rng, (60, 70, 110), 60),
            )


def scene_scanner(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (170, 160, 150)), _c(rng, (120, 115, 110)))
    d = ImageDraw.Draw(img)
    bx0, by0 = rng.randint(0, w // 4), rng.randint(h // 4, h // 2)
    d.rectangle((bx0, by0, bx0 + w * 2 // 3, h), fill=_c(rng, (190, 150, 100)))
    lx, ly = bx0 + rng.randint(30, w // 4), by0 + rng.randint(30, h // 6)
    d.rectangle((lx, ly, lx + w // 4, ly + h // 5), fill=(250, 250, 250))
    x = lx + 10
    while x < lx + w // 4 - 10:
        bw = rng.choice((2, 2, 3, 5))
        d.rectangle((x, ly + 10, x + bw, ly + h // 5 - 25), fill=(0, 0, 0))
        x += bw + rng.choice((2, 3, 4))
    sx, sy = rng.randint(w // 2, w - w // 5), rng.randint(h // 8, h // 3)
    d.polygon(
        [(sx, sy), (sx + w // 6, sy - 20), (sx + w // 6 + 30, sy + 60), (sx + 20, sy + 90)],
        fill=(30, 30, 35),
    )
    d.line([(sx, sy + 40), (lx + w // 8, ly + h // 10)], fill=(255, 0, 0), width=3)
    d.ellipse((sx + 40, sy + 60, sx + 140, sy + 200), fill=_c(rng, (225, 180, 150), 20))


def scene_dashboard(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (15, 25, 60)), _c(rng, (5, 10, 30)))
    d = ImageDraw.Draw(img)
    f = _font(max(12, h // 22))
    d.text((w // 3, 12), "生产数据驾驶舱", font=f, fill=(120, 200, 255))
    panels = [
        (0.03, 0.15, 0.32, 0.55),
        (0.35, 0.15, 0.65, 0.55),
        (0.68, 0.15, 0.97, 0.55),
        (0.03, 0.6, 0.48, 0.95),
        (0.52, 0.6, 0.97, 0.95),
    ]
    rng.shuffle(panels)
    for i, (a, b, c, e) in enumerate(panels[: rng.randint(3, 5)]):
        box = (w * a, h * b, w * c, h * e)
        d.rectangle(box, outline=(60, 140, 255), width=2)
        if i % 3 == 0:
            pts = [
                (
                    box[0] + k * (box[2] - box[0]) / 12,
                    box[3] - rng.uniform(0.1, 0.9) * (box[3] - box[1]),
                )
                for k in range(13)
            ]
            d.line(pts, fill=(0, 255, 200), width=3)
        elif i % 3 == 1:
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            r = min(box[2] - box[0], box[3] - box[1]) / 2.5
            start = 0.0
            for col in ((255, 180, 0), (0, 200, 255), (255, 80, 120), (120, 255, 120)):
                ext = rng.uniform(40, 140)
                d.pieslice((cx - r, cy - r, cx + r, cy + r), start, start + ext, fill=col)
                start += ext
        else:
            n = rng.randint(5, 10)
            for k in range(n):
                bh = rng.uniform(0.1, 0.9) * (box[3] - box[1])
                x = box[0] + 8 + k * (box[2] - box[0] - 16) / n
                d.rectangle(
                    (x, box[3] - bh, x + (box[2] - box[0]) / n * 0.6, box[3] - 4),
                    fill=(80, 160, 255),
                )


def scene_ledger(img: Image.Image, rng: random.Random) -> None:
    w, h = img.size
    _gradient(img, _c(rng, (120, 80, 50)), _c(rng, (90, 60, 35)))
    d = ImageDraw.Draw(img)
    px0, py0 = rng.randint(w // 10, w // 4), rng.randint(h // 12, h // 6)
    px1, py1 = w - rng.randint(w // 10, w // 4), h - rng.randint(h // 12, h // 6)
    d.rectangle((px0, py0, px1, py1), fill=(245, 240, 225))
    d.line([((px0 + px1) // 2, py0), ((px0 + px1) // 2, py1)], fill=(180, 170, 150), width=3)
    f = _font(max(10, h // 40))
    y = py0 + 30
    while y < py1 - 20:
        d.line([(px0 + 10, y), (px1 - 10, y)], fill=(170, 190, 220), width=1)
        for half in (0, 1):
            x = px0 + 20 + half * (px1 - px0) // 2
            d.text(
                (x, y - h // 40 - 2),
                rng.choice(("领料", "入库", "报工", "出库", "盘点")) + f" {rng.randint(1, 300)}件",
                font=f,
                fill=(40, 40, 90),
            )
        y += h // 22


SCENES: dict[str, Callable[[Image.Image, random.Random], None]] = {
    "terminal": scene_terminal,
    "screen": scene_screen,
    "machine": scene_machine,
    "warehouse": scene_warehouse,
    "kanban": scene_kanban,
    "server": scene_server,
    "lab": scene_lab,
    "office": scene_office,
    "scanner": scene_scanner,
    "dashboard": scene_dashboard,
    "ledger": scene_ledger,
}


def render(scene: str, seed: str, size: tuple[int, int], *, noise: float = 6.0) -> Image.Image:
    """Draw ``scene`` and "photograph" it: framing, tilt, uneven light, blur, sensor noise."""
    rng = random.Random(seed)
    w, h = size
    big = Image.new("RGB", (int(w * 1.3), int(h * 1.3)), (128, 128, 128))
    SCENES[scene](big, rng)
    angle = rng.uniform(-6, 6)
    big = big.rotate(
        angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=(90, 90, 90)
    )
    zoom = rng.uniform(0.62, 0.8)
    cw, ch = int(big.width * zoom), int(big.height * zoom)
    x = rng.randint(0, big.width - cw)
    y = rng.randint(0, big.height - ch)
    img = big.crop((x, y, x + cw, y + ch)).resize((w, h), Image.Resampling.BILINEAR)
    img = ImageChops.multiply(img, _light(rng, (w, h)))
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.2)))
    if noise > 0:
        img = ImageChops.add(img, _grain(rng, (w, h), noise), 1.0, -128)
    return img


def _light(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Uneven lighting: a smooth random brightness field (windows, lamps, shadows)."""
    cells = Image.frombytes("L", (4, 3), bytes(rng.randint(165, 255) for _ in range(12)))
    return cells.resize(size, Image.Resampling.BICUBIC).convert("RGB")


def _grain(rng: random.Random, size: tuple[int, int], sigma: float) -> Image.Image:
    """Sensor noise around 128 (deterministic, unlike ``Image.effect_noise``)."""
    w, h = size
    raw = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    scale = sigma / 74.0  # a uniform byte has a standard deviation of about 74
    lut = [max(0, min(255, round(128 + (v - 127.5) * scale))) for v in range(256)]
    return raw.point(lut).convert("RGB")


def jpeg(
    img: Image.Image,
    *,
    taken: datetime,
    modified: datetime,
    make: str,
    model: str,
    software: str | None = None,
    quality: int = 88,
) -> bytes:
    """JPEG bytes with a phone's EXIF (times written in the local time of ``taken``)."""
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    exif[0x0132] = modified.strftime("%Y:%m:%d %H:%M:%S")
    if software:
        exif[0x0131] = software
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    sub[0x9004] = taken.strftime("%Y:%m:%d %H:%M:%S")
    offset = taken.strftime("%z")
    sub[0x9011] = f"{offset[:3]}:{offset[3:]}"
    sub[0x9010] = f"{offset[:3]}:{offset[3:]}"
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, exif=exif.tobytes(), optimize=False)
    return buf.getvalue()


#: the pHash of a photo and the distance between two, as the analysis computes them
phash = imaging_phash
distance = hamming


def near_copy(img: Image.Image, seed: str) -> Image.Image:
    """The same photo re-saved by someone else: a slight crop, rescale and brightness change."""
    rng = random.Random(seed)
    w, h = img.size
    dx, dy = rng.randint(4, 12), rng.randint(4, 12)
    out = img.crop((dx, dy, w - dx, h - dy)).resize(
        (w * 9 // 10, h * 9 // 10), Image.Resampling.BICUBIC
    )
    return out.point(lambda v: min(255, int(v * 1.04) + 3))


#: (scene, seed, final size, drawn size, taken, modified, make, model, software)
PhotoJob = tuple[
    str, str, tuple[int, int], tuple[int, int], datetime, datetime, str, str, str | None
]


@cache
def _pool_grain(size: tuple[int, int], k: int) -> Image.Image:
    return _grain(random.Random(f"grain:{k}"), size, 9.0)


def photo_job(job: PhotoJob) -> tuple[bytes, int]:
    """A photo's JPEG bytes and pHash; drawn small and enlarged when ``drawn`` < ``size``.

    A plain function of its arguments, so that the large package can make its thousands of
    photos in worker processes and still be deterministic.
    """
    scene, seed, size, drawn, taken, modified, make, model, software = job
    cheap = drawn != size
    img = render(scene, seed, drawn, noise=0.0 if cheap else 6.0)
    h = phash(img)
    if cheap:
        img = img.resize(size, Image.Resampling.BILINEAR)
        img = ImageChops.add(img, _pool_grain(size, zlib.crc32(seed.encode()) % 4), 1.0, -128)
    data = jpeg(
        img,
        taken=taken,
        modified=modified,
        make=make,
        model=model,
        software=software,
        quality=91 if cheap else 88,
    )
    return data, h
