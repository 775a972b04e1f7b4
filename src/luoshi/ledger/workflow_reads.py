"""Reads of the workflow (签收, 延期, 办结, 批示, 佐证材料), as JSON-ready records, and who
may see them (the rules of ``read.visibility``: a reporter sees its own unit's tasks
only, everyone else every task). A report's files come with the report
(``read.reports``); a closing request's with its final report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from luoshi.errors import NotFound, PermissionDenied
from luoshi.ledger.models import (
    Attachment,
    CloseRequest,
    DelayRequest,
    ProgressReport,
    Task,
    TaskAck,
    TaskComment,
    Unit,
    User,
)
from luoshi.ledger.read.records import attachment_record
from luoshi.ledger.read.reports import attachments_of
from luoshi.ledger.read.visibility import Viewer, may_see_units, require_task_readable
from luoshi.ledger.workflow import task_unit_ids


def may_see_task(s: Session, viewer: Viewer, task: Task) -> bool:
    return may_see_units(viewer, task_unit_ids(s, task))


def require_task_visible(s: Session, viewer: Viewer, task: Task) -> None:
    require_task_readable(s, viewer, task)
    if not may_see_task(s, viewer, task):
        raise PermissionDenied(f"任务 {task.code} 不属于本单位，无权查看")


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _files_by_report(s: Session, report_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    found = attachments_of(s, list(report_ids))
    return {rid: [attachment_record(a) for a in files] for rid, files in found.items()}


def attachment_for(s: Session, viewer: Viewer, attachment_id: int) -> Attachment:
    """An attachment the viewer may download: whoever may see its task."""
    a = s.get(Attachment, attachment_id)
    if a is None:
        raise NotFound(f"佐证材料 {attachment_id} 不存在")
    task = s.get(Task, a.task_id)
    assert task is not None
    require_task_readable(s, viewer, task)
    if not may_see_task(s, viewer, task):
        raise PermissionDenied(f"佐证材料 {attachment_id} 属于其他单位的任务，无权下载")
    return a


def _delay_record(d: DelayRequest, unit: str, who: str, decider: str | None) -> dict[str, Any]:
    return {
        "id": d.id,
        "task_id": d.task_id,
        "unit": unit,
        "requester": who,
        "deadline_before": d.deadline_before.isoformat() if d.deadline_before else None,
        "requested": d.requested.isoformat(),
        "reason": d.reason,
        "status": d.status,
        "decided_by": decider,
        "decision_reason": d.decision_reason,
        "decided_at": _iso(d.decided_at),
        "created_at": _iso(d.created_at),
        "version": d.version,
    }


def _close_record(c: CloseRequest, unit: str, who: str, decider: str | None) -> dict[str, Any]:
    return {
        "id": c.id,
        "task_id": c.task_id,
        "unit": unit,
        "requester": who,
        "report_id": c.report_id,
        "summary": c.summary,
        "status": c.status,
        "decided_by": decider,
        "decision_reason": c.decision_reason,
        "decided_at": _iso(c.decided_at),
        "created_at": _iso(c.created_at),
        "version": c.version,
    }


# The workflow's reads are asked on every task page: each is built once per shape (of
# a task, of a plan, of one state), with bound parameters, since building the joins
# costs more than running them.


def _filtered(base: Any, model: Any, given: tuple[bool, bool, bool]) -> Any:
    by_task, by_plan, by_status = given
    if by_task:
        base = base.where(model.task_id == bindparam("task_id"))
    if by_plan:
        base = base.where(Task.plan_id == bindparam("plan_id"))
    if by_status:
        base = base.where(model.status == bindparam("status"))
    return base


@cache
def _delays_query(given: tuple[bool, bool, bool]) -> Any:
    decider = aliased(User)
    q = (
        select(DelayRequest, Unit.name, User.username, decider.username, Task.code, Task.title)
        .join(Unit, Unit.id == DelayRequest.unit_id)
        .join(User, User.id == DelayRequest.requester_id)
        .outerjoin(decider, decider.id == DelayRequest.decided_by)
        .join(Task, Task.id == DelayRequest.task_id)
        .order_by(DelayRequest.id)
    )
    return _filtered(q, DelayRequest, given)


@cache
def _closes_query(given: tuple[bool, bool, bool]) -> Any:
    decider = aliased(User)
    q = (
        select(CloseRequest, Unit.name, User.username, decider.username, Task.code, Task.title)
        .join(Unit, Unit.id == CloseRequest.unit_id)
        .join(User, User.id == CloseRequest.requester_id)
        .outerjoin(decider, decider.id == CloseRequest.decided_by)
        .join(Task, Task.id == CloseRequest.task_id)
        .order_by(CloseRequest.id)
    )
    return _filtered(q, CloseRequest, given)


def _shape(
    task_id: int | None, plan_id: int | None, status: str | None
) -> tuple[tuple[bool, bool, bool], dict[str, Any]]:
    params = {"task_id": task_id, "plan_id": plan_id, "status": status}
    given = (task_id is not None, plan_id is not None, status is not None)
    return given, params


def delays(
    s: Session, task_id: int | None = None, plan_id: int | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """延期申请, oldest first: of a task, or of a plan, optionally by state."""
    given, params = _shape(task_id, plan_id, status)
    return [
        {**_delay_record(d, unit, who, dec), "task_code": code, "task_title": title}
        for d, unit, who, dec, code, title in s.execute(_delays_query(given), params)
    ]


def closes(
    s: Session, task_id: int | None = None, plan_id: int | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """办结申请, oldest first, each with its final report's percent and attachments."""
    given, params = _shape(task_id, plan_id, status)
    rows = [
        {**_close_record(c, unit, who, dec), "task_code": code, "task_title": title}
        for c, unit, who, dec, code, title in s.execute(_closes_query(given), params)
    ]
    if not rows:
        return []
    files = _files_by_report(s, [r["report_id"] for r in rows])
    return [{**r, "attachments": files.get(r["report_id"], [])} for r in rows]


