"""A round (调度) due before the day it is opened is refused, with the date named, in the
ledger, the CLI, the API and the page alike; the clock is set through ledger.clock."""

from __future__ import annotations

from datetime import date
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from luoshi.cli import cli
from luoshi.errors import InputError
from luoshi.ledger import clock, cycle
from luoshi.ledger.db import Database
from luoshi.ledger.models import Round
from tests.builders import build_world
from tests.test_web_pages import browser
from tests.web_support import API, WebWorld, assert_error

TODAY = date(2026, 3, 15)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def rounds_in(db: Database) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(Round)) or 0


def test_the_ledger_refuses_a_due_date_in_the_past_and_takes_today(db: Database) -> None:
    world = build_world(db)
    with pytest.raises(InputError, match="2026-03-14 已经过去") as e, db.transaction() as s:
        cycle.open_round(s, world.user(s, "boss"), world.plan(s), "2026-Q1", date(2026, 3, 14))
    assert e.value.fields == ("due",) and rounds_in(db) == 0
    with db.transaction() as s:
        rnd = cycle.open_round(s, world.user(s, "boss"), world.plan(s), "2026-Q1", TODAY)
        assert rnd.due == TODAY


def test_a_replayed_history_may_open_a_round_on_an_earlier_day(db: Database) -> None:
    world = build_world(db)
    due = date(2024, 4, 10)
    with db.transaction() as s:
        plan = world.plan(s)
        cycle.open_round(s, world.user(s, "boss"), plan, "2024-Q1", due, opened_on=due)
    assert rounds_in(db) == 1


def test_the_cli_says_which_date_is_past(database_url: str, tmp_path: Path) -> None:
    db = Database.open(database_url)
    build_world(db)
    args = ["--database-url", database_url, "--as", "boss", "rounds", "open", "t2024"]
    past = CliRunner().invoke(cli, [*args, "--period", "2026-Q1", "--due", "2025-12-31"])
    assert past.exit_code != 0 and "错误：" in past.output
    assert "2025-12-31 已经过去" in past.output and rounds_in(db) == 0
    ahead = CliRunner().invoke(cli, [*args, "--period", "2026-Q1", "--due", "2026-04-10"])
    assert ahead.exit_code == 0, ahead.output
    assert rounds_in(db) == 1
    db.dispose()


def test_the_api_answers_422_naming_the_date(web: WebWorld) -> None:
    url = f"{API}/plans/{web.world.plan_id}/rounds"
    r = web.as_user("boss").post(url, json={"period": "2026-Q1", "due": "2026-01-05"})
    err = assert_error(r, 422, "invalid_input")
    assert "2026-01-05" in err["message"] and "已经过去" in err["message"]
    assert rounds_in(web.db) == 0


def test_the_page_shows_the_refusal_at_the_form_with_the_fields_kept(web: WebWorld) -> None:
    boss, csrf = browser(web, "boss")
    r = boss.post(
        f"/plans/{web.world.plan_id}/rounds/open",
        data={"period": "2026-Q1", "due": "2026-02-01", "csrf_token": csrf},
    )
    assert r.status_code == 422
    text = unescape(r.text)
    assert 'id="problem"' in text and "2026-02-01 已经过去" in text
    assert 'value="2026-Q1"' in text and 'value="2026-02-01"' in text
    assert rounds_in(web.db) == 0
