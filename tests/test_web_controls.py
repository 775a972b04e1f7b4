"""The new controls through the pages and the API: values per target, bulk assign and
accept, confirmation steps, plan states and defaults, admin forms, errors in place."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from luoshi.ledger import plans, users
from luoshi.ledger.models import ReportValue, Target, Task, Unit, User
from tests.test_web_pages import browser
from tests.web_support import API, WebWorld, assert_error, web_world


@pytest.fixture
def ww(tmp_path: Path) -> WebWorld:
    return web_world(tmp_path)


def open_round(ww: WebWorld) -> None:
    r = ww.as_user("boss").post(
        f"{API}/plans/{ww.world.plan_id}/rounds", json={"period": "2024-Q1"}
    )
    assert r.status_code == 201, r.text


def target_task(ww: WebWorld) -> tuple[int, int]:
    """A measure of 市交通运输委 with a target: (task id, target id)."""
    with ww.db.transaction() as s:
        q = select(Task.id, Target.id).join(Target, Target.task_id == Task.id)
        q = q.where(Task.plan_id == ww.world.plan_id, Target.unit == "标准箱")
        task_id, target_id = s.execute(q.limit(1)).one()
        port_unit = s.scalars(select(Unit.id).where(Unit.name == "市交通运输委")).one()
        task = s.get(Task, task_id)
        assert task is not None
        task.lead_unit_id = port_unit
        return task_id, target_id


def report_value(ww: WebWorld, task_id: int, target_id: int, value: float) -> dict[str, Any]:
    """The port authority reports 40% and ``value`` for the target, by the API."""
    r = ww.as_user("port").post(
        f"{API}/tasks/{task_id}/reports",
        json={"percent": 40, "values": [{"target_id": target_id, "value": value}]},
    )
    assert r.status_code == 201, r.text
    report: dict[str, Any] = r.json()
    return report


def test_values_per_target_by_api(ww: WebWorld) -> None:
    open_round(ww)
    task_id, target_id = target_task(ww)
    report_value(ww, task_id, target_id, 12_000_000)
    with ww.db.transaction() as s:
        assert [v.value for v in s.scalars(select(ReportValue))] == [12_000_000]
    stray = ww.as_user("port").post(
        f"{API}/tasks/{task_id}/reports",
        json={"percent": 40, "values": [{"target_id": 99999, "value": 1}]},
    )
    assert "不属于此任务" in assert_error(stray, 422)["message"]


def test_the_report_form_takes_chinese_magnitudes_and_keeps_what_was_typed(
    ww: WebWorld,
) -> None:
    open_round(ww)
    task_id, target_id = target_task(ww)
    c, csrf = browser(ww, "port")
    page = c.get(f"/tasks/{task_id}").text
    assert f'id="value-{target_id}"' in page and "标准箱" in page  # the unit beside it
    base = {"csrf_token": csrf, "percent": "30", "target_ids": str(target_id),
            "narrative": "码头建设中"}  # fmt: skip
    bad = c.post(f"/tasks/{task_id}/report", data={**base, "values": "3万吨"})
    assert bad.status_code == 422
    assert "吨" in bad.text and 'id="whoami"' in bad.text  # the menu is there
    assert 'value="3万吨"' in bad.text and "码头建设中</textarea>" in bad.text
    good = c.post(f"/tasks/{task_id}/report", data={**base, "values": "1200万"})
    assert good.status_code == 200
    # Shown as the target is written, in 万, not as 12,000,000.
    assert "1200万 标准箱" in good.text
    assert "12,000,000" not in good.text


def test_the_review_queue_names_each_reported_value_with_its_unit(ww: WebWorld) -> None:
    open_round(ww)
    task_id, target_id = target_task(ww)
    report = report_value(ww, task_id, target_id, 12_000_000)
    c, _ = browser(ww, "boss")
    queue = c.get("/review").text
    row = queue[queue.index(f'id="pick-{report["id"]}"') :]
    assert "1200万 标准箱" in row[: row.index("</tr>")]  # the value with its unit


def test_a_second_report_leaves_only_the_newest_in_the_review_queue(ww: WebWorld) -> None:
    open_round(ww)
    task_id, _ = target_task(ww)
    port, boss = ww.as_user("port"), ww.as_user("boss")
    dashboard = f"{API}/plans/{ww.world.plan_id}/dashboard"
    first = port.post(f"{API}/tasks/{task_id}/reports", json={"percent": 20}).json()
    once = boss.get(dashboard).json()
    second = port.post(f"{API}/tasks/{task_id}/reports", json={"percent": 30}).json()
    waiting = boss.get(f"{API}/plans/{ww.world.plan_id}/reports?state=submitted").json()
    assert (waiting["total"], [x["id"] for x in waiting["items"]]) == (1, [second["id"]])
    replaced = boss.get(f"{API}/plans/{ww.world.plan_id}/reports?state=superseded").json()
    assert [x["id"] for x in replaced["items"]] == [first["id"]]
    c, _ = browser(ww, "boss")
    queue = c.get("/review").text
    assert f'id="pick-{second["id"]}"' in queue and f'id="pick-{first["id"]}"' not in queue
    refused = boss.post(f"{API}/reports/{first['id']}/review", json={"decision": "accept"})
    assert "已被同一单位在本轮的新报告取代" in assert_error(refused, 409)["message"]
    assert "已被新报告取代" in c.get(f"/tasks/{task_id}").text  # the task page says so
    twice = boss.get(dashboard).json()  # the newest report counts, once
    assert twice["progress"] > once["progress"] and twice["counts"] == once["counts"]
    assert sum(twice["counts"].values()) == twice["leaf_tasks"]
    assert boss.get(f"{API}/tasks/{task_id}").json()["progress"] == pytest.approx(30)


def test_bulk_assign_sets_unit_and_person_on_the_ticked_tasks(ww: WebWorld) -> None:
    c, csrf = browser(ww, "boss")
    with ww.db.transaction() as s:
        ids = list(s.scalars(select(Task.id).where(Task.kind == "measure").limit(2)))
    data = {"csrf_token": csrf, "lead_unit": "市水务局", "person": "李四", "task_ids": ids}
    r = c.post(f"/plans/{ww.world.plan_id}/bulk-assign", data=data)
    assert r.status_code == 200 and 'id="notice"' in r.text
    with ww.db.transaction() as s:
        water = s.scalars(select(Unit.id).where(Unit.name == "市水务局")).one()
        rows = [s.get(Task, i) for i in ids]
        assert all(t is not None and t.person == "李四" and t.lead_unit_id == water for t in rows)
    none = c.post(f"/plans/{ww.world.plan_id}/bulk-assign", data={"csrf_token": csrf,
                  "person": "王五"})  # fmt: skip
    assert none.status_code == 422 and "请先勾选" in none.text and 'value="王五"' in none.text


def test_bulk_accept_accepts_the_ticked_reports(ww: WebWorld) -> None:
    open_round(ww)
    task_id, _ = target_task(ww)
    rid = ww.as_user("port").post(f"{API}/tasks/{task_id}/reports", json={"percent": 20}).json()
    c, csrf = browser(ww, "boss")
    queue = c.get("/review").text
    assert f'name="report_ids" value="{rid["id"]}"' in queue
    r = c.post("/review/bulk", data={"csrf_token": csrf, "report_ids": [rid["id"]],
               "versions": [f"{rid['id']}:{rid['version']}"]})  # fmt: skip
    assert r.status_code == 200 and "已通过" in r.text
    got = ww.as_user("boss").get(f"{API}/plans/{ww.world.plan_id}/reports?state=accepted")
    assert [x["id"] for x in got.json()["items"]] == [rid["id"]]


def test_closing_a_round_asks_first(ww: WebWorld) -> None:
    open_round(ww)
    c, csrf = browser(ww, "boss")
    asked = c.post("/rounds/1/close", data={"csrf_token": csrf})
    assert "确定结束吗" in asked.text and 'name="confirmed" value="1"' in asked.text
    assert ww.as_user("boss").get(f"{API}/rounds/1").json()["open"] is True
    c.post("/rounds/1/close", data={"csrf_token": csrf, "confirmed": "1"})
    assert ww.as_user("boss").get(f"{API}/rounds/1").json()["open"] is False


def test_a_draft_is_on_no_dashboard_and_defaults_choose_the_plan(ww: WebWorld) -> None:
    with ww.db.transaction() as s:
        root = users.get_user(s, "local-admin")
        doc = plans.get_plan(s, "t2024").document_id
        from luoshi.ledger.documents import get_document

        draft = plans.build_plan(s, root, get_document(s, doc or 0), "draft2")
        draft_id = draft.id
    c, csrf = browser(ww, "boss")
    assert "t2024" in c.get("/").text  # the newest active plan, not the newer draft
    assert "此计划是草稿" in c.get(f"/?plan={draft_id}").text
    # Activate it: it becomes the newest active plan, and so the default.
    c.post(f"/plans/{draft_id}/state", data={"csrf_token": csrf, "state": "active"})
    assert "draft2" in c.get("/").text.split("</h1>")[0]
    # The office default wins over the newest; one's own default over the office's.
    c.post(f"/plans/{ww.world.plan_id}/default", data={"csrf_token": csrf})
    assert "t2024" in c.get("/").text.split("</h1>")[0]
    reader, reader_csrf = browser(ww, "reader")
    reader.post(f"/plans/{draft_id}/default", data={"csrf_token": reader_csrf, "mine": "1"})
    assert "draft2" in reader.get("/").text.split("</h1>")[0]
    assert "t2024" in c.get("/").text.split("</h1>")[0]
    # Archiving asks first, then takes it off the picker.
    asked = c.post(f"/plans/{draft_id}/state", data={"csrf_token": csrf, "state": "archived"})
    assert "确定归档吗" in asked.text
    c.post(f"/plans/{draft_id}/state",
           data={"csrf_token": csrf, "state": "archived", "confirmed": "1"})  # fmt: skip
    assert "draft2" not in c.get("/").text
    # Deleting a plan with a round is refused on the plans page, with the reason.
    open_round(ww)
    refused = c.post(f"/plans/{ww.world.plan_id}/delete", data={"csrf_token": csrf,
                     "confirmed": "1"})  # fmt: skip
    assert refused.status_code == 409 and "可以改为归档" in refused.text
    assert 'id="plan-list"' in refused.text


def test_admin_forms_role_password_units(ww: WebWorld) -> None:
    c, csrf = browser(ww, "local-admin")
    page = c.get("/users").text
    assert re.search(r'<option value="viewer" selected>', page)  # new accounts: 查看者
    with ww.db.transaction() as s:
        reader = users.get_user(s, "reader").id
    r = c.post(f"/users/{reader}/role", data={"csrf_token": csrf, "role": "reporter"})
    assert r.status_code == 422 and "必须属于一个单位" in r.text and "--unit" not in r.text
    c.post(f"/users/{reader}/role",
           data={"csrf_token": csrf, "role": "reporter", "unit": "市教委"})  # fmt: skip
    c.post(f"/users/{reader}/password", data={"csrf_token": csrf, "password": "brand-new-pw-1"})
    with ww.db.transaction() as s:
        user = s.get(User, reader)
        assert user is not None and user.role == "reporter"
        assert users.verify_password(user, "brand-new-pw-1")
    c.post("/units", data={"csrf_token": csrf, "name": "市港口局"})
    # Into itself, or into nothing: refused before the question is asked.
    for into, said in (
        ("市港口局", "不能把单位「市港口局」并入它自己"),
        ("", "请选择要并入的单位"),
    ):
        merge = {"csrf_token": csrf, "name": "市港口局", "into": into}
        refused = c.post("/units/merge", data=merge)
        assert refused.status_code == 422 and said in refused.text
        assert "确定合并吗" not in refused.text
    asked = c.post("/units/merge", data={"csrf_token": csrf, "name": "市港口局",
                   "into": "市交通运输委"})  # fmt: skip
    assert "确定合并吗" in asked.text
    c.post("/units/merge", data={"csrf_token": csrf, "name": "市港口局",
           "into": "市交通运输委", "confirmed": "1"})  # fmt: skip
    with ww.db.transaction() as s:
        gone = s.scalars(select(Unit).where(Unit.name == "市港口局")).one()
        assert gone.active is False


def test_error_pages_keep_the_menu(ww: WebWorld) -> None:
    c, _ = browser(ww, "boss")
    r = c.get("/tasks/99999")
    assert r.status_code == 404 and 'id="whoami"' in r.text and "<nav>" in r.text


def test_swagger_ui_is_served_from_the_package(ww: WebWorld) -> None:
    c: TestClient = ww.client()
    page = c.get(f"{API}/docs").text
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page and "http" not in page.split(
        "<body>"
    )[1].replace("/api/v1", "")
    assert c.get(f"{API}/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert c.get("/static/swagger-init.js").status_code == 200


def test_the_audit_trail_reads_in_chinese(ww: WebWorld) -> None:
    c, csrf = browser(ww, "boss")
    with ww.db.transaction() as s:
        task_id = s.scalars(select(Task.id).where(Task.kind == "measure").limit(1)).one()
    c.post(f"/plans/{ww.world.plan_id}/bulk-assign",
           data={"csrf_token": csrf, "person": "赵六", "task_ids": [task_id]})  # fmt: skip
    audit = c.get(f"/tasks/{task_id}").text.split('id="audit"')[1]
    assert "任务" in audit and "修改" in audit and "责任人：（空） → 赵六" in audit
    assert ">update<" not in audit


def test_managing_by_api(ww: WebWorld) -> None:
    boss, plan = ww.as_user("boss"), ww.world.plan_id
    assert (
        boss.post(f"{API}/plans/{plan}/state", json={"state": "archived"}).json()["state"]
        == "archived"
    )
    assert_error(
        ww.as_user("port").post(f"{API}/plans/{plan}/state", json={"state": "active"}), 403
    )
    assert boss.post(f"{API}/plans/{plan}/state", json={"state": "active"}).status_code == 200
    assert boss.post(f"{API}/plans/{plan}/default", json={}).status_code == 200
    refused = boss.delete(f"{API}/documents/1")
    assert "计划 t2024" in assert_error(refused, 409)["message"]
    assert boss.post(f"{API}/documents/1/archive", json={"archived": True}).status_code == 200
    admin = ww.as_user("local-admin")
    with ww.db.transaction() as s:
        reader, me = users.get_user(s, "reader").id, users.get_user(s, "local-admin").id
    r = admin.post(f"{API}/users/{reader}/role", json={"role": "supervisor"})
    assert r.json()["role"] == "supervisor"
    assert (
        admin.post(
            f"{API}/users/{reader}/password", json={"password": "harbour-lantern-42"}
        ).status_code
        == 204
    )
    assert_error(
        admin.post(f"{API}/users/{me}/password", json={"password": "quiet-meadow-57"}), 403
    )
    assert_error(boss.post(f"{API}/users/{reader}/role", json={"role": "admin"}), 403)
    assert (
        admin.post(f"{API}/units/rename", json={"name": "市水务局", "new_name": "市水利局"}).json()[
            "name"
        ]
        == "市水利局"
    )
    assert (
        boss.post(f"{API}/units/merge", json={"name": "市水利局", "into": "市教委"}).status_code
        == 200
    )
    assert boss.delete(f"{API}/plans/{plan}").status_code == 204  # no round yet
    assert_error(boss.get(f"{API}/plans/{plan}"), 404)
