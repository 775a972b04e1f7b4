"""A plan's view computed from the ledger's records: the definition of every row's figures.

Everything is read in a fixed handful of queries per plan (tasks, co-units,
targets, rounds, latest reports), never one per task. The health rules themselves
are in ``ledger.health``; this module feeds them the facts of one ``AsOf``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from luoshi.ledger import health
from luoshi.ledger.models import (
    AuditEvent,
    Plan,
    ProgressReport,
    Review,
    Round,
    Target,
    Task,
    TaskCoUnit,
    Unit,
)
from luoshi.ledger.read import asof
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.bounded import whole_plan_ahead
from luoshi.ledger.read.rows import (
    PlanRef,
    PlanView,
    ReportedValue,
    TargetRow,
    TaskRow,
    code_key,
)
from luoshi.ledger.read.values import latest_values
from luoshi.settings import HealthRules


def plan_ref(plan: Plan) -> PlanRef:
    return PlanRef(plan.id, plan.name, plan.title, plan.document_id, plan.public)


def computed_view(s: Session, plan: Plan, rules: HealthRules, at: AsOf) -> PlanView:
    """Every task of ``plan`` in code order, with progress rolled up by weight, as of ``at``.

    Tasks and targets are as they are now; reports, reviews and rounds as they were
    at ``at.until`` when it is set (a past day)."""
    whole_plan_ahead()
    rows = task_rows(s, plan.id)
    by_id = {r.id: r for r in rows}
    _attach_targets(s, plan.id, by_id, at.until)
    _attach_reports(s, plan.id, by_id, at.until, rules.accepted_only)
    if at.until is not None:
        _reopen_done_later(s, plan.id, rows, at.until)
    due = due_rounds(s, plan.id, at)
    total = roll_up(rows, rules, at, due, lead_unit_assigned_at(s, plan.id))
    return PlanView(plan_ref(plan), at, rows, total)


# The columns a TaskRow is made of, in its fields' order, then parent_id and lead_unit_id.
parent_task = aliased(Task)
ROW_COLUMNS = (
    Task.id, Task.code, parent_task.code, Task.level, Task.kind, Task.title,
    Task.document_id, Task.start, Task.end, Task.category, Unit.name, Task.person,
    Task.start_date, Task.deadline, Task.expected_outcome, Task.weight, Task.state,
    Task.version, Task.parent_id, Task.lead_unit_id,
)  # fmt: skip


def row_select() -> Select[*tuple[Any, ...]]:
    """Tasks as rows: their own columns, the parent's code and the lead unit's name."""
    return (
        select(*ROW_COLUMNS)
        .outerjoin(Unit, Unit.id == Task.lead_unit_id)
        .outerjoin(parent_task, parent_task.id == Task.parent_id)
    )


def task_row(f: Sequence[Any]) -> TaskRow:
    """A TaskRow from the columns of ``ROW_COLUMNS``."""
    row = TaskRow(*f[:18])
    row.parent_id, row.lead_unit_id = f[18], f[19]
    return row


def task_rows(s: Session, plan_id: int) -> list[TaskRow]:
    """The plan's tasks in code order (1.2 before 1.10), with unit names and leaves marked."""
    # Plain columns, not ORM objects: building 10,000 tracked objects costs more
    # than the query.
    out = [task_row(r) for r in s.execute(row_select().where(Task.plan_id == plan_id))]
    _attach_co_units(s, plan_id, {r.id: r for r in out})
    parents = {r.parent for r in out}
    for r in out:
        r.leaf = r.code not in parents
    out.sort(key=lambda r: code_key(r.code))
    return out


def _attach_co_units(s: Session, plan_id: int, by_id: dict[int, TaskRow]) -> None:
    q = (
        select(TaskCoUnit.task_id, Unit.name)
        .join(Unit, Unit.id == TaskCoUnit.unit_id)
        .join(Task, Task.id == TaskCoUnit.task_id)
        .where(Task.plan_id == plan_id)
        .order_by(TaskCoUnit.task_id, TaskCoUnit.position)
    )
    for task_id, name in s.execute(q):
        by_id[task_id].co_units.append(name)


