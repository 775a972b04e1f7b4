"""Each role through the new controls in headless Chromium, at desktop size and on a
phone (390 × 844), on the demo's lively database: nothing may overflow the phone's
width, the report form must be reachable. Screenshots: test-output/screenshots/roles-*.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from luoshi.demo import build_demo
from luoshi.ledger import cycle, plans, tasks, users
from luoshi.ledger.db import Database
from luoshi.ledger.read.compute import task_rows
from tests.test_web_browser import PASSWORD, Walk, browser, free_port, wait_for

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, shared with the cycle's walk

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
DESKTOP = {"width": 1366, "height": 1000, "deviceScaleFactor": 1, "mobile": False}


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[str]:
    """``luoshi serve`` on the demo database, every account's password known."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = Database.open(url)
    demo = build_demo(db, "local-admin")
    with db.transaction() as s:
        root = users.get_user(s, "local-admin")
        for a in demo.accounts:
            users.set_password(s, root, users.get_user(s, a.username), PASSWORD)
        # A fresh round, and an open leaf task of 市教委, for the reporter to report on.
        plan = plans.plan_by_id(s, demo.plan_id)
        cycle.open_round(s, root, plan, f"{date.today().year}-Q4", None)
        rows = task_rows(s, plan.id)
        code = next(r.code for r in rows if r.leaf and r.state != "done")
        _plan, task = plans.get_task(s, f"{plan.name}:{code}")
        label = tasks.task_label(plan.name, task)
        tasks.edit_task(s, root, task, label, None, {"lead_unit": "市教委"})
    db.dispose()
    port = free_port()
    luoshi = Path(sys.executable).parent / "luoshi"
    proc = subprocess.Popen(
        [str(luoshi), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        env={**os.environ, "LUOSHI_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def size(driver: Any, metrics: dict[str, Any]) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def fits(w: Walk, name: str) -> None:
    """Nothing wider than the screen; the page's screenshot kept."""
    wide, inner = w.d.execute_script(  # type: ignore[attr-defined]
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    w.shot(name)
    assert wide <= inner, f"{name}: the page is {wide} px wide on a {inner} px screen"


def visible(w: Walk, css: str) -> None:
    el: Any = w.find(css)
    w.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)  # type: ignore[attr-defined]
    assert el.is_displayed(), css
    left, right = w.d.execute_script(  # type: ignore[attr-defined]
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right]", el
    )
    assert left >= 0 and right <= PHONE["width"] + 1, f"{css} is off-screen: {left}–{right}"


def menu_words_whole(w: Walk) -> None:
    """The menu does not stack one character per line: every link is one line."""
    tall = w.d.execute_script(  # type: ignore[attr-defined]
        "return [...document.querySelectorAll('nav a')].filter(a => a.getClientRects().length"
        " && a.getBoundingClientRect().height > 40).map(a => a.textContent)"
    )
    assert tall == [], f"menu links wrapped: {tall}"


def test_a_reporter_on_a_phone(demo_server: str, browser: Any) -> None:
    size(browser, PHONE)
    w = Walk(browser, demo_server, "roles-reporter-phone")
    # 市教委 has tasks still open (市交通运输委's are both done in the demo).
    w.login("jiaowei")
    menu_words_whole(w)
    fits(w, "dashboard")
    w.go("/rounds")
    fits(w, "rounds")
    # A task still to report on in the open round: its row has the quick form.
    form = w.find("#my-tasks form")
    task_id = str(form.get_attribute("action")).split("/")[-2]  # type: ignore[attr-defined]
    # The list is cards: its 提交 is on the screen without scrolling the table sideways.
    inner, box = w.d.execute_script(  # type: ignore[attr-defined]
        "const s = document.querySelector('#my-tasks .scroll');"
        " return [s.scrollWidth, s.clientWidth]"
    )
    assert inner <= box + 1, f"the list scrolls sideways: {inner} px in {box}"
    w.go(f"/tasks/{task_id}")
    fits(w, "task")
    assert w.find("#jump-report").is_displayed()  # type: ignore[attr-defined]
    visible(w, "#report-form button[type=submit]")
    visible(w, "#percent")
    first = w.find("#report-form input[name=values], #report-form input[name=value]")
    w.type("#percent", "55")
    first.send_keys("300万")  # type: ignore[attr-defined]
    w.shot("report-form")
    w.click("#report-submit")
    fits(w, "reported")
    assert "55%" in w.text("#reports")
    w.go("/plans/1/ledger")
    fits(w, "ledger")


def test_a_supervisor_at_the_desk_and_on_a_phone(demo_server: str, browser: Any) -> None:
    size(browser, DESKTOP)
    w = Walk(browser, demo_server, "roles-supervisor")
    w.login("duban")
    w.go("/plans/1/ledger")
    browser.execute_script("document.getElementById('exchange').open = true")
    w.shot("ledger-files")
    w.click("#export-ledger")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 60).until(lambda d: "job-download" in d.page_source)
    w.shot("export-ready")
    # Bulk assign two tasks to one person.
    w.go("/plans/1/ledger")
    boxes = browser.find_elements("css selector", "input[name=task_ids]")[:2]
    for box in boxes:
        box.click()
    w.type("#bulk-person", "批量负责人")
    w.click("#bulk-assign-submit")
    assert "批量负责人" in w.text("#ledger")
    w.shot("bulk-assigned")
    # Bulk accept on the review queue.
    w.go("/review")
    picks = browser.find_elements("css selector", "input[name=report_ids]")
    if picks:
        picks[0].click()
        w.click("#bulk-accept-submit")
        w.shot("bulk-accepted")
    # Closing a round asks first.
    w.go("/rounds")
    w.find("#rounds a[href^='/rounds/']").click()  # type: ignore[attr-defined]
    if "close-round" in w.page:
        w.click("#close-round")
        assert "确定结束吗" in w.text("#confirm-question")
        w.shot("confirm-close")
        w.click("#confirm-cancel")
    w.go("/plans")
    w.shot("plans")
    size(browser, PHONE)
    for path in ("/", "/plans/1/ledger", "/review", "/rounds", "/plans"):
        w.go(path)
        menu_words_whole(w)
        fits(w, "phone" + path.replace("/", "-"))


def test_an_administrator_manages_accounts_and_units(demo_server: str, browser: Any) -> None:
    size(browser, DESKTOP)
    w = Walk(browser, demo_server, "roles-admin")
    w.login("admin")
    w.go("/users")
    from selenium.webdriver.support.ui import Select

    assert Select(w.find("#new-role")).first_selected_option.get_attribute("value") == "viewer"
    w.shot("users")
    row = w.find("#user-lingdao")
    uid = str(row.find_element("css selector", "button[id^=reset-]").get_attribute("id"))[6:]  # type: ignore[attr-defined]
    w.type(f"#password-{uid}", "a-new-password-1")
    w.click(f"#reset-{uid}")
    assert "已保存" in w.text("#notice")
    w.go("/units")
    w.type("#unit-name", "市测试局")
    w.click("#add-unit-submit")
    assert "市测试局" in w.text("#unit-list")
    w.shot("units")
    size(browser, PHONE)
    for path in ("/users", "/units", "/documents"):
        w.go(path)
        fits(w, "phone" + path.replace("/", "-"))


def test_a_viewer_reads_the_dashboard_on_a_phone(demo_server: str, browser: Any) -> None:
    size(browser, PHONE)
    w = Walk(browser, demo_server, "roles-viewer-phone")
    w.login("lingdao")
    menu_words_whole(w)
    fits(w, "dashboard")
    assert w.find("#kpis").is_displayed()  # type: ignore[attr-defined]
    w.go("/plans/1/ledger")
    fits(w, "ledger")
    assert "export-ledger" in w.page and "bulk-assign" not in w.page


SMALL_PHONE = {**PHONE, "width": 375, "height": 812}


def test_wide_tables_scroll_inside_their_card_on_a_375_px_phone(
    demo_server: str, browser: Any
) -> None:
    size(browser, SMALL_PHONE)
    w = Walk(browser, demo_server, "roles-small-phone")
    w.login("duban")
    w.go("/rounds")
    link = w.find("#rounds a[href^='/rounds/']")
    round_link = str(link.get_attribute("href")).removeprefix(demo_server)  # type: ignore[attr-defined]
    w.go("/plans/1/ledger")
    task_link = w.find("#ledger a[href^='/tasks/']")
    task = str(task_link.get_attribute("href")).removeprefix(demo_server)  # type: ignore[attr-defined]
    wide = ("/plans/1/ledger", "/review", "/scores", "/rounds", round_link, "/plans/1/targets")
    for path in (*wide, "/", "/notifications", "/inbox", task):
        w.go(path)
        fits(w, "375" + path.replace("/", "-"))
    w.go("/scores")
    inner, outer = w.d.execute_script(  # type: ignore[attr-defined]
        "const s = document.querySelector('.scroll'); return [s.scrollWidth, s.clientWidth]"
    )
    assert inner > outer  # the ranking is wider than the phone: its wrapper scrolls
    for path, table in (("/plans/1/ledger", "ledger"), ("/review", "review-queue")):
        w.go(path)
        cards_fit(w, table)


def cards_fit(w: Walk, table: str) -> None:
    """A long list is stacked cards on a phone: no sideways scrolling, every row one
    card as wide as its wrapper, every cell labelled by its column or the title."""
    inner, outer, rows, unlabelled = w.d.execute_script(  # type: ignore[attr-defined]
        "const t = document.getElementById(arguments[0]), s = t.closest('.scroll');"
        " const rows = [...t.tBodies[0].rows];"
        " const cells = rows.flatMap(r => [...r.cells]).filter(c => c.offsetHeight"
        "   && !c.dataset.label && !c.matches('.title, .code, .pick, .decide'));"
        " return [s.scrollWidth, s.clientWidth,"
        "   rows.map(r => [getComputedStyle(r).display, Math.round(r.offsetWidth)]),"
        "   cells.map(c => c.textContent.slice(0, 20))]",
        table,
    )
    assert inner <= outer, f"{table}: scrolls sideways ({inner} > {outer})"
    assert rows and all(d == "block" and wd >= outer - 2 for d, wd in rows), (table, rows)
    assert unlabelled == [], (table, unlabelled)


def test_the_menu_folds_behind_a_button_on_a_phone(demo_server: str, browser: Any) -> None:
    size(browser, SMALL_PHONE)
    w = Walk(browser, demo_server, "roles-menu-phone")
    w.login("duban")
    links = "[...document.querySelectorAll('nav a')]"
    shown = f"return {links}.filter(a => a.getClientRects().length).length"
    assert w.d.execute_script(shown) == 0  # type: ignore[attr-defined]
    w.find("#menu-toggle").click()  # type: ignore[attr-defined]  # no page load: CSS only
    w.shot("menu-open")
    boxes = w.d.execute_script(  # type: ignore[attr-defined]
        f"return {links}.map(a => {{ const r = a.getBoundingClientRect();"
        " return [a.textContent, r.left, r.right, r.height]; })"
    )
    assert len(boxes) >= 10 and "审计记录" in [b[0] for b in boxes]
    for text, left, right, height in boxes:
        assert left >= 0 and right <= SMALL_PHONE["width"] and 40 <= height <= 48, text
    menu_words_whole(w)
    w.find("nav a[href='/review']").click()  # type: ignore[attr-defined]
    assert "/review" in w.d.current_url  # type: ignore[attr-defined]
    size(browser, DESKTOP)
    w.go("/")
    assert not w.find("#menu-toggle").is_displayed()  # type: ignore[attr-defined]
    assert w.d.execute_script(shown) >= 10  # type: ignore[attr-defined]
