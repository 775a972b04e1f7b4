"""公开 (public): what a published plan promised and what has been done, for anyone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan, ProgressReport, Task
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.figures import PlanFigures, plan_figures
from luoshi.ledger.read.rows import PlanRef, TaskRow
from luoshi.ledger.read.views import plan_view
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class PublicPlan:
    plan: PlanRef
    figures: PlanFigures
    tasks: list[TaskRow]  # the leaf tasks: what was promised, how far along
    # Tasks whose progress counts a report the office has not reviewed yet: a unit's
    # report counts once submitted (until returned), so the public is told which.
    awaiting: frozenset[int] = frozenset()

    @property
    def awaiting_review(self) -> int:
        return len(self.awaiting)


def public_plan(s: Session, plan_id: int, rules: HealthRules) -> PublicPlan | None:
    """The plan's promises and progress today, or None unless it is published."""
    plan = s.get(Plan, plan_id)
    if plan is None or not plan.public:
        return None
    view = plan_view(s, plan, rules, AsOf.today())
    awaiting = frozenset(s.scalars(_AWAITING_REVIEW, {"plan_id": plan.id}))
    return PublicPlan(view.plan, plan_figures(view), view.leaves(), awaiting)


_AWAITING_REVIEW = (
    select(ProgressReport.task_id)
    .distinct()
    .join(Task, Task.id == ProgressReport.task_id)
    .where(Task.plan_id == bindparam("plan_id"), ProgressReport.state == "submitted")
)
