"""审计记录 in the browser and by API: only the supervision office reads the trail;
it is newest first, filtered by table, row and actor, paged by keyset; 校验审计链 runs
the CLI's check and names the first broken event of a tampered trail."""

from __future__ import annotations

import re

from sqlalchemy import func, select, text
from starlette.testclient import TestClient

from luoshi.ledger.models import AuditEvent
from tests.test_audit_chain import guards_off
from tests.test_web_exchange import finished
from tests.test_web_pages import browser
from tests.web_support import API, WebWorld


def event_ids(web: WebWorld, **where: object) -> list[int]:
    """Every event id, newest first, of the rows matching ``where`` (column = value)."""
    q = select(AuditEvent.id).order_by(AuditEvent.id.desc())
    for column, value in where.items():
        q = q.where(getattr(AuditEvent, column) == value)
    with web.db.transaction() as s:
        return list(s.scalars(q))


def shown_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)"', page)]


def test_a_reporter_or_a_viewer_may_not_read_the_trail(web: WebWorld) -> None:
    for name in ("port", "reader"):
        client, csrf = browser(web, name)
        assert client.get("/audit").status_code == 403
        assert client.post("/audit/verify", data={"csrf_token": csrf}).status_code == 403
        assert "/audit" not in client.get("/").text  # not in their menu
        api = web.as_user(name)
        assert api.get(f"{API}/audit").status_code == 403
        assert api.post(f"{API}/audit/verify").status_code == 403


def test_the_supervisors_menu_leads_to_the_newest_events(web: WebWorld) -> None:
    client, _ = browser(web, "boss")
    assert 'href="/audit"' in client.get("/").text
    page = client.get("/audit?per_page=20").text
    ids = event_ids(web)
    assert shown_ids(page) == ids[:20]
    assert f"审计链共 {len(ids)} 条记录" in page
    # Chinese labels of the table and the action, not the stored codes.
    first = next(r for r in page.split("<tr data-id=")[1:] if 'data-action="create"' in r)
    assert "新建" in first
    signed_in = page.split('data-action="sign_in"', 1)[1].split("</tr>", 1)[0]
    assert "登录 " in signed_in and ">登录<" in signed_in  # the entity and the action


