"""The 对接 page in headless Chromium: a supervisor proposes the district's links to the
city's plan, accepts one, bulk-accepts the rest above a score, and reads the page on
a phone without it overflowing. Screenshots: test-output/screenshots/links/."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from luoshi.ledger import users
from luoshi.ledger.db import Database
from tests.link_support import build_levels
from tests.test_web_browser import PASSWORD, Walk, browser, free_port, wait_for
from tests.test_web_browser_roles import DESKTOP, PHONE, fits, size

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, shared with the cycle's walk


@pytest.fixture
def levels_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, int]]]:
    """``luoshi serve`` on a city plan and two district plans; boss's password known."""
    url = f"sqlite:///{tmp_path / 'levels.db'}"
    db = Database.open(url)
    lv = build_levels(db)
    with db.transaction() as s:
        root = users.local_admin(s, "local-admin")
        users.set_password(s, root, users.get_user(s, "boss"), PASSWORD)
        ids = {n: lv.plan(s, n).id for n in ("city", "east")}
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
        yield f"http://127.0.0.1:{port}", ids
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_a_supervisor_works_through_the_proposals(
    levels_server: tuple[str, dict[str, int]], browser: Any
) -> None:
    from selenium.webdriver.support.ui import Select

    base, ids = levels_server
    size(browser, DESKTOP)
    w = Walk(browser, base, "links")
    w.login("boss")
    w.go(f"/plans/{ids['east']}/ledger")
    w.click("#plan-links")
    Select(w.find("#align-parent")).select_by_value(str(ids["city"]))
    w.click("#align-submit")
    assert "已生成对接建议" in w.text("#notice")
    w.shot("proposed")
    rows = browser.find_elements("css selector", "#links tbody tr[id^=link-]")
    assert len(rows) > 3
    first = str(rows[0].get_attribute("id"))[5:]
    assert "城镇新增就业" in w.text(f"#src-child-{first}")  # the best: the jobs target
    w.click(f"#accept-{first}")
    assert len(browser.find_elements("css selector", f"#link-{first}")) == 0  # left 待确认
    w.type("#bulk-min", "0.3")
    w.click("#bulk-submit")
    n = int(w.text("#notice").removeprefix("已批量确认 ").split(" ")[0])
    assert n > 0
    accepted = browser.find_elements("css selector", "#links tbody tr[id^=link-]")
    assert len(accepted) == n + 1  # the one accepted by hand and the bulk
    w.shot("bulk-accepted")
    size(browser, PHONE)
    w.go(f"/plans/{ids['east']}/links")
    fits(w, "phone-links")
    row: Any = w.find("#links tbody tr")
    browser.execute_script("arguments[0].scrollIntoView()", row)
    w.shot("phone-row")
