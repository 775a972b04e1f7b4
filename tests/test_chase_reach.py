"""催办 to a unit nobody can be reached in — no account, no mailbox, no webhook — is
recorded as not delivered with the reason 无接收人, in the ledger, the CLI and the pages."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from luoshi.cli import cli
from luoshi.ledger import cycle, outbox, remind, units
from luoshi.ledger.db import Database
from luoshi.ledger.models import Notification
from luoshi.settings import Settings, WorkflowSettings
from tests.builders import ADMIN, World, build_world
from tests.test_web_pages import browser
from tests.web_support import WebWorld

SILENT = "市商务局"  # owes reports; no user account, mailbox or webhook in build_world


def open_and_chase(world: World, unit: str | None, files: Path) -> list[Notification]:
    settings = Settings(database_url="", workflow=WorkflowSettings(files_dir=str(files)))
    with world.db.transaction() as s:
        plan = world.plan(s)
        rnd = cycle.open_round(s, world.user(s, "boss"), plan, "2024-Q1", None)
        events = cycle.chase(s, world.user(s, "boss"), rnd, unit)
        remind.enqueue_chases(s, settings, rnd, events)
    with world.db.transaction() as s:
        rows = list(s.scalars(select(Notification).order_by(Notification.id)))
        s.expunge_all()
        return rows


def unit_id(world: World, name: str) -> int:
    with world.db.transaction() as s:
        return units.get_unit(s, name).id


def test_a_chase_no_one_can_read_is_failed_with_the_reason(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    rows = open_and_chase(world, None, tmp_path)
    by_unit = {n.unit_id: n for n in rows if n.channel == "inapp"}
    silent = by_unit[unit_id(world, SILENT)]
    assert silent.status == "failed" and silent.error is not None
    assert silent.error.startswith("无接收人") and SILENT in silent.error
    read = by_unit[unit_id(world, "市交通运输委")]  # port reads this unit's inbox
    assert read.status == "delivered" and read.error is None
    with db.transaction() as s:
        assert silent.id not in outbox.sendable(s, retry=True)  # in-app is never "resent"


def test_a_deactivated_last_account_leaves_no_reader(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    with db.transaction() as s:
        world.user(s, "school").active = False
    rows = open_and_chase(world, "市教委", tmp_path)
    assert [(n.channel, n.status) for n in rows] == [("inapp", "failed")]


def test_a_webhook_reaches_a_unit_without_accounts(db: Database, tmp_path: Path) -> None:
    world = build_world(db)
    with db.transaction() as s:
        units.edit_contacts(s, world.user(s, ADMIN), SILENT, None, "json://127.0.0.1:9/hook")
    rows = open_and_chase(world, SILENT, tmp_path)
    # The webhook reaches the unit; the in-app copy is not a failure then.
    assert {n.channel: (n.status, n.error) for n in rows} == {
        "webhook": ("pending", None),
        "inapp": ("delivered", None),
    }
    with db.transaction() as s:
        assert remind.unreachable(s, Settings(database_url=""), [unit_id(world, SILENT)]) == set()


def test_the_cli_says_who_was_not_reached_and_lists_it(database_url: str) -> None:
    db = Database.open(database_url)
    build_world(db)
    db.dispose()

    def run(*args: str) -> str:
        r = CliRunner().invoke(cli, ["--database-url", database_url, "--as", "boss", *args])
        assert r.exit_code == 0, r.output
        return r.output

    due = (date.today() + timedelta(days=5)).isoformat()
    run("rounds", "open", "t2024", "--period", "2024-Q1", "--due", due)
    chased = run("rounds", "chase", "1")
    assert "已催办 3 个单位" in chased and f"1 个单位无接收人，催办未送达：{SILENT}" in chased
    listed = run("notifications", "--status", "failed")
    assert "失败" in listed and "无接收人" in listed and SILENT in listed
    assert "已送达" not in listed


def test_the_pages_show_the_chase_as_not_delivered(web: WebWorld) -> None:
    boss, csrf = browser(web, "boss")
    r = boss.post(
        f"/plans/{web.world.plan_id}/rounds/open",
        data={"period": "2024-Q1", "csrf_token": csrf},
    )
    assert r.status_code == 200
    page = unescape(r.text)
    assert page.count('class="t-red no-reader"') == 1  # only 市商务局 of the three
    r = boss.post(str(r.url) + "/chase", data={"unit": SILENT, "csrf_token": csrf})
    assert r.status_code == 200
    listed = unescape(boss.get("/notifications?status=failed").text)
    assert SILENT in listed and "无接收人" in listed
