"""待办: a unit's to-do list, the reporter's home page — what needs doing, most urgent first.

Tasks to acknowledge (签收), tasks due soon or overdue with the days left, reports
returned with the reason, chases (催办) of open rounds, leader comments (批示), the
open rounds with what is still owed and the state of what was sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, aliased

from luoshi.ledger import cycle
from luoshi.ledger.models import (
    Chase,
    DelayRequest,
    Plan,
    ProgressReport,
    Review,
    Round,
    Task,
    TaskAck,
    TaskCoUnit,
)
from luoshi.ledger.workflow_reads import comments

SOON_DAYS = 14
RECENT_COMMENTS = 10
STATE_LABELS = {
    "submitted": "待审核",
    "accepted": "已通过",
    "returned": "已退回",
    "superseded": "已被新报告取代",
    "done": "已完成",
}


@dataclass(frozen=True)
class TaskItem:
    id: int
    code: str
    title: str
    plan: str
    deadline: date | None
    days_left: int | None
    original_deadline: date | None = None


@dataclass(frozen=True)
class ReturnedItem:
    report_id: int
    task_id: int
    code: str
    title: str
    period: str
    reason: str | None


@dataclass(frozen=True)
class ChaseItem:
    round_id: int
    period: str
    note: str | None
    at: str
    pending: int


@dataclass(frozen=True)
class RoundItem:
    id: int
    plan: str
    period: str
    due: date | None
    days_left: int | None
    owed: list[TaskItem]
    sent: list[tuple[TaskItem, str]]  # each with its state label
    # Of those sent, the tasks whose report awaits review: a new report replaces it.
    awaiting: tuple[int, ...] = ()


@dataclass
class Todo:
    unit_id: int
    today: date
    to_sign: list[TaskItem] = field(default_factory=list)
    due_soon: list[TaskItem] = field(default_factory=list)
    returned: list[ReturnedItem] = field(default_factory=list)
    chases: list[ChaseItem] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    rounds: list[RoundItem] = field(default_factory=list)
    delays: list[dict[str, Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        owed = sum(len(r.owed) for r in self.rounds)
        return len(self.to_sign) + len(self.due_soon) + len(self.returned) + owed


def _leaf() -> Any:
    child = aliased(Task)
    return ~exists().where(child.parent_id == Task.id)


def _mine(unit_id: int) -> Any:
    co = select(TaskCoUnit.task_id).where(TaskCoUnit.unit_id == unit_id)
    return or_(Task.lead_unit_id == unit_id, Task.id.in_(co))


def _item(t: Task, plan: str, today: date) -> TaskItem:
    left = (t.deadline - today).days if t.deadline else None
    return TaskItem(t.id, t.code, t.title, plan, t.deadline, left, t.original_deadline)


def unit_todo(s: Session, unit_id: int, today: date | None = None) -> Todo:
    day = today or date.today()
    todo = Todo(unit_id, day)
    q = (
        select(Task, Plan.name)
        .join(Plan, Plan.id == Task.plan_id)
        .where(_mine(unit_id), _leaf(), Task.state != "done")
        .order_by(Task.deadline.is_(None), Task.deadline, Task.id)
    )
    tasks = list(s.execute(q))
    signed = set(s.scalars(select(TaskAck.task_id).where(TaskAck.unit_id == unit_id)))
    horizon = day + timedelta(days=SOON_DAYS)
    for t, plan in tasks:
        if t.id not in signed:
            todo.to_sign.append(_item(t, plan, day))
        if t.deadline is not None and t.deadline <= horizon:
            todo.due_soon.append(_item(t, plan, day))
    todo.returned = _returned(s, unit_id)
    todo.rounds, todo.chases = _rounds(s, unit_id, day)
    all_ids = list(s.scalars(select(Task.id).where(_mine(unit_id))))
    todo.comments = comments(s, all_ids)[:RECENT_COMMENTS]
    todo.delays = _delays(s, unit_id)
    return todo


def _returned(s: Session, unit_id: int) -> list[ReturnedItem]:
    """Returned reports of the unit not followed by another on the same task."""
    later = aliased(ProgressReport)
    newer = exists().where(
        later.task_id == ProgressReport.task_id,
        later.unit_id == ProgressReport.unit_id,
        later.id > ProgressReport.id,
    )
    q = (
        select(ProgressReport.id, Task.id, Task.code, Task.title, Round.period)
        .join(Task, Task.id == ProgressReport.task_id)
        .join(Round, Round.id == ProgressReport.round_id)
        .where(
            ProgressReport.unit_id == unit_id,
            ProgressReport.state == "returned",
            Task.state != "done",
            ~newer,
        )
        .order_by(ProgressReport.id.desc())
    )
    rows = list(s.execute(q))
    reasons = dict(
        s.execute(
            select(Review.report_id, Review.reason)
            .where(Review.report_id.in_([r[0] for r in rows]), Review.decision == "returned")
            .order_by(Review.id)
        ).all()
    )
    return [
        ReturnedItem(rid, tid, code, title, period, reasons.get(rid))
        for rid, tid, code, title, period in rows
    ]


def _rounds(s: Session, unit_id: int, day: date) -> tuple[list[RoundItem], list[ChaseItem]]:
    q = (
        select(Round, Plan.name)
        .join(Plan, Plan.id == Round.plan_id)
        .where(Round.closed_at.is_(None))
        .order_by(Round.due.is_(None), Round.due, Round.id)
    )
    rounds: list[RoundItem] = []
    chases: list[ChaseItem] = []
    for rnd, plan in s.execute(q):
        mine = _round_tasks(s, rnd, unit_id)
        if not mine:
            continue
        owing = next((p for p in cycle.pending(s, rnd) if p.unit_id == unit_id), None)
        owed_codes = set(owing.tasks) if owing else set()
        states = _states(s, rnd.id, unit_id)
        owed = [_item(t, plan, day) for t in mine if t.code in owed_codes]
        sent = [
            (_item(t, plan, day), STATE_LABELS[states[t.id]])
            for t in mine
            if t.id in states and t.code not in owed_codes  # a returned report is owed again
        ]
        left = (rnd.due - day).days if rnd.due else None
        if not owed and not sent:
            continue  # nothing asked of the unit in this round (its tasks were done before)
        awaiting = tuple(i.id for i, _ in sent if states[i.id] == "submitted")
        rounds.append(RoundItem(rnd.id, plan, rnd.period, rnd.due, left, owed, sent, awaiting))
        if not owed:
            continue  # its chases are answered: every report asked for is in
        chases += [
            ChaseItem(
                rnd.id, rnd.period, c.note, c.at.isoformat(timespec="minutes"), c.pending_tasks
            )
            for c in s.scalars(
                select(Chase)
                .where(Chase.round_id == rnd.id, Chase.unit_id == unit_id)
                .order_by(Chase.id.desc())
            )
        ]
    return rounds, chases


def _round_tasks(s: Session, rnd: Round, unit_id: int) -> Sequence[Task]:
    q = select(Task).where(Task.plan_id == rnd.plan_id, _mine(unit_id), _leaf()).order_by(Task.id)
    return s.scalars(q).all()


def _states(s: Session, round_id: int, unit_id: int) -> dict[int, str]:
    """The state of the unit's latest report on each task in the round; a task the
    acceptance completed reads 已完成."""
    q = (
        select(ProgressReport.task_id, ProgressReport.state, Task.state)
        .join(Task, Task.id == ProgressReport.task_id)
        .where(ProgressReport.round_id == round_id, ProgressReport.unit_id == unit_id)
        .order_by(ProgressReport.id)
    )
    out: dict[int, str] = {}
    for task_id, state, task_state in s.execute(q):
        out[task_id] = "done" if task_state == "done" and state == "accepted" else state
    return out


def _delays(s: Session, unit_id: int) -> list[dict[str, Any]]:
    q = (
        select(DelayRequest, Task.code, Task.title)
        .join(Task, Task.id == DelayRequest.task_id)
        .where(DelayRequest.unit_id == unit_id)
        .order_by(DelayRequest.id.desc())
        .limit(10)
    )
    return [
        {
            "id": d.id,
            "task_id": d.task_id,
            "code": code,
            "title": title,
            "requested": d.requested.isoformat(),
            "status": d.status,
            "decision_reason": d.decision_reason,
        }
        for d, code, title in s.execute(q)
    ]
