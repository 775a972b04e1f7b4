"""Logins under attack: throttled per username, address and in all; forwarding headers
believed only from named proxies; password checks bounded; every sign-in audited."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from luoshi.cli import cli
from luoshi.ledger import audit, users
from tests.web_support import API, PASSWORD, WebWorld, assert_error, web_world


def login(client: Any, username: str, password: str, **headers: str) -> Any:
    body = {"username": username, "password": password}
    return client.post(f"{API}/auth/login", json=body, headers=headers)


def test_after_a_lock_out_a_spoofed_forwarding_header_is_still_refused(tmp_path: Path) -> None:
    web = web_world(tmp_path, login_attempts=3)
    client = web.client()
    for n in range(3):
        assert_error(login(client, "port", "wrong-guess", **{"X-Forwarded-For": f"1.2.3.{n}"}), 401)
    for n in range(5):
        spoofed = login(client, "port", PASSWORD, **{"X-Forwarded-For": f"9.9.9.{n}"})
        assert "登录失败次数过多" in assert_error(spoofed, 429, "too_many_requests")["message"]
    web.db.dispose()


def test_a_trusted_proxy_is_believed_and_the_username_stays_locked(tmp_path: Path) -> None:
    # TestClient's peer is "testclient": named here, it is the proxy in front.
    web = web_world(tmp_path, login_attempts=3, trusted_proxies=("testclient",))
    client = web.client()
    for n in range(3):
        assert_error(login(client, "port", "wrong-guess", **{"X-Forwarded-For": f"1.2.3.{n}"}), 401)
    assert_error(login(client, "port", PASSWORD, **{"X-Forwarded-For": "5.6.7.8"}), 429)
    assert login(client, "school", PASSWORD, **{"X-Forwarded-For": "5.6.7.8"}).status_code == 200
    with web.db.transaction() as s:
        failures = [e for e in audit.history(s, "logins") if e.action == "login_failed"]
    assert [(e.after or {}).get("ip") for e in failures] == ["1.2.3.0", "1.2.3.1", "1.2.3.2"]
    web.db.dispose()


def test_one_address_trying_many_usernames_is_throttled(tmp_path: Path) -> None:
    web = web_world(tmp_path, login_attempts_per_address=4)
    client = web.client()
    for n in range(4):
        assert_error(
            login(client, f"guess{n}", "wrong-guess", **{"X-Forwarded-For": f"8.8.{n}"}), 401
        )
    refused = assert_error(login(client, "port", PASSWORD), 429)
    assert "此地址登录失败次数过多" in refused["message"]
    web.db.dispose()


def test_the_whole_site_has_a_ceiling(tmp_path: Path) -> None:
    web = web_world(tmp_path, login_attempts_total=4, trusted_proxies=("testclient",))
    client = web.client()
    for n in range(4):
        addr = {"X-Forwarded-For": f"10.1.0.{n}"}
        assert_error(login(client, f"guess{n}", "wrong-guess", **addr), 401)
    refused = login(client, "port", PASSWORD, **{"X-Forwarded-For": "10.2.0.1"})
    assert "全站登录失败次数过多" in assert_error(refused, 429)["message"]
    web.db.dispose()


def test_password_checks_past_the_limit_are_refused_at_once(tmp_path: Path) -> None:
    web = web_world(tmp_path, login_checks=1)
    client = web.client()
    page = client.get("/login")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"username": "port", "password": PASSWORD, "csrf_token": csrf}
    with web.app.state.password_gate.held():  # the one check allowed is under way
        started = time.monotonic()
        api = login(client, "port", PASSWORD)
        assert "正忙" in assert_error(api, 429, "too_many_requests")["message"]
        form_post = client.post("/login", data=form, follow_redirects=False)
        assert form_post.status_code == 429 and "正忙" in form_post.text
        assert time.monotonic() - started < 2
    assert login(client, "port", PASSWORD).status_code == 200  # free again
    with web.db.transaction() as s:  # refused before counting: no failure, no event
        assert [e.action for e in audit.history(s, "logins")] == ["sign_in"]
    web.db.dispose()


def test_the_gate_is_sized_to_argon2s_memory(tmp_path: Path) -> None:
    from luoshi.settings import WebSettings

    assert WebSettings().password_checks(64) == 3  # 192 MB for checks of 64 MB each
    assert WebSettings(login_memory_mb=1024).password_checks(64) == 16
    assert WebSettings(login_checks=2).password_checks(64) == 2
    assert WebSettings(login_memory_mb=10).password_checks(64) == 1


def test_sign_in_failure_lock_out_and_sign_out_are_audited(tmp_path: Path) -> None:
    web = web_world(tmp_path, login_attempts=2)
    client = web.client()
    assert_error(login(client, "nobody", "wrong-guess"), 401)
    assert_error(login(client, "port", "wrong-guess"), 401)
    assert_error(login(client, "port", "wrong-guess"), 401)
    assert_error(login(client, "port", "wrong-guess"), 429)  # refused: not a new event
    token = login(client, "school", PASSWORD).json()["token"]
    out = web.client(headers={"Authorization": f"Bearer {token}"}).post(f"{API}/auth/logout")
    assert out.status_code == 200
    with web.db.transaction() as s:
        school = users.get_user(s, "school").id
        port = users.get_user(s, "port").id
        events = [
            (e.actor, e.entity_id, e.action, (e.after or {}).get("reason"))
            for e in audit.history(s, "logins")
        ]
    assert events == [
        ("nobody", 0, "login_failed", "unknown_user"),
        ("port", port, "login_failed", "password"),
        ("port", port, "login_failed", "password"),
        ("port", port, "lockout", None),
        ("school", school, "sign_in", None),
        ("school", school, "sign_out", None),
    ]
    web.db.dispose()


def test_serve_leaves_forwarding_headers_to_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.update(kw))
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    r = CliRunner().invoke(cli, ["--database-url", url, "serve"])
    assert r.exit_code == 0, r.output
    assert seen["proxy_headers"] is False


def test_common_passwords_are_refused_on_the_web(web: WebWorld) -> None:
    admin = web.as_user("local-admin")
    body = {"username": "newbie", "role": "viewer", "password": "Password2024!"}
    refused = assert_error(admin.post(f"{API}/users", json=body), 422)
    assert "太容易被猜到" in refused["message"]
    body["password"] = "maple-river-lantern"
    assert admin.post(f"{API}/users", json=body).status_code == 201
