"""总览 (dashboard): a plan's figures and its timeline, for one viewer on one day."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan
from luoshi.ledger.read import kept
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.figures import PlanFigures
from luoshi.ledger.read.linkage import PlanLinkage, has_links, plan_linkage
from luoshi.ledger.read.memo import MEMO, stamp
from luoshi.ledger.read.records import ATTENTION_SHOWN
from luoshi.ledger.read.risks import TargetRisk, targets_at_risk
from luoshi.ledger.read.rows import TaskRow
from luoshi.ledger.read.state import answers, plan_state
from luoshi.ledger.read.timeline import TimelinePoint, timeline
from luoshi.ledger.read.views import figures_of, plan_view
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
    # 目标风险: targets whose reported values project short of them by their deadline.
    at_risk: list[TargetRisk] = field(default_factory=list)


def dashboard(
    s: Session, plan: Plan, rules: HealthRules, viewer: Viewer | None, at: AsOf
) -> Dashboard:
    """The figures (the first tasks needing attention, and how many), the timeline and,
    for those who see every task, how the plan answers the plans above and below it;
    and the targets at risk the viewer may see."""
    st = plan_state(s, plan.id)
    fresh = answers(s, st, rules, at)
    # Linked plans' figures move with other plans' writes: remembered only alone.
    if st is not None and fresh and not has_links(s, plan.id):
        key = ("dashboard", stamp(s, st), viewer)
        return MEMO.get_or(key, lambda: _dashboard(s, plan, rules, viewer, at))
    return _dashboard(s, plan, rules, viewer, at)


def awaiting_review(
    s: Session, plan: Plan, rules: HealthRules, viewer: Viewer | None, at: AsOf
) -> int:
    """How many leaves the viewer sees whose latest counted report awaits review: the
    progress shown counts them already, or (审核通过才计入) will once accepted."""
    st = plan_state(s, plan.id)
    if st is not None and answers(s, st, rules, at):
        return kept.awaiting_count(s, plan.id, viewer)
    rows = plan_view(s, plan, rules, at).leaves()
    scope = viewer.unit_scope if viewer is not None else None
    return sum(1 for r in rows if r.awaiting_review and (scope is None or r.belongs_to(scope)))


def _dashboard(
    s: Session, plan: Plan, rules: HealthRules, viewer: Viewer | None, at: AsOf
) -> Dashboard:
    f = figures_of(s, plan, rules, at, viewer, ATTENTION_SHOWN)
    sees_all = viewer is None or viewer.unit_scope is None
    linkage = plan_linkage(s, plan, rules, at).seen_by(viewer) if sees_all else None
    answered = []
    if linkage is not None and linkage.downstream:
        answered = linkage.answered(plan_view(s, plan, rules, at))
    points = timeline(s, plan, at, (f.progress, f.expected), rules)
    return Dashboard(f, points, linkage, answered, targets_at_risk(s, plan.id, viewer, at))
