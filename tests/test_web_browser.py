"""The whole cycle in headless Chromium against ``luoshi serve`` on a loopback port:
sign in, upload a document, build a plan, report as a unit, accept as a supervisor,
see the dashboard change, assign the task. A screenshot of each page goes to
test-output/screenshots/.

Uses Debian's chromium and chromium-driver (``make test`` installs them); skipped
with the reason when they are absent.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from luoshi.ledger import units, users
from luoshi.ledger.db import Database
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "browser-pass-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``luoshi serve`` on a free loopback port, on a database with a supervisor and a
    reporter of 市交通运输委; yields the base URL."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    db = Database.open(url)
    with db.transaction() as s:
        root = users.local_admin(s, "local-admin")
        units.ensure_units(s, root, ["市交通运输委"])
        users.add_user(s, root, "boss", "supervisor", "王督查", None, PASSWORD)
        users.add_user(s, root, "port", "reporter", "港口填报员", "市交通运输委", PASSWORD)
    db.dispose()
    port = free_port()
    luoshi = Path(sys.executable).parent / "luoshi"
    env = {**os.environ, "LUOSHI_DATABASE_URL": url}
    proc = subprocess.Popen(
        # One worker starts soonest on a loaded machine; background jobs are threads.
        [str(luoshi), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=env,
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


def wait_for(port: int, proc: subprocess.Popen[bytes], seconds: float = 180) -> None:
    """Until the app answers a request (not only listens): a loaded machine may take a
    long while to start two workers, hence the generous limit, polled every 0.2 s."""
    import urllib.error
    import urllib.request

    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            raise AssertionError(f"luoshi serve exited: {out}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                if r.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"luoshi serve did not answer within {seconds:.0f} s")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("chromium / chromium-driver not installed (make test installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=1366,1000", f"--user-data-dir={tmp_path / 'profile'}",
        "--lang=zh-CN",
    ):  # fmt: skip
        options.add_argument(arg)
    # The driver is given, so selenium-manager never downloads one.
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def replaced(el: object) -> Any:
    """A wait condition: ``el``'s page has been replaced. While the old page is torn down,
    chromedriver sometimes answers "Node with given id does not belong to the document"
    (an unknown error) instead of a stale element: that is replaced too."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def check(_driver: object) -> bool:
        try:
            el.is_enabled()  # type: ignore[attr-defined]
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            if "does not belong to the document" in str(e):
                return True
            raise
        return False

    return check


class Walk:
    """A person at the browser: navigation, forms, and a screenshot of every page."""

    def __init__(self, driver: object, base: str, name: str = "cycle") -> None:
        self.d = driver
        self.base = base
        self.shots = 0
        # Each walk its own folder, so one walk does not wipe another's screenshots.
        self.dir = SHOTS / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)

    def go(self, path: str) -> None:
        self.d.get(self.base + path)  # type: ignore[attr-defined]

    def find(self, css: str) -> object:
        from selenium.common.exceptions import NoSuchElementException
        from selenium.webdriver.common.by import By

        try:
            return self.d.find_element(By.CSS_SELECTOR, css)  # type: ignore[attr-defined]
        except NoSuchElementException:
            # Keep what the page showed instead, to see why.
            self.shot(f"missing-{css.strip('#.').replace(' ', '_')[:30]}")
            (self.dir / "last-failure.html").write_text(self.page, encoding="utf-8")
            raise

    def text(self, css: str) -> str:
        return str(self.find(css).text)  # type: ignore[attr-defined]

    def type(self, css: str, value: str) -> None:
        el = self.find(css)
        el.clear()  # type: ignore[attr-defined]
        el.send_keys(value)  # type: ignore[attr-defined]

    def click(self, css: str) -> None:
        """Click, and wait until the page the click leads to has replaced this one."""
        from selenium.webdriver.support.ui import WebDriverWait

        el = self.find(css)
        el.click()  # type: ignore[attr-defined]
        WebDriverWait(self.d, 15).until(replaced(el))

    def shot(self, name: str) -> None:
        self.shots += 1
        path = self.dir / f"{self.shots:02d}-{name}.png"
        assert self.d.save_screenshot(str(path))  # type: ignore[attr-defined]

    @property
    def page(self) -> str:
        return str(self.d.page_source)  # type: ignore[attr-defined]

    def login(self, username: str) -> None:
        self.go("/login")
        self.type("#username", username)
        self.type("#password", PASSWORD)
        self.click("#login-submit")
        assert username in self.page or "whoami" in self.page

    def logout(self) -> None:
        self.click("#logout")
        assert "login-submit" in self.page


