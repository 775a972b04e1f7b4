"""The time the ledger stamps on rows: one function, so tests and audits agree."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """Current UTC time without tzinfo (stored the same on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)
