"""The queue of one process's writers in front of SQLite's lock (ledger/write_gate.py)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from luoshi.errors import Busy
from luoshi.ledger import write_gate
from luoshi.ledger.clock import now
from luoshi.ledger.db import Database
from luoshi.ledger.models import Unit
from luoshi.ledger.write_gate import WriteGate


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    found = Database.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield found
    found.dispose()


def gate(db: Database) -> WriteGate:
    found = write_gate.gate_of(db.engine)
    assert found is not None
    return found


def names(db: Database) -> list[str]:
    with db.transaction() as s:
        return sorted(u.name for u in s.query(Unit))


def test_a_read_does_not_take_the_gate_and_a_write_gives_it_back(db: Database) -> None:
    with db.transaction() as s:
        s.query(Unit).count()
        assert not gate(db).taken
        s.add(Unit(name="区水务局", created_at=now()))
        s.flush()
        assert gate(db).taken
    assert not gate(db).taken


def test_a_failed_write_gives_the_gate_back(db: Database) -> None:
    with pytest.raises(ValueError), db.transaction() as s:
        s.add(Unit(name="区水务局", created_at=now()))
        s.flush()
        raise ValueError("the handler failed after writing")
    assert not gate(db).taken
    assert names(db) == []


def test_a_second_writer_waits_for_the_first_and_then_writes(db: Database) -> None:
    first_wrote, second_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        first_wrote.wait()
        try:
            with db.transaction() as s:
                s.add(Unit(name="区财政局", created_at=now()))
        except BaseException as e:
            errors.append(e)
        second_done.set()

    t = threading.Thread(target=second)
    t.start()
    with db.transaction() as s:
        s.add(Unit(name="区水务局", created_at=now()))
        s.flush()
        first_wrote.set()
        # The second writer queues in the gate, not in SQLite's busy handler.
        assert not second_done.wait(0.3)
    assert second_done.wait(5)
    t.join()
    assert errors == []
    assert names(db) == ["区水务局", "区财政局"]


def test_a_writer_that_would_rather_not_wait_is_refused_at_once(db: Database) -> None:
    info: dict[str, object] = {}
    with db.transaction() as s:
        s.add(Unit(name="区水务局", created_at=now()))
        s.flush()
        started = time.monotonic()
        with write_gate.not_waiting(), pytest.raises(Busy, match="数据库正忙"):
            gate(db).enter(info)
        assert time.monotonic() - started < 1
    assert write_gate.HELD not in info


def test_a_write_that_would_not_wait_for_another_process_is_refused_and_undone(
    db: Database, tmp_path: Path
) -> None:
    """Another process's writer holds SQLite's lock (not this process's gate): a write
    that would not wait is refused at once with nothing written, and the connection
    goes back to the pool waiting for locks as before."""
    other = sqlite3.connect(db.engine.url.database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with write_gate.not_waiting(), pytest.raises(Busy), db.transaction() as s:
            s.add(Unit(name="区水务局", created_at=now()))
            s.flush()
        assert time.monotonic() - started < 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "区水务局" not in names(db)
    pooled = [db.engine.connect() for _ in range(db.engine.pool.checkedin())]  # type: ignore[attr-defined]
    try:
        waits = {c.exec_driver_sql("PRAGMA busy_timeout").scalar() for c in pooled}
    finally:
        for c in pooled:
            c.close()
    assert waits == {5000}


def test_only_sqlite_files_have_a_gate(tmp_path: Path) -> None:
    memory = Database.open("sqlite://")
    try:
        assert write_gate.gate_of(memory.engine) is None
    finally:
        memory.dispose()
