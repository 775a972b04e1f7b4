"""The pages in-process: every page renders for its users, forms work with their CSRF
token, the language switches, the reading view links quantities to tasks, supervisors
edit and assign tasks on the task page."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from fastapi.testclient import TestClient

from luoshi.ledger import tasks, users
from luoshi.ledger.read.figures import Tally
from luoshi.settings import HealthRules
from luoshi.web.pages.dashboard import group_bars
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
        data={
            "period": "2024-Q1",
            "due": f"{date.today().year + 1}-04-10",
            "csrf_token": boss_csrf,
        },
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
    assert "进度已提交，等待审核" in r.text  # said back on the task page, not a silent reload
    queue = boss.get("/review").text
    rid = re.search(r'action="/reports/(\d+)/review"', queue)
    assert rid is not None and "新开航线2条" in queue
    r = boss.post(
        f"/reports/{rid[1]}/review",
        data={"decision": "return", "reason": "请补充数据来源", "csrf_token": boss_csrf},
    )
    assert r.status_code == 200 and "新开航线2条" not in r.text  # gone from the queue
    assert 'id="notice"' in r.text and "已退回" in r.text  # and the page says so
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


def _total(html: str) -> int:
    found = re.search(r'<b id="total">(\d+)</b>', html)
    assert found is not None
    return int(found[1])


def test_the_ledger_page_filters_and_searches(web: WebWorld) -> None:
    client, _ = browser(web, "reader")
    url = f"/plans/{web.world.plan_id}/ledger"
    assert '<b id="total">9</b>' in client.get(url).text
    searched = client.get(url, params={"q": "港口"}).text
    assert '<b id="total">2</b>' in searched and "提升港口能级" in searched
    assert '<b id="total">1</b>' in client.get(url, params={"deadline_to": "2024-06-30"}).text
    # A filter that is not valid is said above the list, which is shown without it.
    bad = client.get(url, params={"deadline_to": "2024-02-31", "q": "港口"})
    assert bad.status_code == 200 and "完成时限（至）「2024-02-31」不是有效日期" in bad.text
    assert '<b id="total">2</b>' in bad.text and 'value="2024-02-31"' in bad.text
    reversed_ = client.get(url, params={"deadline_from": "2024-07-01", "deadline_to": "2024-06-30"})
    assert "完成时限的起始日期晚于截止日期，未按完成时限筛选" in reversed_.text
    assert _total(reversed_.text) == 9  # neither end used: one alone would look like both
    for wrong, said in [
        ({"sort": "bogus"}, "排序方式「bogus」无效，已按编号排列"),
        ({"page": "abc"}, "页码「abc」应为 1 到 100000 之间的整数"),
        ({"page": "0"}, "页码「0」应为"),
        ({"per_page": "abc"}, "每页条数「abc」应为"),
        ({"q": "港" * 600}, "关键词太长（最多 500 字），未按关键词筛选"),
    ]:
        shown = client.get(url, params=wrong)
        assert shown.status_code == 200 and said in shown.text, wrong
        assert _total(shown.text) == 9, wrong
    by_code = client.get(url, params={"q": "1.1.1"}).text  # 编号: the task and those under it
    assert '<b id="total">3</b>' in by_code
    # The nav's /ledger keeps a shared link's filters on its way to the plan's ledger.
    shared = client.get("/ledger", params={"q": "1.1.1"})
    assert '<b id="total">3</b>' in shared.text and "q=1.1.1" in str(shared.url)
    api = web.as_user("reader").get(f"{API}/plans/{web.world.plan_id}/tasks", params={"q": "1.1.1"})
    assert [t["code"] for t in api.json()["items"]] == ["1.1.1", "1.1.1.1", "1.1.1.2"]


def test_every_category_and_unit_bar_links_to_its_ledger(web: WebWorld) -> None:
    client, _ = browser(web, "reader")
    page = client.get("/", params={"plan": web.world.plan_id}).text
    bar_link = r'<a class="bar-row" role="listitem" href="([^"]+)">'
    links = [html.unescape(h) for h in re.findall(bar_link, page)]
    ledger = f"/plans/{web.world.plan_id}/ledger?"
    categories = [parse_qs(u.split("?")[1])["category"][0] for u in links if "category=" in u]
    assert categories == ["（一）提升港口能级", "（二）办好民生实事"]
    assert len([u for u in links if u.startswith(ledger + "unit=")]) == 3
    followed = client.get(next(u for u in links if "category=" in u)).text
    assert '<b id="total">6</b>' in followed  # the category heading and all below it


def test_bar_links_are_encoded_and_placeholders_filter_too() -> None:
    def group(name: str, behind: int = 0) -> Tally:
        counts = {"green": 1 - behind, "amber": 0, "red": behind, "stalled": 0, "done": 0}
        return Tally(name, 1, 50.0, 60.0, counts, 0)

    groups = [group(name) for name in ("研发&转化#1", "（未分类）", "（一）产业")]
    hrefs = [b.href for b in group_bars(groups, 7, "category")]
    assert hrefs[0] == "/plans/7/ledger?" + urlencode({"category": "研发&转化#1"})
    assert parse_qs(hrefs[0].split("?")[1]) == {"category": ["研发&转化#1"]}
    assert parse_qs(hrefs[1].split("?")[1]) == {"category": ["（未分类）"]}
    assert hrefs[2] is not None
    unassigned = group_bars([group("（未分派）", 1)], 7, "unit")[0].href
    assert unassigned is not None and parse_qs(unassigned.split("?")[1]) == {"unit": ["（未分派）"]}


def test_the_unassigned_bar_leads_to_the_leaves_to_assign(web: WebWorld) -> None:
    tid = web.task_id("1.2.1")
    boss = web.as_user("boss")
    version = boss.get(f"{API}/tasks/{tid}").json()["version"]
    r = boss.patch(f"{API}/tasks/{tid}", json={"version": version, "lead_unit": None})
    assert r.status_code == 200, r.text
    client, _ = browser(web, "boss")
    page = client.get(f"/?plan={web.world.plan_id}").text
    link = next(
        u for u in re.findall(r'href="([^"]+)"', page) if "%E6%9C%AA%E5%88%86%E6%B4%BE" in u
    )
    listed = client.get(html.unescape(link)).text
    assert '<b id="total">1</b>' in listed and "新建学校8所" in listed
    assert "<option selected>（未分派）</option>" in listed  # among the unit choices
    assert 'data-label="责任单位">（未分派）</td>' in listed  # the row says so, not blank
    assert boss.get(f"{API}/plans/{web.world.plan_id}/tasks?unit=（未分派）").json()["total"] == 1


def test_the_users_form_adds_accounts_and_refuses_blank_names(web: WebWorld) -> None:
    client, csrf = browser(web, "local-admin")
    assert 'name="username" required minlength="2"' in client.get("/users").text
    new = {"role": "viewer", "password": "long-enough-1", "csrf_token": csrf}
    blank = client.post("/users", data={**new, "username": "   "})
    assert blank.status_code == 422 and "用户名至少 2 个字符" in blank.text
    added = client.post("/users", data={**new, "username": " 张三 "})
    assert added.status_code == 200 and '<td class="title username">张三</td>' in added.text
    assert '<p class="flash good" role="status" id="notice">已添加用户「张三」</p>' in added.text
    # Named only when that account exists: the address can be typed.
    assert 'id="notice"' not in client.get("/users?added=李四").text
    # From 单位's 「无（去添加）」, the form starts with the unit chosen.
    chosen = client.get("/users", params={"unit": "市水务局"}).text
    assert "<option selected>市水务局</option>" in chosen


def test_an_administrator_deactivates_and_reactivates_through_the_form(web: WebWorld) -> None:
    client, csrf = browser(web, "local-admin")
    port_token = web.token("port")
    page = client.get("/users").text
    rows = re.findall(r'<form method="post" action="/users/(\d+)/active"', page)
    assert len(rows) == 4  # everyone but the administrator itself
    with web.db.transaction() as s:
        port = users.get_user(s, "port").id
    assert str(port) in rows
    asked = client.post(f"/users/{port}/active", data={"active": "0", "csrf_token": csrf})
    assert 'id="confirm-yes"' in asked.text and "确定停用吗" in asked.text
    assert (
        web.client(headers={"Authorization": f"Bearer {port_token}"}).get(f"{API}/me").is_success
    )  # not yet: only asked
    r = client.post(
        f"/users/{port}/active", data={"active": "0", "confirmed": "1", "csrf_token": csrf}
    )
    assert r.status_code == 200 and "已停用" in r.text and f'id="toggle-{port}">重新启用' in r.text
    me = web.client(headers={"Authorization": f"Bearer {port_token}"}).get(f"{API}/me")
    assert me.status_code == 401
    stale = client.post(f"/users/{port}/active", data={"active": "1", "csrf_token": "x"})
    assert stale.status_code == 403
    boss, boss_csrf = browser(web, "boss")
    refused = boss.post(f"/users/{port}/active", data={"active": "1", "csrf_token": boss_csrf})
    assert refused.status_code == 403 and "无权启用用户" in refused.text
    client.post(f"/users/{port}/active", data={"active": "1", "csrf_token": csrf})
    assert (
        web.client()
        .post(f"{API}/auth/login", json={"username": "port", "password": PASSWORD})
        .status_code
        == 200
    )


def test_language_switch(web: WebWorld) -> None:
    client, _ = browser(web, "reader")
    assert "总览" in client.get("/").text
    client.get("/lang/en?next=/")
    english = client.get("/").text
    assert "Dashboard" in english and "Overall progress" in english and 'lang="en"' in english
    # Macros imported into a page speak its language too (the status badges were Chinese).
    badges = re.findall(r'<span class="badge h-[a-z]+[^"]*">([^<]+)</span>', english)
    assert badges and not set(badges) & {"正常", "滞后", "严重滞后", "停滞", "已完成", "逾期"}
    public = client.get(f"/public/plans/{web.world.plan_id}").text
    assert not set(re.findall(r'class="badge h-[a-z]+[^"]*">([^<]+)<', public)) & {
        "正常",
        "严重滞后",
    }
    client.get("/lang/zh?next=/")
    assert "总体进度" in client.get("/").text


def test_a_public_plan_needs_no_sign_in(web: WebWorld) -> None:
    anonymous = web.client(headers=HTML)
    assert anonymous.get(f"/public/plans/{web.world.plan_id}").status_code == 404
    web.as_user("boss").patch(f"{API}/plans/{web.world.plan_id}", json={"public": True})
    page = anonymous.get(f"/public/plans/{web.world.plan_id}")
    assert page.status_code == 200 and "1600万标准箱" in page.text and "<svg" in page.text
    assert "退出" not in page.text  # nobody is signed in
    assert '<a class="brand" href="/public">' in page.text  # not to the sign-in page
    assert f"数据截至 {date.today()}" in page.text and "尚待督查室审核" not in page.text
    # A unit's report counts at once; the public is told it is not reviewed yet.
    from luoshi.ledger import cycle
    from luoshi.ledger.models import ProgressReport

    with web.db.transaction() as s:
        w = web.world
        rnd = cycle.open_round(s, w.user(s, "boss"), w.plan(s), "2024-Q1", None)
        report = cycle.submit_report(s, w.user(s, "port"), rnd, w.task(s, "1.1.1.1"), 60)
        report_id = report.id
    page = anonymous.get(f"/public/plans/{web.world.plan_id}").text
    assert "其中 1 项任务的最新进度为责任单位填报、尚待督查室审核" in page
    body = anonymous.get(f"{API}/public/plans/{web.world.plan_id}").json()
    assert body["awaiting_review"] == 1
    # ...and which task's progress that is, on its row.
    flagged = [t["code"] for t in body["tasks"] if t["awaiting_review"]]
    assert flagged == ["1.1.1.1"] and page.count('class="muted awaiting"') == 1
    with web.db.transaction() as s:
        w = web.world
        cycle.review(s, w.user(s, "boss"), s.get_one(ProgressReport, report_id), True)
    assert "尚待督查室审核" not in anonymous.get(f"/public/plans/{web.world.plan_id}").text


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


def edit_form(page: str) -> dict[str, Any]:
    """The edit form's fields as the page fills them in (what a browser would send back)."""
    form = page[page.index('id="edit-form"') : page.index("</form>", page.index('id="edit-form"'))]
    values: dict[str, Any] = dict(re.findall(r'name="(\w+)"[^>]*? value="([^"]*)"', form))
    lead = re.search(r'name="lead_unit".*?<option selected>([^<]*)</option>', form, re.S)
    values["lead_unit"] = lead[1] if lead else ""
    values["co_units"] = re.findall(r'name="co_units" value="([^"]*)" checked', form)
    outcome = re.search(r'name="expected_outcome"[^>]*>([^<]*)</textarea>', form)
    values["expected_outcome"] = outcome[1] if outcome else ""
    return values