def test_keyset_pages_walk_the_whole_trail_both_ways(web: WebWorld) -> None:
    client, _ = browser(web, "boss")
    ids, seen, url = event_ids(web), [], "/audit?per_page=20"
    pages = []
    while True:
        page = client.get(url).text
        pages.append(url)
        seen += shown_ids(page)
        older = re.search(r'href="(/audit\?[^"]*before=\d+[^"]*)" id="audit-older"', page)
        if older is None:
            break
        url = older[1].replace("&amp;", "&")
    assert seen == ids and len(pages) == -(-len(ids) // 20)
    newer = re.search(r'href="(/audit\?[^"]*after=\d+[^"]*)" id="audit-newer"', page)
    assert newer is not None
    back = client.get(newer[1].replace("&amp;", "&")).text
    last_full = ids[-(len(ids) % 20 or 20) - 20 :][:20]
    assert shown_ids(back) == last_full


def test_filters_by_table_row_and_actor(web: WebWorld) -> None:
    client, _ = browser(web, "boss")
    tid = web.task_id("1.1.1.1")
    page = client.get(f"/audit?entity=tasks&entity_id={tid}").text
    assert shown_ids(page) == event_ids(web, entity="tasks", entity_id=tid) != []
    # The table filter offers each kind by its name, not the database's table name.
    choices = page[
        page.index('id="audit-entity"') : page.index("</select>", page.index('id="audit-entity"'))
    ]
    assert '<option value="tasks" selected>任务</option>' in choices and "（tasks）" not in choices
    page = client.get("/audit?actor=boss&per_page=200").text
    assert shown_ids(page) == event_ids(web, actor="boss")[:200] != []
    reports = event_ids(web, entity="progress_reports")
    assert shown_ids(client.get("/audit?entity=progress_reports&per_page=200").text) == reports
    nobody = client.get("/audit?actor=nobody").text
    assert shown_ids(nobody) == [] and "暂无" in nobody
    bad = client.get("/audit?entity_id=abc&actor=boss&per_page=200")
    assert bad.status_code == 200 and "记录编号「abc」不是有效的编号" in bad.text
    assert shown_ids(bad.text) == event_ids(web, actor="boss")[:200]  # the rest still applies


def test_the_api_pages_with_cursors(web: WebWorld) -> None:
    api = web.as_user("boss")
    ids = event_ids(web)
    first = api.get(f"{API}/audit", params={"per_page": 5}).json()
    assert [e["id"] for e in first["items"]] == ids[:5]
    assert first["newer"] is None and first["older"] == ids[4] and first["total"] == len(ids)
    assert {"entity_label", "action_label", "changes", "before", "after"} <= set(first["items"][0])
    second = api.get(f"{API}/audit", params={"per_page": 5, "before": first["older"]}).json()
    assert [e["id"] for e in second["items"]] == ids[5:10] and second["newer"] == ids[5]
    again = api.get(f"{API}/audit", params={"per_page": 5, "after": second["newer"]}).json()
    assert again["items"] == first["items"]
    assert api.get(f"{API}/audit", params={"per_page": 201}).status_code == 422


def verified(client: TestClient, csrf: str) -> str:
    """校验审计链 pressed: a progress page, then the verdict on it."""
    r = client.post("/audit/verify", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/"), r.text
    page = finished(client, r.headers["location"])
    assert 'href="/audit"' in page  # back to the trail
    return page


def test_verify_says_an_intact_trail_holds(web: WebWorld) -> None:
    client, csrf = browser(web, "boss")
    assert client.post("/audit/verify", data={"csrf_token": "forged"}).status_code == 403
    page = verified(client, csrf)
    n = len(event_ids(web))
    assert re.search(rf'id="verdict">审计链完好：共 {n} 条记录，链尾哈希 [0-9a-f]{{64}}', page)
    assert web.as_user("boss").post(f"{API}/audit/verify").json()["ok"] is True


def test_verify_names_the_first_event_changed_behind_the_ledgers_back(web: WebWorld) -> None:
    victim = sorted(event_ids(web))[6]
    with guards_off(web.db) as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'x' WHERE id = :id"), {"id": victim})
    client, csrf = browser(web, "boss")
    page = verified(client, csrf)
    assert "审计链已断开" in page and f"审计记录 #{victim}" in page and "被改动过" in page
    assert f'id="broken-event">#{victim}<' in page
    verdict = web.as_user("boss").post(f"{API}/audit/verify").json()
    assert (verdict["ok"], verdict["broken_id"], verdict["checked"]) == (False, victim, 6)


def test_verify_finds_a_removed_newest_event(web: WebWorld) -> None:
    client, csrf = browser(web, "boss")  # signing in is audited too: before the removal
    with web.db.transaction() as s:
        newest = s.scalar(select(func.max(AuditEvent.id)))
    with guards_off(web.db) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": newest})
    page = verified(client, csrf)
    assert "审计链已断开" in page and "最新的记录被删除或改动" in page


def test_actors_are_shown_by_their_names_and_filtered_by_account(web: WebWorld) -> None:
    client, _ = browser(web, "boss")
    page = client.get("/audit?actor=local-admin&per_page=20").text
    actor = re.search(r'title="[^"]*（local-admin）">([^<]+)</a>', page)
    assert actor is not None and actor[1] == "本地管理员"  # was the account's name
    assert ">local-admin</a>" not in page
    link = re.search(r'<a href="(/audit\?actor=local-admin[^"]*)"', page)
    assert link is not None  # filtering by the actor still uses its account
    tid = web.task_id("1.1.1.1")
    task_page = client.get(f"/tasks/{tid}").text
    history = task_page[task_page.index('id="audit"') :]
    assert '<td title="local-admin">本地管理员</td>' in history
