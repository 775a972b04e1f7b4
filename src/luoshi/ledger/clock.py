"""The time the ledger stamps on rows and the day it checks dates against: one place, so
tests and audits agree (tests set the clock by patching these functions)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """Current UTC time without tzinfo (stored the same on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """The calendar day on the office's clock (local time): what a clerk calls 今天."""
    return date.today()


def local_day(at: datetime) -> date:
    """The local calendar day of a stamp the ledger wrote (UTC without tzinfo)."""
    return at.replace(tzinfo=UTC).astimezone().date()
