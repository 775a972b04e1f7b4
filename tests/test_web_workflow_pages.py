"""The workflow in the pages: the reporter's to-do home page and its labels, the chain's
forms on the task and review pages, the bell, the message record, the ranking."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from sqlalchemy import select

from luoshi.ledger import cycle, todo, workflow
from luoshi.ledger.models import ProgressReport, Round, Task
from tests.test_web_form_refusals import open_round as open_page_round
from tests.test_web_pages import browser
from tests.test_web_workflow import PDF, png_bytes
from tests.web_support import WebWorld


def row_of(page: str, text: str) -> str:
    """The table row of ``page`` that holds ``text``, from there to the row's end."""
    rest = page[page.index(text) :]
    return rest[: rest.index("</tr>")]


def setup_cycle(web: WebWorld) -> int:
    """A round due in three days: port reports 1.1.1.1 (returned) and 1.1.1.2 (100%,
    accepted: the task is done); the round is chased; a leader comments on 1.1.1.1."""
    w = web.world
    with web.db.transaction() as s:
        boss = w.user(s, "boss")
        rnd = cycle.open_round(s, boss, w.plan(s), "2024-Q1", date.today() + timedelta(days=3))
        a = cycle.submit_report(s, w.user(s, "port"), rnd, w.task(s, "1.1.1.1"), 30, None, "进展")
        b = cycle.submit_report(s, w.user(s, "port"), rnd, w.task(s, "1.1.1.2"), 100, None, "建成")
        workflow.review_report(s, boss, a, False, "数据与台账不符，请核实")
        workflow.review_report(s, boss, b, True)
        cycle.chase(s, boss, rnd, "市商务局", "请本周内报送")
        workflow.comment(s, w.user(s, "reader"), w.task(s, "1.1.1.1"), "港口任务要抓紧")
        return rnd.id


def test_a_reporter_lands_on_its_units_to_do_list(web: WebWorld) -> None:
    setup_cycle(web)
    client, _ = browser(web, "port")
    page = client.get("/").text
    assert "本单位待办" in page
    returned = page[page.index('id="todo-returned"') :]
    assert "数据与台账不符，请核实" in returned[: returned.index("</section>")]
    assert "港口任务要抓紧" in page  # the leader's comment
    assert "还剩 3 天" in page  # the round's days left
    assert re.search(r'id="bell-count">\d+<', page) and 'id="bell-count">0<' not in page
    # The accepted task reads 已完成 / 已通过 — never 待审核.
    round_part = page[page.index('id="todo-round-') :]
    row = round_part[round_part.index("年内建成智慧码头") :][:300]
    assert "待审核" not in row and ("已完成" in row or "已通过" in row)
    # Another unit sees its chase note.
    trade, _ = browser(web, "school")
    assert "请本周内报送" not in trade.get("/").text


def test_a_unit_with_every_round_reported_is_told_so_above_the_rounds(web: WebWorld) -> None:
    w = web.world
    with web.db.transaction() as s:
        school = w.user(s, "school")
        rnd = cycle.open_round(s, w.user(s, "boss"), w.plan(s), "2024-Q1", None)
        mine = todo.unit_todo(s, school.unit_id)
        for t in mine.to_sign:
            workflow.sign(s, school, s.get_one(Task, t.id))
        for t in [*mine.due_soon, *(i for r in mine.rounds for i in r.owed)]:
            task = s.get_one(Task, t.id)
            task.deadline = date.today() + timedelta(days=365)
        for item in {i.id for r in mine.rounds for i in r.owed}:
            cycle.submit_report(s, school, rnd, s.get_one(Task, item), 50, None, "过半")
    page = browser(web, "school")[0].get("/").text
    said = re.search(r'id="todo-empty">([^<]+)<', page)
    assert said is not None and said[1] == "没有需要办理的事项：下列各期都已填报。"
    assert 'id="todo-round-' in page and "没有待办事项" not in page


def test_the_rounds_page_labels_reports_by_their_state(web: WebWorld) -> None:
    setup_cycle(web)
    client, _ = browser(web, "port")
    page = client.get("/rounds").text
    mine = page[page.index('id="my-tasks"') :]
    done = row_of(mine, "年内建成智慧码头")
    assert "待审核" not in done and "已完成" in done
    returned = row_of(mine, "拓展航线")
    assert "已退回" in returned and 'id="report-' in returned  # to report again


