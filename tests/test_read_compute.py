"""The plan as read: latest progress, colours from the rules, weighted roll-up."""

from __future__ import annotations

from datetime import UTC, date, time

import pytest

from luoshi.ledger import cycle, tasks
from luoshi.ledger.db import Database
from luoshi.ledger.read import asof
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.rows import PlanView, TaskRow
from luoshi.ledger.read.views import plan_view
from luoshi.settings import HealthRules
from tests.builders import Cycle, World, build_cycle, build_world

TODAY = date(2024, 7, 1)
EXPECTED = 100 * (TODAY - date(2024, 1, 18)).days / (date(2024, 12, 31) - date(2024, 1, 18)).days


def rows(world: World, today: date = TODAY) -> tuple[PlanView, dict[str, TaskRow]]:
    with world.db.transaction() as s:
        b = plan_view(s, world.plan(s), HealthRules(), AsOf(today))
    return b, {r.code: r for r in b.rows}


def run_round(world: World, period: str, reports: list[tuple[str, str, float]]) -> list[int]:
    """Open a round, file ``reports`` (user, code, percent), close it; report ids."""
    with world.db.transaction() as s:
        boss = world.user(s, "boss")
        rnd = cycle.open_round(s, boss, world.plan(s), period, None)
        ids = [
            cycle.submit_report(s, world.user(s, u), rnd, world.task(s, c), p).id
            for u, c, p in reports
        ]
        cycle.close_round(s, boss, rnd)
    return ids


def test_without_reports_progress_is_zero_and_colour_follows_expected(db: Database) -> None:
    world = build_world(db)
    _, by_code = rows(world, date(2024, 1, 20))
    assert all(r.progress == 0 and r.reported is None for r in by_code.values())
    assert by_code["1.1.1.1"].health == "green"  # two days in, little expected
    _, by_code = rows(world)
    assert by_code["1.1.1.1"].expected == pytest.approx(EXPECTED)
    assert by_code["1.1.1.1"].health == "red"
    assert by_code["1.2.1"].health == "red"  # overdue since 31 May


def test_latest_counted_report_sets_progress_and_colour(db: Database) -> None:
    world = build_world(db)
    run_round(world, "2024-Q1", [("port", "1.1.1.1", 20.0)])
    [returned] = run_round(world, "2024-Q2", [("port", "1.1.1.1", 90.0)])
    with db.transaction() as s:
        cycle.review(s, world.user(s, "boss"), cycle.get_report(s, returned), False, "数据有误")
    _, by_code = rows(world)
    assert by_code["1.1.1.1"].reported == 20.0  # the returned 90% does not count
    assert by_code["1.1.1.1"].health == "red"
    run_round(world, "2024-06", [("port", "1.1.1.1", 40.0)])
    _, by_code = rows(world)
    assert by_code["1.1.1.1"].progress == 40.0
    assert by_code["1.1.1.1"].health == "green"  # 47.4 expected: within 10 points


def test_missing_two_rounds_stalls_a_task_but_never_a_group(db: Database) -> None:
    world = build_world(db)
    run_round(world, "2024-Q1", [("port", "1.1.1.1", 30.0)])
    _, by_code = rows(world)
    assert by_code["1.1.1.2"].missed_rounds == 1
    assert by_code["1.1.1.2"].health != "stalled"
    run_round(world, "2024-Q2", [("port", "1.1.1.1", 45.0)])
    _, by_code = rows(world)
    assert by_code["1.1.1.2"].missed_rounds == 2 and by_code["1.1.1.2"].health == "stalled"
    assert by_code["1.1.1.1"].missed_rounds == 0 and by_code["1.1.1.1"].health == "green"
    assert by_code["1.1.1"].health != "stalled"


def assign(world: World, code: str, unit: str | None) -> None:
    with world.db.transaction() as s:
        t = world.task(s, code)
        tasks.assign(s, world.user(s, "boss"), t, "x", t.version, unit=unit or "")


