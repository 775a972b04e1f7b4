"""Positioned lines of a PDF page, and the typical geometry of a document's body text.

Coordinates are PDF points with the origin at the bottom left of the page, so
``top`` is larger than ``bottom`` and later lines have smaller ``top``.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text as laid out on a page."""

    text: str
    left: float
    right: float
    bottom: float
    top: float


@dataclass(frozen=True, slots=True)
class Page:
    """The lines of one page in reading order, and the page's height."""

    lines: list[Line]
    height: float


@dataclass(frozen=True, slots=True)
class Metrics:
    """Where body lines of the document usually start and end, and how big a character is."""

    left: float  # the body's left margin
    right: float  # where a full line ends
    em: float  # the body font size: one CJK character's width
    pitch: float  # distance between consecutive baselines of a paragraph
    indents: bool  # paragraphs open with an indented first line (首行缩进)

    def is_short(self, line: Line) -> bool:
        """The line stops clearly before the right margin, so its paragraph ends there."""
        return line.right < self.right - 1.5 * self.em

    def is_indented(self, line: Line) -> bool:
        return line.left > self.left + 1.2 * self.em

    def is_gap(self, above: Line, below: Line) -> bool:
        """Extra space between two lines of one page: a paragraph or block break.

        Lines set larger than the body (a title) are further apart without a break.
        """
        scale = max(1.0, (above.top - above.bottom) / self.em)
        return above.top - below.top > 1.35 * self.pitch * scale

    def is_centred(self, line: Line) -> bool:
        """As far from the left margin as from the right one (a title or a centred heading)."""
        return abs((line.left - self.left) - (self.right - line.right)) < self.em


def measure(pages: list[Page]) -> Metrics | None:
    """The document's body-text geometry, or None when it has no lines."""
    lines = [line for page in pages for line in page.lines]
    if not lines:
        return None
    em = median(line.top - line.bottom for line in lines) or 1.0
    left = _quantile([line.left for line in lines], 0.1)
    right = _quantile([line.right for line in lines], 0.9)
    steps = [
        a.top - b.top
        for page in pages
        for a, b in zip(page.lines, page.lines[1:], strict=False)
        if 0.5 * em < a.top - b.top < 3 * em
    ]
    pitch = median(steps) if steps else 1.2 * em
    first_line = [ln for ln in lines if 1.2 * em < ln.left - left < 3.5 * em]
    indents = len(first_line) >= max(2, 0.05 * len(lines))
    return Metrics(left, right, em, pitch, indents)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
