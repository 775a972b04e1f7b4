"""管辖范围 at the API: a district supervisor sees only what its district answers.

The fixture (tests/scope_support.py): 示范市 → 东区 → 东区某街道, and 西区; east_boss
and east_reader belong to 东区, boss and reader to no organisation. Out of scope is 403.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from luoshi.ledger import cycle, plans, users
from luoshi.ledger.models import AuditEvent, Organisation
from tests.builders import ADMIN
from tests.scope_support import ScopeWorld, build_scope_world
from tests.web_support import API, PASSWORD, WebWorld, assert_error


def _world(web: WebWorld) -> ScopeWorld:
    sw = build_scope_world(web.db)
    with web.db.transaction() as s:
        a = users.get_user(s, ADMIN)
        for name in ("east_boss", "east_reader", "city_boss"):
            users.set_password(s, a, users.get_user(s, name), PASSWORD)
        # The city's own round, opened by its office (unscoped).
        cycle.open_round(s, a, plans.get_plan(s, "city"), "2025-Q1", None)
    return sw


def _names(client: Any) -> set[str]:
    r = client.get(f"{API}/plans?per_page=200")
    assert r.status_code == 200, r.text
    return {p["name"] for p in r.json()["items"]}


def test_a_district_supervisor_lists_and_reads_only_its_district(web: WebWorld) -> None:
    sw = _world(web)
    east = web.as_user("east_boss")
    assert _names(east) == {"east", "street"}
    assert _names(web.as_user("east_reader")) == {"east", "street"}
    assert east.get(f"{API}/plans/{sw.plans['east']}").status_code == 200
    city = sw.plans["city"]
    for path in ("", "/tasks", "/dashboard", "/rounds", "/reports", "/links", "/targets"):
        assert_error(east.get(f"{API}/plans/{city}{path}"), 403)
    assert_error(east.get(f"{API}/plans/{sw.plans['west']}/tasks"), 403)
    assert east.get(f"{API}/plans/{sw.plans['street']}/tasks").status_code == 200


def test_it_reads_the_city_tasks_its_district_answers_but_no_others(web: WebWorld) -> None:
    sw = _world(web)
    east = web.as_user("east_boss")
    r = east.get(f"{API}/tasks/{sw.linked}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["title"], body["plan"]["name"]) == ("加快发展先进制造业", "city")
    shown = [(x["child"]["plan"], x["parent"]["plan"]) for x in body["links"]]
    assert shown == [("east", "city")]  # the west's answer to the same task stays hidden
    assert body["can_report"] is False
    assert east.get(f"{API}/tasks/{sw.proposed}").status_code == 200
    listed = east.get(f"{API}/tasks/{sw.linked}/links").json()["items"]
    assert [x["id"] for x in listed] == [sw.east_link]
    for hidden in (sw.unlinked, sw.rejected, sw.city_leaf):
        refused = assert_error(east.get(f"{API}/tasks/{hidden}"), 403)
        assert "不属于本组织" in refused["message"]
        assert_error(east.get(f"{API}/tasks/{hidden}/audit"), 403)
        assert_error(east.get(f"{API}/tasks/{hidden}/links"), 403)
    assert_error(web.as_user("east_reader").get(f"{API}/tasks/{sw.unlinked}"), 403)


def test_it_cannot_write_to_the_city_plan_but_can_to_its_own(web: WebWorld) -> None:
    sw = _world(web)
    east, boss = web.as_user("east_boss"), web.as_user("boss")
    city, own = sw.plans["city"], sw.plans["east"]
    refused = assert_error(east.post(f"{API}/plans/{city}/rounds", json={"period": "2025-Q2"}), 403)
    assert "计划「city」" in refused["message"]
    r = east.post(f"{API}/plans/{own}/rounds", json={"period": "2025-Q1"})
    assert r.status_code == 201, r.text
    east_round = r.json()["id"]
    # Reports: on a city task refused even though the city's round is open.
    assert_error(east.post(f"{API}/tasks/{sw.city_leaf}/reports", json={"percent": 10}), 403)
    mine = east.post(f"{API}/tasks/{sw.east_leaf}/reports", json={"percent": 40})
    assert mine.status_code == 201, mine.text
    assert mine.json()["round_id"] == east_round
    # Review: the city's report is the city's to review.
    theirs = boss.post(f"{API}/tasks/{sw.city_leaf}/reports", json={"percent": 30})
    assert theirs.status_code == 201, theirs.text
    assert_error(east.get(f"{API}/reports/{theirs.json()['id']}/flags"), 403)
    assert east.get(f"{API}/reports/{mine.json()['id']}/flags").status_code == 200
    accept = {"decision": "accept"}
    assert_error(east.post(f"{API}/reports/{theirs.json()['id']}/review", json=accept), 403)
    r = east.post(f"{API}/reports/{mine.json()['id']}/review", json=accept)
    assert r.status_code == 200 and r.json()["decision"] == "accepted"
    # Editing the upstream task it may read is still refused.
    patch = {"person": "张三", "version": east.get(f"{API}/tasks/{sw.linked}").json()["version"]}
    assert_error(east.patch(f"{API}/tasks/{sw.linked}", json=patch), 403)
    assert_error(east.post(f"{API}/tasks/{sw.linked}/breakdown", json={"plan_ids": [own]}), 403)
    # Links: a link of a city task, and a bulk accept on the city plan, are refused.
    assert_error(east.post(f"{API}/links/{sw.city_link}/reject", json={}), 403)
    bulk = {"min_score": 0}
    assert_error(east.post(f"{API}/plans/{city}/links/accept-above", json=bulk), 403)
    r = east.post(f"{API}/links/{sw.east_link}/reject", json={})
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    # Rejected, the link no longer makes the city task the district's to read.
    assert_error(east.get(f"{API}/tasks/{sw.linked}"), 403)
    assert east.post(f"{API}/plans/{own}/links/accept-above", json=bulk).status_code == 200


def test_an_unscoped_supervisor_still_sees_and_runs_everything(web: WebWorld) -> None:
    sw = _world(web)
    boss = web.as_user("boss")
    assert _names(boss) >= {"city", "east", "west", "street", "nation"}
    for task in (sw.unlinked, sw.rejected, sw.linked):
        assert boss.get(f"{API}/tasks/{task}").status_code == 200
    links = boss.get(f"{API}/tasks/{sw.linked}/links").json()["items"]
    assert {x["child"]["plan"] for x in links} == {"east", "west"}
    r = boss.post(f"{API}/plans/{sw.plans['city']}/links/accept-above", json={"min_score": 0})
    assert r.status_code == 200
    city_boss = web.as_user("city_boss")
    assert _names(city_boss) == {"city", "east", "west", "street"}


def test_administrators_set_a_users_organisation_over_the_api(web: WebWorld) -> None:
    _world(web)
    root = web.as_user(ADMIN)
    new = {"username": "zhao", "role": "supervisor", "password": PASSWORD, "organisation": "西区"}
    r = root.post(f"{API}/users", json=new)
    assert r.status_code == 201 and r.json()["organisation"] == "西区", r.text
    zhao = r.json()["id"]
    assert _names(web.as_user("zhao")) == {"west"}
    r = root.put(f"{API}/users/{zhao}/organisation", json={"organisation": "东区"})
    assert r.status_code == 200 and r.json()["organisation"] == "东区"
    stale = {"organisation": None, "version": r.json()["version"] - 1}
    assert_error(root.put(f"{API}/users/{zhao}/organisation", json=stale), 409)
    listed = {u["username"]: u for u in root.get(f"{API}/users").json()["items"]}
    assert listed["zhao"]["organisation"] == "东区" and listed["boss"]["organisation"] is None
    cleared = root.put(f"{API}/users/{zhao}/organisation", json={"organisation": None})
    assert cleared.status_code == 200 and cleared.json()["organisation"] is None
    boss = web.as_user("boss")
    assert_error(boss.put(f"{API}/users/{zhao}/organisation", json={"organisation": "东区"}), 403)
    admin_id = listed[ADMIN]["id"]
    scoped_admin = root.put(f"{API}/users/{admin_id}/organisation", json={"organisation": "东区"})
    assert_error(scoped_admin, 422)
    with web.db.transaction() as s:
        actions = [
            e.action
            for e in s.query(AuditEvent).filter(
                AuditEvent.entity == "users", AuditEvent.entity_id == zhao
            )
        ]
    assert actions.count("set_organisation") == 2


def test_the_users_page_sets_an_organisation(web: WebWorld) -> None:
    from tests.test_web_pages import browser

    _world(web)
    client, csrf = browser(web, ADMIN)
    page = client.get("/users").text
    assert 'id="new-org"' in page and ">东区某街道</option>" in page
    with web.db.transaction() as s:
        reader = users.get_user(s, "reader").id
        west = str(s.scalars(select(Organisation.id).where(Organisation.name == "西区")).one())
    r = client.post(
        f"/users/{reader}/organisation", data={"organisation": west, "csrf_token": csrf}
    )
    assert r.status_code == 200
    assert re.search(rf'id="org-{reader}">.*?<option value="{west}" selected>西区', r.text)
    assert _names(web.as_user("reader")) == {"west"}
    added = client.post(
        "/users",
        data={"username": "qian", "role": "viewer", "password": "long-enough-1",
              "organisation": west, "csrf_token": csrf},
    )  # fmt: skip
    assert added.status_code == 200
    with web.db.transaction() as s:
        assert str(users.get_user(s, "qian").organisation_id) == west


def test_its_dashboard_names_only_the_city_tasks_its_district_answers(web: WebWorld) -> None:
    sw = _world(web)
    path = f"{API}/plans/{sw.plans['east']}/dashboard"
    as_boss = web.as_user("boss").get(path)
    as_east = web.as_user("east_boss").get(path)
    assert as_boss.status_code == as_east.status_code == 200
    # 坚持依法行政: a city task nothing of the district answers
    assert "坚持依法行政" in as_boss.text
    assert "坚持依法行政" not in as_east.text
    assert "加快发展先进制造业" in as_east.text  # the one it answers stays named


def test_a_district_supervisor_may_not_read_every_organisations_audit_trail(
    web: WebWorld,
) -> None:
    from tests.test_web_pages import browser

    _world(web)
    east = web.as_user("east_boss")
    r = east.get(f"{API}/audit")
    assert_error(r, 403)
    assert "限定管辖范围" in r.json()["error"]["message"]
    assert_error(east.post(f"{API}/audit/verify"), 403)
    client, csrf = browser(web, "east_boss")
    assert 'href="/audit"' not in client.get("/").text  # not in its menu
    assert client.get("/audit").status_code == 403
    assert client.post("/audit/verify", data={"csrf_token": csrf}).status_code == 403
    # The office with no organisation reads it (even one scoped to the top may not).
    assert web.as_user("boss").get(f"{API}/audit").status_code == 200
    assert_error(web.as_user("city_boss").get(f"{API}/audit"), 403)