def test_the_reporting_cycle_in_a_browser(server: str, browser: object) -> None:
    w = Walk(browser, server)
    w.go("/")
    assert "/login" in browser.current_url  # type: ignore[attr-defined]
    w.shot("login")
    w.login("boss")
    assert "王督查" in w.text("#whoami")

    # Upload the sample report and read it: outline beside, quantities highlighted.
    w.go("/documents")
    sample = resources.files("luoshi.data").joinpath("demo/sample_report.txt")
    w.find("#upload-file").send_keys(str(sample))  # type: ignore[attr-defined]
    w.shot("documents")
    w.click("#upload-submit")
    assert "临江市2025年政府工作报告" in w.page and "mark" in w.page
    w.shot("reading-view")

    # Build a plan from it, then search the ledger for a two-character word.
    w.type("#plan-name", "lj2025")
    w.click("#build-submit")
    ledger_url = str(browser.current_url)  # type: ignore[attr-defined]
    assert ledger_url.endswith("/ledger")
    assert "草稿" in w.text("#plan-state")  # a new plan is a draft, on no dashboard
    w.shot("ledger-draft")
    w.click("#activate-plan")
    assert "启用" in w.text("#plan-state")
    w.shot("ledger")
    w.type("#q", "港口")
    w.click("#filter-submit")
    assert int(w.text("#total")) >= 2 and "提升港口能级" in w.page
    w.shot("ledger-search")

    # Open a reporting round.
    w.go("/rounds")
    w.type("#period", "2025-Q4")
    w.click("#open-round-submit")
    assert "市交通运输委" in w.text("#pending")
    w.shot("round")
    w.go("/")
    done_before = int(w.text("#count-done"))
    overall_before = w.text("#overall")
    w.logout()

    # The unit's reporter sees only its own tasks and reports on one of them.
    w.login("port")
    w.go("/rounds")
    mine = w.text("#my-tasks")
    assert "集装箱吞吐量突破450万标准箱" in mine and "养老床位" not in mine
    w.shot("reporter-tasks")
    form = w.find("#my-tasks form")
    task_id = form.get_attribute("action").split("/")[-2]  # type: ignore[attr-defined]
    w.type(f"#percent-{task_id}", "100")
    w.type(f"#narrative-{task_id}", "全年目标已完成")
    w.click(f"#report-{task_id}")
    assert "✓" in w.text("#my-tasks")
    w.go(f"/tasks/{task_id}")
    assert "全年目标已完成" in w.text("#reports")
    w.shot("task-reported")
    w.logout()

    # The supervisor accepts it; the dashboard shows the task done.
    w.login("boss")
    w.go("/review")
    assert "全年目标已完成" in w.text("#review-queue")
    w.shot("review")
    w.click("#review-queue button.ok")
    assert "全年目标已完成" not in w.text("#review-queue")
    w.go("/")
    assert int(w.text("#count-done")) == done_before + 1
    assert w.text("#overall") != overall_before
    w.shot("dashboard")
    w.go(f"/tasks/{task_id}")
    assert "已通过" in w.text("#reports") and "通过" in w.text("#audit")
    w.shot("task-accepted")

    # Assign it on the task page: a responsible person and one more co-unit.
    from selenium.webdriver.support.ui import Select

    w.type("#edit-person", "张三")
    from selenium.webdriver.common.by import By

    lead = Select(w.find("#edit-lead-unit")).first_selected_option.text
    boxes = w.find("#edit-co-units").find_elements(By.CSS_SELECTOR, "input[type=checkbox]")  # type: ignore[attr-defined]
    box = next(b for b in boxes if not b.is_selected() and b.get_attribute("value") != lead)
    extra = str(box.get_attribute("value"))
    # Typing part of its name narrows the list (luoshi.js), the box stays reachable.
    w.type("#edit-co-units .picklist-filter", extra[1:3])
    box.click()
    browser.execute_script("document.getElementById('edit').scrollIntoView()")  # type: ignore[attr-defined]
    w.shot("task-edit-form")
    w.click("#edit-submit")
    assert "修改已保存" in w.text("#notice")
    assert "张三" in w.text("dl.facts") and extra in w.text("dl.facts")
    assert "修改" in w.text("#audit") and "责任人" in w.text("#audit")
    w.shot("task-assigned")
    w.click("a[href^='/lang/en']")
    assert "Dashboard" in w.page
    w.shot("task-english")
    w.click("a[href^='/lang/zh']")

    # Publish the plan; anyone can then read it without signing in.
    browser.get(ledger_url)  # type: ignore[attr-defined]
    w.click("#toggle-public")
    assert "确定公开吗" in w.text("#confirm-question")  # a confirmation first
    w.shot("confirm-publish")
    w.click("#confirm-yes")
    w.logout()
    w.go(
        ledger_url.removeprefix(server).replace("/plans/", "/public/plans/").removesuffix("/ledger")
    )
    assert "集装箱吞吐量" in w.text("#public-tasks") and "whoami" not in w.page
    w.shot("public")