def stored(web: WebWorld, code: str) -> dict[str, Any]:
    with web.db.transaction() as s:
        t = web.world.task(s, code)
        return {**tasks.current_values(s, t), "version": t.version}


def test_the_edit_form_is_shown_to_supervisors_only(web: WebWorld) -> None:
    tid = web.task_id("1.1.1.1")
    for username, shown in [("boss", True), ("local-admin", True), ("port", False),
                            ("reader", False)]:  # fmt: skip
        client, csrf = browser(web, username)
        page = client.get(f"/tasks/{tid}").text
        assert ('id="edit-form"' in page) is shown, username
        if shown:
            form = edit_form(page)
            assert form["csrf_token"] == csrf
            assert int(form["version"]) == stored(web, "1.1.1.1")["version"]
            assert form["lead_unit"] == "市交通运输委" and form["title"].startswith("拓展航线")


def test_a_supervisor_edits_and_assigns_through_the_form(web: WebWorld) -> None:
    boss, _ = browser(web, "boss")
    tid = web.task_id("1.1.1.2")
    form = edit_form(boss.get(f"/tasks/{tid}").text)
    before = stored(web, "1.1.1.2")
    form.update(
        lead_unit="市商务局", co_units=["市水务局", "市教委"], person=" 张三 ",
        start_date="2024-03-01", deadline="2024年9月30日", weight="2",
        expected_outcome="码头作业\r\n效率提升", title="年内建成智慧码头一期",
    )  # fmt: skip
    r = boss.post(f"/tasks/{tid}/edit", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/tasks/{tid}?notice=saved"
    page = boss.get(r.headers["location"]).text
    assert "修改已保存" in page and "年内建成智慧码头一期" in page
    after = stored(web, "1.1.1.2")
    assert after == {
        "title": "年内建成智慧码头一期",
        "lead_unit": "市商务局",
        "co_units": ["市水务局", "市教委"],
        "person": "张三",
        "start_date": date(2024, 3, 1),
        "deadline": date(2024, 9, 30),
        "expected_outcome": "码头作业\n效率提升",
        "weight": 2.0,
        "version": before["version"] + 1,
    }
    events = web.as_user("boss").get(f"{API}/tasks/{tid}/audit").json()["items"]
    assert (events[-1]["action"], events[-1]["actor"]) == ("update", "boss")
    # The form now holds the new values; sent back untouched, it changes nothing.
    again = boss.post(f"/tasks/{tid}/edit", data=edit_form(page), follow_redirects=False)
    assert again.headers["location"] == f"/tasks/{tid}?notice=unchanged"
    assert stored(web, "1.1.1.2") == after


def test_the_edit_form_needs_its_csrf_token(web: WebWorld) -> None:
    boss, _ = browser(web, "boss")
    tid = web.task_id("1.2.1")
    form = {**edit_form(boss.get(f"/tasks/{tid}").text), "person": "张三"}
    before = stored(web, "1.2.1")
    for token in ("", "forged"):
        r = boss.post(f"/tasks/{tid}/edit", data={**form, "csrf_token": token})
        assert r.status_code == 403 and "CSRF" in r.text
    assert stored(web, "1.2.1") == before


def test_a_crafted_edit_from_a_reporter_or_viewer_is_refused(web: WebWorld) -> None:
    boss, _ = browser(web, "boss")
    tid = web.task_id("1.1.1.1")  # led by port's own unit
    form = edit_form(boss.get(f"/tasks/{tid}").text)
    before = stored(web, "1.1.1.1")
    for username in ("port", "reader"):
        client, csrf = browser(web, username)
        for deadline in ("2024-10-01", "not a date"):
            data = {**form, "csrf_token": csrf, "person": "我", "deadline": deadline}
            r = client.post(f"/tasks/{tid}/edit", data=data)
            assert r.status_code == 403 and "无权修改任务" in r.text, (username, deadline)
    assert stored(web, "1.1.1.1") == before


def test_a_stale_form_shows_the_conflict_and_the_current_values(web: WebWorld) -> None:
    boss, _ = browser(web, "boss")
    tid = web.task_id("1.2.1")
    form = edit_form(boss.get(f"/tasks/{tid}").text)
    seen = int(form["version"])
    # Someone else saves first.
    first = web.as_user("local-admin").patch(
        f"{API}/tasks/{tid}", json={"person": "先到", "version": seen}
    )
    assert first.status_code == 200
    r = boss.post(f"/tasks/{tid}/edit", data={**form, "person": "后到", "weight": "3"})
    assert r.status_code == 409
    assert f"已被他人修改（当前版本 {seen + 1}，您提交的是 {seen}）" in r.text
    shown = edit_form(r.text)
    assert shown["person"] == "先到" and shown["version"] == str(seen + 1)
    yours = r.text[r.text.index('id="yours"') :]
    assert "后到" in yours[: yours.index("</div>")] and "<dd>3</dd>" in yours
    after = stored(web, "1.2.1")
    assert (after["person"], after["weight"], after["version"]) == ("先到", 1.0, seen + 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"deadline": "2024-13-01"}, "完成时限「2024-13-01」不是有效日期"),
        ({"weight": "重"}, "权重「重」应为不小于 0 的数"),
        ({"weight": "-2"}, "权重「-2」应为不小于 0 的数"),
        ({"weight": "1e999"}, "权重「1e999」应为不小于 0 的数"),
        ({"lead_unit": "市天文馆"}, "责任单位「市天文馆」不存在"),
        ({"title": "  "}, "任务名称不能为空"),
    ],
)
def test_an_invalid_value_shows_the_form_again_as_typed(
    web: WebWorld, change: dict[str, str], message: str
) -> None:
    boss, _ = browser(web, "boss")
    tid = web.task_id("1.2.1")
    form = edit_form(boss.get(f"/tasks/{tid}").text)
    before = stored(web, "1.2.1")
    r = boss.post(f"/tasks/{tid}/edit", data={**form, **change, "person": "张三"})
    assert r.status_code == 422 and message in r.text
    shown = edit_form(r.text)
    assert shown["person"] == "张三" and shown["version"] == form["version"]
    assert stored(web, "1.2.1") == before


