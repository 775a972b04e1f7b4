"""单位的提醒渠道 on the units page: a form per unit sets its mailbox and webhook, with
the page's CSRF token; the webhook's token is never shown; refusals are in Chinese, in
place, with what was typed."""

from __future__ import annotations

import html

from sqlalchemy import select

from luoshi.ledger.models import Unit
from tests.builders import ADMIN
from tests.test_web_pages import browser
from tests.web_support import WebWorld

HOOK = "https://oapi.dingtalk.com/robot/send?access_token=" + "5ec7e7" * 8


def unit_of(web: WebWorld, name: str) -> Unit:
    with web.db.transaction() as s:
        unit = s.scalars(select(Unit).where(Unit.name == name)).one()
        s.expunge(unit)
        return unit


def test_a_supervisor_sets_and_clears_a_units_contacts(web: WebWorld) -> None:
    client, csrf = browser(web, "boss")
    unit = unit_of(web, "市交通运输委")
    assert f'action="/units/{unit.id}/contacts"' in client.get("/units").text
    form = {"csrf_token": csrf, "version": unit.version, "email": "jt@example.gov.cn"}
    r = client.post(f"/units/{unit.id}/contacts", data={**form, "webhook": HOOK})
    assert r.status_code == 200 and r.url.path == "/units"  # back to the page
    assert r.url.fragment == f"unit-{unit.id}"  # at that unit's card, saying so
    assert '<p class="flash good" role="status" id="notice">已保存单位「市交通运输委」' in r.text
    assert 'id="notice"' not in client.get("/units?saved=99999").text
    saved = unit_of(web, "市交通运输委")
    assert (saved.email, saved.webhook) == ("jt@example.gov.cn", HOOK)
    page = r.text
    assert 'value="jt@example.gov.cn"' in page and "5ec7e75ec7e7" not in page
    assert "oapi.dingtalk.com" in page and 'id="clear-webhook-' in page
    # An empty webhook field keeps the one kept; 清除 removes it.
    form["version"] = saved.version
    client.post(f"/units/{unit.id}/contacts", data={**form, "email": "new@example.gov.cn"})
    kept = unit_of(web, "市交通运输委")
    assert (kept.email, kept.webhook) == ("new@example.gov.cn", HOOK)
    form.update(version=kept.version, email="", clear_webhook="1")
    client.post(f"/units/{unit.id}/contacts", data=form)
    cleared = unit_of(web, "市交通运输委")
    assert (cleared.email, cleared.webhook) == (None, None)


def test_a_bad_address_is_refused_in_place_with_what_was_typed(web: WebWorld) -> None:
    client, csrf = browser(web, "boss")
    unit = unit_of(web, "市教委")
    form = {"csrf_token": csrf, "version": unit.version, "email": "not-an-address"}
    r = client.post(f"/units/{unit.id}/contacts", data=form)
    assert r.status_code == 422 and "<nav>" in r.text
    row = html.unescape(r.text.split(f'id="unit-{unit.id}"', 1)[1].split("</tr>", 1)[0])
    assert "电子邮箱「not-an-address」格式不正确" in row and 'value="not-an-address"' in row
    r = client.post(
        f"/units/{unit.id}/contacts", data={**form, "email": "", "webhook": "ftp://robot"}
    )
    assert r.status_code == 422 and "无法识别" in html.unescape(r.text)
    assert unit_of(web, "市教委").webhook is None


def test_a_stale_form_and_a_missing_token_are_refused(web: WebWorld) -> None:
    client, csrf = browser(web, "boss")
    unit = unit_of(web, "市水务局")
    form = {"csrf_token": csrf, "version": unit.version, "email": "sw@example.gov.cn"}
    assert client.post(f"/units/{unit.id}/contacts", data=form).status_code == 200
    stale = client.post(f"/units/{unit.id}/contacts", data={**form, "email": "x@example.gov.cn"})
    assert stale.status_code == 409 and 'id="problem"' in stale.text
    no_token = client.post(f"/units/{unit.id}/contacts", data={**form, "csrf_token": ""})
    assert no_token.status_code == 403
    assert unit_of(web, "市水务局").email == "sw@example.gov.cn"


def test_a_reporter_may_not_set_contacts(web: WebWorld) -> None:
    client, csrf = browser(web, "port")
    unit = unit_of(web, "市交通运输委")
    form = {"csrf_token": csrf, "version": unit.version, "email": "me@example.gov.cn"}
    assert client.post(f"/units/{unit.id}/contacts", data=form).status_code == 403
    assert unit_of(web, "市交通运输委").email is None


def test_the_units_page_counts_each_units_reporter_accounts(web: WebWorld) -> None:
    """The column said 「启用」 for every unit in use, with or without an account to
    report from; it now counts the unit's reporters, and a unit with none links to
    where one is added."""
    client, _csrf = browser(web, "boss")
    page = client.get("/units").text
    with_one, without = unit_of(web, "市交通运输委"), unit_of(web, "市水务局")
    row = page[page.index(f'id="reporters-{with_one.id}"') :]
    assert row[row.index(">") + 1 : row.index("</td>")] == "port"  # who reports, by name
    row = page[page.index(f'id="reporters-{without.id}"') :]
    # The office cannot add accounts: only an administrator is sent to 用户 for one.
    assert "无（请管理员添加）" in row[: row.index("</td>")] and "/users" not in row[:200]
    assert "群机器人 <input" in page and "webhook <input" not in page
    admin, _csrf = browser(web, ADMIN)
    page = admin.get("/units").text
    row = page[page.index(f'id="reporters-{without.id}"') :]
    link = '<a href="/users?unit=%E5%B8%82%E6%B0%B4%E5%8A%A1%E5%B1%80#add-user">无（去添加）</a>'
    assert row[: row.index("</td>")].endswith(link)  # 市水务局, chosen on arrival
    assert admin.get("/users").status_code == 200


def test_the_menu_leads_managers_to_the_units_page(web: WebWorld) -> None:
    boss, _ = browser(web, "boss")
    assert 'href="/units" id="nav-units"' in boss.get("/ledger").text
    port, _ = browser(web, "port")
    assert 'id="nav-units"' not in port.get("/ledger").text
