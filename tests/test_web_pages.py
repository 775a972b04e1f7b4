"""The pages in-process: every page renders for its users, forms work with their CSRF
token, the language switches, the reading view links quantities to tasks."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.web_support import API, PASSWORD, WebWorld

HTML = {"Accept": "text/html"}


def browser(web: WebWorld, username: str) -> tuple[TestClient, str]:
    """A client signed in through the login form, and the CSRF token its pages carry."""
    client = web.client(headers=HTML)
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token[1], "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"
    page = client.get("/documents").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    return client, csrf[1]


def test_every_page_renders_for_a_supervisor(web: WebWorld) -> None:
    client, _ = browser(web, "local-admin")
    pid, tid = web.world.plan_id, web.task_id("1.1.1.1")
    for url, expect in [
        ("/", "总体进度"),
        ("/documents", "上传文件"),
        ("/documents/1", "目录"),
        (f"/plans/{pid}/ledger", "拓展航线"),
        (f"/tasks/{tid}", "集装箱吞吐量突破1600万标准箱"),
        ("/rounds", "发起调度"),
        ("/review", "待审核的进度报告"),
        ("/users", "添加用户"),
        ("/public", "公开"),
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        assert expect in r.text, url
        assert "http://" not in r.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in r.text  # nothing fetched from outside


def test_the_login_form_refuses_wrong_passwords_and_stale_forms(web: WebWorld) -> None:
    client = web.client(headers=HTML)
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    wrong = client.post(
        "/login", data={"username": "boss", "password": "x", "csrf_token": token[1]}
    )
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    stale = client.post(
        "/login", data={"username": "boss", "password": PASSWORD, "csrf_token": "x"}
    )
    assert stale.status_code == 403 and "luoshi_session" not in stale.cookies


def test_reporting_and_review_through_the_forms(web: WebWorld) -> None:
    boss, boss_csrf = browser(web, "boss")
    r = boss.post(
        f"/plans/{web.world.plan_id}/rounds/open",
        data={"period": "2024-Q1", "due": "2024-04-10", "csrf_token": boss_csrf},
    )
    assert r.status_code == 200 and "未报单位" in r.text
    port, port_csrf = browser(web, "port")
    mine = port.get("/rounds").text
    assert "本单位待报任务" in mine and "拓展航线" in mine and "新建学校8所" not in mine
    tid = web.task_id("1.1.1.1")
    r = port.post(
        f"/tasks/{tid}/report",
        data={"percent": "60", "narrative": "新开航线2条", "value": "9,000,000",
              "evidence": "照片.jpg\n通报.pdf", "csrf_token": port_csrf},
    )  # fmt: skip
    assert r.status_code == 200 and "新开航线2条" in r.text and "照片.jpg" in r.text
    queue = boss.get("/review").text
    rid = re.search(r'action="/reports/(\d+)/review"', queue)
    assert rid is not None and "新开航线2条" in queue
    r = boss.post(
        f"/reports/{rid[1]}/review",
        data={"decision": "return", "reason": "请补充数据来源", "csrf_token": boss_csrf},
    )
    assert r.status_code == 200 and "新开航线2条" not in r.text  # gone from the queue
    detail: dict[str, Any] = web.as_user("boss").get(f"{API}/tasks/{tid}").json()
    assert detail["reports"][0]["reviews"][0]["reason"] == "请补充数据来源"
    other = port.post(
        f"/tasks/{web.task_id('1.2.1')}/report", data={"percent": "5", "csrf_token": port_csrf}
    )
    assert other.status_code == 403 and "只能填报本单位的任务" in other.text


def test_upload_and_build_through_the_forms(web: WebWorld) -> None:
    client, csrf = browser(web, "boss")
    text = (
        "滨海区2025年实施方案\n一、主要任务\n（一）改善交通\n新建停车位2000个，新开公交线路5条。\n"
    )
    r = client.post(
        "/documents/upload",
        data={"csrf_token": csrf},
        files={"file": ("滨海方案.txt", text.encode(), "text/plain")},
    )
    assert r.status_code == 200 and "滨海区2025年实施方案" in r.text
    doc_id = re.search(r'name="document_id" value="(\d+)"', r.text)
    assert doc_id is not None
    r = client.post(
        "/plans/build", data={"document_id": doc_id[1], "name": "bh2025", "csrf_token": csrf}
    )
    assert r.status_code == 200 and "bh2025" in r.text and "新建停车位2000个" in r.text
    reading = client.get(f"/documents/{doc_id[1]}").text
    assert re.search(
        r'<mark class="q q-target"[^>]*><a href="/tasks/\d+">2000个</a></mark>', reading
    )


def test_the_ledger_page_filters_and_searches(web: WebWorld) -> None:
    client, _ = browser(web, "reader")
    url = f"/plans/{web.world.plan_id}/ledger"
    assert '<b id="total">9</b>' in client.get(url).text
    searched = client.get(url, params={"q": "港口"}).text
    assert '<b id="total">2</b>' in searched and "提升港口能级" in searched
    assert '<b id="total">1</b>' in client.get(url, params={"deadline_to": "2024-06-30"}).text
    bad = client.get(url, params={"deadline_to": "2024-02-31"})
    assert bad.status_code == 422 and "不是有效日期" in bad.text


def test_language_switch(web: WebWorld) -> None:
    client, _ = browser(web, "reader")
    assert "总览" in client.get("/").text
    client.get("/lang/en?next=/")
    english = client.get("/").text
    assert "Dashboard" in english and "Overall progress" in english and 'lang="en"' in english
    client.get("/lang/zh?next=/")
    assert "总体进度" in client.get("/").text


def test_a_public_plan_needs_no_sign_in(web: WebWorld) -> None:
    anonymous = web.client(headers=HTML)
    assert anonymous.get(f"/public/plans/{web.world.plan_id}").status_code == 404
    web.as_user("boss").patch(f"{API}/plans/{web.world.plan_id}", json={"public": True})
    page = anonymous.get(f"/public/plans/{web.world.plan_id}")
    assert page.status_code == 200 and "1600万标准箱" in page.text and "<svg" in page.text
    assert "退出" not in page.text  # nobody is signed in


def test_sign_in_redirects_only_within_the_site(web: WebWorld) -> None:
    for target, expected in [("/rounds", "/rounds"), ("//evil.example", "/"),
                             ("/\\evil.example", "/"), ("https://evil.example", "/")]:  # fmt: skip
        client = web.client(headers=HTML)
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None
        r = client.post(
            "/login",
            data={"username": "boss", "password": PASSWORD, "csrf_token": token[1],
                  "next": target},
            follow_redirects=False,
        )  # fmt: skip
        assert r.headers["location"] == expected


def test_a_task_page_states_each_goal_with_its_comparator(web: WebWorld) -> None:
    client, _ = browser(web, "local-admin")
    page = client.get(f"/tasks/{web.task_id('1.1.1.1')}").text
    assert "集装箱吞吐量 ＞<b>1600万标准箱</b>" in page
