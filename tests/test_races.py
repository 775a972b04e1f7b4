"""Checks and the inserts they guard cannot interleave: a report is never committed
into a round after it closed, nor onto a task after its 100% report was accepted."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import ColumnElement, func, select

from luoshi.errors import Busy, Conflict
from luoshi.ledger import cycle
from luoshi.ledger.db import Database
from luoshi.ledger.models import ProgressReport, Review, Round, Task
from tests.builders import World, build_world

THREADS = 10
REPEATS = 5
ABANDON = threading.Event()


def _race(workers: list[Callable[[], None]], main: Callable[[], None]) -> list[Exception]:
    """Start ``workers`` together, run ``main`` while they go, wait for all."""
    start = threading.Barrier(len(workers) + 1)
    errors: list[Exception] = []

    def run(work: Callable[[], None]) -> None:
        start.wait()
        try:
            work()
        except Exception as e:  # collected: the test says what went wrong
            errors.append(e)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    start.wait()
    try:
        main()
    finally:
        ABANDON.set()  # should main fail, the workers must not loop for ever
        for t in threads:
            t.join()
        ABANDON.clear()
    return errors


def _retrying(work: Callable[[], None]) -> None:
    """Run ``work`` again while SQLite says it is busy, as a person would."""
    while True:
        try:
            work()
            return
        except Busy:
            time.sleep(0.01)


def _wait_for_reports(db: Database, where: ColumnElement[bool], n: int) -> None:
    """Let the reporters get going: the close (or acceptance) lands among their writes."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with db.transaction() as s:
            if (s.scalar(select(func.count()).where(where)) or 0) >= n:
                return
        time.sleep(0.005)
    raise AssertionError("the reporters did not get going")


def _reporter(db: Database, world: World, round_id: int, code: str) -> Callable[[], None]:
    """Report on ``code`` again and again until the round is closed."""

    def work() -> None:
        while not ABANDON.is_set():
            try:
                with db.transaction() as s:
                    rnd = cycle.get_round(s, round_id)
                    task = world.task(s, code)
                    cycle.submit_report(s, world.user(s, "boss"), rnd, task, 10)
            except Busy:
                continue
            except Conflict as e:
                assert "已经结束" in e.message
                return

    return work


def test_no_report_is_committed_into_a_round_after_it_closed(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        boss = world.user(s, "boss")
        codes = [t.code for t in s.scalars(select(Task).where(Task.kind == "measure"))]
    for n in range(REPEATS):
        with db.transaction() as s:
            round_id = cycle.open_round(s, boss, world.plan(s), f"2024-0{n + 1}", None).id
        workers = [_reporter(db, world, round_id, codes[i % len(codes)]) for i in range(THREADS)]

        def close(round_id: int = round_id) -> None:
            _wait_for_reports(db, ProgressReport.round_id == round_id, THREADS)

            def once() -> None:
                with db.transaction() as s:
                    cycle.close_round(s, world.user(s, "boss"), cycle.get_round(s, round_id))

            _retrying(once)

        assert _race(workers, close) == []
        with db.transaction() as s:
            rnd = s.get(Round, round_id)
            assert rnd is not None and rnd.closed_at is not None
            times = s.scalars(
                select(ProgressReport.submitted_at).where(ProgressReport.round_id == round_id)
            ).all()
        assert times, "no report went in before the close: the race was not run"
        assert [t for t in times if t > rnd.closed_at] == []


def _reporter_on_task(db: Database, world: World, round_id: int, code: str) -> Callable[[], None]:
    """Report on ``code`` again and again until it is accepted as done."""

    def work() -> None:
        while not ABANDON.is_set():
            try:
                with db.transaction() as s:
                    rnd = cycle.get_round(s, round_id)
                    cycle.submit_report(s, world.user(s, "boss"), rnd, world.task(s, code), 50)
            except Busy:
                continue
            except Conflict as e:
                assert "已经验收完成" in e.message
                return

    return work


def test_no_report_is_committed_onto_a_task_after_its_completion_was_accepted(
    db: Database,
) -> None:
    world = build_world(db)
    with db.transaction() as s:
        boss = world.user(s, "boss")
        codes = [t.code for t in s.scalars(select(Task).where(Task.kind == "measure"))]
        round_id = cycle.open_round(s, boss, world.plan(s), "2024-Q1", None).id
        # The racing reports go to another open round: in the same one, the unit's newer
        # report would replace (supersede) the 100% report before it was accepted.
        other_id = cycle.open_round(s, boss, world.plan(s), "2024-Q2", None).id
    for code in codes[:REPEATS]:
        with db.transaction() as s:
            rnd = cycle.get_round(s, round_id)
            done = cycle.submit_report(s, world.user(s, "boss"), rnd, world.task(s, code), 100)
        workers = [_reporter_on_task(db, world, other_id, code) for _ in range(THREADS)]

        def accept(report_id: int = done.id, task_id: int = done.task_id) -> None:
            _wait_for_reports(db, ProgressReport.task_id == task_id, THREADS)

            def once() -> None:
                with db.transaction() as s:
                    report = cycle.get_report(s, report_id)
                    cycle.review(s, world.user(s, "boss"), report, accept=True)

            _retrying(once)

        assert _race(workers, accept) == []
        with db.transaction() as s:
            task = world.task(s, code)
            accepted = s.scalars(select(Review.at).where(Review.report_id == done.id)).one()
            times = s.scalars(
                select(ProgressReport.submitted_at).where(ProgressReport.task_id == task.id)
            ).all()
        assert task.state == "done"
        assert len(times) > 1, "no report went in before the acceptance: the race was not run"
        assert [t for t in times if t > accepted] == []
