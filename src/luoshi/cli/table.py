"""Plain-text tables that line up Chinese text (two columns per wide character)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def clip(s: str, limit: int) -> str:
    """``s`` cut to at most ``limit`` display columns, with … when cut."""
    if width(s) <= limit:
        return s
    out: list[str] = []
    w = 0
    for ch in s:
        cw = width(ch)
        if w + cw > limit - 1:
            return "".join(out) + "…"
        out.append(ch)
        w += cw
    return "".join(out)


def render(header: Sequence[str], rows: Sequence[Sequence[str]], limits: Sequence[int]) -> str:
    """Rows padded to the widest cell of each column, cells clipped to ``limits``."""
    cells = [[clip(str(c), lim) for c, lim in zip(r, limits, strict=True)] for r in rows]
    head = [clip(h, lim) for h, lim in zip(header, limits, strict=True)]
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(head)]

    def line(r: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(head), rule, *(line(r) for r in cells)])
