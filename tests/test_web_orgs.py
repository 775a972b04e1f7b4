"""组织 pages, the organisation dashboard's API and ``luoshi orgs status``: the forms add
and move with audit events (managers only, CSRF checked, refusals in Chinese in place),
and the page, the API and the CLI show the same figures."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from luoshi.cli import cli
from luoshi.ledger import audit, orgs, plans
from luoshi.ledger.health import HEALTH_ORDER
from luoshi.ledger.models import Organisation, Unit
from tests.org_support import build_province
from tests.test_web_pages import browser
from tests.web_support import API, WebWorld, assert_error


def _org_id(web: WebWorld, name: str) -> int:
    with web.db.transaction() as s:
        return orgs.get_org(s, name).id


def test_the_orgs_page_adds_an_organisation_and_moves_a_unit_and_a_plan(web: WebWorld) -> None:
    build_province(web.db)
    client, csrf = browser(web, "boss")
    page = client.get("/orgs")
    assert page.status_code == 200 and 'href="/orgs"' in page.text
    assert 'id="add-org"' in page.text and 'id="move-plan"' in page.text
    city = _org_id(web, "甲市")
    form = {"csrf_token": csrf, "name": "甲北区", "level": "区", "parent_id": str(city)}
    r = client.post("/orgs", data=form)
    assert r.status_code == 200 and r.url.path == "/orgs" and "甲北区" in r.text
    with web.db.transaction() as s:
        north = orgs.get_org(s, "甲北区")
        assert north.parent_id == city
        assert audit.history(s, "organisations", north.id)[-1].action == "create"
        unit = s.scalars(select(Unit).where(Unit.name == "市教委")).one()
        unit_id, plan_id, north_id = unit.id, plans.get_plan(s, "jx").id, north.id
    move = {"csrf_token": csrf, "organisation_id": str(north_id)}
    assert client.post("/orgs/move-unit", data={**move, "unit_id": str(unit_id)}).status_code == 200
    assert client.post("/orgs/move-plan", data={**move, "plan_id": str(plan_id)}).status_code == 200
    with web.db.transaction() as s:
        assert s.get(Unit, unit_id).organisation_id == north_id  # type: ignore[union-attr]
        assert plans.get_plan(s, "jx").organisation_id == north_id
        for table, key in (("units", unit_id), ("plans", plan_id)):
            event = audit.history(s, table, key)[-1]
            assert event.action == "move" and event.after["organisation_id"] == north_id  # type: ignore[index]
    # The new district's dashboard now holds the plan.
    assert f'id="plan-{plan_id}"' in client.get(f"/orgs/{north_id}").text


def test_refusals_are_in_chinese_in_place_and_tokens_are_checked(web: WebWorld) -> None:
    build_province(web.db)
    client, csrf = browser(web, "boss")
    county = {"csrf_token": csrf, "name": "某县", "level": "县"}
    r = client.post("/orgs", data=county)
    assert r.status_code == 422 and "层级「县」无效" in html.unescape(r.text)
    assert 'value="某县"' in r.text  # what was typed is kept
    twice = client.post("/orgs", data={"csrf_token": csrf, "name": "甲市", "level": "市"})
    assert "组织「甲市」已存在" in html.unescape(twice.text)
    upward = {
        "csrf_token": csrf,
        "name": "丙市",
        "level": "市",
        "parent_id": str(_org_id(web, "甲东区")),
    }
    assert "上级组织的层级须更高" in html.unescape(client.post("/orgs", data=upward).text)
    no_plan = client.post("/orgs/move-plan", data={"csrf_token": csrf, "plan_id": "x"})
    assert "请选择计划" in html.unescape(no_plan.text)
    gone = {"csrf_token": csrf, "plan_id": "1", "organisation_id": "99999"}
    assert "所属组织：组织 99999 不存在" in html.unescape(
        client.post("/orgs/move-plan", data=gone).text
    )
    forged = client.post("/orgs", data={**county, "csrf_token": "forged", "level": "区"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    with web.db.transaction() as s:
        assert s.scalars(select(Organisation).where(Organisation.name == "某县")).first() is None


def test_a_reporter_sees_the_tree_but_may_not_use_the_forms(web: WebWorld) -> None:
    build_province(web.db)
    client, csrf = browser(web, "port")
    page = client.get("/orgs")
    assert page.status_code == 200 and "甲市" in page.text and 'id="add-org"' not in page.text
    r = client.post("/orgs", data={"csrf_token": csrf, "name": "乙北区", "level": "区"})
    assert r.status_code == 403 and "无权" in r.text
    move = {"csrf_token": csrf, "plan_id": "1", "organisation_id": str(_org_id(web, "甲市"))}
    assert client.post("/orgs/move-plan", data=move).status_code == 403
    with web.db.transaction() as s:
        assert orgs.find_org(s, "乙北区") is None


def _page_figures(text: str) -> dict[str, int]:
    found = dict(re.findall(r'id="org-([a-z-]+)">([\d.]+)%?<', text))
    return {k: int(float(v)) for k, v in found.items() if k != "progress"}


def test_the_page_the_api_and_the_cli_agree(web: WebWorld, tmp_path: Path) -> None:
    build_province(web.db)
    province, city = _org_id(web, "示范省"), _org_id(web, "甲市")
    reader = web.as_user("reader")
    for url, args in (
        (f"{API}/organisations/{province}/dashboard", ["orgs", "status", "示范省"]),
        (f"{API}/organisations/{city}/dashboard", ["orgs", "status", str(city)]),
        (f"{API}/levels/区/dashboard", ["orgs", "status", "--level", "区"]),
    ):
        api = reader.get(url)
        assert api.status_code == 200, api.text
        body = api.json()
        url_db = f"sqlite:///{tmp_path / 'web.db'}"
        run = CliRunner().invoke(cli, ["--database-url", url_db, *args, "--jsonl"])
        assert run.exit_code == 0, run.output
        assert json.loads(run.stdout) == body
        text = CliRunner().invoke(cli, ["--database-url", url_db, *args]).stdout
        total = body["total"]
        assert f"启用计划 {total['plans']} 个，末级任务 {total['tasks']} 项" in text
        assert f"完成度 {total['progress']:.1f}%" in text
        page_url = (
            f"/orgs/{body['organisation']['id']}" if body["organisation"] else "/orgs/levels/区"
        )
        page = browser(web, "reader")[0].get(page_url).text
        shown = _page_figures(page)
        expected = {"plans": total["plans"], "tasks": total["tasks"], "overdue": total["overdue"],
                    "answering": total["answering"], "unanswered": total["unanswered"]}  # fmt: skip
        expected |= {f"count-{h}": total["counts"][h] for h in HEALTH_ORDER}
        assert shown == expected
        assert f'id="org-progress">{total["progress"]:.1f}%<' in page
        assert 'class="bar-row"' in page  # a bar per row with plans
        for p in body["plans"]:
            assert f'href="/?plan={p["id"]}"' in page
    whole = reader.get(f"{API}/organisations/{province}/dashboard").json()
    assert [r["name"] for r in whole["rows"]] == ["（本级）", "甲市", "乙市"]
    assert sum(r["tasks"] for r in whole["rows"]) == whole["total"]["tasks"]


def test_the_api_refuses_what_it_does_not_know(web: WebWorld) -> None:
    build_province(web.db)
    reader = web.as_user("reader")
    assert_error(reader.get(f"{API}/organisations/99999/dashboard"), 404)
    assert_error(reader.get(f"{API}/levels/县/dashboard"), 422)
    assert_error(web.client().get(f"{API}/levels/区/dashboard"), 401)
    page = browser(web, "reader")[0].get("/orgs/levels/县")
    assert page.status_code == 422 and "层级「县」无效" in html.unescape(page.text)
