"""The facts the reminder schedule is computed from, read in the ledger for one day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from luoshi.ledger import cycle
from luoshi.ledger.clock import local_day
from luoshi.ledger.models import Plan, ProgressReport, Review, Round, Task, TaskAck, Unit
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import lead_unit_assigned_at
from luoshi.ledger.read.views import plan_view
from luoshi.ledger.reminders import Facts, ReturnedFact, RoundFact, TaskFact
from luoshi.settings import HealthRules


def plan_facts(s: Session, plan: Plan, rules: HealthRules, day: date) -> Facts:
    """Leaf tasks with their state, open rounds with who owes what, returned reports."""
    tasks = leaf_facts(s, plan, rules, day)
    by_code = {t.code: t for t in tasks}
    rounds = [
        RoundFact(
            r.id,
            plan.id,
            r.period,
            r.due,
            {p.unit_id: [by_code[c] for c in p.tasks if c in by_code] for p in cycle.pending(s, r)},
        )
        for r in s.scalars(select(Round).where(Round.plan_id == plan.id, Round.closed_at.is_(None)))
    ]
    return Facts(tasks, rounds, returned_facts(s, plan.id, {t.id: t for t in tasks}))


def leaf_facts(s: Session, plan: Plan, rules: HealthRules, day: date) -> list[TaskFact]:
    view = plan_view(s, plan, rules, AsOf(day))
    unit_ids = dict(s.execute(select(Unit.name, Unit.id)).all())
    moved = lead_unit_assigned_at(s, plan.id)
    lead_ids = dict(
        s.execute(select(Task.id, Task.lead_unit_id).where(Task.plan_id == plan.id)).all()
    )
    signed = set(
        s.execute(
            select(TaskAck.task_id, TaskAck.unit_id)
            .join(Task, Task.id == TaskAck.task_id)
            .where(Task.plan_id == plan.id)
        ).all()
    )
    out = []
    for r in view.leaves():
        unit_id = unit_ids.get(r.lead_unit) if r.lead_unit else None
        given = moved.get(r.id, plan.created_at)
        out.append(
            TaskFact(
                id=r.id,
                code=r.code,
                title=r.title,
                plan_id=plan.id,
                unit_id=unit_id,
                deadline=r.deadline,
                done=r.health == "done",
                stalled=r.health == "stalled",
                signed=unit_id is None or (r.id, lead_ids.get(r.id)) in signed,
                assigned_on=local_day(given),
            )
        )
    return out


def returned_facts(s: Session, plan_id: int, tasks: dict[int, TaskFact]) -> list[ReturnedFact]:
    """Returned reports not followed by another report of the same unit on the task."""
    later = aliased(ProgressReport)
    newer = (
        select(later.id)
        .where(
            later.task_id == ProgressReport.task_id,
            later.unit_id == ProgressReport.unit_id,
            later.id > ProgressReport.id,
        )
        .exists()
    )
    q = (
        select(ProgressReport.id, ProgressReport.task_id, ProgressReport.unit_id)
        .join(Round, Round.id == ProgressReport.round_id)
        .where(Round.plan_id == plan_id, ProgressReport.state == "returned", ~newer)
    )
    rows = list(s.execute(q))
    reasons = _return_reviews(s, [r[0] for r in rows])
    out = []
    for report_id, task_id, unit_id in rows:
        task = tasks.get(task_id)
        review = reasons.get(report_id)
        if task is None or task.done or review is None:
            continue
        out.append(ReturnedFact(report_id, task, unit_id, local_day(review.at), review.reason))
    return out


def _return_reviews(s: Session, report_ids: Sequence[int]) -> dict[int, Review]:
    if not report_ids:
        return {}
    last = (
        select(func.max(Review.id))
        .where(Review.report_id.in_(report_ids), Review.decision == "returned")
        .group_by(Review.report_id)
    )
    return {rv.report_id: rv for rv in s.scalars(select(Review).where(Review.id.in_(last)))}


def all_facts(s: Session, rules: HealthRules, day: date, plan_id: int | None = None) -> Facts:
    """The facts of every plan (or of one)."""
    q = select(Plan).order_by(Plan.id)
    if plan_id is not None:
        q = q.where(Plan.id == plan_id)
    tasks: list[TaskFact] = []
    rounds: list[RoundFact] = []
    returned: list[ReturnedFact] = []
    for plan in s.scalars(q):
        f = plan_facts(s, plan, rules, day)
        tasks += f.tasks
        rounds += f.rounds
        returned += f.returned
    return Facts(tasks, rounds, returned)
