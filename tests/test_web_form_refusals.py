"""Refused form posts come back on the page that holds the form, with the message at the
form (#problem) and what was typed — never a separate error page that loses it."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape
from typing import Any

from luoshi.ledger import cycle, workflow
from tests.test_web_pages import browser
from tests.web_support import WebWorld

ERROR_PAGE = 'id="error-message"'


def refused_in_place(r: Any, status: int, message: str, form: str) -> str:
    """The page as redisplayed: status, message inside ``form``'s part of the page."""
    assert r.status_code == status, r.text
    page = unescape(r.text)
    assert ERROR_PAGE not in page and 'id="problem"' in page
    problem = page[page.index('id="problem"') :]
    assert message in problem[: problem.index("</p>")]
    if form:  # the message stands right before or inside the form it is about
        near = page[page.index('id="problem"') - 400 : page.index('id="problem"') + 2000]
        assert f'id="{form}"' in near
    return page


def open_round(web: WebWorld) -> int:
    with web.db.transaction() as s:
        w = web.world
        due = date.today() + timedelta(days=10)
        return cycle.open_round(s, w.user(s, "boss"), w.plan(s), "2024-Q1", due).id


def test_a_delay_request_for_a_past_day_keeps_the_reason(web: WebWorld) -> None:
    port, csrf = browser(web, "port")
    tid = web.task_id("1.1.1.1")
    past = (date.today() - timedelta(days=3)).isoformat()
    r = port.post(
        f"/tasks/{tid}/delay",
        data={"until": past, "reason": "码头施工受台风影响", "csrf_token": csrf},
    )
    page = refused_in_place(r, 422, "应晚于今天", "delay-form")
    assert ">码头施工受台风影响</textarea>" in page and f'value="{past}"' in page


def test_a_closing_request_without_result_and_a_blank_comment(web: WebWorld) -> None:
    open_round(web)
    port, csrf = browser(web, "port")
    tid = web.task_id("1.1.1.1")
    r = port.post(f"/tasks/{tid}/close", data={"summary": "  ", "csrf_token": csrf})
    refused_in_place(r, 422, "须写明办理结果", "close-form")
    reader, reader_csrf = browser(web, "reader")
    r = reader.post(f"/tasks/{tid}/comment", data={"text": "  ", "csrf_token": reader_csrf})
    refused_in_place(r, 422, "批示内容不能为空", "comment-form")


def test_signing_twice_answers_on_the_task_page(web: WebWorld) -> None:
    port, csrf = browser(web, "port")
    tid = web.task_id("1.1.1.1")
    assert port.post(f"/tasks/{tid}/sign", data={"csrf_token": csrf}).status_code == 200
    r = port.post(f"/tasks/{tid}/sign", data={"csrf_token": csrf})
    refused_in_place(r, 409, "已经签收过", "")
    assert 'id="workflow"' in r.text


def test_rejecting_a_delay_without_reason_stays_on_the_review_queue(web: WebWorld) -> None:
    with web.db.transaction() as s:
        w = web.world
        later = date.today() + timedelta(days=400)
        req = workflow.request_delay(
            s, w.user(s, "port"), w.task(s, "1.1.1.1"), later, "资金未到位"
        )
        req_id = req.id
    boss, csrf = browser(web, "boss")
    data = {"decision": "reject", "csrf_token": csrf}
    r = boss.post(f"/delays/{req_id}/decide", data={**data, "next": "/review"})
    refused_in_place(r, 422, "必须说明理由", "")
    assert f'id="reject-delay-{req_id}"' in r.text  # the queue, its form still there
    tid = web.task_id("1.1.1.1")
    r = boss.post(f"/delays/{req_id}/decide", data={**data, "next": f"/tasks/{tid}#workflow"})
    refused_in_place(r, 422, "必须说明理由", "")
    assert 'id="delays"' in r.text  # the task page's workflow card


def test_building_a_plan_under_a_taken_name_keeps_the_names(web: WebWorld) -> None:
    boss, csrf = browser(web, "boss")
    with web.db.transaction() as s:
        doc_id = web.world.plan(s).document_id
    data = {"document_id": str(doc_id), "name": "t2024", "title": "我们的标题", "csrf_token": csrf}
    page = refused_in_place(boss.post("/plans/build", data=data), 409, "t2024", "build-form")
    assert 'value="t2024"' in page and 'value="我们的标题"' in page


def test_a_bad_check_year_and_closing_a_closed_round(web: WebWorld) -> None:
    boss, csrf = browser(web, "boss")
    with web.db.transaction() as s:
        doc_id = web.world.plan(s).document_id
    r = boss.post(
        f"/plans/{web.world.plan_id}/check",
        data={"document_id": str(doc_id), "year": "20x5", "csrf_token": csrf},
    )
    page = refused_in_place(r, 422, "应为四位数字", "check-form")
    assert 'value="20x5"' in page
    rid = open_round(web)
    closing = {"confirmed": "1", "csrf_token": csrf}
    assert boss.post(f"/rounds/{rid}/close", data=closing).status_code == 200
    r = boss.post(f"/rounds/{rid}/close", data=closing)
    refused_in_place(r, 409, "已经结束", "")
    assert 'id="pending"' in r.text  # the round's page


def test_confirming_no_codes_answers_on_the_ledger(web: WebWorld) -> None:
    boss, csrf = browser(web, "boss")
    r = boss.post(f"/plans/{web.world.plan_id}/confirm", data={"codes": " ， ", "csrf_token": csrf})
    assert r.status_code == 422 and ERROR_PAGE not in r.text
    assert 'id="filters"' in r.text  # the ledger page


def test_a_report_without_percent_or_with_1e1_is_refused_beside_its_form(web: WebWorld) -> None:
    open_round(web)
    port, csrf = browser(web, "port")
    tid = web.task_id("1.1.1.1")
    form = {"narrative": "码头二期完成主体施工", "csrf_token": csrf}
    r = port.post(f"/tasks/{tid}/report", data=form)  # the browser's own check was off
    page = refused_in_place(r, 422, "请填写完成百分比", "report-form")
    assert "码头二期完成主体施工</textarea>" in page
    r = port.post(f"/tasks/{tid}/report", data={**form, "percent": "1e1"})
    refused_in_place(r, 422, "完成百分比「1e1」应为 0 到 100 之间的数", "report-form")
    assert 'id="files-dropped"' not in r.text  # nothing was chosen


def test_files_chosen_for_a_refused_report_are_named_to_be_chosen_again(web: WebWorld) -> None:
    open_round(web)
    port, csrf = browser(web, "port")
    tid = web.task_id("1.1.1.1")
    photo = ("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")
    r = port.post(
        f"/tasks/{tid}/report",
        data={"percent": "150", "csrf_token": csrf},
        files={"files": photo},
    )
    page = refused_in_place(r, 422, "应为 0 到 100 之间的数", "report-form")
    dropped = page[page.index('id="files-dropped"') :]
    assert "所选文件未上传" in dropped and "现场照片.png" in dropped[: dropped.index("</p>")]
