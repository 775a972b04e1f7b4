"""公开 (public): what a published plan promised and what has been done, for anyone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan
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
    # Tasks whose latest counted report the office has not reviewed yet: by default it
    # counts once submitted (until returned), so the public is told which.
    awaiting: frozenset[int] = frozenset()
    # 审核通过才计入: the awaiting reports do not count yet (else they count already).
    accepted_only: bool = False

    @property
    def awaiting_review(self) -> int:
        return len(self.awaiting)


def public_plan(s: Session, plan_id: int, rules: HealthRules) -> PublicPlan | None:
    """The plan's promises and progress today, or None unless it is published."""
    plan = s.get(Plan, plan_id)
    if plan is None or not plan.public:
        return None
    view = plan_view(s, plan, rules, AsOf.today())
    leaves = view.leaves()
    awaiting = frozenset(r.id for r in leaves if r.awaiting_review)
    return PublicPlan(view.plan, plan_figures(view), leaves, awaiting, rules.accepted_only)
