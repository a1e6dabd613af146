"""Chart images for the DOCX summary, drawn with Pillow.

Why Pillow and not matplotlib: Pillow is already pinned (13.0) and two simple
bar charts need no more than rectangles and text; matplotlib would add it,
numpy, fonttools, contourpy … (~60 MB) to requirements.lock for the same two
pictures, and its first import costs ~1 s per worker. The dashboard draws its
interactive charts in the browser (Chart.js); these PNGs are only for Word.
Text uses Liberation Sans (fonts-liberation2 has every Vietnamese glyph),
DejaVu Sans as fallback, Pillow's default font as a last resort.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from thidua.reports.figures import KIND_LABELS, Figures
from thidua.reports.sentences import NO_DATA, vn_number

W, H = 1600, 900
COLOURS = {"collective": (31, 119, 180), "individual": (255, 127, 14), "household": (44, 160, 44)}
_FONTS = [
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _canvas(title: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (W, H), "white")
    draw = ImageDraw.Draw(img)
    draw.text((W // 2, 40), title, fill="black", font=_font(44), anchor="mm")
    return img, draw


def _empty(title: str) -> bytes:
    img, draw = _canvas(title)
    draw.text((W // 2, H // 2), NO_DATA, fill=(120, 120, 120), font=_font(48), anchor="mm")
    return _png(img)


def awards_by_year_png(fig: Figures) -> bytes:
    """Stacked bars: awards per achievement year over five years, by recipient kind."""
    title = "Số lượt khen thưởng 5 năm gần nhất"
    years = fig.awards_by_year
    top = max((y.total for y in years), default=0)
    if not top:
        return _empty(title)
    img, draw = _canvas(title)
    left, right, bottom, upper = 140, W - 60, H - 150, 120
    small, label = _font(28), _font(30)
    draw.line((left, upper, left, bottom), fill="black", width=2)
    draw.line((left, bottom, right, bottom), fill="black", width=2)
    for i in range(5):  # gridlines
        value = top * i / 4
        y = bottom - (bottom - upper) * i / 4
        draw.line((left, y, right, y), fill=(220, 220, 220), width=1)
        draw.text((left - 12, y), vn_number(round(value)), fill="black", font=small, anchor="rm")
    slot = (right - left) / len(years)
    for i, line in enumerate(years):
        x0 = left + slot * i + slot * 0.2
        x1 = left + slot * (i + 1) - slot * 0.2
        base = bottom
        for kind in ("collective", "individual", "household"):
            n = getattr(line, kind)
            if not n:
                continue
            h = (bottom - upper) * n / top
            draw.rectangle((x0, base - h, x1, base), fill=COLOURS[kind])
            base -= h
        draw.text(((x0 + x1) / 2, base - 10), vn_number(line.total), fill="black", font=small, anchor="mb")
        draw.text(((x0 + x1) / 2, bottom + 14), str(line.year), fill="black", font=label, anchor="mt")
    _legend(draw, bottom + 70)
    return _png(img)


def _legend(draw: ImageDraw.ImageDraw, y: float) -> None:
    x = W // 2 - 330
    for kind, colour in COLOURS.items():
        draw.rectangle((x, y, x + 30, y + 30), fill=colour)
        draw.text((x + 40, y + 15), KIND_LABELS[kind], fill="black", font=_font(30), anchor="lm")
        x += 240


def indicators_png(fig: Figures) -> bytes:
    """Horizontal bars: each indicator's result as a share of its plan, with the 100% line."""
    title = "Kết quả thực hiện chỉ tiêu so với kế hoạch"
    lines = [ln for m in fig.movements for ln in m.indicator_lines][:20]
    if not lines:
        return _empty(title)
    img, draw = _canvas(title)
    left, right, upper = 520, W - 120, 110
    row = min(60, (H - upper - 80) // len(lines))
    top = max(120.0, *(ln["share"] or 0 for ln in lines))
    small = _font(max(18, min(28, row - 10)))
    x100 = left + (right - left) * 100 / top
    for i, ln in enumerate(lines):
        y = upper + i * row
        name = ln["name"] if len(ln["name"]) <= 34 else ln["name"][:33] + "…"
        draw.text((left - 12, y + row / 2), name, fill="black", font=small, anchor="rm")
        value = ln["share"]
        if value is None:
            draw.text(
                (left + 8, y + row / 2), "chưa có số liệu", fill=(120, 120, 120), font=small, anchor="lm"
            )
            continue
        x1 = left + (right - left) * min(value, top) / top
        colour = (44, 160, 44) if ln["met"] else (214, 39, 40)
        draw.rectangle((left, y + row * 0.15, x1, y + row * 0.85), fill=colour)
        draw.text(
            (x1 + 8, y + row / 2), vn_number(round(value, 1)) + "%", fill="black", font=small, anchor="lm"
        )
    bottom = upper + len(lines) * row
    draw.line((left, upper - 10, left, bottom + 10), fill="black", width=2)
    draw.line((x100, upper - 10, x100, bottom + 10), fill=(80, 80, 80), width=3)
    draw.text((x100, bottom + 20), "100% kế hoạch", fill="black", font=_font(26), anchor="mt")
    return _png(img)
