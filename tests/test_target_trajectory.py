"""Projections read from the ledger: reported values over the rounds, to the deadline."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from luoshi.ledger import cycle, plans, tasks, users
from luoshi.ledger.db import Database
from luoshi.ledger.models import Target
from luoshi.ledger.target_trajectory import at_risk, plan_projections
from tests.builders import build_world


def report(db: Database, period: str, value: float, code: str = "1.1.1.1") -> int:
    """The supervisor reports ``value`` on task ``code`` in the round of ``period``."""
    with db.transaction() as s:
        boss = users.get_user(s, "boss")
        plan = plans.get_plan(s, "t2024")
        rnd = next((r for r in cycle.list_rounds(s, plan) if r.period == period), None)
        rnd = rnd or cycle.open_round(s, boss, plan, period, None)
        _plan, task = plans.get_task(s, f"t2024:{code}")
        return cycle.submit_report(s, boss, rnd, task, 50, value).id


def test_boxes_on_track_then_at_risk(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        task = world.task(s, "1.1.1.1")
        target = s.scalars(select(Target).where(Target.task_id == task.id)).one()
        assert (target.text, target.value) == ("1600万标准箱", 16_000_000)
        boss = world.user(s, "boss")
        tasks.edit_task(s, boss, task, "1.1.1.1", task.version, {"deadline": date(2024, 12, 31)})
    report(db, "2024-Q3", 13_000_000)
    with db.transaction() as s:
        found = plan_projections(s, world.plan_id)
    p = found[target.id]
    assert p.deadline == date(2024, 12, 31) and p.points == [(date(2024, 9, 30), 13_000_000)]
    assert p.projection.on_track and p.projection.projected > 16_000_000
    # A lower figure for the same round replaces it: now the line falls short.
    report(db, "2024-Q3", 9_000_000)
    with db.transaction() as s:
        found = plan_projections(s, world.plan_id)
    assert not found[target.id].projection.on_track
    assert [r.target_id for r in at_risk(found)] == [target.id]


def test_targets_without_values_are_not_projected(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        assert plan_projections(s, world.plan_id) == {}


def test_every_target_a_report_gives_a_value_for_is_projected(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        task = world.task(s, "1.2.1")
        first, second = s.scalars(
            select(Target).where(Target.task_id == task.id).order_by(Target.id)
        ).all()
        boss = world.user(s, "boss")
        rnd = cycle.open_round(s, boss, plans.get_plan(s, "t2024"), "2024-Q3", None)
        cycle.submit_report(s, boss, rnd, task, 50, values={first.id: 1.0, second.id: 2.0})
    with db.transaction() as s:
        found = plan_projections(s, world.plan_id)
    assert found[first.id].points == [(date(2024, 9, 30), 1.0)]
    assert found[second.id].points == [(date(2024, 9, 30), 2.0)]
