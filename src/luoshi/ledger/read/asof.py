"""截至 (as of): the day a view is measured at, and the moment whose records it counts.

Reports, reviews and rounds carry the time they happened, so what counted then can
be told from what counts now: a report counted once submitted, until a review
returned it or its unit's newer report in the round replaced it; a task was done
once a 100% report was accepted. Every read takes an ``AsOf`` and honours it the
same way: ``day`` is the day expected progress and deadlines are measured at;
``until`` (a past day's last moment) leaves out what happened later. ``until=None``
means now, and then these filters are not applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import aliased

from luoshi.ledger.models import NOT_COUNTED, ProgressReport, Review


@dataclass(frozen=True)
class AsOf:
    """截至某日: ``day`` to measure at; ``until``, when set, the moment records are read at."""

    day: date
    until: datetime | None = None

    @classmethod
    def today(cls) -> AsOf:
        return cls(date.today())

    @classmethod
    def of(cls, day: date | None, today: date | None = None) -> AsOf:
        """The view of ``day`` (default today): a past day also reads the ledger as it
        stood at that day's end; today or a later day reads it as it is now."""
        now = today or date.today()
        chosen = day or now
        return cls(chosen, end_of_day(chosen) if chosen < now else None)

    @property
    def is_now(self) -> bool:
        return self.until is None


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` on this computer's clock, stamped as the ledger
    stamps rows (UTC without tzinfo)."""
    next_midnight = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return next_midnight.astimezone(UTC).replace(tzinfo=None) - timedelta(microseconds=1)


def report_counted(until: datetime | None) -> ColumnElement[bool]:
    """A report that counted at ``until``: submitted by then, and neither returned nor
    replaced (superseded) by then — replaced when the unit's next report on the task in
    the round, which superseded it, had been submitted."""
    if until is None:
        return ProgressReport.state.not_in(NOT_COUNTED)
    returned = exists().where(
        Review.report_id == ProgressReport.id,
        Review.decision == "returned",
        Review.at <= until,
    )
    newer = aliased(ProgressReport)
    replaced = exists().where(
        newer.round_id == ProgressReport.round_id,
        newer.task_id == ProgressReport.task_id,
        newer.unit_id == ProgressReport.unit_id,
        newer.id > ProgressReport.id,
        newer.submitted_at <= until,
    )
    standing = or_(ProgressReport.state != "superseded", ~replaced)
    return and_(ProgressReport.submitted_at <= until, ~returned, standing)


def progress_counted(until: datetime | None, accepted_only: bool) -> ColumnElement[bool]:
    """A report whose percent counts as progress at ``until``: one that counts
    (``report_counted``) and, when only accepted reports count (审核通过才计入), one a
    supervisor had accepted by then."""
    counted = report_counted(until)
    if not accepted_only:
        return counted
    if until is None:
        return ProgressReport.state == "accepted"
    accepted = exists().where(
        Review.report_id == ProgressReport.id,
        Review.decision == "accepted",
        Review.at <= until,
    )
    return and_(counted, accepted)


def tasks_done(until: datetime) -> Select[int]:
    """Ids of the tasks done at ``until``: a report claiming 100% accepted by then, and
    not returned by then (撤销办结 returns the report that completed the task)."""
    returned = aliased(Review)
    taken_back = exists().where(
        returned.report_id == ProgressReport.id,
        returned.decision == "returned",
        returned.at <= until,
    )
    return (
        select(ProgressReport.task_id)
        .join(Review, Review.report_id == ProgressReport.id)
        .where(
            Review.decision == "accepted",
            ProgressReport.percent >= 100,
            Review.at <= until,
            ~taken_back,
        )
    )