TARGET_COLUMNS = (
    Target.id, Target.indicator, Target.comparator, Target.value, Target.value_max,
    Target.unit, Target.period, Target.start, Target.end, Target.text,
    Target.baseline_value, Target.baseline_unit, Target.baseline_period,
    Target.baseline_start, Target.baseline_end, Target.baseline_text,
)  # fmt: skip
_BASELINE_KEYS = ("value", "unit", "period", "start", "end", "text")


def _attach_targets(
    s: Session, plan_id: int, by_id: dict[int, TaskRow], until: datetime | None
) -> None:
    latest = latest_values(s, plan_id, until)
    q = (
        select(Target.task_id, *TARGET_COLUMNS)
        .join(Task, Task.id == Target.task_id)
        .where(Task.plan_id == plan_id)
        .order_by(Target.task_id, Target.position)
    )
    for row in s.execute(q):
        target = target_row(cast(tuple[Any, ...], row)[1:], latest.get(row[1]))
        by_id[row[0]].targets.append(target)


def target_row(f: Sequence[Any], latest: ReportedValue | None = None) -> TargetRow:
    """A TargetRow from the columns of ``TARGET_COLUMNS`` (and its latest reported value)."""
    baseline = None
    if f[10] is not None:
        baseline = dict(zip(_BASELINE_KEYS, f[10:16], strict=True))
    id_, indicator, comparator, value, value_max, unit, period, start, end, text = f[:10]
    return TargetRow(
        id_, indicator, comparator, value, value_max, unit, period, start, end, text, baseline,
        latest,
    )  # fmt: skip


def _attach_reports(
    s: Session,
    plan_id: int,
    by_id: dict[int, TaskRow],
    until: datetime | None,
    accepted_only: bool = False,
) -> None:
    """Each task's latest counted (not returned) report: its round, whether it awaits
    review, and its percent as progress — or, when only accepted reports count, the
    percent of the latest accepted one."""
    counted = (
        select(
            ProgressReport.task_id,
            func.max(ProgressReport.id).label("last_id"),
            func.max(ProgressReport.round_id).label("last_round"),
        )
        .join(Round, Round.id == ProgressReport.round_id)
        .where(Round.plan_id == plan_id, asof.report_counted(until))
        .group_by(ProgressReport.task_id)
        .subquery()
    )
    q = select(
        counted.c.task_id, ProgressReport.percent, counted.c.last_round, _awaiting(until)
    ).join(ProgressReport, ProgressReport.id == counted.c.last_id)
    for task_id, percent, round_id, awaiting in s.execute(q):
        row = by_id[task_id]
        row.last_round, row.awaiting_review = round_id, bool(awaiting)
        if not accepted_only:  # the report that counts is the one that reports
            row.reported = percent
    if accepted_only:
        _attach_accepted(s, plan_id, by_id, until)


def _awaiting(until: datetime | None) -> ColumnElement[bool]:
    """Of the joined report: not reviewed yet (at ``until``, when given)."""
    if until is None:
        return ProgressReport.state == "submitted"
    return ~exists().where(Review.report_id == ProgressReport.id, Review.at <= until)


def _attach_accepted(
    s: Session, plan_id: int, by_id: dict[int, TaskRow], until: datetime | None
) -> None:
    """The percent of each task's latest accepted report (审核通过才计入)."""
    accepted = (
        select(ProgressReport.task_id, func.max(ProgressReport.id).label("last_id"))
        .join(Round, Round.id == ProgressReport.round_id)
        .where(Round.plan_id == plan_id, asof.progress_counted(until, True))
        .group_by(ProgressReport.task_id)
        .subquery()
    )
    q = select(accepted.c.task_id, ProgressReport.percent).join(
        ProgressReport, ProgressReport.id == accepted.c.last_id
    )
    for task_id, percent in s.execute(q):
        by_id[task_id].reported = percent


