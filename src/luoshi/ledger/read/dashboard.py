"""总览 (dashboard): a plan's figures and its timeline, for one viewer on one day."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import plan_view
from luoshi.ledger.read.figures import PlanFigures, plan_figures
from luoshi.ledger.read.linkage import PlanLinkage, plan_linkage
from luoshi.ledger.read.rows import TaskRow
from luoshi.ledger.read.timeline import TimelinePoint, timeline
from luoshi.ledger.read.visibility import Viewer
from luoshi.ledger.rollup import Downstream
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class Dashboard:
    figures: PlanFigures
    timeline: list[TimelinePoint]
    # 承接情况: for those who see every task (a reporter sees its unit's only).
    linkage: PlanLinkage | None = None
    answered: list[tuple[TaskRow, Downstream]] = field(default_factory=list)


def dashboard(
    s: Session, plan: Plan, rules: HealthRules, viewer: Viewer | None, at: AsOf
) -> Dashboard:
    view = plan_view(s, plan, rules, at)
    sees_all = viewer is None or viewer.unit_scope is None
    linkage = plan_linkage(s, plan, rules, at, view) if sees_all else None
    answered = linkage.answered(view) if linkage else []
    return Dashboard(plan_figures(view, viewer), timeline(s, plan, view), linkage, answered)
