"""进度预测: will a target be met by its deadline, on the values reported so far?

A pure function of a target and its reported values over the rounds. Amounts
reported in a year (集装箱吞吐量 2100万标准箱 by the end of Q3) accumulate:
the line runs through the start of the period at ``origin`` (0 for an amount
counted from the start, or a baseline for a stock) and the reported points,
fitted by least squares, and is read at the deadline. A growth rate is
already a rate for the period so far: its projection is the latest rate. A
target is on track when the projected value would meet it under the verdict
rules of the promise check, at risk otherwise.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from luoshi.extract.indicator_book import Direction
from luoshi.extract.verdict import TargetFigure, judge

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, slots=True)
class Projection:
    """预测: the value expected at the deadline, and whether that meets the target."""

    projected: float
    on_track: bool
    points: int  # reported values it rests on

    @property
    def label(self) -> str:
        return "预计完成" if self.on_track else "有风险"


def project(
    target: TargetFigure,
    points: Sequence[tuple[date, float]],
    deadline: date,
    start: date | None = None,
    origin: float = 0.0,
    rate: bool = False,
    direction: Direction | None = None,
) -> Projection | None:
    """The projection of ``target`` to ``deadline`` from reported ``points``
    (date, value); None when there is nothing to project from."""
    if not points:
        return None
    ordered = sorted(points)
    if rate:
        projected = ordered[-1][1]
    else:
        anchored = [(start, origin), *ordered] if start is not None else ordered
        line = _fit([(d.toordinal(), v) for d, v in anchored])
        if line is None:
            return None
        slope, intercept = line
        projected = slope * deadline.toordinal() + intercept
        if all(v >= 0 for _, v in ordered):
            # Counts and amounts do not go below nothing, however steeply a late
            # drop in reports points (a deadline moved far out once showed -1,068 条).
            projected = max(projected, 0.0)
    on_track = judge(target, projected, direction) == "met"
    return Projection(projected, on_track, len(ordered))


def _fit(xy: list[tuple[int, float]]) -> tuple[float, float] | None:
    """Least-squares line through ``xy``; None unless two distinct days are known."""
    n = len(xy)
    mx = sum(x for x, _ in xy) / n
    my = sum(y for _, y in xy) / n
    sxx = sum((x - mx) ** 2 for x, _ in xy)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in xy) / sxx
    return slope, my - slope * mx


def period_end(period: str) -> date | None:
    """The last day of a round's period: 2024-Q3 → 2024-09-30, 2024-H1, 2024-07, 2024."""
    text = period.strip()
    if m := _QUARTER.match(text):
        year, month = int(m[1]), int(m[2]) * 3
    elif m := _HALF.match(text):
        year, month = int(m[1]), int(m[2]) * 6
    elif (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        year, month = int(m[1]), int(m[2])
    elif m := _YEAR.match(text):
        year, month = int(m[1]), 12
    else:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])
