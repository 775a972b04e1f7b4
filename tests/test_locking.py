"""Optimistic locking: a stale write is refused with a clear message, never applied."""

from __future__ import annotations

import pytest

from luoshi.errors import Conflict
from luoshi.ledger import audit, tasks, units
from luoshi.ledger.db import Database
from luoshi.ledger.models import Task
from tests.builders import build_world


def test_an_update_from_a_stale_version_is_refused(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        seen = world.task(s, "1.1.1.2").version
    with db.transaction() as s:  # someone else saves first
        t = world.task(s, "1.1.1.2")
        tasks.assign(s, world.user(s, "boss"), t, "任务 t2024:1.1.1.2", seen, person="李四")
    with pytest.raises(Conflict) as err, db.transaction() as s:
        t = world.task(s, "1.1.1.2")
        tasks.assign(s, world.user(s, "boss"), t, "任务 t2024:1.1.1.2", seen, person="王五")
    assert err.value.message == (
        f"任务 t2024:1.1.1.2 已被他人修改（当前版本 {seen + 1}，您提交的是 {seen}），请刷新后重试"
    )
    with db.transaction() as s:
        assert world.task(s, "1.1.1.2").person == "李四"


def test_a_concurrent_write_between_read_and_flush_is_refused(db: Database) -> None:
    """Two sessions read version 1; the second to write must not overwrite the first."""
    world = build_world(db)
    with db.transaction() as s:
        task_id = world.task(s, "1.1.1.2").id
    with pytest.raises(Conflict), db.transaction() as mine:
        me = world.user(mine, "boss")
        t = mine.get(Task, task_id)
        assert t is not None
        seen = t.version
        with db.transaction() as theirs:
            other = theirs.get(Task, task_id)
            assert other is not None
            tasks.assign(theirs, world.user(theirs, "boss"), other, "x", seen, person="先到")
        # My copy still says version `seen`, so the version check passes; the UPDATE
        # itself ("WHERE version = seen") finds no row and is refused.
        tasks.assign(mine, me, t, "任务 t2024:1.1.1.2", seen, person="后到")
    with db.transaction() as s:
        t = s.get(Task, task_id)
        assert t is not None and t.person == "先到" and t.version == seen + 1


def test_co_unit_changes_bump_the_version_too(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        t = world.task(s, "1.1.1.2")
        v = t.version
        tasks.assign(s, world.user(s, "boss"), t, "x", v, co_units=["市商务局"])
        assert t.version == v + 1
        assert tasks.co_unit_names(s, t.id) == ["市商务局"]
    with pytest.raises(Conflict), db.transaction() as s:
        t = world.task(s, "1.1.1.2")
        tasks.assign(s, world.user(s, "boss"), t, "x", v, co_units=[])


def test_writing_the_same_values_changes_nothing(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        t = world.task(s, "1.1.1.2")
        v, n = t.version, len(audit.history(s))
        lead = tasks.current_values(s, t)["lead_unit"]
        assert not tasks.assign(s, world.user(s, "boss"), t, "x", v, unit=lead)
        assert t.version == v and len(audit.history(s)) == n


def test_rename_unit_with_a_stale_version(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        boss = world.user(s, "boss")
        unit = units.rename_unit(s, boss, "市水务局", "市水务局（新）", None)
        assert unit.version == 2
    with pytest.raises(Conflict, match="当前版本 2，您提交的是 1"), db.transaction() as s:
        units.rename_unit(s, world.user(s, "boss"), "市水务局（新）", "另一个", 1)
