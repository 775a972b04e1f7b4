"""Who may do what over HTTP: the role matrix, CSRF, session expiry, login rate limits,
and where the secret key comes from."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from luoshi.ledger.clock import now
from luoshi.ledger.models import AppSecret, WebSession
from luoshi.web.app import create_app
from tests.web_support import API, PASSWORD, WebWorld, assert_error, make_app, web_world

# Every route of the API with a body that would be valid for an allowed caller.
WRITES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("post", "/plans/{plan}/rounds", {"period": "2024-Q3"}),
    ("patch", "/plans/{plan}", {"public": True}),
    ("post", "/plans", {"document_id": 1, "name": "other"}),
    ("post", "/units", {"name": "新单位"}),
    ("post", "/tasks/{task}/reports", {"percent": 50}),
]


def fill(path: str, web: WebWorld) -> str:
    return path.format(plan=web.world.plan_id, task=web.task_id("1.1.1.1"))


def open_round(web: WebWorld) -> int:
    r = web.as_user("boss").post(
        f"{API}/plans/{web.world.plan_id}/rounds", json={"period": "2024-Q1"}
    )
    round_id: int = r.json()["id"]
    return round_id


def test_nobody_signed_in_gets_401_on_every_api_path_but_login_and_public(web: WebWorld) -> None:
    spec = web.client().get(f"{API}/openapi.json").json()
    anonymous = web.client()
    checked = 0
    for path, methods in spec["paths"].items():
        if path.endswith(("/auth/login", "/openapi.json")) or "/public/" in path:
            continue
        url = path.replace("{plan_id}", "1").replace("{task_id}", "1")
        url = url.replace("{round_id}", "1").replace("{report_id}", "1")
        url = url.replace("{document_id}", "1").replace("{user_id}", "1")
        for method in methods:
            r = anonymous.request(method.upper(), url, json={})
            assert r.status_code in (401, 422), (method, url, r.text)
            if r.status_code == 401:
                assert_error(r, 401, "unauthenticated")
                checked += 1
    assert checked >= 20


def test_a_viewer_can_read_but_write_nothing(web: WebWorld) -> None:
    open_round(web)
    reader = web.as_user("reader")
    assert reader.get(f"{API}/plans/{web.world.plan_id}/tasks").status_code == 200
    for method, path, body in WRITES:
        r = reader.request(method.upper(), f"{API}{fill(path, web)}", json=body)
        assert_error(r, 403, "forbidden")


def test_a_reporter_changes_nothing_outside_its_unit(web: WebWorld) -> None:
    open_round(web)
    port = web.as_user("port")
    other = web.task_id("1.2.1")  # 市教委's task
    r = port.post(f"{API}/tasks/{other}/reports", json={"percent": 50})
    assert "只能填报本单位的任务" in assert_error(r, 403, "forbidden")["message"]
    for method, path, body in WRITES[:-1]:
        assert_error(port.request(method.upper(), f"{API}{fill(path, web)}", json=body), 403)
    own = port.post(f"{API}/tasks/{web.task_id('1.1.1.1')}/reports", json={"percent": 50})
    assert own.status_code == 201
    rid = own.json()["id"]
    assert_error(port.post(f"{API}/reports/{rid}/review", json={"decision": "accept"}), 403)


def test_a_reporter_reads_only_its_own_units_tasks(web: WebWorld) -> None:
    rid = open_round(web)
    school = web.as_user("school")
    listed = school.get(f"{API}/plans/{web.world.plan_id}/tasks").json()
    assert {t["code"] for t in listed["items"]} == {"1.2", "1.2.1"} and listed["total"] == 2
    port_task = web.task_id("1.1.1.1")
    assert_error(school.get(f"{API}/tasks/{port_task}"), 403)
    assert_error(school.get(f"{API}/tasks/{port_task}/audit"), 403)
    assert_error(school.get(f"{API}/rounds/{rid}/pending"), 403)
    web.as_user("port").post(f"{API}/tasks/{port_task}/reports", json={"percent": 5})
    assert school.get(f"{API}/rounds/{rid}/reports").json()["items"] == []
    assert len(web.as_user("boss").get(f"{API}/rounds/{rid}/reports").json()["items"]) == 1


def test_cookie_writes_need_the_csrf_header_bearer_writes_do_not(web: WebWorld) -> None:
    browser = web.client()
    login = browser.post(f"{API}/auth/login", json={"username": "boss", "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    url = f"{API}/plans/{web.world.plan_id}/rounds"
    refused = browser.post(url, json={"period": "2024-Q1"})
    assert "CSRF" in assert_error(refused, 403, "forbidden")["message"]
    wrong = browser.post(url, json={"period": "2024-Q1"}, headers={"X-CSRF-Token": "0" * 64})
    assert_error(wrong, 403)
    ok = browser.post(url, json={"period": "2024-Q1"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    bearer = web.client(headers={"Authorization": f"Bearer {login.json()['token']}"})
    assert bearer.post(url, json={"period": "2024-Q2"}).status_code == 201


def test_page_forms_need_the_csrf_field(web: WebWorld) -> None:
    browser = web.client()
    browser.post(f"{API}/auth/login", json={"username": "boss", "password": PASSWORD})
    url = f"/plans/{web.world.plan_id}/rounds/open"
    r = browser.post(url, data={"period": "2024-Q1"}, headers={"Accept": "text/html"})
    assert r.status_code == 403 and "CSRF" in r.text
    rounds = browser.get(f"{API}/plans/{web.world.plan_id}/rounds").json()
    assert rounds["total"] == 0


def test_sessions_expire_after_the_idle_time(tmp_path: Path) -> None:
    web = web_world(tmp_path, session_idle_minutes=30)
    client = web.as_user("reader")
    assert client.get(f"{API}/me").status_code == 200
    with web.db.transaction() as s:
        s.execute(update(WebSession).values(last_seen=now() - timedelta(minutes=29)))
    assert client.get(f"{API}/me").status_code == 200  # still within, and touched
    with web.db.transaction() as s:
        s.execute(update(WebSession).values(last_seen=now() - timedelta(minutes=31)))
    assert_error(client.get(f"{API}/me"), 401, "unauthenticated")
    with web.db.transaction() as s:
        assert s.scalars(select(WebSession)).all() == []  # the expired session is gone
    page = web.client(cookies={"luoshi_session": web.tokens["reader"]})
    r = page.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_failed_logins_are_limited_per_username_and_address(tmp_path: Path) -> None:
    web = web_world(tmp_path, login_attempts=5, login_window_minutes=15)
    client = web.client()

    def attempt(password: str, username: str = "port") -> Any:
        return client.post(f"{API}/auth/login", json={"username": username, "password": password})

    for _ in range(5):
        assert_error(attempt("wrong-password"), 401, "unauthenticated")
    blocked = attempt(PASSWORD)  # even the right password, until the window has passed
    assert "登录失败次数过多" in assert_error(blocked, 429, "too_many_requests")["message"]
    assert attempt(PASSWORD, "school").status_code == 200  # another username is not blocked
    unknown = attempt("whatever", "nobody")
    assert_error(unknown, 401)


def test_a_successful_login_clears_earlier_failures(web: WebWorld) -> None:
    client = web.client()
    for _ in range(4):
        client.post(f"{API}/auth/login", json={"username": "port", "password": "nope-nope"})
    assert (
        client.post(
            f"{API}/auth/login", json={"username": "port", "password": PASSWORD}
        ).status_code
        == 200
    )
    for _ in range(4):
        client.post(f"{API}/auth/login", json={"username": "port", "password": "nope-nope"})
    assert (
        client.post(
            f"{API}/auth/login", json={"username": "port", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_users_without_a_password_cannot_sign_in(web: WebWorld) -> None:
    admin = web.as_user("local-admin")
    # Added on the command line without --password-stdin: no password hash.
    from luoshi.ledger import users

    with web.db.transaction() as s:
        users.add_user(s, users.get_user(s, "local-admin"), "nopass", "viewer")
    r = web.client().post(f"{API}/auth/login", json={"username": "nopass", "password": "x"})
    assert_error(r, 401)
    listed = {u["username"]: u for u in admin.get(f"{API}/users").json()["items"]}
    assert listed["nopass"]["can_sign_in"] is False


def test_the_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    app, db = make_app(tmp_path)
    with db.transaction() as s:
        stored = s.scalars(select(AppSecret)).one()
    assert len(stored.value) >= 40
    again = create_app(app.state.ctx.settings, db)
    assert again.state.ctx.secret == app.state.ctx.secret == stored.value
    (tmp_path / "other").mkdir()
    configured, other_db = make_app(tmp_path / "other", secret_key="configured-key-123")
    other_db.dispose()
    assert configured.state.ctx.secret == "configured-key-123"
    db.dispose()


@pytest.mark.parametrize("header", ["Bearer", "Bearer nonsense", "Basic abc"])
def test_bad_tokens_are_401(web: WebWorld, header: str) -> None:
    assert_error(web.client(headers={"Authorization": header}).get(f"{API}/me"), 401)
