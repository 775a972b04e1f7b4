"""汇总 (figures): every number a dashboard, a bulletin, open data or ``plan status`` shows.

Each figure is defined here once, over a ``PlanView``:

* **counted tasks** are the leaf tasks (末级任务): what units report on; a group's
  own figures are already a roll-up of its leaves;
* **overall progress** (总体进度) and expected progress are the plan's weighted
  roll-up, level by level (``health.roll_up``);
* a **category's or unit's progress** is the weighted mean of its leaves' progress,
  by each leaf's weight (the plain mean when weights are all equal); the same for
  expected progress. A unit's tasks are those it leads (责任单位);
* **needing attention** (需关注) are the leaves that are red or stalled — which
  includes every overdue leaf not done — stalled first, then the furthest behind
  expected progress, then by code;
* **behind** (滞后/停滞 in the unit table) counts a group's red or stalled leaves.

A reporter (填报人) sees the plan's totals and categories, but only its own unit
in the unit table and only its own unit's tasks among those needing attention.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from luoshi.ledger import health
from luoshi.ledger.health import HEALTH_ORDER, NEEDS_ATTENTION, UNASSIGNED, UNCATEGORISED
from luoshi.ledger.read.rows import PlanView, TaskRow, code_key
from luoshi.ledger.read.visibility import Viewer


@dataclass(frozen=True)
class Tally:
    """The leaf tasks of one group (a unit, a category, the whole plan)."""

    name: str
    tasks: int
    progress: float  # weighted mean of the leaves' progress
    expected: float  # weighted mean of the leaves' expected progress
    counts: dict[str, int]  # every health, also those with no task
    overdue: int

    @property
    def behind(self) -> int:
        """Tasks that are red or stalled: what makes a unit "behind"."""
        return sum(self.counts[h] for h in NEEDS_ATTENTION)


@dataclass(frozen=True)
class PlanFigures:
    """总览: where a plan stands on ``day``."""

    plan_id: int
    day: date
    progress: float  # the plan's weighted roll-up
    expected: float
    total: Tally  # all leaves
    by_category: list[Tally]  # in the order categories first appear in the plan
    by_unit: list[Tally]  # most behind first
    attention: list[TaskRow]  # red or stalled leaves, worst first

    @property
    def leaves(self) -> int:
        return self.total.tasks


def tally(name: str, rows: Sequence[TaskRow]) -> Tally:
    counts: dict[str, int] = dict.fromkeys(HEALTH_ORDER, 0)
    for r in rows:
        counts[r.health] += 1
    return Tally(
        name=name,
        tasks=len(rows),
        progress=health.weighted((r.weight, r.progress) for r in rows),
        expected=health.weighted((r.weight, r.expected) for r in rows),
        counts=counts,
        overdue=sum(r.overdue for r in rows),
    )


def tally_by(rows: Iterable[TaskRow], key: Callable[[TaskRow], str]) -> list[Tally]:
    """One tally per value of ``key``, in the order the values first appear."""
    groups: dict[str, list[TaskRow]] = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    return [tally(name, rs) for name, rs in groups.items()]


def lead_unit_of(row: TaskRow) -> str:
    return row.lead_unit or UNASSIGNED


def category_of(row: TaskRow) -> str:
    return row.category or UNCATEGORISED


def most_behind_first(tallies: Iterable[Tally]) -> list[Tally]:
    """Most red-or-stalled tasks first, then furthest behind expected, then by name."""
    return sorted(tallies, key=lambda t: (-t.behind, t.progress - t.expected, t.name))


def needing_attention(leaves: Iterable[TaskRow]) -> list[TaskRow]:
    """Red or stalled leaves: stalled first, then the furthest behind, then by code."""
    chosen = [r for r in leaves if r.health in NEEDS_ATTENTION]
    return sorted(chosen, key=lambda r: (r.health != "stalled", -r.gap, code_key(r.code)))


def plan_figures(view: PlanView, viewer: Viewer | None = None) -> PlanFigures:
    """The figures of ``view``, as ``viewer`` may see them (everything when None)."""
    leaves = view.leaves()
    by_unit = most_behind_first(tally_by(leaves, lead_unit_of))
    attention = needing_attention(leaves)
    scope = viewer.unit_scope if viewer is not None else None
    if scope is not None:
        by_unit = [t for t in by_unit if t.name == scope]
        attention = [r for r in attention if r.belongs_to(scope)]
    return PlanFigures(
        plan_id=view.plan.id,
        day=view.day,
        progress=view.total.progress,
        expected=view.total.expected,
        total=tally("全部", leaves),
        by_category=tally_by(leaves, category_of),
        by_unit=by_unit,
        attention=attention,
    )
