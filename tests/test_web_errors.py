"""One error shape for every failure: ledger errors, validation, unknown paths and
methods, and unexpected exceptions (a 500 with a generic message and a log line)."""

from __future__ import annotations

import logging

import pytest

from luoshi.web.api import tasks as task_api
from tests.web_support import API, WebWorld, assert_error


def test_unknown_paths_and_methods(web: WebWorld) -> None:
    assert_error(web.client().get(f"{API}/no/such/thing"), 404, "not_found")
    assert_error(web.as_user("boss").delete(f"{API}/plans"), 405, "method_not_allowed")


def test_ledger_errors_keep_their_status_and_chinese_message(web: WebWorld) -> None:
    err = assert_error(web.as_user("boss").get(f"{API}/tasks/999"), 404, "not_found")
    assert err["message"] == "任务 999 不存在"
    taken = {"document_id": 1, "name": "t2024"}
    assert (
        "已存在"
        in assert_error(web.as_user("boss").post(f"{API}/plans", json=taken), 409)["message"]
    )


def test_validation_errors_name_the_field(web: WebWorld) -> None:
    r = web.client().post(f"{API}/auth/login", json={"username": "x"})
    err = assert_error(r, 422, "invalid_input")
    assert err["details"][0]["loc"] == ["body", "password"]
    assert "password" in err["message"] and "缺少" in err["message"]
    bad_json = web.client().post(
        f"{API}/auth/login", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert_error(bad_json, 422, "invalid_input")


def test_validation_messages_say_the_field_in_chinese_and_quote_the_value(web: WebWorld) -> None:
    boss = web.as_user("boss")
    url = f"{API}/plans/{web.world.plan_id}/tasks"
    err = assert_error(boss.get(url, params={"per_page": 1000}), 422, "invalid_input")
    assert err["message"] == "请求内容无效：每页条数（per_page）「1000」应不大于 200"
    err = assert_error(boss.get(url, params={"deadline_to": "2024-13-01"}), 422)
    assert "完成时限止（deadline_to）「2024-13-01」应为日期" in err["message"]
    assert err["details"][0]["label"] == "完成时限止"


def test_validation_messages_never_quote_a_password(web: WebWorld) -> None:
    new = {"username": "tour", "role": "viewer", "password": "short1"}
    r = web.as_user("local-admin").post(f"{API}/users", json=new)
    err = assert_error(r, 422)
    assert err["message"] == "请求内容无效：密码（password）：太短"
    assert "short1" not in r.text


def test_unexpected_exceptions_are_a_generic_500_and_a_log_line(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(task_api, "task_detail", broken)
    with caplog.at_level(logging.ERROR, logger="luoshi.web"):
        r = web.as_user("boss").get(f"{API}/tasks/1")
    err = assert_error(r, 500, "internal_error")
    assert "secret internals" not in r.text and "服务器内部错误" in err["message"]
    assert any("unexpected error on GET /api/v1/tasks/1" in m for m in caplog.messages)
    assert "secret internals" in caplog.text  # the traceback is logged, not shown


def test_pages_show_errors_in_html_and_send_strangers_to_sign_in(web: WebWorld) -> None:
    html = {"Accept": "text/html"}
    r = web.client().get("/documents", headers=html, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/documents"
    page = web.client(cookies={"luoshi_session": web.token("boss")})
    missing = page.get("/tasks/999", headers=html)
    assert missing.status_code == 404 and "任务 999 不存在" in missing.text
    assert 'data-code="not_found"' in missing.text
