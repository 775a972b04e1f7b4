"""图表: the bulletin's charts as PNG images, drawn with Pillow.

No plotting library and nothing fetched at run time: bars and the donut are
drawn here, and the Chinese labels use Noto Sans CJK SC as shipped by the
``mplfonts`` package (SIL Open Font License). Images are drawn at print
resolution (about 300 dpi at 15 cm wide).
"""

from __future__ import annotations

import importlib.metadata
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from luoshi.errors import LuoshiError

FONT_FILE = "mplfonts/fonts/NotoSansCJKsc-Regular.otf"
WIDTH = 1800
DPI = 300
INK = "#222222"
GRID = "#D0D0D0"
BAR = "#3B6FB6"
MARKER = "#C00000"


@dataclass(frozen=True)
class Bar:
    """One bar: a percent (0–100) and, optionally, where it should be (应有进度)."""

    label: str
    value: float
    marker: float | None = None


@dataclass(frozen=True)
class Slice:
    label: str
    count: int
    colour: str


def font_path() -> Path:
    """Noto Sans CJK SC from the installed ``mplfonts`` distribution."""
    # Located through the distribution's file list rather than
    # importlib.resources.files("mplfonts"): importing mplfonts imports matplotlib,
    # which writes a font cache into the user's home on first use.
    try:
        path = Path(str(importlib.metadata.distribution("mplfonts").locate_file(FONT_FILE)))
    except importlib.metadata.PackageNotFoundError:
        path = Path("/nonexistent")
    if not path.is_file():
        raise LuoshiError("找不到图表所需的中文字体（请重新安装 luoshi，它依赖 mplfonts）")
    return path


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path()), size)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


def fit(text: str, size: int, limit: float) -> str:
    """``text`` cut with … so that it is at most ``limit`` pixels wide."""
    f = font(size)
    if f.getlength(text) <= limit:
        return text
    while text and f.getlength(text + "…") > limit:
        text = text[:-1]
    return text + "…"


# -- bar chart -----------------------------------------------------------------

ROW = 72
LABEL_WIDTH = 620
TOP = 150
BOTTOM = 90
RIGHT = 150


def bar_chart(title: str, bars: Sequence[Bar]) -> bytes:
    """Horizontal bars on a 0–100% scale, one row per item, with the expected tick."""
    height = TOP + ROW * max(len(bars), 1) + BOTTOM
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((WIDTH // 2, 40), title, font=font(48), fill=INK, anchor="mt")
    left, right = LABEL_WIDTH + 30, WIDTH - RIGHT
    scale = (right - left) / 100
    bottom = TOP + ROW * max(len(bars), 1)
    _axis(draw, left, scale, bottom)
    for i, bar in enumerate(bars):
        _bar_row(draw, bar, TOP + i * ROW, left, scale)
    if any(b.marker is not None for b in bars):
        _marker_legend(draw, right, bottom)
    return _png(image)


def _axis(draw: ImageDraw.ImageDraw, left: int, scale: float, bottom: int) -> None:
    for pct in range(0, 101, 20):
        x = left + pct * scale
        draw.line([(x, TOP - 10), (x, bottom)], fill=GRID, width=2)
        draw.text((x, bottom + 12), f"{pct}%", font=font(30), fill=INK, anchor="mt")


def _bar_row(draw: ImageDraw.ImageDraw, bar: Bar, top: int, left: int, scale: float) -> None:
    middle = top + ROW // 2
    label = fit(bar.label, 36, LABEL_WIDTH - 20)
    draw.text((LABEL_WIDTH, middle), label, font=font(36), fill=INK, anchor="rm")
    value = min(max(bar.value, 0.0), 100.0)
    end = left + value * scale
    if value > 0:
        draw.rectangle([(left, top + 12), (end, top + ROW - 12)], fill=BAR)
    draw.text((end + 12, middle), f"{bar.value:.1f}%", font=font(32), fill=INK, anchor="lm")
    if bar.marker is not None:
        x = left + min(max(bar.marker, 0.0), 100.0) * scale
        draw.line([(x, top + 4), (x, top + ROW - 4)], fill=MARKER, width=6)


def _marker_legend(draw: ImageDraw.ImageDraw, right: int, bottom: int) -> None:
    y = bottom + 60
    draw.line([(right - 150, y - 14), (right - 150, y + 14)], fill=MARKER, width=6)
    draw.text((right - 130, y), "应有进度", font=font(30), fill=INK, anchor="lm")


# -- donut -----------------------------------------------------------------------

DONUT = 560
DONUT_BOX = (160, 150, 160 + DONUT, 150 + DONUT)


def donut_chart(title: str, slices: Sequence[Slice], centre: str) -> bytes:
    """A ring of the non-empty slices with ``centre`` in the hole and a legend."""
    height = DONUT_BOX[3] + 80
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((WIDTH // 2, 40), title, font=font(48), fill=INK, anchor="mt")
    box = DONUT_BOX
    total = sum(s.count for s in slices)
    if total == 0:
        draw.ellipse(box, fill=GRID)
    angle = -90.0  # start at twelve o'clock, as people read a clock
    for s in slices:
        if s.count == 0:
            continue
        sweep = 360.0 * s.count / total
        draw.pieslice(box, angle, angle + sweep, fill=s.colour, outline="white", width=4)
        angle += sweep
    hole = DONUT * 0.28
    cx, cy = box[0] + DONUT / 2, box[1] + DONUT / 2
    draw.ellipse([(cx - hole, cy - hole), (cx + hole, cy + hole)], fill="white")
    draw.text((cx, cy), centre, font=font(44), fill=INK, anchor="mm", align="center")
    _legend(draw, slices, total, box[2] + 160, box[1] + 40)
    return _png(image)


def _legend(
    draw: ImageDraw.ImageDraw, slices: Sequence[Slice], total: int, left: int, top: int
) -> None:
    step = min(90, (DONUT - 40) // max(len(slices), 1))
    for i, s in enumerate(slices):
        y = top + i * step
        draw.rectangle([(left, y), (left + 44, y + 44)], fill=s.colour)
        share = f"（{100 * s.count / total:.0f}%）" if total else ""
        text = f"{s.label}  {s.count} 项{share}"
        draw.text((left + 70, y + 22), text, font=font(40), fill=INK, anchor="lm")
