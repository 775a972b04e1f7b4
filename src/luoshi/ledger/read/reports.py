"""进度报告 as read: a task's reports with their reviews, a round's, a plan's review queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from luoshi.ledger.models import ProgressReport, Review, Round, Task, Unit, User
from luoshi.ledger.read.visibility import Viewer


@dataclass(frozen=True)
class ReviewRow:
    """督考: a supervisor's decision on a report."""

    id: int
    decision: str
    reason: str | None
    reviewer: str
    at: datetime


@dataclass(frozen=True)
class ReportRow:
    """进度报告: what a unit reported on a task in a round, with the reviews it got."""

    id: int
    round_id: int
    period: str
    task_id: int
    task_code: str
    task_title: str
    unit_id: int
    unit: str
    reporter: str
    percent: float
    value: float | None
    narrative: str
    evidence: list[str]
    state: str  # submitted, accepted or returned
    submitted_at: datetime
    version: int
    reviews: list[ReviewRow] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        return self.state != "returned"


_Found = Select[ProgressReport, str, str, str, str, str]


def _query(viewer: Viewer | None = None) -> _Found:
    q = (
        select(ProgressReport, Round.period, Unit.name, User.username, Task.code, Task.title)
        .join(Round, Round.id == ProgressReport.round_id)
        .join(Unit, Unit.id == ProgressReport.unit_id)
        .join(User, User.id == ProgressReport.reporter_id)
        .join(Task, Task.id == ProgressReport.task_id)
        .order_by(ProgressReport.id)
    )
    scope = viewer.report_unit_scope if viewer is not None else None
    if scope is not None:
        q = q.where(ProgressReport.unit_id == scope)
    return q


def _rows(s: Session, q: _Found) -> list[ReportRow]:
    found = list(s.execute(q))
    reviews = reviews_of(s, [r[0].id for r in found])
    return [
        ReportRow(
            r.id,
            r.round_id,
            period,
            r.task_id,
            code,
            title,
            r.unit_id,
            unit,
            who,
            r.percent,
            r.value,
            r.narrative,
            list(r.evidence or []),
            r.state,
            r.submitted_at,
            r.version,
            reviews.get(r.id, []),
        )
        for r, period, unit, who, code, title in found
    ]


def reviews_of(s: Session, report_ids: Sequence[int]) -> dict[int, list[ReviewRow]]:
    q = (
        select(Review, User.username)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.report_id.in_(report_ids))
        .order_by(Review.id)
    )
    out: dict[int, list[ReviewRow]] = {}
    for rv, who in s.execute(q):
        out.setdefault(rv.report_id, []).append(
            ReviewRow(rv.id, rv.decision, rv.reason, who, rv.at)
        )
    return out


def task_reports(s: Session, task_id: int) -> list[ReportRow]:
    """Every report on a task, oldest first (visibility is the task's)."""
    return _rows(s, _query().where(ProgressReport.task_id == task_id))


def report_row(s: Session, report_id: int) -> ReportRow | None:
    found = _rows(s, _query().where(ProgressReport.id == report_id))
    return found[0] if found else None


def round_reports(s: Session, viewer: Viewer, round_id: int) -> list[ReportRow]:
    """Reports of a round; a reporter sees its own unit's only."""
    return _rows(s, _query(viewer).where(ProgressReport.round_id == round_id))


def review_queue(
    s: Session, viewer: Viewer, plan_id: int, state: str | None = None
) -> list[ReportRow]:
    """督考队列: a plan's reports, oldest first, by review state; a reporter's own only."""
    q = _query(viewer).where(Round.plan_id == plan_id)
    if state:
        q = q.where(ProgressReport.state == state)
    return _rows(s, q)


def reported_in_round(s: Session, round_id: int) -> set[int]:
    """Ids of the tasks with a counted report in a round."""
    q = select(ProgressReport.task_id).where(
        ProgressReport.round_id == round_id, ProgressReport.state != "returned"
    )
    return set(s.scalars(q))
