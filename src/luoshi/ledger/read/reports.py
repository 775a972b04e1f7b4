"""进度报告 as read: a task's reports with their reviews and evidence files (佐证材料), a
round's, a plan's review queue (with the report-quality flags for those who review)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from luoshi.ledger import quality
from luoshi.ledger.models import (
    NOT_COUNTED,
    Attachment,
    ProgressReport,
    Review,
    Round,
    Task,
    Unit,
    User,
)
from luoshi.ledger.quality import Flag
from luoshi.ledger.read.listing import Page, paginate
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
class AttachmentRow:
    """佐证材料: an evidence file of a report or of a closing request."""

    id: int
    name: str
    size: int
    sha256: str
    content_type: str
    report_id: int | None
    close_request_id: int | None

    @property
    def image(self) -> bool:
        return self.content_type.startswith("image/")


def attachment_row(a: Attachment) -> AttachmentRow:
    return AttachmentRow(
        a.id, a.name, a.size, a.sha256, a.content_type, a.report_id, a.close_request_id
    )


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
    state: str  # submitted, accepted, returned or superseded
    submitted_at: datetime
    version: int
    reviews: list[ReviewRow] = field(default_factory=list)
    attachments: list[AttachmentRow] = field(default_factory=list)
    # 质量提示: for reviewers only (the review queue); None where they are not read.
    flags: list[Flag] | None = None

    @property
    def counted(self) -> bool:
        return self.state not in NOT_COUNTED


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


def _rows(s: Session, q: _Found, params: dict[str, Any] | None = None) -> list[ReportRow]:
    found = list(s.execute(q, params))
    ids = [r[0].id for r in found]
    reviews = reviews_of(s, ids)
    files = attachments_of(s, ids)
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
            files.get(r.id, []),
        )
        for r, period, unit, who, code, title in found
    ]


# Built once: the task page and every report written read these.
_REVIEWS = (
    select(Review, User.username)
    .join(User, User.id == Review.reviewer_id)
    .where(Review.report_id.in_(bindparam("ids", expanding=True)))
    .order_by(Review.id)
)
_FILES = (
    select(Attachment)
    .where(Attachment.report_id.in_(bindparam("ids", expanding=True)))
    .order_by(Attachment.id)
)
_OF_TASK = _query().where(ProgressReport.task_id == bindparam("task_id"))
_ONE = _query().where(ProgressReport.id == bindparam("report_id"))


def reviews_of(s: Session, report_ids: Sequence[int]) -> dict[int, list[ReviewRow]]:
    out: dict[int, list[ReviewRow]] = {}
    if not report_ids:
        return out
    for rv, who in s.execute(_REVIEWS, {"ids": list(report_ids)}):
        out.setdefault(rv.report_id, []).append(
            ReviewRow(rv.id, rv.decision, rv.reason, who, rv.at)
        )
    return out


def attachments_of(s: Session, report_ids: Sequence[int]) -> dict[int, list[AttachmentRow]]:
    """The evidence files of each report, in upload order."""
    out: dict[int, list[AttachmentRow]] = {}
    if not report_ids:
        return out
    for a in s.scalars(_FILES, {"ids": list(report_ids)}):
        assert a.report_id is not None
        out.setdefault(a.report_id, []).append(attachment_row(a))
    return out


def with_flags(s: Session, rows: Sequence[ReportRow]) -> list[ReportRow]:
    """The rows with their report-quality flags (报送质量提示)."""
    found = quality.report_flags(s, [r.id for r in rows])
    return [replace(r, flags=found.get(r.id, [])) for r in rows]


def task_reports(s: Session, task_id: int) -> list[ReportRow]:
    """Every report on a task, oldest first (visibility is the task's)."""
    return _rows(s, _OF_TASK, {"task_id": task_id})


def report_row(s: Session, report_id: int) -> ReportRow | None:
    found = _rows(s, _ONE, {"report_id": report_id})
    return found[0] if found else None


def round_reports(s: Session, viewer: Viewer, round_id: int) -> list[ReportRow]:
    """Reports of a round; a reporter sees its own unit's only."""
    return _rows(s, _query(viewer).where(ProgressReport.round_id == round_id))


def review_queue(
    s: Session, viewer: Viewer, plan_id: int, state: str | None = None
) -> list[ReportRow]:
    """督考队列: a plan's reports, oldest first, by review state; a reporter's own only.
    Managers (who review) also get each report's quality flags."""
    rows = _queue(s, viewer, plan_id, state)
    return with_flags(s, rows) if viewer.is_manager else rows


def review_page(
    s: Session, viewer: Viewer, plan_id: int, state: str | None, page: int, per_page: int
) -> Page[ReportRow]:
    """One page of the review queue; the flags (which read each narrative) are worked
    out for that page only."""
    chosen = paginate(_queue(s, viewer, plan_id, state), page, per_page)
    if viewer.is_manager:
        chosen = replace(chosen, items=with_flags(s, chosen.items))
    return chosen


def _queue(s: Session, viewer: Viewer, plan_id: int, state: str | None) -> list[ReportRow]:
    q = _query(viewer).where(Round.plan_id == plan_id)
    if state:
        q = q.where(ProgressReport.state == state)
    return _rows(s, q)


def reported_in_round(s: Session, round_id: int) -> set[int]:
    """Ids of the tasks with a counted report in a round."""
    q = select(ProgressReport.task_id).where(
        ProgressReport.round_id == round_id, ProgressReport.state.not_in(NOT_COUNTED)
    )
    return set(s.scalars(q))
