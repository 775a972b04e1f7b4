"""One error shape for every failure: ledger errors, validation, unknown paths and
methods, and unexpected exceptions (a 500 with a generic message and a log line)."""

from __future__ import annotations

import logging
import re

import pytest

from luoshi.web.api import tasks as task_api
from tests.test_web_pages import browser
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


def test_a_choice_not_offered_is_refused_naming_the_choices(web: WebWorld) -> None:
    boss = web.as_user("boss")
    plan = web.world.plan_id
    err = assert_error(boss.get(f"{API}/plans/{plan}/tasks?health=purple"), 422)
    assert (
        "状态（health）「purple」不是可选的值，可选：green、amber、red、stalled、done"
        in (err["message"])
    )
    err = assert_error(boss.get(f"{API}/plans/{plan}/reports?state=lost"), 422)
    assert "可选：submitted、accepted、returned、superseded" in err["message"]
    err = assert_error(boss.get(f"{API}/notifications?status=bogus"), 422)  # a pattern
    assert "状态（status）「bogus」不是可选的值，可选：pending、sending" in err["message"]
    err = assert_error(boss.get(f"{API}/plans/{plan}/tasks?sort=colour"), 422)
    assert "排序（sort）「colour」无效，可选：code（编号）" in err["message"]


def test_a_page_past_the_last_is_refused_by_the_api_saying_how_many(web: WebWorld) -> None:
    boss = web.as_user("boss")
    url = f"{API}/plans/{web.world.plan_id}/tasks"
    body = boss.get(url, params={"per_page": 2}).json()
    last = body["pages"]
    assert last == -(-body["total"] // 2) and last > 1
    assert boss.get(url, params={"per_page": 2, "page": last}).status_code == 200
    err = assert_error(boss.get(url, params={"per_page": 2, "page": last + 1}), 422)
    assert (
        err["message"] == f"页码（page）「{last + 1}」无效：第 {last + 1} 页超出范围，共 {last} 页"
    )
    empty = boss.get(url, params={"q": "没有这样的任务"}).json()
    assert (empty["items"], empty["page"], empty["pages"]) == ([], 1, 1)  # nothing: one page
    err = assert_error(boss.get(f"{API}/documents?page=9"), 422)
    assert "第 9 页超出范围，共 1 页" in err["message"]


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="lv\d[^"]*">.*?href="/tasks/(\d+)"', html, flags=re.S)


def test_pages_name_a_bad_filter_in_chinese_and_show_the_last_page_past_the_end(
    web: WebWorld,
) -> None:
    page = web.client(
        cookies={"luoshi_session": web.token("boss")}, headers={"Accept": "text/html"}
    )
    ledger = f"/plans/{web.world.plan_id}/ledger"
    # The ledger and the targets page show themselves without a wrong filter, and say it.
    bad = page.get(f"{ledger}?health=purple")
    assert bad.status_code == 200 and "text/html" in bad.headers["content-type"]
    assert "状态「purple」无效（可选：正常、滞后、" in bad.text and "green（" not in bad.text
    assert _rows(bad.text) == _rows(page.get(ledger).text) != []
    # A state named by the label the message lists is taken as its code.
    by_label = page.get(ledger, params={"health": "正常"})
    assert "无效" not in by_label.text
    assert _rows(by_label.text) == _rows(page.get(f"{ledger}?health=green").text)
    # A page size typed into the address is a choice of the form, so 筛选 keeps it.
    sized = page.get(ledger, params={"per_page": "3"}).text
    assert "<option selected>3</option>" in sized
    assert _rows(sized) == _rows(page.get(ledger).text)[:3]
    # A wrong order or 只看逾期 value is said in the page's words, the list shown whole.
    sort = page.get(ledger, params={"sort": "colour", "overdue": "maybe"})
    assert "排序方式「colour」无效，已按编号排列" in sort.text and "可选：code" not in sort.text
    assert "「只看逾期」的取值「maybe」无效（应为 1）" in sort.text
    assert _rows(sort.text) == _rows(page.get(ledger).text)
    verdict = page.get(f"/plans/{web.world.plan_id}/targets?verdict=maybe")
    assert verdict.status_code == 200 and "研判结论（verdict）「maybe」无效" in verdict.text
    assert 'id="verdicts"' in verdict.text
    direction = page.get(f"/plans/{web.world.plan_id}/links?dir=sideways")
    assert direction.status_code == 200 and "方向（dir）「sideways」无效" in direction.text
    pages = web.as_user("boss").get(f"{API}/plans/{web.world.plan_id}/tasks?per_page=2")
    last = pages.json()["pages"]
    past = page.get(f"{ledger}?per_page=2&page=99")
    assert past.status_code == 200 and f"第 99 页超出范围，共 {last} 页" in past.text
    shown = page.get(f"{ledger}?per_page=2&page={last}").text
    assert _rows(past.text) == _rows(shown) != []  # the last page, not an empty table
    # A unit or category none of the plan's tasks has: the empty list says so.
    nobody = page.get(ledger, params={"unit": "不存在的局", "category": "第九十九类"})
    assert nobody.status_code == 200 and _rows(nobody.text) == []
    assert "本计划没有单位「不存在的局」牵头的任务" in nobody.text
    assert "本计划没有分类「第九十九类」" in nobody.text
    known = page.get(ledger, params={"unit": "不存在的局", "health": "green"}).text
    assert "本计划没有单位「不存在的局」" in known and "没有分类" not in known
    links = page.get(f"/plans/{web.world.plan_id}/links?page=7")
    assert links.status_code == 200 and "第 7 页超出范围，共 1 页" in links.text


def test_a_form_posted_to_a_page_gets_a_page_naming_the_field_by_its_label(
    web: WebWorld,
) -> None:
    from tests.test_web_pages import browser

    client, csrf = browser(web, "boss")
    opening = f"/plans/{web.world.plan_id}/rounds/open"
    # Browser validation bypassed, and a client whose Accept does not say text/html.
    r = client.post(opening, data={"csrf_token": csrf}, headers={"Accept": "*/*"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "请求内容无效：期间：缺少此项" in r.text and "period" not in r.text
    api = web.as_user("boss").post(f"{API}/tasks/{web.task_id('1.1.1.1')}/reports", json={})
    assert "完成百分比（percent）：缺少此项" in assert_error(api, 422)["message"]


def test_a_validation_error_page_says_each_problem_once(web: WebWorld) -> None:
    from tests.test_web_pages import browser

    client, _ = browser(web, "boss")
    page = client.get("/rounds/1", params={"chased": "abc"})  # checked before the round
    assert page.status_code == 422
    assert page.text.count("应为整数") == 1, page.text


def test_the_web_leaves_out_the_command_lines_hints(web: WebWorld) -> None:
    missing = web.as_user("boss").get(f"{API}/rounds/99999/pending")
    err = assert_error(missing, 404)
    assert "调度 99999 不存在" in err["message"] and "luoshi" not in err["message"]


def test_a_page_not_found_keeps_the_menu_of_whoever_is_signed_in(web: WebWorld) -> None:
    boss, _ = browser(web, "boss")
    r = boss.get("/no-such-page")
    assert r.status_code == 404
    assert 'id="whoami"' in r.text and 'href="/ledger"' in r.text  # the top bar, signed in
    anonymous = web.client(headers={"Accept": "text/html"}).get("/no-such-page")
    assert anonymous.status_code == 404 and 'id="whoami"' not in anonymous.text
