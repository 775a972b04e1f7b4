"""目标完成情况 on the web: the API's read and check, the page and its form."""

from __future__ import annotations

from luoshi.ledger import documents
from luoshi.text.document import Document as SourceText
from tests.builders import admin
from tests.test_web_pages import browser
from tests.web_support import API, WebWorld, assert_error

# The district's next report, reviewing 2024 (our own writing).
NEXT = """天津市2025年区政府工作报告
——2025年1月20日在区人民代表大会上
一、2024年工作回顾
过去一年，集装箱吞吐量达到1650万标准箱，新建学校7所，引进外资企业23家。
二、2025年重点任务
集装箱吞吐量突破1700万标准箱。
"""


def ingest_next(web: WebWorld) -> int:
    with web.db.transaction() as s:
        return documents.ingest(s, admin(s), SourceText.from_text("next.txt", NEXT)).document.id


def test_api_check_then_read_filtered(web: WebWorld) -> None:
    doc_id = ingest_next(web)
    plan_id = web.world.plan_id
    boss = web.as_user("boss")
    before = boss.get(f"{API}/plans/{plan_id}/targets").json()
    assert before["counts"]["unchecked"] == len(before["items"]) > 0
    r = boss.post(f"{API}/plans/{plan_id}/check", json={"document_id": doc_id})
    assert r.status_code == 201, r.text
    check = r.json()
    assert (check["year"], check["checked_by"], check["document_id"]) == (2024, "boss", doc_id)
    body = boss.get(f"{API}/plans/{plan_id}/targets").json()
    boxes = next(i for i in body["items"] if i["target"]["text"] == "1600万标准箱")
    assert boxes["verdict"] == "met" and boxes["actual"]["text"] == "1650万标准箱"
    assert NEXT[boxes["actual"]["start"] : boxes["actual"]["end"]] == "1650万标准箱"
    schools = next(i for i in body["items"] if i["target"]["text"] == "8所")
    assert schools["verdict"] == "missed" and schools["actual"]["text"] == "7所"
    missed = boss.get(f"{API}/plans/{plan_id}/targets", params={"verdict": "missed"}).json()
    assert [i["target"]["text"] for i in missed["items"]] == ["8所"]
    assert missed["counts"] == body["counts"]


def test_api_refuses_viewers_bad_filters_and_unknown_documents(web: WebWorld) -> None:
    plan_id = web.world.plan_id
    doc_id = ingest_next(web)
    reader = web.as_user("reader")
    assert reader.get(f"{API}/plans/{plan_id}/targets").status_code == 200
    refused = reader.post(f"{API}/plans/{plan_id}/check", json={"document_id": doc_id})
    assert "核对目标完成情况" in assert_error(refused, 403)["message"]
    boss = web.as_user("boss")
    bad = boss.get(f"{API}/plans/{plan_id}/targets", params={"verdict": "done"})
    assert bad.status_code == 422
    assert_error(boss.post(f"{API}/plans/{plan_id}/check", json={"document_id": 999}), 404)
    assert_error(boss.get(f"{API}/plans/999/targets"), 404)


def test_the_page_runs_a_check_and_filters(web: WebWorld) -> None:
    doc_id = ingest_next(web)
    plan_id = web.world.plan_id
    client, csrf = browser(web, "boss")
    page = client.get(f"/plans/{plan_id}/targets")
    assert (
        page.status_code == 200 and "目标完成情况" in page.text and 'id="check-form"' in page.text
    )
    posted = client.post(
        f"/plans/{plan_id}/check",
        data={"document_id": str(doc_id), "year": "", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    page = client.get(f"/plans/{plan_id}/targets", params={"verdict": "met"}).text
    assert "1650万标准箱" in page and 'id="last-check"' in page
    assert 'class="verdict-met"' in page and 'class="verdict-missed"' not in page
    stale = client.post(
        f"/plans/{plan_id}/check", data={"document_id": str(doc_id), "csrf_token": "x"}
    )
    assert stale.status_code == 403
    reader, _ = browser(web, "reader")
    assert 'id="check-form"' not in reader.get(f"/plans/{plan_id}/targets").text


def test_a_reporter_sees_only_its_own_units_targets(web: WebWorld) -> None:
    plan_id = web.world.plan_id
    everyone = web.as_user("boss").get(f"{API}/plans/{plan_id}/targets").json()
    port = web.as_user("port").get(f"{API}/plans/{plan_id}/targets").json()
    texts = {i["target"]["text"] for i in everyone["items"]}
    own = {i["target"]["text"] for i in port["items"]}
    assert "1600万标准箱" in own and "8所" not in own  # the port's boxes, not the schools
    assert own < texts
    assert sum(port["counts"].values()) == len(port["items"])
    page = web.as_user("port").get(f"/plans/{plan_id}/targets")
    assert page.status_code == 200 and "1600万标准箱" in page.text and "8所" not in page.text
