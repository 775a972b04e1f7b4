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
from luoshi.ledger import sessions, users
from luoshi.ledger.clock import now
from luoshi.ledger.models import WebSession
from luoshi.web import actions
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
@pytest.mark.parametrize("loop_reads", [True, False])
def test_the_caller_is_resolved_on_the_event_loop_only_where_reads_may_run_there(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch, path: str, loop_reads: bool
) -> None:
    """On a SQLite file the session's lookup runs on the loop (its bookkeeping write
    never waits: the test above); elsewhere (PostgreSQL) in a worker thread."""
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
    monkeypatch.setattr(web.app.state.ctx, "loop_reads", loop_reads)
    r = client.get(path.format(plan=web.world.plan_id))
    assert r.status_code == 200, r.text
    assert on_loop == [loop_reads]


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
    with pytest.raises(TooManyRequests):
        actions.login(ctx, "port", PASSWORD, "10.0.0.10")  # and from another address
    assert actions.login(ctx, "school", PASSWORD, "10.0.0.9")[1].username == "school"
    web.db.dispose()


def login(web: WebWorld, username: str, password: str = PASSWORD) -> Any:
    return web.client().post(f"{API}/auth/login", json={"username": username, "password": password})


def signed_in(web: WebWorld, token: str) -> int:
    status: int = (
        web.client(headers={"Authorization": f"Bearer {token}"}).get(f"{API}/me").status_code
    )
    return status


def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions(
    web: WebWorld,
) -> None:
    here, elsewhere = login(web, "port").json()["token"], login(web, "port").json()["token"]
    client = web.client(headers={"Authorization": f"Bearer {here}"})
    url = f"{API}/me/password"
    missing = client.post(url, json={"password": "a-new-password"})
    assert "当前密码" in assert_error(missing, 422)["message"]
    wrong = client.post(url, json={"current_password": "not-mine-1", "password": "a-new-password"})
    assert assert_error(wrong, 403, "forbidden")["message"] == "当前密码不正确，密码未修改"
    assert signed_in(web, elsewhere) == 200  # nothing changed yet
    ok = client.post(url, json={"current_password": PASSWORD, "password": "a-new-password"})
    assert ok.status_code == 200, ok.text
    assert signed_in(web, here) == 200  # the session that made the change goes on
    assert signed_in(web, elsewhere) == 401  # every other one has ended
    assert_error(login(web, "port"), 401)
    assert login(web, "port", "a-new-password").status_code == 200


def test_guessing_the_current_password_is_throttled_like_logins(tmp_path: Path) -> None:
    web = web_world(tmp_path, login_attempts=3)
    client = web.as_user("port")
    url = f"{API}/me/password"
    for _ in range(3):
        r = client.post(url, json={"current_password": "guess-123", "password": "a-new-password"})
        assert_error(r, 403)
    right = client.post(url, json={"current_password": PASSWORD, "password": "a-new-password"})
    assert_error(right, 429, "too_many_requests")
    web.db.dispose()


def test_an_administrators_reset_ends_every_session_of_the_user(web: WebWorld) -> None:
    tokens = [login(web, "port").json()["token"] for _ in range(2)]
    other = web.token("school")
    with web.db.transaction() as s:  # as `luoshi users passwd port` does
        users.set_password(
            s, users.get_user(s, "local-admin"), users.get_user(s, "port"), "reset-by-admin"
        )
    assert [signed_in(web, t) for t in tokens] == [401, 401]
    assert signed_in(web, other) == 200


def test_a_session_ends_after_the_maximum_age_however_busy(tmp_path: Path) -> None:
    web = web_world(tmp_path, session_max_days=7)
    client = web.as_user("reader")
    with web.db.transaction() as s:
        s.execute(update(WebSession).values(created_at=now() - timedelta(days=6, hours=23)))
    assert client.get(f"{API}/me").status_code == 200
    with web.db.transaction() as s:
        s.execute(update(WebSession).values(created_at=now() - timedelta(days=7, minutes=1)))
    assert_error(client.get(f"{API}/me"), 401, "unauthenticated")  # used a second ago
    web.db.dispose()


def test_a_deactivated_user_is_signed_out_and_cannot_sign_in(web: WebWorld) -> None:
    port = web.as_user("port")
    admin = web.as_user("local-admin")
    port_id = next(
        u["id"] for u in admin.get(f"{API}/users").json()["items"] if u["username"] == "port"
    )
    assert_error(web.as_user("boss").patch(f"{API}/users/{port_id}", json={"active": False}), 403)
    r = admin.patch(f"{API}/users/{port_id}", json={"active": False})
    assert (
        r.status_code == 200 and r.json()["active"] is False and r.json()["unit"] == "市交通运输委"
    )
    assert_error(port.get(f"{API}/me"), 401)
    with web.db.transaction() as s:
        assert s.scalars(select(WebSession).where(WebSession.user_id == port_id)).all() == []
    assert_error(login(web, "port"), 401)
    assert admin.patch(f"{API}/users/{port_id}", json={"active": True}).json()["active"] is True
    assert login(web, "port").status_code == 200
    admin_id = next(
        u["id"] for u in admin.get(f"{API}/users").json()["items"] if u["username"] == "local-admin"
    )
    own = admin.patch(f"{API}/users/{admin_id}", json={"active": False})
    assert "不能停用自己的账号" in assert_error(own, 422)["message"]
    assert_error(admin.patch(f"{API}/users/999", json={"active": False}), 404)
    assert_error(admin.patch(f"{API}/users/{port_id}", json={"active": "no"}), 422)
