"""Targets at risk: the dashboard lists the targets whose reported values fall short by
their deadline (as each viewer may see them, as of a day), the dashboard JSON carries
them, and the task page shows each target's projection."""

from __future__ import annotations

from datetime import date, timedelta

from luoshi.ledger import plans, users
from luoshi.ledger.db import Database
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.dashboard import dashboard
from luoshi.ledger.read.visibility import viewer_of
from luoshi.settings import HealthRules
from tests.builders import build_world
from tests.test_target_trajectory import report
from tests.test_web_pages import browser
from tests.web_support import API, WebWorld


def risks_for(db: Database, username: str | None, at: AsOf | None = None) -> list[str]:
    with db.transaction() as s:
        plan = plans.get_plan(s, "t2024")
        viewer = viewer_of(s, users.get_user(s, username)) if username else None
        d = dashboard(s, plan, HealthRules(), viewer, at or AsOf.today())
        return [f"{r.code} {r.target}" for r in d.at_risk]


def test_a_target_falling_short_is_at_risk_for_those_who_see_its_task(db: Database) -> None:
    build_world(db)
    assert risks_for(db, None) == []  # nothing reported: nothing projected
    report(db, "2024-Q3", 13_000_000)  # 13M by September: 16M by December is in reach
    assert risks_for(db, None) == []
    before = AsOf.of(date.today() - timedelta(days=1))
    report(db, "2024-Q3", 9_000_000)  # the same round's lower figure replaces it
    assert risks_for(db, None) == ["1.1.1.1 1600万标准箱"]
    assert risks_for(db, "reader") == ["1.1.1.1 1600万标准箱"]
    assert risks_for(db, "port") == ["1.1.1.1 1600万标准箱"]  # its unit leads the task
    assert risks_for(db, "school") == []  # another unit's task
    assert risks_for(db, None, before) == []  # as of yesterday nothing was reported


def test_the_dashboard_and_its_json_list_the_target_at_risk(web: WebWorld) -> None:
    report(web.db, "2024-Q3", 9_000_000)
    client, _ = browser(web, "boss")
    page = client.get(f"/?plan={web.world.plan_id}").text
    section = page[page.index('id="at-risk"') :]
    assert "目标风险" in section and "1600万标准箱" in section
    assert f'href="/tasks/{web.task_id("1.1.1.1")}"' in section
    body = web.as_user("boss").get(f"{API}/plans/{web.world.plan_id}/dashboard").json()
    [risk] = body["at_risk"]
    assert (risk["code"], risk["target"], risk["unit"]) == ("1.1.1.1", "1600万标准箱", "标准箱")
    assert risk["deadline"] == "2024-12-31" and risk["points"] == 1
    assert 9_000_000 < risk["projected"] < 16_000_000
    school = web.as_user("school").get(f"{API}/plans/{web.world.plan_id}/dashboard").json()
    assert school["at_risk"] == []


def test_no_section_without_reported_values(web: WebWorld) -> None:
    client, _ = browser(web, "boss")
    assert 'id="at-risk"' not in client.get(f"/?plan={web.world.plan_id}").text
    body = web.as_user("boss").get(f"{API}/plans/{web.world.plan_id}/dashboard").json()
    assert body["at_risk"] == []


def test_the_task_page_shows_each_targets_projection(web: WebWorld) -> None:
    client, _ = browser(web, "boss")
    url = f"/tasks/{web.task_id('1.1.1.1')}"
    assert "预计完成" not in client.get(url).text and "有风险" not in client.get(url).text
    report(web.db, "2024-Q3", 13_000_000)
    cell = client.get(url).text.split('class="projection"', 1)[1].split("</td>", 1)[0]
    assert "预计完成" in cell and "2024-12-31" in cell
    report(web.db, "2024-Q3", 9_000_000)
    cell = client.get(url).text.split('class="projection"', 1)[1].split("</td>", 1)[0]
    assert "有风险" in cell and "标准箱" in cell
