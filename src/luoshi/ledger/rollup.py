"""Figures along links between plans (对接), as pure functions of plain values.

- ``roll_up``: a parent task's downstream progress (下级进度), from the tasks that
  answer it (accepted links), weighted, through any number of levels;
- ``coverage`` (承接情况): upper tasks no lower task answers (未承接), lower tasks
  that answer nothing above (无上级);
- ``check_shares``: do the shares of a split target add up to the parent target?

They take what the read model already holds (progress per task, weights, links),
so the pages, the bulletin and open data can all present the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Link = tuple[int, int]  # (child task id, parent task id), an accepted link


@dataclass(frozen=True)
class Downstream:
    """下级进度: a task's progress as reported by the tasks that answer it."""

    progress: float  # weighted mean of the children's effective progress, 0–100
    children: int  # tasks answering it directly
    reported: int  # of all tasks below it (any depth), those with progress of their own


def roll_up(
    progress: Mapping[int, float | None],
    weights: Mapping[int, float],
    links: Iterable[Link],
) -> dict[int, Downstream]:
    """Downstream progress of every task that some task answers.

    A task's effective progress is its downstream progress when tasks answer it
    (the work is done below), else its own (a task with no progress counts 0).
    Children weigh by their weight (1 when not given); a parent whose children
    all weigh 0 takes their plain mean. A cycle of links, which the ledger does
    not allow, is cut where it closes.
    """
    children: dict[int, list[int]] = {}
    for child, parent in links:
        children.setdefault(parent, []).append(child)
    out: dict[int, Downstream] = {}
    done: dict[int, tuple[float, int]] = {}

    def effective(task: int, path: frozenset[int]) -> tuple[float, int]:
        """(effective progress, tasks with own progress at or below ``task``)."""
        if task in done:
            return done[task]
        own = progress.get(task)
        kids = [c for c in children.get(task, []) if c not in path]
        if not kids:
            result = (own or 0.0, int(own is not None))
        else:
            parts = [(effective(c, path | {task}), weights.get(c, 1.0)) for c in kids]
            total = sum(w for _, w in parts)
            mean = (
                sum(p * w for (p, _), w in parts) / total
                if total > 0
                else sum(p for (p, _), _ in parts) / len(parts)
            )
            reported = sum(n for (_, n), _ in parts)
            out[task] = Downstream(mean, len(kids), reported)
            result = (mean, reported + int(own is not None))
        done[task] = result
        return result

    for parent in children:
        effective(parent, frozenset())
    return out


@dataclass(frozen=True)
class Coverage:
    """承接情况 between an upper and a lower set of tasks."""

    unanswered: list[int]  # upper tasks no lower task answers (未承接)
    orphans: list[int]  # lower tasks that answer no upper task (无上级)
    answered: int
    linked: int

    @property
    def share_answered(self) -> float:
        total = self.answered + len(self.unanswered)
        return self.answered / total if total else 1.0


def coverage(upper: Iterable[int], lower: Iterable[int], links: Iterable[Link]) -> Coverage:
    """Which of ``upper`` are answered by some of ``lower``, and which of ``lower``
    answer none of ``upper``, through accepted ``links``; both lists in the order given."""
    up, low = list(upper), list(lower)
    up_set, low_set = set(up), set(low)
    answered: set[int] = set()
    linked: set[int] = set()
    for child, parent in links:
        if child in low_set and parent in up_set:
            answered.add(parent)
            linked.add(child)
    return Coverage(
        unanswered=[t for t in up if t not in answered],
        orphans=[t for t in low if t not in linked],
        answered=len(answered),
        linked=len(linked),
    )


@dataclass(frozen=True)
class ShareCheck:
    """分解核对: the shares of a target against the target itself."""

    total: float
    shares: float
    difference: float  # shares − total

    @property
    def adds_up(self) -> bool:
        return math.isclose(self.shares, self.total, rel_tol=1e-9, abs_tol=1e-9)

    def warning(self, what: str, unit: str = "") -> str | None:
        """A message a clerk can act on when the shares do not add up, else None."""
        if self.adds_up:
            return None
        gap = abs(self.difference)
        side = "少于" if self.difference < 0 else "多于"
        return (
            f"{what}的份额合计 {_number(self.shares)}{unit}，{side}目标 "
            f"{_number(self.total)}{unit}（相差 {_number(gap)}{unit}）"
        )


def check_shares(total: float, shares: Iterable[float]) -> ShareCheck:
    values = list(shares)
    if any(v < 0 or not math.isfinite(v) for v in values):
        raise ValueError("shares must be finite and not negative")
    added = math.fsum(values)
    return ShareCheck(total, added, added - total)


def _number(x: float) -> str:
    return f"{x:g}"
