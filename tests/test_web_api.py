"""The JSON API in-process: plans, the filtered ledger, tasks, editing and assigning them,
reporting, review, rounds, documents, units and users — each read back after writing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from luoshi.ledger import tasks
from tests.web_support import API, PASSWORD, WebWorld, assert_error, web_world


def open_round(web: WebWorld, period: str = "2024-Q1") -> dict[str, Any]:
    r = web.as_user("boss").post(f"{API}/plans/{web.world.plan_id}/rounds", json={"period": period})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_login_answers_with_a_cookie_and_a_bearer_token(web: WebWorld) -> None:
    client = web.client()
    r = client.post(f"{API}/auth/login", json={"username": "port", "password": "correct-horse-9"})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["user"]["role"] == "reporter"
    assert r.cookies.get("luoshi_session") == body["token"]
    me = client.get(f"{API}/me").json()  # the cookie alone signs in
    assert (me["username"], me["unit"]) == ("port", "市交通运输委")
    assert me["csrf_token"] == body["csrf_token"]
    bearer = web.client(headers={"Authorization": f"Bearer {body['token']}"})
    assert bearer.get(f"{API}/me").json()["username"] == "port"


def test_logout_ends_the_session(web: WebWorld) -> None:
    client = web.as_user("reader")
    assert client.post(f"{API}/auth/logout").status_code == 200
    assert_error(client.get(f"{API}/me"), 401, "unauthenticated")


def test_plans_are_listed_with_pagination(web: WebWorld) -> None:
    body = web.as_user("reader").get(f"{API}/plans", params={"per_page": 1}).json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 1
    assert body["items"][0]["name"] == "t2024" and body["items"][0]["tasks"] == 9
    past = web.as_user("reader").get(f"{API}/plans", params={"page": 2})
    assert "第 2 页超出范围，共 1 页" in assert_error(past, 422)["message"]
    assert_error(web.as_user("reader").get(f"{API}/plans", params={"per_page": 1000}), 422)


def test_the_ledger_filters_by_text_unit_status_and_deadline(web: WebWorld) -> None:
    url = f"{API}/plans/{web.world.plan_id}/tasks"
    reader = web.as_user("reader")

    def codes(**params: Any) -> list[str]:
        r = reader.get(url, params=params)
        assert r.status_code == 200, r.text
        return [t["code"] for t in r.json()["items"]]

    assert codes(q="港口") == ["1.1", "1.1.1"]  # two characters, in titles
    assert codes(q="标准箱") == ["1.1.1.1"]  # in the source sentence only
    assert codes(unit="市水务局") == ["1.2", "1.2.1"]  # a co-unit counts
    assert codes(deadline_to="2024-06-30") == ["1.2.1"]
    assert codes(unit="市商务局", leaves_only=True) == ["1.1.2.1"]
    all_codes = codes(per_page=200)
    assert len(all_codes) == 9 and all_codes[0] == "1"
    page = reader.get(url, params={"per_page": 4, "page": 3}).json()
    assert page["total"] == 9 and [t["code"] for t in page["items"]] == ["1.2.1"]
    colours = {t["health"] for t in reader.get(url).json()["items"]}
    for colour in colours:
        assert set(codes(health=colour)) == {
            t["code"] for t in reader.get(url).json()["items"] if t["health"] == colour
        }
    assert_error(reader.get(url, params={"health": "purple"}), 422, "invalid_input")
    bad = reader.get(url, params={"deadline_from": "2024-12-01", "deadline_to": "2024-01-01"})
    assert_error(bad, 422, "invalid_input")


def test_a_reporter_reports_and_a_supervisor_accepts(web: WebWorld) -> None:
    rnd = open_round(web)
    task = web.task_id("1.1.1.1")
    port = web.as_user("port")
    before = web.as_user("boss").get(f"{API}/plans/{web.world.plan_id}/dashboard").json()
    body = {"percent": 100, "narrative": "航线已开通", "value": 16500000, "evidence": ["通报.pdf"]}
    r = port.post(f"{API}/tasks/{task}/reports", json=body)
    assert r.status_code == 201, r.text
    report = r.json()
    assert (report["round_id"], report["percent"], report["state"]) == (
        rnd["id"],
        100,
        "submitted",
    )
    assert report["unit"] == "市交通运输委" and report["evidence"] == ["通报.pdf"]
    review = web.as_user("boss").post(
        f"{API}/reports/{report['id']}/review", json={"decision": "accept"}
    )
    assert review.status_code == 200 and review.json()["decision"] == "accepted"
    detail = port.get(f"{API}/tasks/{task}").json()
    assert detail["health"] == detail["state"] == "done"
    assert detail["latest_value"] == 16500000
    assert detail["reports"][0]["reviews"][0]["reviewer"] == "boss"
    assert detail["source"]["text"] in detail["source"]["before"] + detail["source"]["text"]
    after = web.as_user("boss").get(f"{API}/plans/{web.world.plan_id}/dashboard").json()
    assert after["counts"]["done"] == before["counts"]["done"] + 1
    assert after["progress"] > before["progress"]
    actions = [
        (e["entity"], e["action"]) for e in port.get(f"{API}/tasks/{task}/audit").json()["items"]
    ]
    assert ("progress_reports", "accepted") in actions and ("tasks", "complete") in actions


def test_a_report_goes_to_the_open_round_or_the_one_named(web: WebWorld) -> None:
    task = web.task_id("1.1.1.2")
    port = web.as_user("port")
    none_open = port.post(f"{API}/tasks/{task}/reports", json={"percent": 10})
    assert "没有进行中的调度" in assert_error(none_open, 422)["message"]
    first = open_round(web, "2024-Q1")
    open_round(web, "2024-Q2")
    r = port.post(f"{API}/tasks/{task}/reports", json={"percent": 20, "round_id": first["id"]})
    assert r.status_code == 201 and r.json()["period"] == "2024-Q1"
    r = port.post(f"{API}/tasks/{task}/reports", json={"percent": 30})
    assert r.json()["period"] == "2024-Q2"


def test_returning_needs_a_reason(web: WebWorld) -> None:
    open_round(web)
    task = web.task_id("1.2.1")
    rid = (
        web.as_user("school").post(f"{API}/tasks/{task}/reports", json={"percent": 40}).json()["id"]
    )
    boss = web.as_user("boss")
    assert_error(boss.post(f"{API}/reports/{rid}/review", json={"decision": "return"}), 422)
    r = boss.post(f"{API}/reports/{rid}/review", json={"decision": "return", "reason": "缺佐证"})
    assert r.json()["reason"] == "缺佐证"
    again = boss.post(f"{API}/reports/{rid}/review", json={"decision": "accept"})
    assert_error(again, 409, "conflict")


def test_rounds_pending_chase_and_close(web: WebWorld) -> None:
    rnd = open_round(web)
    boss = web.as_user("boss")
    pending = boss.get(f"{API}/rounds/{rnd['id']}/pending").json()["items"]
    assert {p["unit"] for p in pending} == {"市交通运输委", "市商务局", "市教委"}
    chased = boss.post(f"{API}/rounds/{rnd['id']}/chase", json={"unit": "市教委", "note": "请尽快"})
    assert chased.json()["chased"] == 1
    again = boss.get(f"{API}/rounds/{rnd['id']}/pending").json()["items"]
    assert next(p for p in again if p["unit"] == "市教委")["chases"] == 1
    closed = boss.post(f"{API}/rounds/{rnd['id']}/close").json()
    assert closed["open"] is False
    listed = boss.get(f"{API}/plans/{web.world.plan_id}/rounds").json()["items"]
    assert [r["period"] for r in listed] == ["2024-Q1"]


def test_documents_are_uploaded_read_and_built_into_plans(web: WebWorld) -> None:
    boss = web.as_user("boss")
    text = (
        "临港区2025年重点工作\n一、重点任务\n（一）建设港口\n新建泊位3个，港口吞吐量达到500万吨。\n"
    )
    files = {"file": ("临港.txt", text.encode("gb18030"), "text/plain")}
    r = boss.post(f"{API}/documents", files=files)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["outcome"] == "new" and doc["name"] == "临港.txt"
    again = boss.post(f"{API}/documents", files=files)
    assert again.status_code == 200 and again.json()["outcome"] == "exists"
    full = boss.get(f"{API}/documents/{doc['id']}").json()
    assert full["text"] == text
    assert all(full["text"][sp["start"] : sp["end"]] == sp["text"] for sp in full["spans"])
    assert {sp["kind"] for sp in full["spans"]} == {"heading", "quantity"}
    built = boss.post(f"{API}/plans", json={"document_id": doc["id"], "name": "lg2025"})
    assert built.status_code == 201, built.text
    plan = built.json()
    assert plan["name"] == "lg2025" and plan["tasks"] > 0
    linked = boss.get(f"{API}/documents/{doc['id']}").json()["spans"]
    assert any(sp["task_id"] for sp in linked if sp["kind"] == "quantity")
    listed = boss.get(f"{API}/documents").json()
    assert listed["total"] == 2
    assert_error(boss.post(f"{API}/plans", json={"document_id": doc["id"], "name": "lg2025"}), 409)


def test_uploads_of_unknown_kinds_or_unreadable_files_are_refused(web: WebWorld) -> None:
    boss = web.as_user("boss")
    exe = boss.post(f"{API}/documents", files={"file": ("a.exe", b"MZ\x00\x01", "x/y")})
    assert "不支持的文件类型" in assert_error(exe, 422)["message"]
    empty = boss.post(f"{API}/documents", files={"file": ("a.txt", b"   ", "text/plain")})
    assert assert_error(empty, 400, "unreadable_file")["message"] == "a.txt：文件为空"


def test_a_long_file_name_is_shortened_and_keeps_its_suffix(web: WebWorld) -> None:
    name = "临港区关于加快建设国际航运中心推进港口高质量发展的实施方案" * 5 + ".txt"
    assert len(name) > 135
    text = "临港区2025年重点工作\n一、重点任务\n新建泊位3个。\n".encode()
    r = web.as_user("boss").post(f"{API}/documents", files={"file": (name, text, "text/plain")})
    assert r.status_code == 201, r.text
    stored = r.json()["name"]
    assert stored.endswith(".txt") and len(stored) == 120 and name.startswith(stored[:-4])


def test_a_plan_is_published_and_read_without_signing_in(web: WebWorld) -> None:
    pid = web.world.plan_id
    anonymous = web.client()
    assert_error(anonymous.get(f"{API}/public/plans/{pid}"), 404)
    r = web.as_user("boss").patch(f"{API}/plans/{pid}", json={"public": True})
    assert r.json()["public"] is True
    public = anonymous.get(f"{API}/public/plans/{pid}").json()
    promised = [p["text"] for t in public["tasks"] for p in t["promised"]]
    assert "1600万标准箱" in promised and "progress" in public
    assert_error(web.as_user("reader").patch(f"{API}/plans/{pid}", json={"public": False}), 403)
    assert_error(web.as_user("boss").patch(f"{API}/plans/{pid}", json={"public": "yes"}), 422)


def test_units_for_all_users_for_admins(web: WebWorld) -> None:
    names = [u["name"] for u in web.as_user("reader").get(f"{API}/units").json()["items"]]
    assert "市交通运输委" in names
    assert web.as_user("boss").post(f"{API}/units", json={"name": "市文旅局"}).status_code == 201
    assert_error(web.as_user("boss").get(f"{API}/users"), 403)
    admin = web.as_user("local-admin")
    new = {"username": "tour", "role": "reporter", "unit": "市文旅局", "password": "long-enough-1"}
    r = admin.post(f"{API}/users", json=new)
    assert r.status_code == 201 and r.json()["can_sign_in"] is True
    login = web.client().post(
        f"{API}/auth/login", json={"username": "tour", "password": "long-enough-1"}
    )
    assert login.status_code == 200
    listed = {u["username"]: u for u in admin.get(f"{API}/users").json()["items"]}
    assert listed["tour"]["unit"] == "市文旅局"
    short = {**new, "username": "t2", "password": "short"}
    assert_error(admin.post(f"{API}/users", json=short), 422)


@pytest.mark.parametrize("username", ["   ", "a", " b "])
def test_blank_or_one_letter_usernames_are_refused(web: WebWorld, username: str) -> None:
    admin = web.as_user("local-admin")
    new = {"username": username, "role": "viewer", "password": "long-enough-1"}
    message = assert_error(admin.post(f"{API}/users", json=new), 422)["message"]
    assert "用户名" in message
    names = {u["username"] for u in admin.get(f"{API}/users").json()["items"]}
    assert names == {"local-admin", "boss", "port", "school", "reader"}


def test_a_user_changes_its_own_password(web: WebWorld) -> None:
    port = web.as_user("port")
    body = {"current_password": PASSWORD, "password": "a-new-password"}
    assert port.post(f"{API}/me/password", json=body).status_code == 200
    old = web.client().post(
        f"{API}/auth/login", json={"username": "port", "password": "correct-horse-9"}
    )
    assert_error(old, 401)
    new = web.client().post(
        f"{API}/auth/login", json={"username": "port", "password": "a-new-password"}
    )
    assert new.status_code == 200


def test_the_review_queue_by_state_and_unit(web: WebWorld) -> None:
    open_round(web)
    web.as_user("port").post(f"{API}/tasks/{web.task_id('1.1.1.1')}/reports", json={"percent": 10})
    rid = (
        web.as_user("school")
        .post(f"{API}/tasks/{web.task_id('1.2.1')}/reports", json={"percent": 20})
        .json()["id"]
    )
    web.as_user("boss").post(f"{API}/reports/{rid}/review", json={"decision": "accept"})
    url = f"{API}/plans/{web.world.plan_id}/reports"
    queue = web.as_user("boss").get(url, params={"state": "submitted"}).json()
    assert [r["task_code"] for r in queue["items"]] == ["1.1.1.1"] and queue["total"] == 1
    assert web.as_user("boss").get(url).json()["total"] == 2
    mine = web.as_user("school").get(url).json()["items"]
    assert [(r["task_code"], r["state"]) for r in mine] == [("1.2.1", "accepted")]
    assert_error(web.as_user("boss").get(url, params={"state": "lost"}), 422)


def test_uploads_past_the_size_limit_are_refused(tmp_path: Path) -> None:
    web = web_world(tmp_path, max_upload_mb=0.001)
    big = ("新建学校8所。" * 200).encode()
    r = web.as_user("boss").post(f"{API}/documents", files={"file": ("big.txt", big, "text/plain")})
    assert "文件太大（上限 0.001 MB）" in assert_error(r, 413, "too_large")["message"]
    web.db.dispose()


def edit(web: WebWorld, username: str, code: str, **body: Any) -> Any:
    """PATCH the task ``code`` as ``username``; ``version`` defaults to the current one."""
    task = web.task_id(code)
    if "version" not in body:
        body["version"] = web.as_user("boss").get(f"{API}/tasks/{task}").json()["version"]
    return web.as_user(username).patch(f"{API}/tasks/{task}", json=body)


def ledger_values(web: WebWorld, code: str) -> dict[str, Any]:
    with web.db.transaction() as s:
        t = web.world.task(s, code)
        return {**tasks.current_values(s, t), "version": t.version}


def test_a_supervisor_edits_and_assigns_a_task(web: WebWorld) -> None:
    boss = web.as_user("boss")
    tid = web.task_id("1.1.1.2")
    seen = boss.get(f"{API}/tasks/{tid}").json()
    change = {
        "title": "年内建成智慧码头一期",
        "lead_unit": "市商务局",
        "co_units": ["市水务局", "市教委"],
        "person": "张三",
        "start_date": "2024-03-01",
        "deadline": "2024-11-30",
        "expected_outcome": "码头作业效率提升",
        "weight": 2.5,
    }
    r = boss.patch(f"{API}/tasks/{tid}", json={**change, "version": seen["version"]})
    assert r.status_code == 200, r.text
    got = r.json()
    assert {k: got[k] for k in change} == change
    assert got["version"] == seen["version"] + 1
    assert set(got) == set(seen)  # the shape GET /tasks/{id} answers with
    assert boss.get(f"{API}/tasks/{tid}").json() == got
    stored = ledger_values(web, "1.1.1.2")
    assert stored["lead_unit"] == "市商务局" and stored["co_units"] == ["市水务局", "市教委"]
    assert (stored["deadline"], stored["weight"]) == (date(2024, 11, 30), 2.5)
    # The reporter of the new lead unit now sees the task; the old one no longer does.
    assert web.as_user("port").get(f"{API}/tasks/{tid}").status_code == 403


def test_an_edit_is_audited_with_before_and_after(web: WebWorld) -> None:
    tid = web.task_id("1.1.1.2")
    before = ledger_values(web, "1.1.1.2")
    r = edit(web, "boss", "1.1.1.2", person="李四", co_units=["市商务局"], deadline="2024-09-30")
    assert r.status_code == 200, r.text
    event = web.as_user("reader").get(f"{API}/tasks/{tid}/audit").json()["items"][-1]
    assert (event["entity"], event["entity_id"], event["action"]) == ("tasks", tid, "update")
    assert event["actor"] == "boss"
    b, a = event["before"], event["after"]
    assert (b["person"], a["person"]) == (before["person"], "李四")
    assert (b["co_units"], a["co_units"]) == (before["co_units"], ["市商务局"])
    assert a["deadline"] == "2024-09-30" and a["version"] == b["version"] + 1


def test_only_one_change_clears_and_the_rest_stays(web: WebWorld) -> None:
    before = ledger_values(web, "1.1.1.1")
    assert before["lead_unit"] is not None
    r = edit(web, "local-admin", "1.1.1.1", lead_unit=None, person="")
    assert r.status_code == 200, r.text
    assert (r.json()["lead_unit"], r.json()["person"]) == (None, None)
    after = ledger_values(web, "1.1.1.1")
    assert {k: v for k, v in after.items() if k not in ("lead_unit", "person", "version")} == {
        k: v for k, v in before.items() if k not in ("lead_unit", "person", "version")
    }


@pytest.mark.parametrize("username", ["port", "school", "reader"])
def test_reporters_and_viewers_may_not_edit(web: WebWorld, username: str) -> None:
    before = ledger_values(web, "1.1.1.1")  # led by port's unit, 市交通运输委
    err = assert_error(edit(web, username, "1.1.1.1", person="我"), 403, "forbidden")
    assert "无权修改任务" in err["message"]
    assert ledger_values(web, "1.1.1.1") == before


def test_a_stale_version_is_refused_and_nothing_is_written(web: WebWorld) -> None:
    tid = web.task_id("1.2.1")
    seen = ledger_values(web, "1.2.1")["version"]
    assert edit(web, "boss", "1.2.1", person="先到", version=seen).status_code == 200
    events = len(web.as_user("boss").get(f"{API}/tasks/{tid}/audit").json()["items"])
    err = assert_error(edit(web, "local-admin", "1.2.1", person="后到", version=seen), 409)
    assert err["code"] == "conflict"
    assert err["message"] == (
        f"任务 t2024:1.2.1 已被他人修改（当前版本 {seen + 1}，您提交的是 {seen}），请刷新后重试"
    )
    assert ledger_values(web, "1.2.1")["person"] == "先到"
    after = web.as_user("boss").get(f"{API}/tasks/{tid}/audit").json()["items"]
    assert len(after) == events


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"deadline": "2024-13-01"}, "完成时限（deadline）「2024-13-01」"),
        ({"start_date": "明年"}, "开始日期（start_date）「明年」"),
        ({"deadline": 0}, "完成时限（deadline）「0」应为日期"),
        ({"weight": -1}, "权重（weight）「-1」应不小于 0"),
        ({"weight": "heavy"}, "权重（weight）「heavy」应为数字"),
        ({"weight": None}, "权重（weight）"),
        ({"lead_unit": "市天文馆"}, "责任单位「市天文馆」不存在"),
        ({"co_units": ["市商务局", "市天文馆"]}, "配合单位「市天文馆」不存在"),
        ({"co_units": ["市商务局", "市商务局"]}, "配合单位「市商务局」重复"),
        ({"co_units": "市商务局"}, "配合单位（co_units）"),
        ({"title": " "}, "任务名称不能为空"),
        ({"person": "张" * 201}, "责任人（person）：太长（最多 200 字）"),
        ({"version": None}, "版本（version）"),
        ({"status": "done"}, "status"),
    ],
)
def test_invalid_edits_are_422_naming_the_field(
    web: WebWorld, body: dict[str, Any], named: str
) -> None:
    before = ledger_values(web, "1.1.1.2")
    err = assert_error(edit(web, "boss", "1.1.1.2", **body), 422, "invalid_input")
    assert named in err["message"], err["message"]
    assert ledger_values(web, "1.1.1.2") == before


def test_a_version_is_required(web: WebWorld) -> None:
    r = web.as_user("boss").patch(f"{API}/tasks/{web.task_id('1.2.1')}", json={"person": "张三"})
    assert "版本（version）：缺少此项" in assert_error(r, 422)["message"]


def test_a_cookie_signed_in_edit_needs_the_csrf_header(web: WebWorld) -> None:
    client = web.client()
    login = client.post(f"{API}/auth/login", json={"username": "boss", "password": PASSWORD})
    url = f"{API}/tasks/{web.task_id('1.2.1')}"
    version = client.get(url).json()["version"]
    refused = client.patch(url, json={"person": "张三", "version": version})
    assert "CSRF" in assert_error(refused, 403)["message"]
    headers = {"X-CSRF-Token": login.json()["csrf_token"]}
    ok = client.patch(url, json={"person": "张三", "version": version}, headers=headers)
    assert ok.status_code == 200 and ok.json()["person"] == "张三"


def test_the_edit_is_described_in_the_openapi_document(web: WebWorld) -> None:
    doc = web.client().get(f"{API}/openapi.json").json()
    op = doc["paths"][f"{API}/tasks/{{task_id}}"]["patch"]
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    model = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert model["required"] == ["version"] and model["additionalProperties"] is False
    assert set(model["properties"]) == {*tasks.EDITABLE, "version"}
    assert model["properties"]["deadline"]["anyOf"][0] == {"type": "string", "format": "date"}
