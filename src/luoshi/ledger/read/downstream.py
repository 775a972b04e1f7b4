"""下级进度 (downstream progress) for a stream: the figures of ``linkage.downstream_of``
without reading the plan's own rows, and the lower plans' rows only for the tasks that
answer it — kept rows by id when the lower plan's figures are for the day, else that
plan's computed view. Memory grows with the links, not with the plans they join.

A task's downstream progress depends only on the tasks below it (``rollup.roll_up``),
so the plan's own rows are not needed: only which of its tasks are answered.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan, Task, TaskLink
from luoshi.ledger.plans import plan_by_id
from luoshi.ledger.read import kept
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.linkage import links_below
from luoshi.ledger.read.rows import TaskRow
from luoshi.ledger.read.state import answers, plan_state
from luoshi.ledger.read.views import plan_view
from luoshi.ledger.rollup import Downstream, roll_up
from luoshi.settings import HealthRules

BATCH = 2000  # task ids per IN list


def answered_tasks(s: Session, plan_id: int) -> list[int]:
    """The plan's tasks that an accepted link from below answers."""
    q = (
        select(TaskLink.parent_task_id)
        .join(Task, Task.id == TaskLink.parent_task_id)
        .where(Task.plan_id == plan_id, TaskLink.state == "accepted")
        .distinct()
    )
    return sorted(s.scalars(q))


def plan_downstream(s: Session, plan: Plan, rules: HealthRules, at: AsOf) -> dict[int, Downstream]:
    """下级进度 of every task of ``plan`` that lower tasks answer, as ``downstream_of``."""
    ids = answered_tasks(s, plan.id)
    if not ids:
        return {}
    links, plans = links_below(s, ids)
    progress: dict[int, float | None] = {}
    weights: dict[int, float] = {}
    for row in _rows(s, rules, at, plans):
        unreported = row.leaf and row.reported is None and row.state != "done"
        progress[row.id] = None if unreported else row.progress
        weights[row.id] = row.weight
    rolled = roll_up(progress, weights, links)
    return {i: rolled[i] for i in ids if i in rolled}


def _rows(
    s: Session, rules: HealthRules, at: AsOf, task_plans: dict[int, int]
) -> Iterable[TaskRow]:
    """The rows of ``task_plans``' tasks as of ``at``, plan by plan."""
    by_plan: dict[int, list[int]] = {}
    for task_id, plan_id in task_plans.items():
        by_plan.setdefault(plan_id, []).append(task_id)
    for plan_id, task_ids in sorted(by_plan.items()):
        if answers(s, plan_state(s, plan_id), rules, at):
            for i in range(0, len(task_ids), BATCH):
                yield from kept.rows_by_id(s, task_ids[i : i + BATCH]).values()
        else:
            by_id = plan_view(s, plan_by_id(s, plan_id), rules, at).by_id
            yield from (by_id[t] for t in task_ids if t in by_id)
