"""The audit chain: a row changed, removed or slipped in behind the ledger's back is
found by ``luoshi audit verify``, which names the first broken event."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError

from luoshi.cli import cli
from luoshi.ledger import audit_chain, units
from luoshi.ledger.db import Database, make_engine
from luoshi.ledger.migrate import alembic_config, upgrade_to_head
from luoshi.ledger.models import AuditChainHead, AuditEvent
from tests.builders import admin, build_world


@contextmanager
def guards_off(db: Database) -> Iterator[Connection]:
    """A connection on which the append-only triggers do not fire: what someone with
    the database's files or its owner's password could do."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            yield conn
            return
        conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
        yield conn


def verify(db: Database) -> audit_chain.Verdict:
    with db.transaction() as s:
        return audit_chain.verify(s)


def event_ids(db: Database) -> list[int]:
    with db.transaction() as s:
        return list(s.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def test_every_event_is_chained_to_the_one_before(db: Database) -> None:
    build_world(db)
    with db.transaction() as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        head = s.get_one(AuditChainHead, audit_chain.HEAD_ID)
    assert len(events) > 10
    prev = audit_chain.GENESIS
    for e in events:
        assert e.prev_hash == prev
        assert e.hash == audit_chain.link(audit_chain.fields_of(e), prev)
        prev = e.hash
    assert (head.last_id, head.last_hash, head.events) == (events[-1].id, prev, len(events))
    verdict = verify(db)
    assert verdict.ok and verdict.checked == len(events) and verdict.last_hash == prev


def test_verifying_says_how_far_it_is(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    build_world(db)
    n = len(event_ids(db))
    monkeypatch.setattr(audit_chain, "PROGRESS_EVERY", 3)
    told: list[tuple[int, int]] = []
    with db.transaction() as s:
        assert audit_chain.verify(s, lambda done, total: told.append((done, total))).ok
    assert told == [(k, n) for k in range(3, n + 1, 3)]


def test_the_canonical_form_is_sorted_compact_json() -> None:
    fields = {
        "at": datetime(2024, 6, 1, 9, 30),
        "actor_id": 2,
        "actor": "督查",
        "entity": "tasks",
        "entity_id": 5,
        "action": "update",
        "before": {"b": 1, "a": None},
        "after": None,
    }
    assert (
        audit_chain.canonical(fields, "ab")
        == (
            '{"action":"update","actor":"督查","actor_id":2,"after":null,'
            '"at":"2024-06-01T09:30:00.000000","before":{"a":null,"b":1},'
            '"entity":"tasks","entity_id":5,"prev":"ab"}'
        ).encode()
    )


def test_a_row_changed_behind_the_ledgers_back_is_named(db: Database) -> None:
    build_world(db)
    victim = event_ids(db)[5]
    with guards_off(db) as conn:
        conn.execute(
            text("UPDATE audit_events SET actor = 'someone' WHERE id = :id"), {"id": victim}
        )
    verdict = verify(db)
    assert not verdict.ok and verdict.broken_id == victim
    assert f"#{victim}" in (verdict.reason or "") and "改动" in (verdict.reason or "")
    assert verdict.checked == 5


def test_a_row_rehashed_after_a_change_breaks_the_next_one(db: Database) -> None:
    build_world(db)
    ids = event_ids(db)
    with db.transaction() as s:
        e = s.get_one(AuditEvent, ids[3])
        fields = {**audit_chain.fields_of(e), "actor": "someone"}
        forged = audit_chain.link(fields, e.prev_hash or "")
    with guards_off(db) as conn:
        conn.execute(
            text("UPDATE audit_events SET actor = 'someone', hash = :h WHERE id = :id"),
            {"h": forged, "id": ids[3]},
        )
    assert verify(db).broken_id == ids[4]


def test_a_removed_row_and_a_removed_tail_are_found(db: Database) -> None:
    build_world(db)
    ids = event_ids(db)
    with guards_off(db) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[7]})
    assert verify(db).broken_id == ids[8]
    with guards_off(db) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id >= :id"), {"id": ids[7]})
    verdict = verify(db)
    assert not verdict.ok and "最新的记录被删除" in (verdict.reason or "")


def test_a_row_slipped_in_is_found(db: Database) -> None:
    build_world(db)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor, entity, entity_id, action) "
                "VALUES (:at, 'someone', 'tasks', 1, 'update')"
            ),
            {"at": datetime(2024, 1, 1)},
        )
        forged = conn.execute(select(func.max(AuditEvent.id))).scalar_one()
    verdict = verify(db)
    assert verdict.broken_id == forged and "不在链上" in (verdict.reason or "")


def test_audit_verify_exits_non_zero_naming_the_broken_event(database_url: str) -> None:
    db = Database.open(database_url)
    try:
        build_world(db)
        runner = CliRunner()
        ok = runner.invoke(cli, ["--database-url", database_url, "audit", "verify"])
        assert ok.exit_code == 0 and "审计链完好" in ok.stdout
        victim = event_ids(db)[2]
        with guards_off(db) as conn:
            conn.execute(
                text("UPDATE audit_events SET after = NULL WHERE id = :id"), {"id": victim}
            )
        bad = runner.invoke(cli, ["--database-url", database_url, "audit", "verify"])
        assert bad.exit_code == 1
        assert f"审计记录 #{victim}" in bad.stderr and "被改动过" in bad.stderr
    finally:
        db.dispose()


def test_concurrent_writers_do_not_fork_the_chain(db: Database) -> None:
    build_world(db)
    before = len(event_ids(db))

    def add(n: int) -> None:
        for i in range(5):
            with db.transaction() as s:
                units.add_unit(s, admin(s), f"单位{n}-{i}")

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    verdict = verify(db)
    assert verdict.ok and verdict.checked == before + 40


def test_a_failed_transaction_leaves_the_chain_as_it_was(db: Database) -> None:
    build_world(db)
    head = verify(db).last_hash
    with pytest.raises(ValueError), db.transaction() as s:
        units.add_unit(s, admin(s), "临时单位")
        raise ValueError("rolled back")
    assert verify(db).ok and verify(db).last_hash == head


@pytest.mark.postgres
def test_truncate_is_refused_on_postgresql(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    build_world(db)
    for table in ("audit_events", "audit_chain"):
        with pytest.raises(DBAPIError, match="audit"), db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {table}"))
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("TRUNCATE users CASCADE"))
    assert verify(db).ok


def test_the_chain_head_cannot_be_deleted(db: Database) -> None:
    with pytest.raises(DBAPIError, match="audit_chain"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_chain"))


def test_events_recorded_before_the_chain_are_hashed_by_its_migration(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
        for n in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, actor, entity, entity_id, action, after) "
                    "VALUES (:at, 'local-admin', 'units', :n, 'create', :after)"
                ),
                {"at": datetime(2024, 1, 1, 9, n), "n": n, "after": f'{{"name": "单位{n}"}}'},
            )
    assert upgrade_to_head(engine)
    db = Database(engine)
    verdict = verify(db)
    assert verdict.ok and verdict.checked == 3
    with db.transaction() as s:
        units.add_unit(s, admin(s), "新单位")
    assert verify(db).checked == 5  # the unit and the local administrator created with it
    db.dispose()
