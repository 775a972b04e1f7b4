"""The reporting cycle: rounds, unit-only reporting, chasing, review and completion."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from luoshi.errors import Conflict, InputError, PermissionDenied
from luoshi.ledger import cycle
from luoshi.ledger.db import Database
from luoshi.ledger.models import AuditEvent, Chase, ProgressReport, Round
from luoshi.ledger.read.asof import end_of_day
from tests.builders import World, build_cycle, build_world


def open_round(world: World, period: str = "2024-Q1") -> int:
    with world.db.transaction() as s:
        return cycle.open_round(s, world.user(s, "boss"), world.plan(s), period, None).id


def report(world: World, user: str, code: str, percent: float, round_id: int) -> int:
    with world.db.transaction() as s:
        rnd = s.get(Round, round_id)
        assert rnd is not None
        task = world.task(s, code)
        return cycle.submit_report(
            s, world.user(s, user), rnd, task, percent, None, "进展", ["链接"]
        ).id


def test_a_reporter_reports_only_on_its_own_units_tasks(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    report_id = report(world, "port", "1.1.1.1", 40, rid)
    with db.transaction() as s:
        r = cycle.get_report(s, report_id)
        assert (r.percent, r.state, r.evidence, r.narrative) == (40, "submitted", ["链接"], "进展")
        assert r.target_id is None
    with pytest.raises(PermissionDenied, match="只能填报本单位的任务"):
        report(world, "port", "1.2.1", 50, rid)  # 市教委's task
    with pytest.raises(PermissionDenied, match="查看者"):
        report(world, "reader", "1.1.1.1", 50, rid)
    report(world, "school", "1.2.1", 50, rid)  # its own


def test_a_co_unit_may_report_and_the_value_reached_names_the_target(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    with db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        task = world.task(s, "1.1.1.1")
        r = cycle.submit_report(s, world.user(s, "boss"), rnd, task, 60, value=1.2e7)
        assert r.target_id is not None and r.value == 1.2e7


def test_reports_are_refused_when_they_make_no_sense(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    with pytest.raises(InputError, match="0 到 100"):
        report(world, "port", "1.1.1.1", 120, rid)
    with pytest.raises(InputError, match="由子任务汇总"):
        report(world, "port", "1.1.1", 10, rid)
    with db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        cycle.close_round(s, world.user(s, "boss"), rnd)
    with pytest.raises(Conflict, match="已经结束"):
        report(world, "port", "1.1.1.1", 10, rid)


def test_periods_are_checked_and_unique(db: Database) -> None:
    world = build_world(db)
    open_round(world, "2024-Q1")
    with pytest.raises(Conflict, match="已有 2024-Q1"):
        open_round(world, "2024-Q1")
    with pytest.raises(InputError, match="期间「2024Q5」无效"):
        open_round(world, "2024Q5")
    with pytest.raises(PermissionDenied), db.transaction() as s:
        cycle.open_round(s, world.user(s, "port"), world.plan(s), "2024-Q2", None)


def test_pending_lists_units_still_owing_and_chasing_is_recorded(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    report(world, "port", "1.1.1.1", 40, rid)
    with db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        owing = {p.unit: p.tasks for p in cycle.pending(s, rnd)}
        assert owing == {"市交通运输委": ["1.1.1.2"], "市商务局": ["1.1.2.1"], "市教委": ["1.2.1"]}
        events = cycle.chase(s, world.user(s, "boss"), rnd, note="请于周五前报送")
        assert len(events) == 3
        cycle.chase(s, world.user(s, "boss"), rnd, unit="市教委")
        with pytest.raises(InputError, match="没有待报任务"):
            cycle.chase(s, world.user(s, "boss"), rnd, unit="市水务局")
    with db.transaction() as s:
        rnd = s.get(Round, rid)
        assert rnd is not None
        chased = {p.unit: p.chases for p in cycle.pending(s, rnd)}
        assert chased == {"市交通运输委": 1, "市商务局": 1, "市教委": 2}
        assert len(s.scalars(select(Chase)).all()) == 4
        with pytest.raises(PermissionDenied):
            cycle.chase(s, world.user(s, "port"), rnd)


def test_a_returned_report_needs_a_reason_and_leaves_the_task_pending(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    rep = report(world, "school", "1.2.1", 100, rid)
    with pytest.raises(InputError, match="必须说明理由"), db.transaction() as s:
        cycle.review(s, world.user(s, "boss"), cycle.get_report(s, rep), accept=False)
    with db.transaction() as s:
        cycle.review(s, world.user(s, "boss"), cycle.get_report(s, rep), False, "缺少验收材料")
        assert world.task(s, "1.2.1").state == "open"
        rnd = s.get(Round, rid)
        assert rnd is not None
        assert "市教委" in {p.unit for p in cycle.pending(s, rnd)}
        with pytest.raises(Conflict, match="已经审核过"):
            cycle.review(s, world.user(s, "boss"), cycle.get_report(s, rep), True)


def test_a_second_report_in_the_round_replaces_the_one_awaiting_review(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    first = report(world, "school", "1.2.1", 40, rid)
    second = report(world, "school", "1.2.1", 60, rid)
    with db.transaction() as s:
        assert cycle.get_report(s, first).state == "superseded"
        assert cycle.get_report(s, second).state == "submitted"
        events = s.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity == "progress_reports", AuditEvent.entity_id == first
            )
        ).all()
        assert list(events) == ["create", "superseded"]
        with pytest.raises(Conflict, match="已被同一单位在本轮的新报告取代"):
            cycle.review(s, world.user(s, "boss"), cycle.get_report(s, first), True)
    with db.transaction() as s:
        cycle.review(s, world.user(s, "boss"), cycle.get_report(s, second), True)
    third = report(world, "school", "1.2.1", 70, rid)  # after a review: both stand
    with db.transaction() as s:
        assert cycle.get_report(s, second).state == "accepted"
        assert cycle.get_report(s, third).state == "submitted"


def test_only_the_same_units_report_in_the_same_round_is_replaced(db: Database) -> None:
    world = build_world(db)
    q1 = open_round(world)
    early = report(world, "port", "1.1.1.1", 20, q1)
    with db.transaction() as s:
        cycle.close_round(s, world.user(s, "boss"), cycle.get_round(s, q1))
    q2 = open_round(world, "2024-Q2")
    report(world, "port", "1.1.1.1", 30, q2)  # another round
    other = report(world, "school", "1.2.1", 50, q2)  # another task
    report(world, "port", "1.1.1.1", 35, q2)
    with db.transaction() as s:
        states = dict(s.execute(select(ProgressReport.id, ProgressReport.state)).all())
    assert states[early] == "submitted" and states[other] == "submitted"
    assert sorted(states.values()) == ["submitted", "submitted", "submitted", "superseded"]


def test_a_task_is_done_only_when_a_100_percent_report_is_accepted(db: Database) -> None:
    world = build_world(db)
    rid = open_round(world)
    partial = report(world, "school", "1.2.1", 80, rid)
    with db.transaction() as s:
        cycle.review(s, world.user(s, "boss"), cycle.get_report(s, partial), True)
        assert world.task(s, "1.2.1").state == "open"
    full = report(world, "school", "1.2.1", 100, rid)
    with db.transaction() as s:
        assert world.task(s, "1.2.1").state == "open"  # claimed, not yet accepted
        with pytest.raises(PermissionDenied):
            cycle.review(s, world.user(s, "school"), cycle.get_report(s, full), True)
    with db.transaction() as s:
        cycle.review(s, world.user(s, "boss"), cycle.get_report(s, full), True)
        assert world.task(s, "1.2.1").state == "done"
    with pytest.raises(Conflict, match="已经验收完成"):
        report(world, "school", "1.2.1", 100, rid)


def test_rounds_list_in_order(db: Database) -> None:
    world = build_world(db)
    open_round(world, "2024-Q1")
    open_round(world, "2024-Q2")
    with db.transaction() as s:
        assert [r.period for r in cycle.list_rounds(s, world.plan(s))] == ["2024-Q1", "2024-Q2"]


def test_pending_as_of_a_past_day_counts_reports_and_chases_made_by_then(db: Database) -> None:
    c = build_cycle(db)  # 2024-Q2: opened 20 June, reports of 26 June, chased 28 June
    with db.transaction() as s:
        q2 = cycle.get_round(s, c.rounds["2024-Q2"])
        now = {p.unit: (p.tasks, p.chases) for p in cycle.pending(s, q2)}
        then = {
            p.unit: (p.tasks, p.chases) for p in cycle.pending(s, q2, end_of_day(date(2024, 6, 22)))
        }
    assert now["市工业和信息化局"] == (["1.2.2"], 1) and "市商务局" not in now
    assert then["市工业和信息化局"] == (["1.1.1.1", "1.2.2"], 0)  # nobody had reported yet
    assert then["市商务局"] == (["1.1.2.1"], 0) and then["市民政局"] == (["1.3.3"], 0)
