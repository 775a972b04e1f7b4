"""The 对接 page: a supervisor proposes links against a parent plan, works through them
(accept, reject, relink, bulk-accept) with both source sentences side by side; every
decision is audited, a stale form is refused on the page, reporters are refused."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from luoshi.ledger import users
from luoshi.ledger.models import AuditEvent, Plan, Task, TaskLink
from luoshi.ledger.plans import plan_by_id
from luoshi.ledger.read.link_queue import LinkFilter, link_page
from luoshi.ledger.read.visibility import viewer_of
from tests.link_support import build_levels
from tests.test_web_pages import browser
from tests.web_support import WebWorld


def _plans(web: WebWorld) -> dict[str, int]:
    lv = build_levels(web.db)
    with web.db.transaction() as s:
        return {n: lv.plan(s, n).id for n in ("city", "east", "west")}


def _propose(web: WebWorld) -> tuple[TestClient, str, dict[str, int]]:
    """The east district's plan aligned against the city's through the page's form."""
    plans = _plans(web)
    boss, csrf = browser(web, "boss")
    r = boss.post(
        f"/plans/{plans['east']}/links/align",
        data={"parent_plan": plans["city"], "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return boss, csrf, plans


def _link(web: WebWorld, child: str, parent: str) -> TaskLink:
    """The link from east's task ``child`` to the city's task ``parent``."""
    c, p = aliased(Task), aliased(Task)
    cp, pp = aliased(Plan), aliased(Plan)
    q = (
        select(TaskLink)
        .join(c, c.id == TaskLink.child_task_id)
        .join(p, p.id == TaskLink.parent_task_id)
        .join(cp, cp.id == c.plan_id)
        .join(pp, pp.id == p.plan_id)
        .where(cp.name == "east", c.code == child, pp.name == "city", p.code == parent)
    )
    with web.db.transaction() as s:
        link = s.scalars(q).one()
        s.expunge(link)
        return link


def _events(web: WebWorld, link_id: int) -> list[str]:
    q = (
        select(AuditEvent.action)
        .where(AuditEvent.entity == "task_links", AuditEvent.entity_id == link_id)
        .order_by(AuditEvent.id)
    )
    with web.db.transaction() as s:
        return list(s.scalars(q))


def _row(page: str, link_id: int) -> str:
    rest = page[page.index(f'id="link-{link_id}"') :]
    return html.unescape(rest[: rest.index("</tr>")])


def test_the_page_lists_proposals_best_first_with_both_sentences(web: WebWorld) -> None:
    boss, _csrf, plans = _propose(web)
    r = boss.get(
        f"/plans/{plans['east']}/links?state=proposed&other={plans['city']}&aligned=12.0.0.0"
    )
    assert r.status_code == 200, r.text[:500]
    page = r.text
    assert "新增 12 条" in page
    jobs = _link(web, "2.1.1", "1.2.1")
    row = _row(page, jobs.id)
    # The district's sentence beside the city's, the score and the shared words.
    assert "全年城镇新增就业2万人，开展技能培训" in row
    assert "促进高质量充分就业。城镇新增就业35万人，开展职业技能培训。" in row
    assert "城镇新增就业" in row and "待确认" in row and f"{jobs.score:.2f}" in row
    scores = [float(x) for x in re.findall(r'data-label="分值">([0-9.]+)<', page)]
    assert len(scores) == 12 and scores == sorted(scores, reverse=True)
    assert "https://" not in page and "<script>" not in page


def _post(client: TestClient, url: str, **data: Any) -> Any:
    return client.post(url, data=data, follow_redirects=False)


def test_accept_reject_and_relink_through_the_forms_are_audited(web: WebWorld) -> None:
    boss, csrf, plans = _propose(web)
    here = f"/plans/{plans['east']}/links?state=proposed"
    jobs, school = _link(web, "2.1.1", "1.2.1"), _link(web, "2.2.1", "1.2.2")
    r = _post(boss, f"/links/{jobs.id}/decide", decision="accept", version=jobs.version,
              csrf_token=csrf, next=here)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == here
    r = _post(boss, f"/links/{school.id}/decide", decision="reject", version=school.version,
              csrf_token=csrf, next=here)  # fmt: skip
    assert r.status_code == 303
    assert _link(web, "2.1.1", "1.2.1").state == "accepted"
    assert _link(web, "2.2.1", "1.2.2").state == "rejected"
    assert _events(web, jobs.id)[-1] == "accept" and _events(web, school.id)[-1] == "reject"
    # 改对接: the rejected link now points at the city's measure 1.2.2.1, accepted.
    r = _post(boss, f"/links/{school.id}/relink", parent="1.2.2.1", version=school.version + 1,
              csrf_token=csrf, next=here)  # fmt: skip
    assert r.status_code == 303, r.text
    moved = _link(web, "2.2.1", "1.2.2.1")
    assert moved.id == school.id and moved.state == "accepted"
    assert _events(web, school.id)[-1] == "relink"
    page = boss.get(f"/plans/{plans['east']}/links?state=accepted").text
    row = _row(page, school.id)
    assert "新建中小学校10所，增加学位2万个" in row and "已确认" in row and "boss" in row
    assert f'id="link-{jobs.id}"' in page


def test_relink_to_an_unknown_code_names_it_and_stays_on_the_page(web: WebWorld) -> None:
    boss, csrf, plans = _propose(web)
    here = f"/plans/{plans['east']}/links?state=proposed"
    link = _link(web, "2.1.1", "1.2.1")
    r = _post(boss, f"/links/{link.id}/relink", parent="9.9", version=link.version,
              csrf_token=csrf, next=here)  # fmt: skip
    assert r.status_code == 422
    assert "计划 city 中没有编号为「9.9」的任务" in html.unescape(r.text)
    assert 'id="links"' in r.text and 'id="problem"' in r.text  # the page, not an error page
    assert 'value="9.9"' in _row(r.text, link.id)  # what was typed is kept
    assert _link(web, "2.1.1", "1.2.1").state == "proposed"


def test_bulk_accept_above_a_score_says_how_many(web: WebWorld) -> None:
    boss, csrf, plans = _propose(web)
    with web.db.transaction() as s:
        scores = list(s.scalars(select(TaskLink.score).where(TaskLink.state == "proposed")))
    above = sum(1 for x in scores if x is not None and x >= 0.35)
    assert 0 < above < len(scores)
    r = _post(boss, f"/plans/{plans['east']}/links/accept-above", min_score="0.35",
              other=str(plans["city"]), csrf_token=csrf)  # fmt: skip
    assert r.status_code == 303
    assert f"accepted={above}" in r.headers["location"]
    page = boss.get(r.headers["location"]).text
    assert f"已批量确认 {above} 条对接" in page
    with web.db.transaction() as s:
        done = list(s.scalars(select(TaskLink).where(TaskLink.state == "accepted")))
        assert len(done) == above and all((x.score or 0) >= 0.35 for x in done)
        accepts = AuditEvent.entity == "task_links", AuditEvent.action == "accept"
        assert s.scalar(select(func.count()).where(*accepts)) == above
    r = _post(boss, f"/plans/{plans['east']}/links/accept-above", min_score="很高",
              csrf_token=csrf)  # fmt: skip
    assert r.status_code == 422 and "最低分值「很高」不是数字" in html.unescape(r.text)
    assert 'id="bulk-form"' in r.text


def test_a_stale_form_gives_the_conflict_message_on_the_page(web: WebWorld) -> None:
    boss, csrf, plans = _propose(web)
    here = f"/plans/{plans['east']}/links"
    link = _link(web, "2.1.1", "1.2.1")
    assert _post(boss, f"/links/{link.id}/decide", decision="accept", version=link.version,
                 csrf_token=csrf, next=here).status_code == 303  # fmt: skip
    # A second tab still shows version 1: its 否决 must not overwrite the acceptance.
    r = _post(boss, f"/links/{link.id}/decide", decision="reject", version=link.version,
              csrf_token=csrf, next=here)  # fmt: skip
    assert r.status_code == 409
    text = html.unescape(r.text)
    assert f"对接 {link.id} 已被他人修改" in text and "请刷新后重试" in text
    assert 'id="links"' in r.text and "problem-row" in _row(r.text, link.id)
    # Without the page it came from, the refusal is shown on the link's plan's page.
    r = _post(boss, f"/links/{link.id}/relink", parent="1.2.2", version=link.version,
              csrf_token=csrf)  # fmt: skip
    assert r.status_code == 409 and 'id="links"' in r.text and "已被他人修改" in r.text
    assert _link(web, "2.1.1", "1.2.1").state == "accepted"
    assert _events(web, link.id).count("reject") == 0


def test_forms_need_the_csrf_token(web: WebWorld) -> None:
    boss, _csrf, plans = _propose(web)
    link = _link(web, "2.1.1", "1.2.1")
    for url, data in (
        (f"/links/{link.id}/decide", {"decision": "accept"}),
        (f"/links/{link.id}/relink", {"parent": "1.2.2"}),
        (f"/plans/{plans['east']}/links/accept-above", {"min_score": "0"}),
        (f"/plans/{plans['east']}/links/align", {"parent_plan": str(plans["city"])}),
    ):
        r = _post(boss, url, **data, csrf_token="forged")
        assert r.status_code == 403 and "CSRF" in r.text, url
    with web.db.transaction() as s:
        assert set(s.scalars(select(TaskLink.state))) == {"proposed"}


def test_reporters_and_viewers_are_refused(web: WebWorld) -> None:
    _boss, _csrf, plans = _propose(web)
    link = _link(web, "2.1.1", "1.2.1")
    for name in ("port", "reader"):
        client, csrf = browser(web, name)
        r = client.get(f"/plans/{plans['east']}/links")
        assert r.status_code == 403 and "无权处理对接" in r.text
        r = _post(client, f"/links/{link.id}/decide", decision="accept", csrf_token=csrf,
                  next=f"/plans/{plans['east']}/links")  # fmt: skip
        assert r.status_code == 403
        r = _post(client, f"/plans/{plans['east']}/links/accept-above", min_score="0",
                  csrf_token=csrf)  # fmt: skip
        assert r.status_code == 403
    assert _link(web, "2.1.1", "1.2.1").state == "proposed"
    assert _events(web, link.id) == ["propose"]


def test_filters_and_pages(web: WebWorld) -> None:
    boss, _csrf, plans = _propose(web)
    base = f"/plans/{plans['east']}/links"
    page = boss.get(f"{base}?min=0.5").text
    assert len(re.findall(r'<tr id="link-', page)) == 2  # 0.61 and 0.51 only
    page = boss.get(f"{base}?code=2.1.1").text
    assert len(re.findall(r'<tr id="link-', page)) == 1
    # The city's page, downward: the districts' tasks answering its 1.2.1.
    page = boss.get(f"/plans/{plans['city']}/links?dir=down&code=1.2.1").text
    assert "全年城镇新增就业2万人" in html.unescape(page)
    assert len(re.findall(r'<tr id="link-', page)) == 2  # east 2.1 and 2.1.1
    # Paging is done by the ledger: 12 links, 5 a page.
    with web.db.transaction() as s:
        plan = plan_by_id(s, plans["east"])
        boss_viewer = viewer_of(s, users.get_user(s, "boss"))
        pages = [link_page(s, boss_viewer, plan, LinkFilter(), p, 5) for p in (1, 2, 3, 9)]
    assert [len(p.items) for p in pages] == [5, 5, 2, 2] and pages[0].pages == 3
    assert pages[3].page == 3  # past the end: the last page
    ids = [i.id for p in pages[:3] for i in p.items]
    assert len(set(ids)) == 12
    r = boss.get(f"{base}?min=abc&state=maybe")  # said above the whole queue
    said = html.unescape(r.text)
    assert r.status_code == 200 and "最低分值「abc」不是数字" in said
    assert "对接状态（state）「maybe」无效" in said
    assert len(re.findall(r'<tr id="link-', r.text)) == len(
        re.findall(r'<tr id="link-', boss.get(base).text)
    )


def test_the_ledger_plans_and_task_pages_lead_to_it(web: WebWorld) -> None:
    boss, _csrf, plans = _propose(web)
    east = plans["east"]
    assert f'href="/plans/{east}/links"' in boss.get(f"/plans/{east}/ledger").text
    assert f'href="/plans/{east}/links"' in boss.get("/plans").text
    task = boss.get(f"/tasks/{_link(web, '2.1.1', '1.2.1').child_task_id}").text
    assert f'href="/plans/{east}/links?code=2.1.1"' in task
    page = boss.get(f"/plans/{east}/links?code=2.1.1").text
    assert len(re.findall(r'<tr id="link-', page)) == 1
    port, _ = browser(web, "port")
    assert "/links" not in port.get(f"/plans/{east}/ledger").text


def test_a_page_past_the_end_is_said_beside_other_problems(web: WebWorld) -> None:
    boss, csrf, plans = _propose(web)
    base = f"/plans/{plans['east']}/links"
    said = html.unescape(boss.get(f"{base}?min=abc&page=9").text)
    assert "最低分值「abc」不是数字" in said and "第 9 页超出范围，共 1 页" in said
    # The filter's bad value is not copied into the bulk form's own box; a good one is.
    assert re.search(r'id="bulk-min"[^>]*value=""', said)
    assert re.search(r'id="bulk-min"[^>]*value="0.5"', boss.get(f"{base}?min=0.50").text)
    # A refused form keeps its message at the form; the page's is said above the queue.
    refused = boss.post(
        f"{base}/accept-above",
        data={"min_score": "", "csrf_token": csrf, "next": f"{base}?page=9"},
    )
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert "请填写最低分值" in page
    note = re.search(r'id="page-note" role="alert">([^<]+)<', page)
    assert note is not None and note[1] == "第 9 页超出范围，共 1 页"


def test_a_page_number_that_is_not_a_number_is_said_and_the_queue_still_shown(
    web: WebWorld,
) -> None:
    boss, _csrf, plans = _propose(web)
    base = f"/plans/{plans['east']}/links"
    answer = boss.get(f"{base}?page=abc")
    said = html.unescape(answer.text)
    assert answer.status_code == 200 and "页码「abc」应为 1 到 100000 之间的整数" in said
    assert re.findall(r'<tr id="link-', said) == re.findall(r'<tr id="link-', boss.get(base).text)


def test_with_no_other_plan_the_propose_button_is_off_and_says_why(web: WebWorld) -> None:
    boss, _ = browser(web, "boss")
    page = boss.get(f"/plans/{web.world.plan_id}/links").text
    assert re.search(r'id="align-submit" disabled aria-describedby="no-other-plan"', page)
    assert 'id="no-other-plan">只有这一个计划，没有可对接的上级计划' in page
    east = _plans(web)["east"]  # other plans now
    page = boss.get(f"/plans/{east}/links").text
    assert 'id="no-other-plan"' not in page and re.search(r'id="align-submit"\s*>', page)
