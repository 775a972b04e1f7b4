"""The audit trail: every change recorded with its actor, never updated or deleted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from luoshi.ledger import audit, cycle, documents, tasks
from luoshi.ledger.db import Database
from luoshi.ledger.models import AuditEvent
from tests.builders import build_world

SRC = Path(__file__).resolve().parent.parent / "src" / "luoshi"


def count(db: Database) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_building_a_plan_audits_every_row(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        events = audit.history(s)
        created = {(e.entity, e.entity_id) for e in events if e.action == "create"}
        plan = world.plan(s)
        task = world.task(s, "1.1.1.1")
    assert ("plans", plan.id) in created
    assert ("tasks", task.id) in created
    assert {e.entity for e in events} >= {
        "users",
        "documents",
        "plans",
        "tasks",
        "targets",
        "units",
    }
    assert all(e.actor for e in events)


def test_each_change_adds_its_event_in_the_same_transaction(db: Database) -> None:
    world = build_world(db)
    before = count(db)
    with db.transaction() as s:
        boss = world.user(s, "boss")
        task = world.task(s, "1.1.1.1")
        tasks.assign(s, boss, task, "t", task.version, person="张三")
        rnd = cycle.open_round(s, boss, world.plan(s), "2024-Q1", None)
        report = cycle.submit_report(s, world.user(s, "port"), rnd, task, 30)
        cycle.review(s, boss, report, accept=False, reason="缺少佐证")
    with db.transaction() as s:
        events = audit.history(s)[before:]
        assert [(e.entity, e.action, e.actor) for e in events] == [
            ("tasks", "update", "boss"),
            ("rounds", "create", "boss"),
            ("progress_reports", "create", "port"),
            ("progress_reports", "returned", "boss"),
            ("reviews", "create", "boss"),
        ]
        assign = events[0]
        assert assign.before is not None and assign.after is not None
        assert (assign.before["person"], assign.after["person"]) == (None, "张三")
        assert assign.after["version"] == assign.before["version"] + 1


def test_a_failed_change_leaves_no_event(db: Database) -> None:
    world = build_world(db)
    before = count(db)
    with pytest.raises(ValueError), db.transaction() as s:
        documents.edit_document(s, world.user(s, "boss"), 1, None, {"title": "新标题"})
        raise ValueError("rolled back")
    assert count(db) == before
    with db.transaction() as s:
        assert documents.get_document(s, 1).title != "新标题"


def test_the_database_refuses_to_change_or_remove_audit_events(db: Database) -> None:
    build_world(db)
    for statement in (
        update(AuditEvent).values(actor="someone else"),
        delete(AuditEvent),
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.transaction() as s:
            s.execute(statement)
    with pytest.raises(DBAPIError, match="append-only"), db.transaction() as s:
        s.execute(text("UPDATE audit_events SET action = 'x'"))
    assert count(db) > 0


def test_no_code_path_updates_or_deletes_audit_events() -> None:
    forbidden = re.compile(
        r"(update|delete)\(\s*AuditEvent|UPDATE\s+audit_events|DELETE\s+FROM\s+audit_events",
        re.IGNORECASE,
    )
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "migrations" not in p.parts and forbidden.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
