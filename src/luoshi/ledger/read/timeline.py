"""进度曲线 (timeline): where the plan stood at each reporting round.

A round's point is the plan's overall progress when the round closed (reports
counted at that moment) against the progress expected on its due date (else its
closing day). It is stored when the round closes and never changes afterwards.
A round still open at the view's moment shows the plan as the view sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan, Round, RoundPoint
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import computed_view
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class TimelinePoint:
    round_id: int
    period: str
    progress: float
    expected: float
    closed: bool


# Built once: the dashboard reads them after every write.
_ROUNDS = select(Round).where(Round.plan_id == bindparam("plan_id")).order_by(Round.id)
_POINTS = select(RoundPoint).where(RoundPoint.round_id.in_(bindparam("ids", expanding=True)))


def timeline(
    s: Session,
    plan: Plan,
    at: AsOf,
    live: tuple[float, float],
    rules: HealthRules | None = None,
) -> list[TimelinePoint]:
    """One point per round opened by ``at``, oldest first; ``live`` is the plan's
    (progress, expected) as of ``at``, the point of a round still open then."""
    until = at.until
    q = _ROUNDS if until is None else _ROUNDS.where(Round.opened_at <= until)
    rounds = list(s.scalars(q, {"plan_id": plan.id}))
    ids = [r.id for r in rounds]
    stored = {p.round_id: p for p in s.scalars(_POINTS, {"ids": ids})} if ids else {}
    points = []
    for rnd in rounds:
        if rnd.closed_at is not None and (until is None or rnd.closed_at <= until):
            point = stored.get(rnd.id) or closing_point(s, plan, rnd, rnd.closed_at, rules)
            points.append(TimelinePoint(rnd.id, rnd.period, point.progress, point.expected, True))
        else:
            points.append(TimelinePoint(rnd.id, rnd.period, *live, False))
    return points


def closing_point(
    s: Session, plan: Plan, rnd: Round, closed_at: datetime, rules: HealthRules | None = None
) -> RoundPoint:
    """The round's point at ``closed_at``, computed from the records (not stored).
    Progress and expected progress do not depend on the colour thresholds, only on
    which reports count (``progress_from``)."""
    day = rnd.due or closed_at.date()
    counting = HealthRules(progress_from=rules.progress_from) if rules else HealthRules()
    view = computed_view(s, plan, counting, AsOf(day, closed_at))
    return RoundPoint(round_id=rnd.id, progress=view.total.progress, expected=view.total.expected)


def store_missing_points(s: Session, plan: Plan, rules: HealthRules | None = None) -> int:
    """Store the point of every closed round that has none (rounds closed before points
    were kept, or loaded in bulk), so that the timeline never recomputes the past; how
    many were stored."""
    kept = select(RoundPoint.round_id)
    q = select(Round).where(
        Round.plan_id == plan.id, Round.closed_at.is_not(None), Round.id.not_in(kept)
    )
    missing = list(s.scalars(q))
    for rnd in missing:
        assert rnd.closed_at is not None
        s.add(closing_point(s, plan, rnd, rnd.closed_at, rules))
    s.flush()
    return len(missing)