def _reopen_done_later(s: Session, plan_id: int, rows: Sequence[TaskRow], until: datetime) -> None:
    """Each task as it stood at ``until``: one accepted as done later was still open
    then; one reopened later (撤销办结) was done then."""
    done = set(s.scalars(asof.tasks_done(until).join(Task).where(Task.plan_id == plan_id)))
    for r in rows:
        r.state = "done" if r.id in done else "open"


def due_rounds(s: Session, plan_id: int, at: AsOf) -> list[tuple[int, datetime]]:
    """(id, opened_at) of the rounds whose reporting time is over at ``at``: closed, or
    past their due date — among those opened by then, closed by then."""
    until = at.until
    q = _ROUNDS
    if until is not None:
        q = q.where(Round.opened_at <= until)
    return sorted(
        (rid, opened)
        for rid, opened, due, closed in s.execute(q, {"plan_id": plan_id})
        if (closed is not None and (until is None or closed <= until))
        or (due is not None and due < at.day)
    )


def lead_unit_assigned_at(
    s: Session, plan_id: int, task_id: int | None = None
) -> dict[int, datetime]:
    """By task id, when its lead unit was last changed by an edit (the audit trail).

    Tasks not listed have had their lead unit since the plan was built, before any
    of its rounds. Only edits that changed the unit are read, so this stays cheap.
    """
    tasks = select(Task.id).where(Task.plan_id == plan_id)
    if task_id is not None:
        tasks = tasks.where(Task.id == task_id)
    q = (
        select(AuditEvent.entity_id, func.max(AuditEvent.at))
        .where(*_UNIT_CHANGED, AuditEvent.entity_id.in_(tasks))
        .group_by(AuditEvent.entity_id)
    )
    return {task_id: at for task_id, at in s.execute(q)}


def lead_unit_assigned_on(s: Session, task_id: int) -> datetime | None:
    """When one task's lead unit was last changed by an edit (None: since it was built)."""
    found: datetime | None = s.scalar(_ASSIGNED_ON, {"task_id": task_id})
    return found


# Built once: a report's upkeep asks these of one task while holding the write lock.
_ROUNDS = select(Round.id, Round.opened_at, Round.due, Round.closed_at).where(
    Round.plan_id == bindparam("plan_id")
)
_UNIT_CHANGED = (
    AuditEvent.entity == Task.__tablename__,
    AuditEvent.action == "update",
    AuditEvent.before["lead_unit_id"]
    .as_integer()
    .is_distinct_from(AuditEvent.after["lead_unit_id"].as_integer()),
)
_ASSIGNED_ON = select(func.max(AuditEvent.at)).where(
    *_UNIT_CHANGED, AuditEvent.entity_id == bindparam("task_id")
)


def roll_up(
    rows: Sequence[TaskRow],
    rules: HealthRules,
    at: AsOf,
    due: Sequence[tuple[int, datetime]],
    assigned_at: dict[int, datetime],
) -> health.Rolled:
    """Give every row its progress, expected progress, health and missed rounds on
    ``at.day``; returns the plan's weighted total."""
    by_id = {r.id: r for r in rows}
    ids_by_code = {r.code: r.id for r in rows}
    due_ids = [rid for rid, _ in due]
    for r in rows:
        # Only leaves are reported on; a group's health comes from its children.
        if r.leaf and r.state != "done" and r.lead_unit is not None:
            since = assigned_at.get(r.id)
            counted = due_ids if since is None else health.rounds_opened_after(due, since)
            r.missed_rounds = health.missed_rounds(counted, r.last_round)
    nodes = [
        health.Node(
            r.id,
            ids_by_code.get(r.parent) if r.parent else None,
            r.weight,
            r.reported or 0.0,
            health.expected_progress(r.start_date, r.deadline, at.day),
            r.state == "done",
        )
        for r in rows
    ]
    rolled = health.roll_up(nodes)
    for node_id, result in rolled.items():
        row = by_id[node_id]
        row.progress, row.expected = result.progress, result.expected
        row.overdue = health.is_overdue(row.deadline, at.day, result.done)
        row.health = health.classify(
            rules,
            result.progress,
            result.expected,
            overdue=row.overdue,
            missed_rounds=row.missed_rounds,
            done=result.done,
        )
    return health.plan_progress(nodes, rolled)
