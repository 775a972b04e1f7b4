"""The workflow over the API: evidence files byte for byte (and 403 for another unit),
签收, 延期, 办结, 批示, the bell, the message record, scores and review flags."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from typing import Any

from PIL import Image
from sqlalchemy import select

from luoshi.ledger import cycle
from luoshi.ledger.models import AuditEvent
from tests.web_support import API, WebWorld, assert_error


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_round(web: WebWorld) -> int:
    r = web.as_user("boss").post(
        f"{API}/plans/{web.world.plan_id}/rounds", json={"period": "2024-Q1"}
    )
    assert r.status_code == 201, r.text
    rid: int = r.json()["id"]
    return rid


def report_with_files(
    web: WebWorld, user: str, code: str, files: list[tuple[str, bytes]], **form: Any
) -> Any:
    data = {"percent": "50", "narrative": "进展顺利", **form}
    return web.as_user(user).post(
        f"{API}/tasks/{web.task_id(code)}/reports/files",
        data=data,
        files=[("files", (name, body)) for name, body in files],
    )


def test_an_uploaded_file_downloads_byte_for_byte_and_not_for_another_unit(web: WebWorld) -> None:
    open_round(web)
    png = png_bytes()
    r = report_with_files(web, "port", "1.1.1.1", [("现场照片.png", png), ("验收报告.pdf", PDF)])
    assert r.status_code == 201, r.text
    files = r.json()["attachments"]
    assert [(f["name"], f["size"]) for f in files] == [
        ("现场照片.png", len(png)),
        ("验收报告.pdf", len(PDF)),
    ]
    for f, body in zip(files, (png, PDF), strict=True):
        got = web.as_user("port").get(f"{API}/attachments/{f['id']}")
        assert got.status_code == 200
        assert (
            hashlib.sha256(got.content).hexdigest()
            == f["sha256"]
            == hashlib.sha256(body).hexdigest()
        )
        assert web.as_user("reader").get(f"{API}/attachments/{f['id']}").status_code == 200
        assert_error(web.as_user("school").get(f"{API}/attachments/{f['id']}"), 403, "forbidden")
    thumb = web.as_user("boss").get(f"{API}/attachments/{files[0]['id']}/thumbnail")
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 240
    assert_error(web.as_user("boss").get(f"{API}/attachments/{files[1]['id']}/thumbnail"), 404)
    # The task's reports list them; every upload is in the audit trail.
    task = web.as_user("port").get(f"{API}/tasks/{web.task_id('1.1.1.1')}").json()
    listed = task["reports"][-1]["attachments"]
    assert [{k: a[k] for k in ("id", "name", "size", "sha256")} for a in listed] == [
        {k: f[k] for k in ("id", "name", "size", "sha256")} for f in files
    ]
    with web.db.transaction() as s:
        uploads = s.scalars(select(AuditEvent).where(AuditEvent.entity == "attachments")).all()
        assert [e.action for e in uploads] == ["upload", "upload"]


def test_a_file_whose_content_is_not_what_its_name_says_is_refused(web: WebWorld) -> None:
    open_round(web)
    r = report_with_files(web, "port", "1.1.1.1", [("报告.pdf", png_bytes())])
    err = assert_error(r, 422)
    assert "PNG" in err["message"] and "报告.pdf" in err["message"]
    err = assert_error(report_with_files(web, "port", "1.1.1.1", [("a.exe", b"MZ\x90\x00")]), 422)
    assert "不是可接受的文件" in err["message"]
    # Nothing was written: no report either.
    assert web.as_user("port").get(f"{API}/tasks/{web.task_id('1.1.1.1')}").json()["reports"] == []


def test_another_units_reporter_cannot_report_with_files(web: WebWorld) -> None:
    open_round(web)
    assert_error(report_with_files(web, "school", "1.1.1.1", [("a.pdf", PDF)]), 403)


def test_the_chain_over_the_api(web: WebWorld) -> None:
    open_round(web)
    tid = web.task_id("1.2.1")
    port, school, boss = web.as_user("port"), web.as_user("school"), web.as_user("boss")
    assert school.post(f"{API}/tasks/{tid}/sign").json()["signed"][0]["unit"] == "市教委"
    assert_error(school.post(f"{API}/tasks/{tid}/sign"), 409)
    assert_error(port.get(f"{API}/tasks/{tid}/workflow"), 403)
    d = school.post(f"{API}/tasks/{tid}/delays", json={"until": "2099-06-30", "reason": "汛期"})
    assert d.status_code == 201, d.text
    before = d.json()["deadline_before"]
    assert_error(
        school.post(f"{API}/delays/{d.json()['id']}/decision", json={"decision": "approve"}), 403
    )
    ok = boss.post(
        f"{API}/delays/{d.json()['id']}/decision", json={"decision": "approve", "version": 1}
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    flow = school.get(f"{API}/tasks/{tid}/workflow").json()
    assert (flow["deadline"], flow["original_deadline"]) == ("2099-06-30", before)
    c = web.as_user("reader").post(f"{API}/tasks/{tid}/comments", json={"text": "务必按期完成"})
    assert c.status_code == 201
    bell = school.get(f"{API}/me/notifications").json()
    assert bell["unread"] == 2 and {"领导批示" in i["subject"] for i in bell["items"]} == {
        True,
        False,
    }
    first = bell["items"][0]["id"]
    one = school.post(f"{API}/me/notifications/{first}/read")
    assert one.status_code == 200 and one.json() == {"id": first, "unread": 1}
    again = school.get(f"{API}/me/notifications").json()
    assert [i["unread"] for i in again["items"]][:2] == [False, True]
    assert web.as_user("port").post(f"{API}/me/notifications/{first}/read").status_code == 404
    assert school.post(f"{API}/me/notifications/read").json()["unread"] == 0
    assert school.get(f"{API}/me/notifications").json()["unread"] == 0
    close = school.post(f"{API}/tasks/{tid}/close-requests", data={"summary": "8所学校已建成"},
                        files=[("files", ("验收.pdf", PDF))])  # fmt: skip
    assert close.status_code == 201, close.text
    assert close.json()["attachments"][0]["name"] == "验收.pdf"
    done = boss.post(
        f"{API}/close-requests/{close.json()['id']}/decision", json={"decision": "accept"}
    )
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    assert school.get(f"{API}/tasks/{tid}").json()["state"] == "done"
    todo = school.get(f"{API}/me/todo").json()
    assert todo["comments"][0]["text"] == "务必按期完成"


def test_review_flags_and_scores_over_the_api(web: WebWorld) -> None:
    rid = open_round(web)
    port = web.as_user("port")
    r = port.post(
        f"{API}/tasks/{web.task_id('1.1.1.2')}/reports",
        json={"percent": 100, "narrative": "已建成"},
    )
    assert r.status_code == 201
    queue = (
        web.as_user("boss").get(f"{API}/plans/{web.world.plan_id}/reports?state=submitted").json()
    )
    flags = {f["code"] for f in queue["items"][0]["flags"]}
    assert "no_evidence" in flags
    assert "flags" not in port.get(f"{API}/plans/{web.world.plan_id}/reports").json()["items"][0]
    scores = web.as_user("reader").get(f"{API}/plans/{web.world.plan_id}/scores").json()
    assert scores["period"] == "2024-Q1" and scores["items"]
    assert all("how" in x and x["parts"] for x in scores["items"])
    with web.db.transaction() as s:
        assert cycle.get_round(s, rid).period == "2024-Q1"


def test_the_message_record_is_for_managers(web: WebWorld) -> None:
    rid = open_round(web)
    chased = web.as_user("boss").post(f"{API}/rounds/{rid}/chase", json={"note": "请尽快"})
    assert chased.status_code == 200
    listed = web.as_user("boss").get(f"{API}/notifications?channel=inapp").json()
    assert listed["total"] >= 1 and all(i["kind"] == "chase" for i in listed["items"])
    assert_error(web.as_user("port").get(f"{API}/notifications"), 403)
    port_bell = web.as_user("port").get(f"{API}/me/notifications").json()
    assert port_bell["unread"] == 1 and "请尽快" in port_bell["items"][0]["body"]


def test_unit_contacts_are_checked(web: WebWorld) -> None:
    units = web.as_user("boss").get(f"{API}/units").json()["items"]
    uid = next(u["id"] for u in units if u["name"] == "市教委")
    ok = web.as_user("boss").patch(
        f"{API}/units/{uid}",
        json={
            "email": "jw@example.gov",
            "webhook": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        },
    )
    assert ok.status_code == 200 and ok.json()["webhook"] is True
    bad = web.as_user("boss").patch(f"{API}/units/{uid}", json={"email": "not-an-address"})
    assert "格式不正确" in assert_error(bad, 422)["message"]
    assert_error(web.as_user("port").patch(f"{API}/units/{uid}", json={"email": "a@b.cn"}), 403)


def test_tasks_not_acknowledged_in_time_are_flagged(web: WebWorld) -> None:
    # The plan was built today: nothing is late with the default 3 days, all is with 0.
    plan = web.world.plan_id
    assert web.as_user("boss").get(f"{API}/plans/{plan}/unsigned").json()["total"] == 0
    ctx = web.app.state.ctx
    ctx.settings = replace(
        ctx.settings, workflow=replace(ctx.settings.workflow, unsigned_after_days=0)
    )
    before = web.as_user("boss").get(f"{API}/plans/{plan}/unsigned").json()["items"]
    assert "1.2.1" in {x["code"] for x in before}
    web.as_user("school").post(f"{API}/tasks/{web.task_id('1.2.1')}/sign")
    after = web.as_user("boss").get(f"{API}/plans/{plan}/unsigned").json()["items"]
    assert {x["code"] for x in before} - {x["code"] for x in after} == {"1.2.1"}
    assert_error(web.as_user("port").get(f"{API}/plans/{plan}/unsigned"), 403)


def test_the_api_reopens_a_done_task_for_the_office_only(web: WebWorld) -> None:
    open_round(web)
    tid = web.task_id("1.1.1.2")
    r = web.as_user("port").post(f"{API}/tasks/{tid}/reports", json={"percent": 100})
    assert r.status_code == 201, r.text
    r = web.as_user("boss").post(
        f"{API}/reports/{r.json()['id']}/review", json={"decision": "accept"}
    )
    assert r.status_code == 200, r.text
    version = web.as_user("boss").get(f"{API}/tasks/{tid}").json()["version"]
    assert_error(web.as_user("port").post(f"{API}/tasks/{tid}/reopen", json={"reason": "改"}), 403)
    assert_error(web.as_user("boss").post(f"{API}/tasks/{tid}/reopen", json={}), 422)
    body = {"reason": "数据有误", "version": version}
    r = web.as_user("boss").post(f"{API}/tasks/{tid}/reopen", json=body)
    assert r.status_code == 200, r.text
    task = r.json()
    assert task["state"] == "open" and task["version"] > version
    assert [x["state"] for x in task["reports"]] == ["returned"]
    again = web.as_user("boss").post(f"{API}/tasks/{tid}/reopen", json={"reason": "再开"})
    assert "不是办结状态" in assert_error(again, 409)["message"]
