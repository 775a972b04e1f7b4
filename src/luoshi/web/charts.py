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


def _svg(
    width: int, height: int, body: list[str], title: str, fluid: bool = True, css: str = "chart"
) -> Markup:
    size = 'width="100%"' if fluid else f'width="{width}" height="{height}"'
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'{size} role="img" aria-label="{escape(title)}" class="{css}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def bars(items: Sequence[Bar], title: str) -> Markup:
    """One row per item: its label and value as HTML text, and a bar on a 0-100 scale
    (with the expected-progress tick) as a small SVG that stretches to the row.

    Text is HTML, not SVG: a whole chart drawn as one SVG is scaled down with the page,
    and on a phone its labels were 6 px tall (a trial). The rows are a grid that puts
    the label above its bar on a narrow screen (luoshi.css, ``.bars``)."""
    rows = [_bar_row(b) for b in items]
    return Markup(
        f'<div class="bars" role="list" aria-label="{escape(title)}">{"".join(rows)}</div>'
    )


def _bar_row(b: Bar) -> str:
    value = max(0.0, min(100.0, b.value))
    # No style attribute (the Content-Security-Policy allows none): the widths are
    # SVG geometry on a 0-100 viewBox that the CSS stretches to the cell.
    track = [
        '<rect width="100" height="16" fill="#eee"/>',
        f'<rect width="{value:.1f}" height="16" fill="{escape(b.colour)}"/>',
    ]
    if b.marker is not None:
        mx = max(0.0, min(100.0, b.marker))
        track.append(
            f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="0" y2="16" stroke="{INK}" '
            'stroke-width="2" vector-effect="non-scaling-stroke"/>'
        )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" class="bar-track" viewBox="0 0 100 16" '
        f'preserveAspectRatio="none" aria-hidden="true">{"".join(track)}</svg>'
    )
    cells = (
        f'<span class="bar-label" title="{escape(b.label)}">{escape(b.label)}</span>{svg}'
        f'<span class="bar-value" title="{value:.1f}%">{value:.0f}%</span>'
    )
    # The whole row is the link, not only its label: a label alone is a small target
    # on a phone (a trial).
    if b.href:
        return f'<a class="bar-row" role="listitem" href="{escape(b.href)}">{cells}</a>'
    return f'<div class="bar-row" role="listitem">{cells}</div>'


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


# A phone's card is about 340 px wide: the narrow drawing is made for it, so that its
# text is drawn at about its own size rather than scaled down to half (a trial).
NARROW_WIDTH = 340


def line(
    labels: Sequence[str], series: Sequence[Series], title: str, width: int = 640, height: int = 260
) -> Markup:
    """Lines on a 0–100 scale, one point per label (a reporting round): drawn twice, for
    a wide and a narrow screen, and the stylesheet shows one (``.chart-wide``)."""
    wide = _line_svg(labels, series, title, width, height, "chart chart-wide")
    narrow = _line_svg(labels, series, title, NARROW_WIDTH, height, "chart chart-narrow")
    return Markup(f'<div class="line-chart">{wide}{narrow}</div>')


def _line_svg(
    labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    width: int,
    height: int,
    css: str,
) -> str:
    left, right, top, bottom = 40, 20, 16, 40
    pw, ph = width - left - right, height - top - bottom
    n = len(labels)
    # Every label when they fit side by side (about 6.2 px a character at 11 px), else
    # every k-th counted back from the last, so the newest round is always named.
    label_px = 6.2 * max((len(x) for x in labels), default=1)
    step = max(1, math.ceil(n * label_px / pw))

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
        if (n - 1 - i) % step == 0:
            anchor = "end" if n > 1 and i == n - 1 else "middle"
            body.append(_text(x(i), height - bottom + 18, label, anchor, 11))
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
    return str(_svg(width, height, body, title, css=css))


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    out = []
    for sr in series:
        out.append(f'<rect x="{x}" y="{y - 6}" width="12" height="4" fill="{sr.colour}"/>')
        out.append(_text(x + 16, y, sr.label, "start", 11))
        x += 24 + 13 * len(sr.label)
    return out
