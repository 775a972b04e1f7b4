"""What the read side hands out: a task as people read it, its targets, a whole plan.

Rows are plain data, computed once per view; every figure and every presentation
(web, CLI, Excel, Word, open data) reads them instead of asking the database again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from luoshi.ledger.health import Health, Rolled
from luoshi.ledger.read.asof import AsOf


@dataclass(frozen=True)
class ReportedValue:
    """填报值: the value a unit last reported against a target (counted, not returned)."""

    value: float
    period: str  # the period of the round it was reported in
    report_id: int


@dataclass(frozen=True)
class TargetRow:
    """目标: a quantified goal of a task, with its baseline (基数) when stated."""

    id: int
    indicator: str
    comparator: str
    value: float
    value_max: float | None
    unit: str
    period: str | None
    start: int | None
    end: int | None
    text: str
    baseline: dict[str, Any] | None
    # The latest counted report's value for this target, as of the view (read.values).
    latest: ReportedValue | None = None


@dataclass(slots=True)
class TaskRow:
    """任务: a task with everything the ledger shows about it on one day."""

    id: int
    code: str
    parent: str | None  # the parent's code
    level: int
    kind: str
    title: str
    doc: int | None
    start: int | None
    end: int | None
    category: str
    lead_unit: str | None
    person: str | None
    start_date: date | None
    deadline: date | None
    expected_outcome: str | None
    weight: float
    state: str  # open or done, as of the view
    version: int
    co_units: list[str] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    leaf: bool = True  # 末级任务: no children; the tasks units report on
    reported: float | None = None  # latest counted reported percent, None before any
    progress: float = 0.0
    expected: float = 0.0
    health: Health = "green"
    overdue: bool = False
    missed_rounds: int = 0
    last_round: int | None = None  # the latest round with a counted report
    # 待审核: its latest counted report awaits review — counted already, or (when only
    # accepted reports count, HealthRules.progress_from) waiting to count.
    awaiting_review: bool = False
    parent_id: int | None = None
    lead_unit_id: int | None = None

    def belongs_to(self, unit: str) -> bool:
        """Whether ``unit`` leads or supports the task."""
        return self.lead_unit == unit or unit in self.co_units

    @property
    def gap(self) -> float:
        """Points behind expected progress (negative when ahead)."""
        return self.expected - self.progress


@dataclass(frozen=True)
class PlanRef:
    """计划: what a view says about the plan itself."""

    id: int
    name: str
    title: str
    document_id: int | None
    public: bool


@dataclass(frozen=True)
class PlanView:
    """A plan on one day: every task in code order, with the plan's weighted roll-up."""

    plan: PlanRef
    at: AsOf
    rows: list[TaskRow]
    total: Rolled

    @property
    def day(self) -> date:
        return self.at.day

    @cached_property
    def by_id(self) -> dict[int, TaskRow]:
        return {r.id: r for r in self.rows}

    def leaves(self) -> list[TaskRow]:
        """末级任务, in code order."""
        return [r for r in self.rows if r.leaf]

    def __iter__(self) -> Iterator[TaskRow]:
        return iter(self.rows)


def code_key(code: str) -> tuple[int | str, ...]:
    """Sort key that puts 1.2 before 1.10."""
    return tuple(int(p) if p.isdigit() else p for p in code.split("."))
