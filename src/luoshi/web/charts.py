"""Charts drawn on the server as SVG: horizontal bars, a donut, a line over time.

No JavaScript and no chart library, so they render on an intranet without
internet access, print well, and can be tested as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

INK = "#333"
GRID = "#ddd"
EXPECTED = "#888"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0–100
    marker: float | None = None  # e.g. expected progress, drawn as a tick
    colour: str = "#1565c0"
    href: str | None = None


@dataclass(frozen=True)
class Slice:
    label: str
    value: float
    colour: str


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    colour: str
    dashed: bool = False


def _text(x: float, y: float, s: str, anchor: str = "start", size: int = 12) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{INK}">{escape(s)}</text>'
    )


def _svg(width: int, height: int, body: list[str], title: str, fluid: bool = True) -> Markup:
    size = 'width="100%"' if fluid else f'width="{width}" height="{height}"'
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'{size} role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def bars(items: Sequence[Bar], title: str, label_width: int = 220, width: int = 640) -> Markup:
    """One horizontal bar per item on a 0–100 scale, the value printed at its end."""
    row, top = 26, 8
    plot = width - label_width - 60
    height = top * 2 + row * max(len(items), 1)
    body: list[str] = []
    for i, b in enumerate(items):
        y = top + i * row
        value = max(0.0, min(100.0, b.value))
        label = b.label if len(b.label) <= 16 else b.label[:15] + "…"
        track = f'<rect x="{label_width}" y="{y + 4}" width="{plot}" height="16" fill="#eee"/>'
        parts = [_text(label_width - 8, y + 16, label, "end"), track]
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{plot * value / 100:.1f}" height="16" '
            f'fill="{b.colour}"><title>{escape(b.label)} {value:.1f}%</title></rect>'
        )
        if b.marker is not None:
            mx = label_width + plot * max(0.0, min(100.0, b.marker)) / 100
            parts.append(
                f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{y + 1}" y2="{y + 23}" '
                f'stroke="{INK}" stroke-width="2"/>'
            )
        parts.append(_text(label_width + plot + 6, y + 16, f"{value:.0f}%"))
        # The whole row is the link, not only its label: on a phone the chart is
        # scaled down and a label alone was a 30 x 7 px target (a trial).
        row_svg = "".join(parts)
        body.append(f'<a href="{escape(b.href)}">{row_svg}</a>' if b.href else row_svg)
    return _svg(width, height, body, title)


def donut(slices: Sequence[Slice], title: str, centre: str = "", size: int = 220) -> Markup:
    """A ring divided by value; the centre text says the headline figure."""
    r, cx, cy, stroke = size * 0.36, size / 2, size / 2, size * 0.16
    total = sum(s.value for s in slices if s.value > 0)
    body = [
        f'<circle cx="{cx}" cy="{cy}" r="{r:.1f}" fill="none" stroke="#eee" '
        f'stroke-width="{stroke:.1f}"/>'
    ]
    circumference = 2 * math.pi * r
    offset = 0.0
    for sl in slices:
        if sl.value <= 0 or total <= 0:
            continue
        length = circumference * sl.value / total
        body.append(
            f'<circle cx="{cx}" cy="{cy}" r="{r:.1f}" fill="none" stroke="{sl.colour}" '
            f'stroke-width="{stroke:.1f}" stroke-dasharray="{length:.2f} {circumference:.2f}" '
            f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {cx} {cy})">'
            f"<title>{escape(sl.label)} {sl.value:g}</title></circle>"
        )
        offset += length
    body.append(_text(cx, cy + 8, centre, "middle", 22))
    return _svg(size, size, body, title, fluid=False)


def line(
    labels: Sequence[str], series: Sequence[Series], title: str, width: int = 640, height: int = 260
) -> Markup:
    """Lines on a 0–100 scale, one point per label (a reporting round)."""
    left, right, top, bottom = 40, 20, 16, 40
    pw, ph = width - left - right, height - top - bottom
    n = len(labels)

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph * (1 - max(0.0, min(100.0, v)) / 100)

    body: list[str] = []
    for tick in (0, 25, 50, 75, 100):
        body.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y(tick) + 4, f"{tick}", "end", 11))
    for i, label in enumerate(labels):
        body.append(_text(x(i), height - bottom + 18, label, "middle", 11))
    for sr in series:
        pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(sr.values))
        dash = ' stroke-dasharray="6 4"' if sr.dashed else ""
        body.append(
            f'<polyline points="{pts}" fill="none" stroke="{sr.colour}" stroke-width="2.5"{dash}/>'
        )
        for i, v in enumerate(sr.values):
            body.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{sr.colour}">'
                f"<title>{escape(sr.label)} {escape(labels[i])}: {v:.1f}%</title></circle>"
            )
    if not labels:
        body.append(_text(width / 2, height / 2, "—", "middle"))
    body.extend(_legend(series, left, height - 8))
    return _svg(width, height, body, title)


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    out = []
    for sr in series:
        out.append(f'<rect x="{x}" y="{y - 6}" width="12" height="4" fill="{sr.colour}"/>')
        out.append(_text(x + 16, y, sr.label, "start", 11))
        x += 24 + 13 * len(sr.label)
    return out