def test_only_rounds_opened_since_the_unit_got_the_task_count_as_missed(db: Database) -> None:
    world = build_world(db)
    assign(world, "1.1.2.1", None)  # unassigned: nobody can miss its rounds
    run_round(world, "2024-Q1", [("port", "1.1.1.1", 30.0)])
    run_round(world, "2024-05", [("port", "1.1.1.1", 40.0)])
    _, by_code = rows(world)
    assert by_code["1.1.1.2"].health == "stalled"  # 市交通运输委 missed both
    assign(world, "1.1.1.2", "市商务局")  # reassigned
    assign(world, "1.1.2.1", "市商务局")  # assigned
    _, by_code = rows(world)
    for code in ("1.1.1.2", "1.1.2.1"):
        assert by_code[code].missed_rounds == 0 and by_code[code].health != "stalled"
    run_round(world, "2024-06", [("port", "1.1.1.1", 50.0)])
    _, by_code = rows(world)
    assert by_code["1.1.1.2"].missed_rounds == 1 and by_code["1.1.2.1"].missed_rounds == 1
    run_round(world, "2024-Q2", [("port", "1.1.1.1", 60.0)])
    _, by_code = rows(world)
    assert by_code["1.1.1.2"].health == "stalled" and by_code["1.1.2.1"].health == "stalled"
    assign(world, "1.1.1.2", "市商务局")  # the same unit again: nothing new, still stalled
    assert rows(world)[1]["1.1.1.2"].health == "stalled"


def test_an_open_round_past_its_due_date_counts_as_missed(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        for period, due in (("2024-Q1", date(2024, 4, 10)), ("2024-Q2", date(2024, 7, 10))):
            cycle.open_round(s, world.user(s, "boss"), world.plan(s), period, due, opened_on=due)

    assert rows(world, date(2024, 7, 5))[1]["1.1.1.2"].missed_rounds == 1
    assert rows(world, date(2024, 7, 11))[1]["1.1.1.2"].health == "stalled"


def test_progress_rolls_up_by_weight_to_groups_and_the_plan(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        t = world.task(s, "1.1.1.1")
        tasks.edit_task(s, world.user(s, "boss"), t, "x", t.version, {"weight": 3.0})
    _, done = run_round(world, "2024-Q1", [("port", "1.1.1.1", 40.0), ("school", "1.2.1", 100.0)])
    with db.transaction() as s:
        cycle.review(s, world.user(s, "boss"), cycle.get_report(s, done), True)
    b, by_code = rows(world)
    assert by_code["1.1.1"].progress == pytest.approx((3 * 40 + 0) / 4)
    assert by_code["1.1"].progress == pytest.approx((30 + 0) / 2)
    assert by_code["1.2.1"].health == "done" and by_code["1.2"].health == "done"
    assert by_code["1.2"].progress == 100.0
    assert by_code["1"].progress == pytest.approx((15 + 100) / 2)
    assert b.total.progress == pytest.approx(by_code["1"].progress)


def as_of(c: Cycle, day: date) -> tuple[PlanView, dict[str, TaskRow]]:
    with c.world.db.transaction() as s:
        b = plan_view(s, c.world.plan(s), HealthRules(), AsOf(day, asof.end_of_day(day)))
    return b, {r.code: r for r in b.rows}


def test_a_past_as_of_shows_the_ledger_as_it_stood_that_day(db: Database) -> None:
    c = build_cycle(db)  # reports of 8 April, 3 June, 26 June; 90% of 1.2.1 returned 28 June
    now, by_code = rows(c.world)
    then, on_1_july = as_of(c, TODAY)
    assert then.total == now.total and on_1_july == by_code  # all of it had happened by then
    _, june = as_of(c, date(2024, 6, 27))
    assert (june["1.2.1"].reported, by_code["1.2.1"].reported) == (90.0, 10.0)
    _, may = as_of(c, date(2024, 5, 15))
    # Only the first round's reports had come in, and only that round was over.
    assert (may["1.1.1.1"].reported, may["1.2.2"].reported) == (20.0, None)
    assert may["1.3.3"].missed_rounds == 1 and may["1.3.3"].health != "stalled"
    assert by_code["1.3.3"].health == "stalled"
    assert may["1.3.2"].health == "done"  # accepted on 9 April
    _, april = as_of(c, date(2024, 4, 5))
    assert all(r.reported is None for r in april.values())
    assert april["1.3.2"].health != "done" and april["1.3.2"].state == "open"
    # Without a moment to read at, the board shows the latest reports, whatever today is.
    with db.transaction() as s:
        latest = plan_view(s, c.world.plan(s), HealthRules(), AsOf(date(2024, 5, 15)))
    assert {r.code: r for r in latest.rows}["1.1.1.1"].reported == 45.0


def test_the_end_of_an_as_of_day_is_its_last_moment_on_the_local_clock() -> None:
    end = asof.end_of_day(date(2024, 5, 15))
    local = end.replace(tzinfo=UTC).astimezone()
    assert (local.date(), local.time()) == (date(2024, 5, 15), time(23, 59, 59, 999999))
