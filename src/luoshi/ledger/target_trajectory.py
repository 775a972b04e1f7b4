"""目标进度预测: each target's reported values over the rounds, projected to its deadline.

The read behind "on track / at risk" on the task page and the dashboard's list
of targets at risk (the lead wires them in). The projection itself is the pure
``projection.project``; this module gathers its inputs from the ledger:

* points: the counted (not returned) reports that state a value, dated at the
  end of their round's period (2024-Q3 → 2024-09-30); several in one period
  keep the latest;
* deadline: the task's, else the end of the year the target is due;
* start: the task's start date, else 1 January of the deadline's year;
* shape: a percentage that is a growth rate or has no baseline is read as a
  rate (its latest value); a share with a baseline (清洁取暖率 from 60%) rises
  from the baseline; an amount (吞吐量, 新建学校) accumulates from zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.extract.indicator_book import IndicatorBook, load_indicator_book
from luoshi.extract.verdict import TargetFigure
from luoshi.ledger.models import ProgressReport, ReportValue, Round, Target, Task
from luoshi.ledger.projection import Projection, period_end, project
from luoshi.ledger.promises import target_year
from luoshi.ledger.read import asof


@dataclass(frozen=True)
class TargetProjection:
    """A target, the values reported on it, and where they lead by its deadline."""

    target_id: int
    task_id: int
    deadline: date
    points: list[tuple[date, float]]
    projection: Projection


def plan_projections(
    s: Session,
    plan_id: int,
    until: datetime | None = None,
    book: IndicatorBook | None = None,
    task_id: int | None = None,
) -> dict[int, TargetProjection]:
    """Per target id with at least one reported value: its projection (of one task's
    targets only when ``task_id`` is given)."""
    gathered = _reported(s, plan_id, until, task_id)
    out: dict[int, TargetProjection] = {}
    if not gathered:
        return out  # nothing reported: the word file is not even read
    words = book or load_indicator_book()
    for target_id, (target, task, by_day) in gathered.items():
        found = _project(target, task, sorted(by_day.items()), words)
        if found is not None:
            out[target_id] = found
    return out


_Reported = dict[int, tuple[Target, Task, dict[date, float]]]


def _reported(s: Session, plan_id: int, until: datetime | None, task_id: int | None) -> _Reported:
    """Per target id: its target, its task and its counted values by period end (every
    target a report gives a value for, from ``report_values``, not its first only)."""
    if s.scalar(select(ReportValue.id).limit(1)) is None:
        return {}  # no report gives a value yet: nothing to project, one probe
    query = (
        select(Target, Task, ReportValue.value, Round.period, ProgressReport.id)
        .join(Task, Task.id == Target.task_id)
        .join(ReportValue, ReportValue.target_id == Target.id)
        .join(ProgressReport, ProgressReport.id == ReportValue.report_id)
        .join(Round, Round.id == ProgressReport.round_id)
        .where(Task.plan_id == plan_id, asof.report_counted(until))
        .order_by(ProgressReport.id)
    )
    if task_id is not None:
        query = query.where(Task.id == task_id)
    gathered: _Reported = {}
    for target, task, value, period, _id in s.execute(query).all():
        day = period_end(period)
        if day is None:
            continue
        entry = gathered.setdefault(target.id, (target, task, {}))
        entry[2][day] = value  # a later report of the same period replaces an earlier one
    return gathered


def _project(
    t: Target, task: Task, points: list[tuple[date, float]], book: IndicatorBook
) -> TargetProjection | None:
    due = task.deadline or _year_end(target_year(t))
    if due is None:
        return None
    start = task.start_date or date(due.year, 1, 1)
    percent = t.unit == "%"
    rate = percent and (t.measure == "growth" or t.baseline_value is None)
    origin = t.baseline_value if percent and t.baseline_value is not None else 0.0
    figure = TargetFigure(t.value, t.comparator, percent, t.value_max)
    p = project(figure, points, due, start, origin, rate, book.direction(t.indicator))
    if p is None:
        return None
    return TargetProjection(t.id, task.id, due, points, p)


def _year_end(year: int | None) -> date | None:
    return date(year, 12, 31) if year is not None else None


def at_risk(projections: dict[int, TargetProjection]) -> list[TargetProjection]:
    """The targets whose projection misses them, by task."""
    return sorted(
        (p for p in projections.values() if not p.projection.on_track),
        key=lambda p: (p.task_id, p.target_id),
    )
