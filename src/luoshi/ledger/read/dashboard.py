"""总览 (dashboard): a plan's figures and its timeline, for one viewer on one day."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import plan_view
from luoshi.ledger.read.figures import PlanFigures, plan_figures
from luoshi.ledger.read.timeline import TimelinePoint, timeline
from luoshi.ledger.read.visibility import Viewer
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class Dashboard:
    figures: PlanFigures
    timeline: list[TimelinePoint]


def dashboard(
    s: Session, plan: Plan, rules: HealthRules, viewer: Viewer | None, at: AsOf
) -> Dashboard:
    view = plan_view(s, plan, rules, at)
    return Dashboard(plan_figures(view, viewer), timeline(s, plan, view))