_COMMENTS = (
    select(TaskComment, User.username, User.display_name, Task.code, Task.title)
    .join(User, User.id == TaskComment.author_id)
    .join(Task, Task.id == TaskComment.task_id)
    .where(TaskComment.task_id.in_(bindparam("ids", expanding=True)))
    .order_by(TaskComment.id.desc())
)


def comments(s: Session, task_ids: Iterable[int]) -> list[dict[str, Any]]:
    """领导批示 on the tasks, newest first."""
    ids = list(task_ids)
    if not ids:
        return []
    return [
        {
            "id": c.id,
            "task_id": c.task_id,
            "task_code": code,
            "task_title": title,
            "author": who,
            "author_name": name,
            "text": c.text,
            "at": _iso(c.at),
        }
        for c, who, name, code, title in s.execute(_COMMENTS, {"ids": ids})
    ]


_ACKS = (
    select(TaskAck, Unit.name, User.username, User.display_name)
    .join(Unit, Unit.id == TaskAck.unit_id)
    .join(User, User.id == TaskAck.actor_id)
    .where(TaskAck.task_id == bindparam("task_id"))
    .order_by(TaskAck.id)
)


def acks(s: Session, task_id: int) -> list[dict[str, Any]]:
    return [
        {"unit_id": a.unit_id, "unit": unit, "by": who, "by_name": name, "at": _iso(a.at)}
        for a, unit, who, name in s.execute(_ACKS, {"task_id": task_id})
    ]


def task_workflow(s: Session, task: Task) -> dict[str, Any]:
    """Everything of the chain on one task: who signed, delays, closing requests,
    leader comments, and the original deadline when a delay moved it."""
    return {
        "task_id": task.id,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "original_deadline": (
            task.original_deadline.isoformat() if task.original_deadline else None
        ),
        "signed": acks(s, task.id),
        "delays": delays(s, task_id=task.id),
        "close_requests": closes(s, task_id=task.id),
        "comments": comments(s, [task.id]),
    }


def report_states(s: Session, round_id: int, task_ids: Iterable[int]) -> dict[int, str]:
    """The state of each task's latest report in a round: submitted (待审核), accepted
    (已通过) or returned (已退回) — what a reporter's list must say, not just "reported"."""
    ids = list(task_ids)
    if not ids:
        return {}
    q = (
        select(ProgressReport.task_id, ProgressReport.state)
        .where(ProgressReport.round_id == round_id, ProgressReport.task_id.in_(ids))
        .order_by(ProgressReport.id)
    )
    return dict(s.execute(q).all())


def unsigned(s: Session, plan_id: int, today: date, after_days: int) -> list[dict[str, Any]]:
    """Leaf tasks whose lead unit has not acknowledged them (签收) ``after_days`` or more
    days after it got them (the last change of lead unit, else the plan's creation)."""
    from luoshi.ledger.clock import local_day
    from luoshi.ledger.models import Plan
    from luoshi.ledger.read.compute import lead_unit_assigned_at

    plan = s.get(Plan, plan_id)
    if plan is None:
        return []
    child = aliased(Task)
    signed = select(TaskAck.id).where(
        TaskAck.task_id == Task.id, TaskAck.unit_id == Task.lead_unit_id
    )
    q = (
        select(Task.id, Task.code, Task.title, Unit.name)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(Task.plan_id == plan_id, Task.state != "done", ~signed.exists())
        .where(~select(child.id).where(child.parent_id == Task.id).exists())
        .order_by(Task.id)
    )
    moved = lead_unit_assigned_at(s, plan_id)
    out = []
    for task_id, code, title, unit in s.execute(q):
        given = local_day(moved.get(task_id, plan.created_at))
        days = (today - given).days
        if days >= after_days:
            out.append({"task_id": task_id, "code": code, "title": title, "unit": unit,
                        "given_on": given.isoformat(), "days": days})  # fmt: skip
    return out
