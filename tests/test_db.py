"""Opening the database and one transaction per unit of work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from luoshi.errors import Busy, InputError
from luoshi.ledger.clock import now
from luoshi.ledger.db import Database
from luoshi.ledger.models import Unit


def test_a_write_that_waits_out_another_writer_is_refused_as_busy(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    db = Database.open(f"sqlite:///{path}")
    other = sqlite3.connect(path)
    other.execute("BEGIN IMMEDIATE")  # another process holds SQLite's one write lock
    try:
        with pytest.raises(Busy, match="数据库正忙"), db.transaction() as s:
            s.execute(text("PRAGMA busy_timeout=50"))
            s.add(Unit(name="区水务局", created_at=now()))
    finally:
        other.rollback()
        other.close()
    with db.transaction() as s:  # nothing was written, and the database still works
        assert s.query(Unit).count() == 0
        s.add(Unit(name="区水务局", created_at=now()))
    db.dispose()


def test_an_unusable_url_is_explained() -> None:
    with pytest.raises(InputError, match="无法识别"):
        Database.open("not a url")