def test_a_large_plan_still_of_yesterday_says_so_on_the_dashboard(
    web: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from luoshi.ledger.read import state

    client, _ = browser(web, "reader")
    assert 'id="catching-up"' not in client.get("/").text
    yesterday = date.today() - timedelta(days=1)
    with web.db.transaction() as s:
        state.refresh(s, web.world.plan(s), web.db.rules, yesterday)
    monkeypatch.setattr(state, "LARGE_PLAN", 1)
    page = client.get("/").text
    assert 'id="catching-up"' in page and yesterday.isoformat() in page


def test_a_chase_through_the_form_says_how_many_and_how_many_no_one_receives(
    web: WebWorld,
) -> None:
    boss = web.as_user("boss")
    rnd = boss.post(f"{API}/plans/{web.world.plan_id}/rounds", json={"period": "2024-Q1"}).json()
    client, csrf = browser(web, "boss")
    page = client.post(f"/rounds/{rnd['id']}/chase", data={"csrf_token": csrf, "note": ""})
    assert page.status_code == 200 and "已催办 3 个单位" in page.text
    pending = boss.get(f"{API}/rounds/{rnd['id']}/pending").json()["items"]
    chased = boss.post(f"{API}/rounds/{rnd['id']}/chase", json={"unit": "市商务局"}).json()
    # 市商务局 has no reporter account, mailbox or webhook in this world; 市教委 has one.
    trade = next(p["unit_id"] for p in pending if p["unit"] == "市商务局")
    assert chased["units"] == [trade] and chased["unreachable"] == [trade]
    school = boss.post(f"{API}/rounds/{rnd['id']}/chase", json={"unit": "市教委"}).json()
    assert school["chased"] == 1 and school["unreachable"] == []
    again = client.get(f"/rounds/{rnd['id']}?chased=1&unreached=1").text
    assert "其中 1 个无接收人" in again and '<a href="/units">去填写接收人</a>' in again
    assert f'href="/units#unit-{trade}" class="add-recipient"' in again  # where to add one


def chases_of(web: WebWorld, round_id: int) -> int:
    items = web.as_user("boss").get(f"{API}/rounds/{round_id}/pending").json()["items"]
    return sum(p["chases"] for p in items)


def test_chasing_a_unit_again_within_the_hour_asks_first(web: WebWorld) -> None:
    boss = web.as_user("boss")
    rnd = boss.post(f"{API}/plans/{web.world.plan_id}/rounds", json={"period": "2024-Q1"}).json()
    client, csrf = browser(web, "boss")
    url = f"/rounds/{rnd['id']}/chase"
    first = client.post(url, data={"csrf_token": csrf, "unit": "市教委", "note": "请报送"})
    assert "已催办 1 个单位" in first.text and "最近催办" in first.text
    assert chases_of(web, rnd["id"]) == 1
    again = client.post(url, data={"csrf_token": csrf, "unit": "市教委", "note": "请报送"})
    assert "「市教委」1 分钟前已催办过" in again.text and 'name="confirmed"' in again.text
    assert chases_of(web, rnd["id"]) == 1  # asked, not sent
    every = client.post(url, data={"csrf_token": csrf, "note": ""})
    assert "3 个未报单位中有 1 个在一小时内已催办过" in every.text
    sure = {"csrf_token": csrf, "unit": "市教委", "note": "请报送", "confirmed": "1"}
    assert "已催办 1 个单位" in client.post(url, data=sure).text
    assert chases_of(web, rnd["id"]) == 2
    # The API and the command line record what they are told (a script asks no one).
    assert boss.post(f"{API}/rounds/{rnd['id']}/chase", json={"unit": "市教委"}).json()["chased"]


def test_a_reporters_ledger_offers_only_its_own_unit_to_filter_by(web: WebWorld) -> None:
    def offered(name: str) -> list[str]:
        client, _ = browser(web, name)
        page = client.get(f"/plans/{web.world.plan_id}/ledger").text
        select = page[page.index('<select name="unit"') :]
        return re.findall(
            r"<option\s*(?:selected)?>([^<]+)</option>", select[: select.index("</select>")]
        )

    everyone = offered("boss")
    assert len(everyone) > 1 and "市交通运输委" in everyone
    assert offered("port") == ["市交通运输委"]  # any other would list none of its tasks
    # From the dashboard's 按类别 bars (the whole plan's): an empty list says why.
    port, _ = browser(web, "port")
    page = port.get(f"/plans/{web.world.plan_id}/ledger?category=（二）办好民生实事").text
    assert '<b id="total">0</b>' in page
    assert "台账只列出市交通运输委牵头或配合的任务，其中没有符合筛选的" in page


def test_overdue_tasks_say_so_beside_their_state(web: WebWorld) -> None:
    client, _ = browser(web, "boss")
    plan, boss = web.world.plan_id, web.as_user("boss")
    later = boss.get(f"{API}/tasks/{web.task_id('1.2.1')}").json()  # due later: not overdue
    edited = {"version": later["version"], "deadline": "2099-12-31"}
    assert boss.patch(f"{API}/tasks/{later['id']}", json=edited).status_code == 200
    items = boss.get(f"{API}/plans/{plan}/tasks", params={"per_page": 200}).json()
    overdue = [t for t in items["items"] if t["overdue"]]
    assert overdue  # the world's 2024 deadlines have passed
    page = client.get(f"/plans/{plan}/ledger", params={"per_page": 200}).text
    assert page.count('class="badge h-red overdue">逾期<') == len(overdue)
    task = client.get(f"/tasks/{overdue[0]['id']}").text
    assert 'class="badge h-red overdue">逾期<' in task
    # 只看逾期, on the page and in the API.
    only = client.get(f"/plans/{plan}/ledger", params={"overdue": "1", "per_page": 200}).text
    assert _total(only) == len(overdue) < items["total"] and 'id="overdue-only" checked' in only
    api = web.as_user("boss").get(f"{API}/plans/{plan}/tasks", params={"overdue": "true"}).json()
    assert [t["id"] for t in api["items"]] == [t["id"] for t in overdue]
    # The public sees it too.
    boss.patch(f"{API}/plans/{plan}", json={"public": True})
    public = web.client(headers=HTML).get(f"/public/plans/{plan}").text
    leaves = [t for t in overdue if t["leaf"]]  # the public page lists the leaf tasks
    assert leaves and public.count('class="badge h-red overdue">逾期<') == len(leaves)


def test_a_reporter_reading_a_document_is_linked_only_to_its_own_units_tasks(
    web: WebWorld,
) -> None:
    """Quantities link to the tasks made of them; a reporter, who may open only its
    unit's tasks, is linked to those alone (the others led to a 403)."""
    from luoshi.ledger.models import Plan

    with web.db.transaction() as s:
        document_id = s.get_one(Plan, web.world.plan_id).document_id
    linked = re.compile(r'<a href="/tasks/(\d+)">')
    boss, _ = browser(web, "boss")
    port, _ = browser(web, "port")
    everyone = {int(i) for i in linked.findall(boss.get(f"/documents/{document_id}").text)}
    own = {int(i) for i in linked.findall(port.get(f"/documents/{document_id}").text)}
    assert own and own < everyone
    for task_id in own:
        assert port.get(f"/tasks/{task_id}").status_code == 200
    for task_id in everyone - own:
        assert port.get(f"/tasks/{task_id}").status_code == 403


def test_a_notice_replaces_the_one_the_page_had_instead_of_stacking() -> None:
    from luoshi.web.pages.common import with_notice

    assert with_notice("/review?plan=3&notice=accepted", "returned") == (
        "/review?plan=3&notice=returned"
    )
    assert with_notice("/review", "accepted") == "/review?notice=accepted"
    assert with_notice("/plans/1/ledger?q=%E6%B8%AF", "saved") == (
        "/plans/1/ledger?q=%E6%B8%AF&notice=saved"
    )


def test_a_task_without_counted_reports_says_why_instead_of_an_empty_chart(
    web: WebWorld,
) -> None:
    boss, _ = browser(web, "boss")
    leaf = boss.get(f"/tasks/{web.task_id('1.1.1.1')}").text
    assert 'id="timeline-empty"' in leaf and "还没有计入进度的填报" in leaf
    assert 'class="line-chart"' not in leaf
    group = boss.get(f"/tasks/{web.task_id('1.1')}").text
    assert "由下级任务汇总" in group
    # Nobody reports here, so the timeline takes the grid's whole width.
    assert re.search(r'class="card wide span-all" id="timeline"', leaf)
    due = f"{date.today().year + 1}-04-10"
    web.as_user("boss").post(
        f"{API}/plans/{web.world.plan_id}/rounds", json={"period": "2024-Q1", "due": due}
    ).raise_for_status()
    web.as_user("port").post(
        f"{API}/tasks/{web.task_id('1.1.1.1')}/reports", json={"percent": 30}
    ).raise_for_status()
    drawn = boss.get(f"/tasks/{web.task_id('1.1.1.1')}").text
    assert 'class="line-chart"' in drawn and 'id="timeline-empty"' not in drawn
    chart = drawn[drawn.index('class="line-chart"') :]
    assert "进度 2024-Q1: 30.0%" in chart and "应有进度 2024-Q1:" in chart  # beside it


def test_the_hint_for_large_amounts_shows_only_beside_targets_that_large(
    web: WebWorld,
) -> None:
    due = f"{date.today().year + 1}-04-10"
    web.as_user("boss").post(
        f"{API}/plans/{web.world.plan_id}/rounds", json={"period": "2024-Q1", "due": due}
    ).raise_for_status()
    port, _ = browser(web, "port")
    boxes = re.findall(
        r'<input name="values"[^>]*>', port.get(f"/tasks/{web.task_id('1.1.1.1')}").text
    )
    assert boxes and all("300万" in b for b in boxes)  # 1600万标准箱
    school, _ = browser(web, "school")
    page = school.get(f"/tasks/{web.task_id('1.2.1')}").text
    boxes = re.findall(r'<input name="values"[^>]*>', page)
    assert boxes and not any("300万" in b for b in boxes), boxes  # 8所


def report_awaiting_review(web: WebWorld, percent: int) -> int:
    due = f"{date.today().year + 1}-04-10"
    web.as_user("boss").post(
        f"{API}/plans/{web.world.plan_id}/rounds", json={"period": "2024-Q1", "due": due}
    ).raise_for_status()
    r = web.as_user("port").post(
        f"{API}/tasks/{web.task_id('1.1.1.1')}/reports", json={"percent": percent}
    )
    r.raise_for_status()
    report_id: int = r.json()["id"]
    return report_id


def test_a_task_page_says_when_its_progress_awaits_review(web: WebWorld) -> None:
    report_id = report_awaiting_review(web, 40)
    boss, _ = browser(web, "boss")
    page = boss.get(f"/tasks/{web.task_id('1.1.1.1')}").text
    assert 'id="progress-note"' in page and "含待审核的填报" in page
    board = boss.get(f"/?plan={web.world.plan_id}").text
    assert "其中 1 项末级任务的最新进度来自待审核的填报" in board
    assert f'href="/review?plan={web.world.plan_id}"' in board  # the office may go review
    reader, _ = browser(web, "reader")
    seen = reader.get(f"/?plan={web.world.plan_id}").text
    assert 'id="awaiting-review"' in seen and "/review?plan=" not in seen  # a leader: told
    school, _ = browser(web, "school")  # another unit's task: not in its count
    assert 'id="awaiting-review"' not in school.get(f"/?plan={web.world.plan_id}").text
    web.as_user("boss").post(
        f"{API}/reports/{report_id}/review", json={"decision": "accept"}
    ).raise_for_status()
    assert 'id="progress-note"' not in boss.get(f"/tasks/{web.task_id('1.1.1.1')}").text
    assert 'id="awaiting-review"' not in boss.get(f"/?plan={web.world.plan_id}").text


def test_when_only_accepted_reports_count_the_pages_wait_for_the_review(tmp_path: Any) -> None:
    from tests.web_support import web_world

    web = web_world(tmp_path, rules=HealthRules(progress_from="accepted"))
    try:
        report_id = report_awaiting_review(web, 40)
        tid = web.task_id("1.1.1.1")
        boss, _ = browser(web, "boss")
        page = boss.get(f"/tasks/{tid}").text
        assert "另有 40% 的填报待审核，通过后计入" in page and 'id="timeline-empty"' in page
        board = boss.get(f"/?plan={web.world.plan_id}").text
        assert "另有 1 项末级任务的新填报待审核，审核通过后才计入进度" in board
        web.as_user("boss").patch(
            f"{API}/plans/{web.world.plan_id}", json={"public": True}
        ).raise_for_status()
        public = web.client(headers=HTML).get(f"/public/plans/{web.world.plan_id}").text
        assert "另有 1 项任务的新填报尚待督查室审核" in public and "有新填报待审核" in public
        shown = web.as_user("boss").get(f"{API}/tasks/{tid}").json()
        assert shown["reported"] is None and shown["progress"] == 0
        web.as_user("boss").post(
            f"{API}/reports/{report_id}/review", json={"decision": "accept"}
        ).raise_for_status()
        page = boss.get(f"/tasks/{tid}").text
        assert 'id="progress-note"' not in page and 'class="line-chart"' in page
        assert web.as_user("boss").get(f"{API}/tasks/{tid}").json()["progress"] == 40
    finally:
        web.db.dispose()


def test_a_forms_address_opened_again_leads_to_its_page_not_to_a_405(web: WebWorld) -> None:
    tid = web.task_id("1.1.1.1")
    port, _ = browser(web, "port")
    r = port.get(f"/tasks/{tid}/report", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/tasks/{tid}"
    assert port.get("/no/such/form", follow_redirects=False).status_code == 404
    # Signed out while the form was open: after signing in, back to the form's page.
    gone = web.client(headers=HTML)
    sent = gone.post(
        f"/tasks/{tid}/report",
        data={"percent": "5"},
        headers={"Referer": f"http://testserver/tasks/{tid}?from=todo"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert parse_qs(sent.headers["location"].split("?", 1)[1])["next"] == [
        f"/tasks/{tid}?from=todo"
    ]
    elsewhere = gone.post(
        f"/tasks/{tid}/report",
        data={"percent": "5"},
        headers={"Referer": "http://evil.example/x"},
        follow_redirects=False,
    )
    assert parse_qs(elsewhere.headers["location"].split("?", 1)[1])["next"] == [f"/tasks/{tid}"]
