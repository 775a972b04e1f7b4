"""Was a target met? The verdict rules of the promise check (eval/SPEC.md).

* ``not_reported``: the later report states no figure;
* ``unclear``: it states one of a different scope (a whole-year target against
  a year-end figure);
* ceilings (lower is better: 失业率, 居民消费价格涨幅, 赤字率) are met at or
  below the target, whatever the comparator;
* a range (5—6%) is met inside it, or beyond it on the better side;
* ``~`` (左右) is met within ±0.5 points for percentages and ±5 % for amounts,
  or above where more is better;
* otherwise (``>=``, ``>``, ``=`` where more is better) at or above the target.

Where an indicator's direction is unknown it follows the comparator: ``<=`` is
a ceiling, ``~`` two-sided, anything else a floor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from luoshi.extract.indicator_book import Direction

Verdict = Literal["met", "missed", "not_reported", "unclear"]
VERDICTS: tuple[Verdict, ...] = ("met", "missed", "not_reported", "unclear")
VERDICT_LABELS: dict[str, str] = {
    "met": "完成",
    "missed": "未完成",
    "not_reported": "未报告",
    "unclear": "口径不一",
}

POINTS_TOLERANCE = 0.5  # 左右 on a percentage: ±0.5 percentage points
AMOUNT_TOLERANCE = 0.05  # 左右 on an amount: ±5 %


@dataclass(frozen=True, slots=True)
class TargetFigure:
    """目标值: what a target commits to, as the verdict rules need it."""

    value: float
    comparator: str  # = > >= <= ~
    percent: bool  # unit % (tolerance in points rather than a share)
    value_max: float | None = None  # upper end of a range (5—6%)


def effective_direction(direction: Direction | None, comparator: str) -> Direction | None:
    """The indicator's direction, else the one the comparator implies (None: two-sided)."""
    if direction is not None:
        return direction
    if comparator == "<=":
        return "lower"
    if comparator == "~":
        return None
    return "higher"


def judge(
    target: TargetFigure,
    actual: float | None,
    direction: Direction | None,
    scope_differs: bool = False,
) -> Verdict:
    """The verdict for ``actual`` against ``target`` (see the module docstring)."""
    if actual is None:
        return "not_reported"
    if scope_differs:
        return "unclear"
    way = effective_direction(direction, target.comparator)
    low, high = target.value, target.value_max if target.value_max is not None else target.value
    eps = 1e-9 * max(1.0, abs(high))
    if way == "lower":
        return _met(actual <= high + eps)
    if target.value_max is not None:
        return _met(low - eps <= actual <= high + eps or (way == "higher" and actual > high))
    if target.comparator == "~":
        tol = POINTS_TOLERANCE if target.percent else AMOUNT_TOLERANCE * abs(low)
        return _met(abs(actual - low) <= tol + eps or (way == "higher" and actual > low))
    return _met(actual >= low - eps)


def _met(ok: bool) -> Verdict:
    return "met" if ok else "missed"
