"""总览 (dashboard): a plan's figures and its timeline, for one viewer on one day."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.figures import PlanFigures
from luoshi.ledger.read.records import ATTENTION_SHOWN
from luoshi.ledger.read.timeline import TimelinePoint, timeline
from luoshi.ledger.read.views import figures_of
from luoshi.ledger.read.visibility import Viewer
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class Dashboard:
    figures: PlanFigures
    timeline: list[TimelinePoint]


def dashboard(
    s: Session, plan: Plan, rules: HealthRules, viewer: Viewer | None, at: AsOf
) -> Dashboard:
    """The figures (the first tasks needing attention, and how many) and the timeline."""
    f = figures_of(s, plan, rules, at, viewer, ATTENTION_SHOWN)
    return Dashboard(f, timeline(s, plan, at, (f.progress, f.expected)))