def test_the_chain_in_the_pages(web: WebWorld) -> None:
    rid = setup_cycle(web)
    tid = web.task_id("1.2.1")
    school, csrf = browser(web, "school")
    page = school.get(f"/tasks/{tid}").text
    assert 'id="sign"' in page and 'id="delay-form"' in page and 'id="close-form"' in page
    r = school.post(f"/tasks/{tid}/sign", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    asked = {"csrf_token": csrf, "until": "2099-06-30", "reason": "汛期提前"}
    r = school.post(f"/tasks/{tid}/delay", data=asked, follow_redirects=False)
    assert r.status_code == 303
    # While it waits the form is not offered again (a second request would be refused).
    waiting = school.get(f"/tasks/{tid}").text
    assert 'id="delay-form"' not in waiting and "已申请延至 2099-06-30，正待督查室审批" in waiting
    boss, bcsrf = browser(web, "boss")
    review = boss.get("/review").text
    assert "汛期提前" in review
    delay_id = re.search(r'id="approve-delay-(\d+)"', review)
    assert delay_id is not None
    decided = {"csrf_token": bcsrf, "decision": "approve", "version": "1"}
    r = boss.post(f"/delays/{delay_id[1]}/decide", data=decided, follow_redirects=False)
    assert r.status_code == 303
    page = school.get(f"/tasks/{tid}").text
    assert "2099-06-30" in page and "原定完成时限" in page and 'id="sign"' not in page
    assert 'id="delay-form"' in page and 'id="delay-pending"' not in page  # decided: again
    r = school.post(
        f"/tasks/{tid}/close",
        data={"csrf_token": csrf, "summary": "8所学校已建成"},
        files=[("files", ("验收.pdf", PDF)), ("files", ("照片.png", png_bytes()))],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    review = boss.get("/review").text
    assert "8所学校已建成" in review and "验收.pdf" in review and "/thumbnail" in review
    close_id = re.search(r'id="accept-close-(\d+)"', review)
    assert close_id is not None
    accept = {"csrf_token": bcsrf, "decision": "accept"}
    r = boss.post(f"/close-requests/{close_id[1]}/decide", data=accept, follow_redirects=False)
    assert r.status_code == 303
    assert "已办结" in school.get(f"/tasks/{tid}").text
    leader, lcsrf = browser(web, "reader")
    said = {"csrf_token": lcsrf, "text": "办得好"}
    r = leader.post(f"/tasks/{tid}/comment", data=said, follow_redirects=False)
    assert r.status_code == 303
    inbox = school.get("/inbox").text
    assert "办得好" in inbox
    assert 'data-label="类别">消息</td>' in inbox and ">notice</td>" not in inbox  # in Chinese
    # A message is opened by its subject: it is read then, and leads on to its task.
    opened = re.search(r'<a href="/inbox/(\d+)" class="subject">[^<]+</a>', inbox)
    assert opened is not None and 'class="unread-row"' in inbox
    before = int(re.search(r'id="bell-count">(\d+)<', inbox)[1])  # type: ignore[index]
    r = school.get(f"/inbox/{opened[1]}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/tasks/{tid}"
    after = school.get("/inbox").text
    assert f'id="bell-count">{before - 1}<' in after
    assert not re.search(rf'<tr id="n-{opened[1]}" class="unread-row"', after)
    assert school.get(f"/inbox/{opened[1]}", follow_redirects=False).status_code == 303
    assert f'id="bell-count">{before - 1}<' in school.get("/inbox").text  # read once
    assert boss.get(f"/inbox/{opened[1]}", follow_redirects=False).status_code == 404
    school.post("/inbox/read", data={"csrf_token": csrf})
    assert 'id="bell-count">0<' in school.get("/inbox").text
    with web.db.transaction() as s:
        assert s.get(Round, rid) is not None


def test_a_report_form_takes_files_and_the_review_page_flags_reports(web: WebWorld) -> None:
    setup_cycle(web)
    port, csrf = browser(web, "port")
    tid = web.task_id("1.1.1.1")
    r = port.post(
        f"/tasks/{tid}/report",
        data={"csrf_token": csrf, "percent": "100", "narrative": "集装箱吞吐量达到1200万标准箱",
              "value": "13000000"},
        files=[("files", ("台账.pdf", PDF))],
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text
    assert "台账.pdf" in port.get(f"/tasks/{tid}").text
    boss, _ = browser(web, "boss")
    review = boss.get("/review").text
    assert "数字矛盾" in review and "1200万标准箱" in review


def test_supervisors_see_the_message_record_the_ranking_and_the_scores(web: WebWorld) -> None:
    setup_cycle(web)
    boss, _ = browser(web, "boss")
    assert "提醒记录" in boss.get("/notifications").text
    dash = boss.get("/").text
    assert 'id="ranking"' in dash and "市交通运输委" in dash
    scores = boss.get(f"/scores?plan={web.world.plan_id}").text
    assert "计算过程" in scores and "按时报送" in scores
    port, _ = browser(web, "port")
    assert port.get("/notifications").status_code == 403


def test_a_review_sends_the_reviewer_back_to_the_plan_being_reviewed(web: WebWorld) -> None:
    rid = setup_cycle(web)
    w = web.world
    with web.db.transaction() as s:
        rnd = cycle.get_round(s, rid)
        cycle.submit_report(s, w.user(s, "port"), rnd, w.task(s, "1.1.1.1"), 40, None, "补报")
    boss, _ = browser(web, "boss")
    page = boss.get(f"/review?plan={w.plan_id}").text
    assert f'name="next" value="/review?plan={w.plan_id}"' in page


def test_a_chase_leaves_the_to_do_list_once_the_unit_has_reported(web: WebWorld) -> None:
    rid = setup_cycle(web)
    with web.db.transaction() as s:
        cycle.chase(s, web.world.user(s, "boss"), s.get_one(Round, rid), "市教委", "周五前报送")
    client, csrf = browser(web, "school")
    assert "周五前报送" in client.get("/").text
    tid = web.task_id("1.2.1")
    sent = client.post(
        f"/tasks/{tid}/report",
        data={"csrf_token": csrf, "percent": "40", "narrative": "已开工"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page = client.get("/").text
    assert "周五前报送" not in page and 'id="todo-round-' in page  # the round still listed
    task = client.get(f"/tasks/{tid}").text  # the form says a report is waiting already
    assert "市教委本轮已报 40%，等待审核；再次提交将取代那份报告。" in task


def test_a_reporter_is_told_when_its_report_will_be_flagged(web: WebWorld) -> None:
    """A fall in progress is flagged to the reviewer (进度倒退); the reporter is now told
    too, on the task's page wherever the form was sent from, while it can still be
    reported again. A report without a flag goes where the form said."""
    open_page_round(web)
    port, csrf = browser(web, "port")
    tid = web.task_id("1.1.1.1")
    form = {"narrative": "码头二期完成主体施工", "csrf_token": csrf, "next": "/"}
    first = port.post(f"/tasks/{tid}/report", data={**form, "percent": "80"})
    assert first.status_code == 200 and first.url.path == "/"
    with web.db.transaction() as s:  # accepted: the unit's counted 80 %
        boss = web.world.user(s, "boss")
        report = s.scalars(select(ProgressReport).where(ProgressReport.task_id == tid)).one()
        cycle.review(s, boss, report, True)
    second = port.post(f"/tasks/{tid}/report", data={**form, "percent": "50"})
    assert second.status_code == 200 and second.url.path == f"/tasks/{tid}"
    warned = html.unescape(second.text)
    assert 'id="report-warnings"' in warned and "进度倒退" in warned
    assert "可在审核前再次填报" in warned
    assert 'id="report-warnings"' not in port.get(f"/tasks/{tid}").text  # only just after
    # 100% without evidence is flagged too, but is no slip: a report from the to-do
    # list stays there; from the task's own form the page lists it.
    full = {**form, "percent": "100"}
    assert port.post(f"/tasks/{tid}/report", data=full).url.path == "/"
    own = port.post(f"/tasks/{tid}/report", data={**full, "next": ""})
    assert own.url.path == f"/tasks/{tid}" and "100%无佐证" in html.unescape(own.text)
    boss, _ = browser(web, "boss")
    boss.get("/lang/en?next=/")
    assert "⚠ 100% without evidence" in html.unescape(boss.get("/review").text)


def test_a_done_task_is_reopened_from_its_page_and_the_unit_reports_again(web: WebWorld) -> None:
    setup_cycle(web)  # 1.1.1.2 is done: port's 100% report was accepted
    tid = web.task_id("1.1.1.2")
    port, _ = browser(web, "port")
    page = port.get(f"/tasks/{tid}").text
    assert 'id="done-hint"' in page and 'id="report-form"' not in page
    assert 'id="reopen-form"' not in page  # a unit cannot reopen
    boss, csrf = browser(web, "boss")
    page = boss.get(f"/tasks/{tid}").text
    version = re.search(r'id="reopen-form">.*?name="version" value="(\d+)"', page, re.S)
    assert version is not None
    asked = {"csrf_token": csrf, "reason": "", "version": version[1]}
    refused = boss.post(f"/tasks/{tid}/reopen", data=asked)
    assert refused.status_code == 422 and "必须说明理由" in refused.text
    assert 'id="reopen-form"' in refused.text  # the form again, beside the message
    asked["reason"] = "现场核查尚未投用"
    r = boss.post(f"/tasks/{tid}/reopen", data=asked, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?notice=reopened")
    shown = boss.get(r.headers["location"]).text
    assert "已重新打开" in shown and 'id="reopen-form"' not in shown
    again = boss.post(f"/tasks/{tid}/reopen", data=asked)  # a second tab, the task open now
    assert again.status_code == 409 and "不是办结状态" in again.text  # said, with no form
    page = port.get(f"/tasks/{tid}").text
    assert 'id="report-form"' in page and "撤销办结：现场核查尚未投用" in page
    assert "现场核查尚未投用" in port.get("/inbox").text


def test_returning_a_report_says_when_no_account_of_the_unit_will_read_why(
    web: WebWorld,
) -> None:
    w = web.world
    with web.db.transaction() as s:
        rnd = cycle.open_round(s, w.user(s, "boss"), w.plan(s), "2024-Q1", None)
        sent = cycle.submit_report(s, w.user(s, "port"), rnd, w.task(s, "1.1.1.1"), 40)
        other = cycle.submit_report(s, w.user(s, "port"), rnd, w.task(s, "1.1.1.2"), 50)
    boss, csrf = browser(web, "boss")
    back = {"csrf_token": csrf, "decision": "return", "reason": "数据不符", "next": "/review"}
    r = boss.post(f"/reports/{sent.id}/review", data=back, follow_redirects=False)
    assert r.headers["location"] == "/review?notice=returned"
    assert "填报单位会收到退回理由" in boss.get(r.headers["location"]).text
    with web.db.transaction() as s:
        w.user(s, "port").active = False  # the unit's only reporter
    back["next"] = r.headers["location"]  # the page the form was on: one notice, not two
    r = boss.post(f"/reports/{other.id}/review", data=back, follow_redirects=False)
    assert r.headers["location"] == "/review?notice=returned_unread"
    shown = boss.get(r.headers["location"]).text
    assert "该单位还没有可登录的填报账号，站内收不到退回理由" in shown
    assert "填报单位会收到退回理由" not in shown


def test_the_task_page_names_signers_and_reporters_as_people_know_them(web: WebWorld) -> None:
    w = web.world
    with web.db.transaction() as s:
        port = w.user(s, "port")
        port.display_name = "王小港"
        task = w.task(s, "1.1.1.1")
        workflow.sign(s, port, task)
        rnd = cycle.open_round(s, w.user(s, "boss"), w.plan(s), "2024-Q1", None)
        cycle.submit_report(s, port, rnd, task, 40)
    page = browser(web, "boss")[0].get(f"/tasks/{web.task_id('1.1.1.1')}").text
    signed = page[page.index('id="signed"') :][:400]
    assert '<span title="port">王小港</span>' in signed
    assert '<small title="port">王小港</small>' in page  # the report's row


def test_a_report_awaiting_review_can_be_corrected_from_the_quick_lists(web: WebWorld) -> None:
    w = web.world
    with web.db.transaction() as s:
        rnd = cycle.open_round(s, w.user(s, "boss"), w.plan(s), "2024-Q1", None)
        sent = cycle.submit_report(s, w.user(s, "port"), rnd, w.task(s, "1.1.1.1"), 40)
        plan_id = rnd.plan_id
    tid = web.task_id("1.1.1.1")
    port, _ = browser(web, "port")
    link = f'<a href="/tasks/{tid}#report" class="small" id="correct-{tid}"'
    assert link in port.get("/").text  # 待办
    assert link in port.get(f"/rounds?plan={plan_id}").text
    with web.db.transaction() as s:
        cycle.review(s, w.user(s, "boss"), cycle.get_report(s, sent.id), True)
    assert f'id="correct-{tid}"' not in port.get("/").text  # reviewed: nothing to replace
    assert f'id="correct-{tid}"' not in port.get(f"/rounds?plan={plan_id}").text
