"""进度曲线 (timeline): where the plan stood at each reporting round.

A round's point is the plan's overall progress when the round closed (reports
counted at that moment) against the progress expected on its due date (else its
closing day). It is stored when the round closes and never changes afterwards.
A round still open at the view's moment shows the plan as the view sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan, Round, RoundPoint
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import plan_view
from luoshi.ledger.read.rows import PlanView
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class TimelinePoint:
    round_id: int
    period: str
    progress: float
    expected: float
    closed: bool


def timeline(s: Session, plan: Plan, view: PlanView) -> list[TimelinePoint]:
    """One point per round opened by the view's moment, oldest first."""
    until = view.at.until
    q = select(Round).where(Round.plan_id == plan.id).order_by(Round.id)
    if until is not None:
        q = q.where(Round.opened_at <= until)
    rounds = list(s.scalars(q))
    stored = {
        p.round_id: p
        for p in s.scalars(
            select(RoundPoint).where(RoundPoint.round_id.in_([r.id for r in rounds]))
        )
    }
    points = []
    for rnd in rounds:
        if rnd.closed_at is not None and (until is None or rnd.closed_at <= until):
            point = stored.get(rnd.id) or closing_point(s, plan, rnd, rnd.closed_at)
            points.append(TimelinePoint(rnd.id, rnd.period, point.progress, point.expected, True))
        else:
            total = view.total
            points.append(TimelinePoint(rnd.id, rnd.period, total.progress, total.expected, False))
    return points


def closing_point(s: Session, plan: Plan, rnd: Round, closed_at: datetime) -> RoundPoint:
    """The round's point at ``closed_at``, computed from the records (not stored).
    Progress and expected progress do not depend on the health rules."""
    day = rnd.due or closed_at.date()
    view = plan_view(s, plan, HealthRules(), AsOf(day, closed_at))
    return RoundPoint(round_id=rnd.id, progress=view.total.progress, expected=view.total.expected)
