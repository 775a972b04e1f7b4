"""The JSON API for organisations, links (对接) and breakdown (分解下发)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from luoshi.ledger.models import Target, Task
from tests.link_support import Levels, build_levels
from tests.web_support import API, assert_error


def _ids(web: Any) -> tuple[Levels, dict[str, int]]:
    lv = build_levels(web.db)
    with web.db.transaction() as s:
        return lv, {n: lv.plan(s, n).id for n in ("city", "east", "west")}


def test_organisations_and_moving_a_plan(web: Any) -> None:
    _lv, plans = _ids(web)
    boss = web.as_user("boss")
    r = boss.get(f"{API}/organisations")
    assert r.status_code == 200
    city = next(o for o in r.json()["items"] if o["name"] == "示范市")
    assert city["plans"] == 1 and city["level"] == "市"
    r = boss.post(
        f"{API}/organisations", json={"name": "北区", "level": "区", "parent_id": city["id"]}
    )
    assert r.status_code == 201, r.text
    north = r.json()["id"]
    assert_error(boss.post(f"{API}/organisations", json={"name": "x", "level": "县"}), 422)
    r = boss.post(f"{API}/plans/{plans['west']}/organisation", json={"organisation_id": north})
    assert r.status_code == 200 and r.json()["organisation_id"] == north
    stale = {"organisation_id": None, "version": r.json()["version"] - 1}
    assert_error(boss.post(f"{API}/plans/{plans['west']}/organisation", json=stale), 409)
    reader = web.as_user("reader")
    assert_error(reader.post(f"{API}/organisations", json={"name": "南区", "level": "区"}), 403)


def test_align_list_accept_and_bulk_accept(web: Any) -> None:
    _lv, plans = _ids(web)
    boss = web.as_user("boss")
    r = boss.post(f"{API}/plans/{plans['east']}/align", json={"parent_plan_id": plans["city"]})
    assert r.status_code == 200 and r.json()["created"] > 0
    items = boss.get(f"{API}/plans/{plans['east']}/links?state=proposed").json()["items"]
    first = items[0]
    assert first["state"] == "proposed" and first["reason"]["words"]
    r = boss.post(f"{API}/links/{first['id']}/accept", json={"version": first["version"]})
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    assert r.json()["decided_by"] == "boss"
    stale = boss.post(f"{API}/links/{first['id']}/reject", json={"version": first["version"]})
    assert_error(stale, 409)
    r = boss.post(f"{API}/plans/{plans['east']}/links/accept-above", json={"min_score": 0})
    assert r.json()["total"] == len(items) - 1
    assert_error(web.as_user("reader").get(f"{API}/plans/{plans['east']}/links"), 403)
    assert_error(boss.post(f"{API}/links/999999/accept", json={}), 404)


def test_breakdown_and_split_over_the_api(web: Any) -> None:
    lv, plans = _ids(web)
    with web.db.transaction() as s:
        jobs = lv.task_titled(s, "city", "促进高质量充分就业")
        q = select(Target.id).join(Task, Task.id == Target.task_id).where(Task.parent_id == jobs.id)
        target_id = s.scalars(q).one()
        jobs_id = jobs.id
    boss = web.as_user("boss")
    body = {"plan_ids": [plans["east"], plans["west"]]}
    r = boss.post(f"{API}/tasks/{jobs_id}/breakdown", json=body)
    assert r.status_code == 201 and r.json()["total"] == 2
    assert_error(boss.post(f"{API}/tasks/{jobs_id}/breakdown", json=body), 409)
    r = boss.post(f"{API}/targets/{target_id}/split", json={"shares": {"east": 1e5, "west": 2e5}})
    assert r.status_code == 200
    split = r.json()
    assert split["sum"] == 300000 and not split["adds_up"] and "少于" in split["warning"]
    links = boss.get(f"{API}/tasks/{jobs_id}/links").json()["items"]
    assert {x["child"]["plan"] for x in links} == {"east", "west"}
    assert all(x["origin"] == "breakdown" and x["state"] == "accepted" for x in links)


def test_links_and_progress_below_on_the_task_and_the_dashboard(web: Any) -> None:
    lv, plans = _ids(web)
    with web.db.transaction() as s:
        jobs_id = lv.task_titled(s, "city", "促进高质量充分就业").id
    boss = web.as_user("boss")
    body = {"plan_ids": [plans["east"], plans["west"]]}
    assert boss.post(f"{API}/tasks/{jobs_id}/breakdown", json=body).status_code == 201
    task = boss.get(f"{API}/tasks/{jobs_id}").json()
    assert {x["child"]["plan"] for x in task["links"]} == {"east", "west"}
    assert task["downstream"] == {"progress": 0, "children": 2, "reported": 2}
    page = boss.get(f"/tasks/{jobs_id}").text
    assert "下级承接任务" in page and "下级进度" in page
    city = boss.get(f"{API}/plans/{plans['city']}/dashboard").json()
    assert city["linkage"]["parents"] == []
    assert city["linkage"]["downstream"][str(jobs_id)]["children"] == 2
    east = boss.get(f"{API}/plans/{plans['east']}/dashboard").json()
    (parent,) = east["linkage"]["parents"]
    assert parent["plan"]["name"] == "city" and parent["unanswered"]
    shown = boss.get(f"/?plan={plans['east']}").text
    assert "承接情况" in shown and "未承接" in shown
