"""填报值: the value units last reported against each target of a plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.ledger.models import ProgressReport, Round, Target, Task
from luoshi.ledger.read import asof


@dataclass(frozen=True)
class ReportedValue:
    value: float
    period: str  # the period of the round it was reported in
    report_id: int


def latest_values(
    s: Session, plan_id: int, until: datetime | None = None
) -> dict[int, ReportedValue]:
    """Per target id: the latest counted (not returned) report that states a value —
    counted at ``until`` when given (a past --as-of), else now.

    A later report without a value does not erase an earlier value, just as a
    unit reporting only a percentage has not taken back the figure it gave.
    """
    latest = (
        select(ProgressReport.target_id, func.max(ProgressReport.id).label("last_id"))
        .join(Target, Target.id == ProgressReport.target_id)
        .join(Task, Task.id == Target.task_id)
        .where(
            Task.plan_id == plan_id,
            asof.report_counted(until),
            ProgressReport.value.is_not(None),
        )
        .group_by(ProgressReport.target_id)
        .subquery()
    )
    q = (
        select(latest.c.target_id, ProgressReport.value, Round.period, ProgressReport.id)
        .join(ProgressReport, ProgressReport.id == latest.c.last_id)
        .join(Round, Round.id == ProgressReport.round_id)
    )
    return {
        target_id: ReportedValue(value, period, report_id)
        for target_id, value, period, report_id in s.execute(q)
    }
