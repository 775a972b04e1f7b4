"""填报值: the value units last reported against each target of a plan — the one read
of reported values: the plan view (and so the task page, open data and the xlsx
ledger) and the target verdicts take them from here."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.ledger.models import ProgressReport, ReportValue, Round, Task
from luoshi.ledger.read import asof
from luoshi.ledger.read.rows import ReportedValue

__all__ = ["ReportedValue", "latest_values"]


def latest_values(
    s: Session,
    plan_id: int | None,
    until: datetime | None = None,
    target_ids: Collection[int] | None = None,
) -> dict[int, ReportedValue]:
    """Per target id of a plan: the value of the latest counted (not returned) report
    that gives that target a value — every target of a task, not only its first —
    counted at ``until`` when given (a past --as-of), else now.

    A later report without a value for a target does not erase an earlier value, just
    as a unit reporting only a percentage has not taken back the figure it gave.
    ``target_ids`` limits it to those targets (``plan_id`` may then be None).
    """
    chosen = (
        select(ReportValue.target_id, func.max(ReportValue.report_id).label("last_id"))
        .join(ProgressReport, ProgressReport.id == ReportValue.report_id)
        .where(asof.report_counted(until))
    )
    if plan_id is not None:
        chosen = chosen.join(Task, Task.id == ProgressReport.task_id)
        chosen = chosen.where(Task.plan_id == plan_id)
    if target_ids is not None:
        chosen = chosen.where(ReportValue.target_id.in_(list(target_ids)))
    latest = chosen.group_by(ReportValue.target_id).subquery()
    q = (
        select(latest.c.target_id, ReportValue.value, Round.period, ReportValue.report_id)
        .join(
            ReportValue,
            (ReportValue.report_id == latest.c.last_id)
            & (ReportValue.target_id == latest.c.target_id),
        )
        .join(ProgressReport, ProgressReport.id == ReportValue.report_id)
        .join(Round, Round.id == ProgressReport.round_id)
    )
    return {
        target_id: ReportedValue(value, period, report_id)
        for target_id, value, period, report_id in s.execute(q)
    }
