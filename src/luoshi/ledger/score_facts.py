"""The facts 考核 scores are computed from: per unit, in one reporting round of a plan.

The period ends on the round's due date (else the day it closed, else today); the
board is read as the ledger stood at that day's end, so a score does not change
when someone reports late.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger import health
from luoshi.ledger.clock import local_day
from luoshi.ledger.models import DelayRequest, Plan, ProgressReport, Round, Task, Unit
from luoshi.ledger.read.asof import AsOf, end_of_day
from luoshi.ledger.read.rows import TaskRow
from luoshi.ledger.read.views import plan_view
from luoshi.ledger.scoring import Rules, Score, UnitFacts, rank
from luoshi.settings import HealthRules


def period_round(s: Session, plan: Plan, period: str | None) -> Round:
    """The round of ``period``; the latest round when None."""
    q = select(Round).where(Round.plan_id == plan.id)
    if period is not None:
        q = q.where(Round.period == period)
    rnd = s.scalars(q.order_by(Round.opened_at.desc(), Round.id.desc()).limit(1)).first()
    if rnd is None:
        if period is None:
            raise NotFound(f"计划 {plan.name} 还没有调度，无法考核")
        raise NotFound(f"计划 {plan.name} 没有 {period} 的调度（用 luoshi rounds list 查看）")
    return rnd


def period_end(rnd: Round, today: date) -> date:
    if rnd.due is not None:
        return min(rnd.due, today)
    if rnd.closed_at is not None:
        return min(local_day(rnd.closed_at), today)
    return today


def unit_facts(
    s: Session, plan: Plan, rnd: Round, rules: HealthRules, today: date
) -> list[UnitFacts]:
    """The facts of every unit that leads a leaf task of ``plan``."""
    end = period_end(rnd, today)
    until = end_of_day(end)
    view = plan_view(s, plan, rules, AsOf(end, until if end < today else None))
    leaves = [r for r in view.leaves() if r.lead_unit]
    units = dict(s.execute(select(Unit.name, Unit.id)).all())
    by_unit: dict[str, list[TaskRow]] = defaultdict(list)
    for r in leaves:
        by_unit[r.lead_unit or ""].append(r)
    reports = _round_reports(s, rnd, until)
    delays = _delays(s, plan, rnd, until)
    out = []
    for name, rows in sorted(by_unit.items()):
        uid = units[name]
        open_rows = [r for r in rows if r.health != "done"]
        mine = reports.get(uid, [])
        owed_ids = {r.id for r in rows if r.state != "done" or r.id in {m[0] for m in mine}}
        on_time = {tid for tid, at, _st in mine if tid in owed_ids and local_day(at) <= end}
        out.append(
            UnitFacts(
                unit_id=uid,
                unit=name,
                tasks=len(rows),
                open_tasks=len(open_rows),
                owed=len(owed_ids),
                on_time=len(on_time),
                reports=len(mine),
                returned=sum(1 for _t, _a, st in mine if st == "returned"),
                overdue=sum(1 for r in open_rows if health.is_overdue(r.deadline, end, False)),
                progress=_mean([r.progress for r in rows]),
                expected=_mean([r.expected for r in rows]),
                delays=delays.get(uid, 0),
            )
        )
    return out


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _round_reports(
    s: Session, rnd: Round, until: datetime
) -> dict[int, list[tuple[int, datetime, str]]]:
    """(task, submitted at, state) of the round's reports by unit, submitted by ``until``
    plus the late ones (they count as reports, not as on time)."""
    q = select(
        ProgressReport.unit_id,
        ProgressReport.task_id,
        ProgressReport.submitted_at,
        ProgressReport.state,
    ).where(ProgressReport.round_id == rnd.id)
    out: dict[int, list[tuple[int, datetime, str]]] = defaultdict(list)
    for unit_id, task_id, at, state in s.execute(q.order_by(ProgressReport.id)):
        out[unit_id].append((task_id, at, state))
    return out


def _delays(s: Session, plan: Plan, rnd: Round, until: datetime) -> dict[int, int]:
    """Delays granted in the period: decided after the previous round opened, by ``until``."""
    prev = s.scalars(
        select(Round.opened_at)
        .where(Round.plan_id == plan.id, Round.opened_at < rnd.opened_at)
        .order_by(Round.opened_at.desc())
        .limit(1)
    ).first()
    q = (
        select(DelayRequest.unit_id)
        .join(Task, Task.id == DelayRequest.task_id)
        .where(
            Task.plan_id == plan.id,
            DelayRequest.status == "approved",
            DelayRequest.decided_at <= until,
        )
    )
    if prev is not None:
        q = q.where(DelayRequest.decided_at > prev)
    out: dict[int, int] = defaultdict(int)
    for (unit_id,) in s.execute(q):
        out[unit_id] += 1
    return out


def plan_scores(
    s: Session,
    plan: Plan,
    health_rules: HealthRules,
    rules: Rules,
    period: str | None = None,
    today: date | None = None,
) -> tuple[Round, list[Score]]:
    """考核 of ``plan``'s units in the round of ``period`` (default: the latest), ranked."""
    rnd = period_round(s, plan, period)
    facts = unit_facts(s, plan, rnd, health_rules, today or date.today())
    return rnd, rank(facts, rules, rnd.period)
