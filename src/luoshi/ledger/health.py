"""健康状态 (health): how far along a task should be, and what colour that makes it.

A task's *health* is derived from its progress against the calendar; it is not the
task's *state* (open or done) nor a report's *state* (submitted, accepted,
returned). Pure functions, no database: the ledger feeds them facts, tests feed
them edges.

* expected progress grows linearly from the task's start to its deadline;
* green when reported progress is within ``green_within`` points of expected,
  amber within ``amber_within``, red beyond that or once the deadline has passed;
* stalled when the unit has missed ``stalled_after`` reporting rounds in a row
  (counting only rounds opened since it was given the task);
* done only after a supervisor accepts a report claiming 100%.

Order of precedence: done, stalled, overdue, then the gap to expected.

The names, labels and palette live here too: the web's SVG charts, the Word
bulletin's charts and the Excel ledger's cell fills share them, so a colour means
the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from luoshi.settings import HealthRules

Health = Literal["green", "amber", "red", "stalled", "done"]
HEALTH_ORDER: tuple[Health, ...] = ("green", "amber", "red", "stalled", "done")
HEALTH_LABELS: dict[str, str] = {
    "green": "正常",
    "amber": "滞后",
    "red": "严重滞后",
    "stalled": "停滞",
    "done": "已完成",
}
HEALTH_COLOURS: dict[str, str] = {
    "green": "#2e7d32",
    "amber": "#f9a825",
    "red": "#c62828",
    "stalled": "#6a1b9a",
    "done": "#1565c0",
}
# Health that puts a task on the attention list (需关注): an overdue task that is not
# done is always one of these, since being overdue makes it red unless it is stalled.
NEEDS_ATTENTION: tuple[Health, ...] = ("stalled", "red")
# Worst first: the ledger's 状态 sort. Stalled before red, as on the attention list; done
# last, since nothing is left to chase.
WORST_FIRST: tuple[Health, ...] = ("stalled", "red", "amber", "green", "done")

# Groups of tasks without a category or lead unit, in tallies.
UNASSIGNED = "（未分派）"
UNCATEGORISED = "（未分类）"


def tint(colour: str, amount: float = 0.75) -> str:
    """``colour`` mixed with white (``amount`` 0 → the colour, 1 → white), as RRGGBB:
    a light fill for table cells that reads as the same health."""
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(c + (255 - c) * amount) for c in rgb]
    return "".join(f"{c:02X}" for c in mixed)


def expected_progress(start: date | None, deadline: date | None, today: date) -> float:
    """Percent of the work that should be done by ``today`` (0 with no deadline)."""
    if deadline is None:
        return 0.0
    if start is None or start >= deadline:
        return 100.0 if today >= deadline else 0.0
    if today <= start:
        return 0.0
    if today >= deadline:
        return 100.0
    return 100.0 * (today - start).days / (deadline - start).days


def is_overdue(deadline: date | None, today: date, done: bool) -> bool:
    """Past the deadline day and not done (the deadline day itself still counts)."""
    return deadline is not None and today > deadline and not done


def classify(
    rules: HealthRules,
    progress: float | None,
    expected: float,
    *,
    overdue: bool = False,
    missed_rounds: int = 0,
    done: bool = False,
) -> Health:
    """The colour of a task; no report counts as 0% progress."""
    if done:
        return "done"
    if missed_rounds >= rules.stalled_after:
        return "stalled"
    if overdue:
        return "red"
    gap = expected - (progress or 0.0)
    if gap <= rules.green_within:
        return "green"
    if gap <= rules.amber_within:
        return "amber"
    return "red"


def rounds_opened_after(
    rounds: Sequence[tuple[int, datetime]], since: datetime | None
) -> list[int]:
    """Ids of the (id, opened_at) rounds opened after ``since`` (all when None): a unit
    given a task cannot have missed the rounds opened before it had the task."""
    return [rid for rid, opened in rounds if since is None or opened > since]


def missed_rounds(due_round_ids: Sequence[int], last_reported_round: int | None) -> int:
    """Rounds in a row, up to now, that passed after the unit's last report."""
    if last_reported_round is None:
        return len(due_round_ids)
    return sum(1 for r in due_round_ids if r > last_reported_round)


@dataclass(frozen=True)
class Node:
    """A task in the tree for roll-up; ``progress``/``expected`` matter for leaves only."""

    id: int
    parent: int | None
    weight: float
    progress: float
    expected: float
    done: bool


@dataclass(frozen=True)
class Rolled:
    progress: float
    expected: float
    done: bool


def weighted(items: Iterable[tuple[float, float]]) -> float:
    """Weighted mean of (weight, value); the plain mean when weights add up to zero."""
    pairs = list(items)
    if not pairs:
        return 0.0
    total = sum(w for w, _ in pairs)
    if total <= 0:
        return sum(v for _, v in pairs) / len(pairs)
    return sum(w * v for w, v in pairs) / total


def roll_up(nodes: Sequence[Node]) -> dict[int, Rolled]:
    """Progress of every node: leaves as given (100 once done), a group the weighted
    mean of its children. Children are computed before parents, without recursion."""
    ids = {n.id for n in nodes}
    children: dict[int | None, list[Node]] = {}
    for n in nodes:
        children.setdefault(n.parent if n.parent in ids else None, []).append(n)
    order: list[Node] = []
    stack = list(children.get(None, []))
    while stack:
        n = stack.pop()
        order.append(n)
        stack.extend(children.get(n.id, []))
    out: dict[int, Rolled] = {}
    for n in reversed(order):
        kids = children.get(n.id)
        if not kids:
            out[n.id] = Rolled(100.0 if n.done else n.progress, n.expected, n.done)
            continue
        parts = [(k.weight, out[k.id]) for k in kids]
        out[n.id] = Rolled(
            weighted((w, r.progress) for w, r in parts),
            weighted((w, r.expected) for w, r in parts),
            all(r.done for _, r in parts),
        )
    return out


def plan_progress(nodes: Sequence[Node], rolled: Mapping[int, Rolled]) -> Rolled:
    """The whole plan: weighted over its top-level tasks."""
    tops = [n for n in nodes if n.parent is None]
    return Rolled(
        weighted((n.weight, rolled[n.id].progress) for n in tops),
        weighted((n.weight, rolled[n.id].expected) for n in tops),
        bool(tops) and all(rolled[n.id].done for n in tops),
    )
