"""Sessions (web/sessions.py, web/context.py): resuming one is a read done off the
event loop; refreshing or removing it is skipped while another writer holds the
database, so plain reads neither stall nor fail. Password checks are counted
before they are made, so a burst of wrong logins gets no more than the limit."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from luoshi.errors import LuoshiError, TooManyRequests, Unauthenticated
from luoshi.ledger import users
from luoshi.ledger.clock import now
from luoshi.ledger.models import WebSession
from luoshi.web import actions, sessions
from tests.web_support import API, PASSWORD, WebWorld, assert_error, web_world


@contextmanager
def writer_holding_the_lock(web: WebWorld) -> Iterator[None]:
    """Another process's write transaction, open for as long as the block runs."""
    path = web.db.engine.url.database
    assert path
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def set_last_seen(web: WebWorld, at: datetime) -> None:
    with web.db.transaction() as s:
        s.execute(update(WebSession).values(last_seen=at))


def last_seen(web: WebWorld) -> list[datetime]:
    with web.db.transaction() as s:
        return list(s.scalars(select(WebSession.last_seen)))


def test_a_read_does_not_wait_for_a_writer_to_refresh_the_session(web: WebWorld) -> None:
    client = web.as_user("reader")
    stale = now() - timedelta(minutes=5)
    set_last_seen(web, stale)
    with writer_holding_the_lock(web):
        started = time.monotonic()
        r = client.get(f"{API}/me")
        took = time.monotonic() - started
    assert r.status_code == 200, r.text
    assert took < 2.0  # SQLite's busy_timeout is 5 s: the touch did not wait for it
    assert last_seen(web) == [stale]  # skipped, not waited for
    assert client.get(f"{API}/me").status_code == 200
    assert last_seen(web)[0] > stale  # and done once the database is free


def test_an_expired_session_is_refused_while_the_database_is_busy(web: WebWorld) -> None:
    client = web.as_user("reader")
    set_last_seen(web, now() - timedelta(days=1))
    with writer_holding_the_lock(web):
        started = time.monotonic()
        assert_error(client.get(f"{API}/me"), 401, "unauthenticated")
        assert time.monotonic() - started < 2.0
    assert len(last_seen(web)) == 1  # removal skipped while busy...
    assert_error(client.get(f"{API}/me"), 401)
    assert last_seen(web) == []  # ...and done on the next try


def test_the_wait_for_locks_is_restored_after_the_bookkeeping(web: WebWorld) -> None:
    client = web.as_user("reader")
    set_last_seen(web, now() - timedelta(minutes=5))
    assert client.get(f"{API}/me").status_code == 200
    engine = web.db.engine
    pooled = [engine.connect() for _ in range(engine.pool.checkedin())]  # type: ignore[attr-defined]
    try:  # every connection back in the pool keeps SQLite's 5 s wait for other writes
        waits = [c.exec_driver_sql("PRAGMA busy_timeout").scalar() for c in pooled]
    finally:
        for c in pooled:
            c.close()
    assert waits and set(waits) == {5000}


@pytest.mark.parametrize(
    "path", [f"{API}/me", f"{API}/plans/{{plan}}/tasks", f"{API}/plans/{{plan}}/dashboard", "/"]
)
def test_the_caller_is_resolved_off_the_event_loop(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    on_loop: list[bool] = []
    resume = sessions.resume

    def watched(*args: Any) -> Any:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return resume(*args)

    client = web.as_user("reader")
    monkeypatch.setattr(sessions, "resume", watched)
    r = client.get(path.format(plan=web.world.plan_id))
    assert r.status_code == 200, r.text
    assert on_loop == [False]


def test_concurrent_wrong_logins_check_no_more_passwords_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = web_world(tmp_path, login_attempts=5, login_window_minutes=15)
    ctx = web.app.state.ctx
    checks: list[str] = []
    verify = users.verify_password

    def slow_verify(user: Any, password: str) -> bool:
        checks.append(password)
        time.sleep(0.05)  # argon2's real cost: the window a burst slips through
        return verify(user, password)

    monkeypatch.setattr(users, "verify_password", slow_verify)
    start = threading.Barrier(40)

    def attempt(_: int) -> str:
        start.wait()
        try:
            actions.login(ctx, "port", "wrong-password", "10.0.0.9")
        except LuoshiError as e:
            return e.code
        return "signed_in"

    with ThreadPoolExecutor(40) as pool:
        outcomes = Counter(pool.map(attempt, range(40)))
    assert set(outcomes) <= {"unauthenticated", "too_many_requests"}, outcomes
    assert len(checks) <= 5 and outcomes["unauthenticated"] == len(checks)
    # One by one after the burst: checks go on until exactly 5 were made, then 429.
    while True:
        try:
            actions.login(ctx, "port", "wrong-password", "10.0.0.9")
        except TooManyRequests:
            break
        except Unauthenticated:
            continue
    assert len(checks) == 5
    with pytest.raises(TooManyRequests):
        actions.login(ctx, "port", PASSWORD, "10.0.0.9")  # even the right one, for now
    assert actions.login(ctx, "port", PASSWORD, "10.0.0.10")[1].username == "port"
    web.db.dispose()
