"""督查通报的数字 (a bulletin's figures): the plan's figures, its round and that round's 催办
list, and its 承接情况 when it has links.

Nothing here defines a figure of its own: the numbers are ``figures.plan_figures``
of the plan's view, the 催办 list is ``cycle.pending``, 承接情况 is
``linkage.plan_linkage``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger import cycle
from luoshi.ledger.models import Plan, Round
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.figures import PlanFigures
from luoshi.ledger.read.linkage import PlanLinkage, has_links, plan_linkage
from luoshi.ledger.read.rows import TaskRow
from luoshi.ledger.read.views import figures_of, plan_view
from luoshi.ledger.rollup import Downstream
from luoshi.settings import HealthRules


@dataclass(frozen=True)
class RoundFacts:
    """调度: the reporting round a bulletin is about."""

    period: str
    due: date | None
    closed: bool


@dataclass(frozen=True)
class BulletinFigures:
    plan_name: str
    plan_title: str
    figures: PlanFigures
    round: RoundFacts | None
    pending: list[cycle.Pending]

    @property
    def today(self) -> date:
        return self.figures.day


def bulletin_figures(
    s: Session, plan: Plan, rules: HealthRules, at: AsOf, period: str | None = None
) -> BulletinFigures:
    """The figures of ``plan`` as of ``at`` for the round of ``period`` (default the latest
    round opened by then; none when the plan has no rounds yet)."""
    figures = figures_of(s, plan, rules, at)
    rnd = pick_round(s, plan, period, at)
    if rnd is None:
        return BulletinFigures(plan.name, plan.title, figures, None, [])
    closed = rnd.closed_at is not None and (at.until is None or rnd.closed_at <= at.until)
    facts = RoundFacts(rnd.period, rnd.due, closed)
    return BulletinFigures(plan.name, plan.title, figures, facts, cycle.pending(s, rnd, at.until))


def pick_round(s: Session, plan: Plan, period: str | None, at: AsOf) -> Round | None:
    rounds = list(cycle.list_rounds(s, plan))
    if period is None:
        # The latest round there was at the time: one opened later was not news then.
        opened = [r for r in rounds if at.until is None or r.opened_at <= at.until]
        return opened[-1] if opened else None
    for rnd in rounds:
        if rnd.period == period:
            return rnd
    known = "、".join(r.period for r in rounds) or "无，请先发起调度"
    raise NotFound(f"计划 {plan.name} 没有期间为「{period}」的调度（已有：{known}）")


@dataclass(frozen=True)
class BulletinLinkage:
    """承接情况 for a bulletin: coverage of the plans above, and the plan's tasks that
    lower tasks answer with their progress below (in code order)."""

    linkage: PlanLinkage
    answered: list[tuple[TaskRow, Downstream]]


def bulletin_linkage(
    s: Session, plan: Plan, rules: HealthRules, at: AsOf
) -> BulletinLinkage | None:
    """The plan's 承接情况 as of ``at``; None when no accepted link joins it to another
    plan (then no view is built)."""
    if not has_links(s, plan.id):
        return None
    view = plan_view(s, plan, rules, at)
    linkage = plan_linkage(s, plan, rules, at, view)
    if linkage.empty:
        return None
    return BulletinLinkage(linkage, linkage.answered(view))
