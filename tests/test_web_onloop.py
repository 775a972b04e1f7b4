"""The busiest reads on the event loop (web/onloop.py): a bounded read is answered
there, one that would compute a whole plan is stopped before it starts and answered
from a thread instead, with the same answer."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from luoshi.ledger import cycle
from luoshi.ledger.models import PlanState, ProgressReport
from luoshi.ledger.read import compute
from luoshi.ledger.read.bounded import Unbounded, bounded, whole_plan_ahead
from luoshi.web import onloop
from tests.test_web_api import open_round
from tests.web_support import API, WebWorld

# How anyio names the threads of ``run_in_threadpool``.
WORKER_THREAD = "AnyIO worker thread"


class _Ctx:
    def __init__(self, loop_reads: bool) -> None:
        self.loop_reads = loop_reads


def _where(whole_plan: bool) -> str:
    if whole_plan:
        whole_plan_ahead()
    return threading.current_thread().name


def _answered(loop_reads: bool, whole_plan: bool) -> tuple[str, str]:
    async def main() -> tuple[str, str]:
        here = threading.current_thread().name
        got = await onloop.answer(_Ctx(loop_reads), _where, whole_plan)
        return here, got

    return asyncio.run(main())


def test_a_bounded_read_is_answered_on_the_loop() -> None:
    here, got = _answered(loop_reads=True, whole_plan=False)
    assert got == here


def test_a_read_of_a_whole_plan_is_answered_from_a_thread() -> None:
    here, got = _answered(loop_reads=True, whole_plan=True)
    assert got != here


def test_without_loop_reads_every_read_is_answered_from_a_thread() -> None:
    here, got = _answered(loop_reads=False, whole_plan=False)
    assert got != here


def test_the_guard_holds_only_within_bounded() -> None:
    whole_plan_ahead()  # outside: nothing is refused
    with bounded(), pytest.raises(Unbounded):
        whole_plan_ahead()
    whole_plan_ahead()  # and it is lifted again


def _computed_in(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads a whole plan is computed in, from now on."""
    threads: list[str] = []
    rows = compute.task_rows

    def recorded(*args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return rows(*args)

    monkeypatch.setattr(compute, "task_rows", recorded)
    return threads


def _ledger(web: WebWorld, **params: str) -> list[str]:
    r = web.as_user("boss").get(f"{API}/plans/{web.world.plan_id}/tasks", params=params)
    assert r.status_code == 200, r.text
    return [t["code"] for t in r.json()["items"]]


def test_a_sqlite_server_reads_on_its_loop(web: WebWorld) -> None:
    assert web.app.state.ctx.loop_reads


def test_kept_figures_answer_on_the_loop_and_stale_ones_from_a_thread(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = _ledger(web)
    threads = _computed_in(monkeypatch)
    assert _ledger(web) == fresh and threads == []  # kept: nothing computed
    with web.db.transaction() as s:  # the kept figures of another day: computed
        day = date.today() - timedelta(days=3)
        s.execute(update(PlanState).where(PlanState.plan_id == web.world.plan_id).values(day=day))
    assert _ledger(web) == fresh
    assert threads and all(name.startswith(WORKER_THREAD) for name in threads)
    plan = f"{API}/plans/{web.world.plan_id}"
    for path in (f"{plan}/dashboard", f"{API}/tasks/{web.task_id('1.1')}"):
        assert web.as_user("boss").get(path).status_code == 200, path


def test_a_text_search_and_a_past_day_are_answered_in_full(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = _ledger(web)
    threads = _computed_in(monkeypatch)
    past = _ledger(web, as_of=(date.today() - timedelta(days=1)).isoformat())
    assert threads and sorted(past) == sorted(everything)  # the same tasks, computed
    searched = _ledger(web, q=everything[0])
    assert everything[0] in searched


def _reported_in(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads reports are written in, from now on."""
    threads: list[str] = []
    submit = cycle.submit_report

    def recorded(*args: Any, **kw: Any) -> Any:
        threads.append(threading.current_thread().name)
        return submit(*args, **kw)

    monkeypatch.setattr(cycle, "submit_report", recorded)
    return threads


def _report(web: WebWorld, percent: int) -> dict[str, Any]:
    task = web.task_id("1.1.1.1")
    body = {"percent": percent, "narrative": "按计划推进"}
    r = web.as_user("port").post(f"{API}/tasks/{task}/reports", json=body)
    assert r.status_code == 201, r.text
    got: dict[str, Any] = r.json()
    return got


def test_a_report_on_a_free_database_is_written_on_the_loop(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_round(web)
    threads = _reported_in(monkeypatch)
    assert _report(web, 40)["percent"] == 40
    assert len(threads) == 1 and not threads[0].startswith(WORKER_THREAD)


def test_a_report_that_finds_the_database_taken_waits_its_turn_in_a_thread(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds SQLite's write lock for a moment: the loop's attempt is
    undone at once, and the report is written from a thread once the lock is free —
    once, not twice."""
    open_round(web)
    web.token("port")  # signing in writes too
    threads = _reported_in(monkeypatch)
    database = web.db.engine.url.database or ""
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    freed = threading.Timer(0.5, lambda: other.execute("ROLLBACK"))
    freed.start()
    try:
        got = _report(web, 60)
    finally:
        freed.join()
        other.close()
    assert got["percent"] == 60
    assert len(threads) == 2 and threads[1].startswith(WORKER_THREAD)
    with web.db.transaction() as s:
        reports = s.scalars(select(ProgressReport).where(ProgressReport.percent == 60)).all()
    assert len(reports) == 1
