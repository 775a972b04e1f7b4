"""Opening the database and one transaction per unit of work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from luoshi.errors import Busy, Conflict, InputError
from luoshi.ledger import cycle, units
from luoshi.ledger.clock import now
from luoshi.ledger.db import Database
from luoshi.ledger.models import AppSecret, Round, Unit
from tests.builders import admin, build_world


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


def test_a_duplicate_that_slips_past_the_check_is_a_conflict(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(db)
    # Two clerks add the same unit at once: both find no such unit, one insert wins.
    monkeypatch.setattr(units, "find_unit", lambda _s, _name: None)
    with pytest.raises(Conflict) as err, db.transaction() as s:
        units.add_unit(s, admin(s), "市教委")
    assert err.value.message == "已存在同名的单位，本次修改未保存，请刷新后重试"
    with db.transaction() as s:
        cycle.open_round(s, world.user(s, "boss"), world.plan(s), "2024-Q1", None)
    with pytest.raises(Conflict, match="已存在同一期间的调度"), db.transaction() as s:
        s.add(Round(plan_id=world.plan_id, period="2024-Q1", opened_at=now(), version=1))
    with db.transaction() as s:  # nothing half-written; the database still works
        assert len(cycle.list_rounds(s, world.plan(s))) == 1
        assert len([u for u in units.list_units(s) if u.name == "市教委"]) == 1


def test_other_integrity_errors_are_left_to_their_callers(db: Database) -> None:
    # The web app's secret is created by whichever worker comes first; the other
    # catches the IntegrityError and reads the winner's.
    with db.transaction() as s:
        s.add(AppSecret(name="session_key", value="a", created_at=now()))
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.add(AppSecret(name="session_key", value="b", created_at=now()))


def test_sqlite_syncs_every_commit_unless_told_otherwise(tmp_path: Path) -> None:
    def synchronous(db: Database) -> int:
        with db.engine.connect() as conn:
            value: int = conn.execute(text("PRAGMA synchronous")).scalar_one()
            return value

    full = Database.open(f"sqlite:///{tmp_path / 'a.db'}")
    normal = Database.open(f"sqlite:///{tmp_path / 'b.db'}", synchronous="normal")
    assert (synchronous(full), synchronous(normal)) == (2, 1)  # FULL, NORMAL
    full.dispose()
    normal.dispose()
    with pytest.raises(InputError, match="同步方式「OFF」无效"):
        Database.open(f"sqlite:///{tmp_path / 'c.db'}", synchronous="OFF")
