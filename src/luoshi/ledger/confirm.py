"""确认: a person confirms the lead units Luoshi suggested (待确认), one task or many.

A suggestion (``lead_unit_origin == "suggested"``) stays 待确认 until a person
confirms it here or changes the lead unit (``tasks.edit_task`` marks the task
"assigned"). Each confirmed task gets one audit event and a new version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from luoshi.errors import Conflict, NotFound
from luoshi.ledger import audit
from luoshi.ledger.models import PENDING_ORIGIN, Plan, Task, Unit, User
from luoshi.ledger.scope import require_plan_manager
from luoshi.ledger.tasks import co_unit_names, task_snapshot

ORIGIN_LABELS = {
    "document": "文件写明",
    "suggested": "建议（待确认）",
    "confirmed": "建议（已确认）",
    "assigned": "人工指定",
}
PENDING_LABEL = "待确认"


@dataclass(frozen=True)
class LeadUnitBasis:
    """Where a task's lead unit came from and why, for the task page."""

    origin: str | None
    label: str | None
    reason: str | None
    pending: bool


def basis_of(task: Task) -> LeadUnitBasis:
    origin = task.lead_unit_origin
    return LeadUnitBasis(
        origin,
        ORIGIN_LABELS.get(origin or ""),
        task.lead_unit_reason,
        origin == PENDING_ORIGIN and task.lead_unit_id is not None,
    )


def pending_count(s: Session, plan_id: int) -> int:
    """How many tasks of a plan have a suggested lead unit still 待确认."""
    q = select(func.count()).where(
        Task.plan_id == plan_id,
        Task.lead_unit_origin == PENDING_ORIGIN,
        Task.lead_unit_id.is_not(None),
    )
    return int(s.scalar(q) or 0)


def confirm_lead_units(
    s: Session, actor: User, plan: Plan, codes: Sequence[str] | None = None
) -> list[str]:
    """Confirm the suggested lead units of ``codes`` (every pending task when None);
    the codes confirmed, in order. A code that names no task is refused."""
    require_plan_manager(s, actor, plan, "确认责任单位")
    q = select(Task).where(Task.plan_id == plan.id)
    if codes is not None:
        wanted = list(dict.fromkeys(codes))
        q = q.where(Task.code.in_(wanted))
    found = list(s.scalars(q.order_by(Task.id)))
    if codes is not None:
        missing = sorted(set(wanted) - {t.code for t in found}, key=wanted.index)
        if missing:
            raise NotFound(f"计划 {plan.name} 中没有编号为 {'、'.join(missing)} 的任务")
    pending = [t for t in found if t.lead_unit_origin == PENDING_ORIGIN and t.lead_unit_id]
    for task in pending:
        _confirm(s, actor, plan, task)
    return [t.code for t in pending]


def _confirm(s: Session, actor: User, plan: Plan, task: Task) -> None:
    co = co_unit_names(s, task.id)
    before = task_snapshot(task, co)
    task.lead_unit_origin = "confirmed"
    try:
        s.flush()
    except StaleDataError:
        raise Conflict(f"任务 {plan.name}:{task.code} 已被他人修改，请刷新后重试") from None
    audit.record(s, actor, task, "confirm_lead_unit", before, task_snapshot(task, co))


def lead_unit_name(s: Session, task: Task) -> str | None:
    unit = s.get(Unit, task.lead_unit_id) if task.lead_unit_id else None
    return unit.name if unit else None
