"""截至: the ledger as it stood at a past moment, for ``--as-of`` views.

Reports, reviews and rounds carry the time they happened, so what counted then can
be told from what counts now: a report counted once submitted, until a review
returned it; a task was done once a 100% report was accepted. ``until=None``
everywhere means now, and then these filters are not applied at all.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, select

from luoshi.ledger.models import ProgressReport, Review


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` on this computer's clock, stamped as the ledger
    stamps rows (UTC without tzinfo)."""
    next_midnight = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return next_midnight.astimezone(UTC).replace(tzinfo=None) - timedelta(microseconds=1)


def report_counted(until: datetime | None) -> ColumnElement[bool]:
    """A report that counted at ``until``: submitted by then and not yet returned."""
    if until is None:
        return ProgressReport.status != "returned"
    returned = exists().where(
        Review.report_id == ProgressReport.id,
        Review.decision == "returned",
        Review.at <= until,
    )
    return and_(ProgressReport.submitted_at <= until, ~returned)


def tasks_done(until: datetime) -> Select[int]:
    """Ids of the tasks done at ``until``: a report claiming 100% accepted by then."""
    return (
        select(ProgressReport.task_id)
        .join(Review, Review.report_id == ProgressReport.id)
        .where(Review.decision == "accepted", ProgressReport.percent >= 100, Review.at <= until)
    )
