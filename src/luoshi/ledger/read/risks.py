"""目标风险 (targets at risk): the targets whose reported values fall short of them.

Read from the reported values alone (``target_trajectory``), never from a whole-plan
view: a plan whose targets have no reported value costs one query that finds none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger.models import Target, Task, TaskCoUnit, Unit
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.visibility import Viewer, may_see_units
from luoshi.ledger.target_trajectory import TargetProjection, at_risk, plan_projections

RISKS_SHOWN = 50  # the dashboard lists this many targets at risk


@dataclass(frozen=True)
class TargetRisk:
    """有风险的目标: a target, its task, and the value its reported values lead to."""

    target_id: int
    task_id: int
    code: str
    title: str
    lead_unit: str | None
    target: str  # the target as the document states it (1600万标准箱)
    indicator: str
    value: float
    unit: str
    projected: float
    deadline: date
    points: int  # reported values the projection rests on


def targets_at_risk(s: Session, plan_id: int, viewer: Viewer | None, at: AsOf) -> list[TargetRisk]:
    """The plan's targets projected to miss their deadline, by task, as ``viewer`` may
    see them (a reporter: its own unit's tasks only)."""
    risky = at_risk(plan_projections(s, plan_id, at.until))
    if not risky:
        return []
    task_ids = {p.task_id for p in risky}
    if viewer is not None and viewer.is_reporter:
        units = _task_units(s, task_ids)
        task_ids = {t for t in task_ids if may_see_units(viewer, units.get(t, []))}
    names = _lead_units(s, task_ids)
    return [_risk(s, p, names) for p in risky if p.task_id in task_ids]


def _risk(s: Session, p: TargetProjection, names: dict[int, str]) -> TargetRisk:
    # Both rows are in the session already: plan_projections loaded them.
    target = s.get_one(Target, p.target_id)
    task = s.get_one(Task, p.task_id)
    lead = names.get(task.lead_unit_id) if task.lead_unit_id is not None else None
    return TargetRisk(
        p.target_id,
        task.id,
        task.code,
        task.title,
        lead,
        target.text,
        target.indicator,
        target.value,
        target.unit,
        p.projection.projected,
        p.deadline,
        p.projection.points,
    )


def _lead_units(s: Session, task_ids: Iterable[int]) -> dict[int, str]:
    rows = s.execute(
        select(Unit.id, Unit.name)
        .join(Task, Task.lead_unit_id == Unit.id)
        .where(Task.id.in_(list(task_ids)))
    ).all()
    return {unit_id: name for unit_id, name in rows}


def _task_units(s: Session, task_ids: Iterable[int]) -> dict[int, list[int]]:
    """Per task: the ids of its lead unit and its co-units."""
    ids = list(task_ids)
    out: dict[int, list[int]] = {}
    for task_id, lead in s.execute(select(Task.id, Task.lead_unit_id).where(Task.id.in_(ids))):
        out[task_id] = [lead] if lead is not None else []
    co = select(TaskCoUnit.task_id, TaskCoUnit.unit_id).where(TaskCoUnit.task_id.in_(ids))
    for task_id, unit_id in s.execute(co):
        out.setdefault(task_id, []).append(unit_id)
    return out


def task_projections(s: Session, task: Task, at: AsOf) -> dict[int, TargetProjection]:
    """进度预测 of one task's targets that have reported values, per target id."""
    return plan_projections(s, task.plan_id, at.until, task_id=task.id)
