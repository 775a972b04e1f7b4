"""``luoshi serve`` migrates before any worker starts, and brings kept figures to today
and starts reminders only once a worker answers (issue 15: serve starts in under 2 s)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from luoshi.cli import web_cmds
from luoshi.cli.context import AppContext
from luoshi.ledger.engine import make_engine
from luoshi.ledger.migrate import current_revision, head_revision
from luoshi.settings import HealthRules, Settings


def app_for(tmp_path: Path) -> AppContext:
    return AppContext(Settings(database_url=f"sqlite:///{tmp_path / 'serve.db'}"))


def test_serve_migrates_a_new_database_before_starting(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    web_cmds.migrate(app)
    engine = make_engine(app.settings.database_url)
    assert current_revision(engine) == head_revision()
    web_cmds.migrate(app)  # already current: seen without Alembic, nothing changes
    assert current_revision(engine) == head_revision()
    engine.dispose()


class Answer(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_the_start_up_work_waits_for_a_worker_to_answer() -> None:
    server = HTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        assert web_cmds.wait_answering("127.0.0.1", port, threading.Event(), timeout=10)
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_stopped_before_answering_skips_the_start_up_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped = threading.Event()
    stopped.set()
    port = free_port()
    assert not web_cmds.wait_answering("127.0.0.1", port, stopped, timeout=10)
    ran: list[str] = []
    monkeypatch.setattr(web_cmds, "refresh_stale", lambda *a: ran.append("refresh"))
    monkeypatch.setattr(web_cmds, "start_reminders", lambda *a: ran.append("reminders"))
    web_cmds.after_start(app_for(tmp_path), True, ("127.0.0.1", port), stopped)
    assert ran == []


def test_once_a_worker_answers_figures_are_refreshed_then_reminders_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(tmp_path)
    web_cmds.migrate(app)
    ran: list[str] = []
    monkeypatch.setattr(web_cmds, "wait_answering", lambda *a: True)
    monkeypatch.setattr(web_cmds, "refresh_stale", lambda *a: ran.append("refresh"))
    monkeypatch.setattr(web_cmds, "start_reminders", lambda *a: ran.append("reminders"))
    web_cmds.after_start(app, True, ("127.0.0.1", 1), threading.Event())
    assert ran == ["refresh", "reminders"]
    ran.clear()
    web_cmds.after_start(app, False, ("127.0.0.1", 1), threading.Event())
    assert ran == ["refresh"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_stale_kept_figures_are_seen_before_the_workers_start(tmp_path: Path) -> None:
    """A plan whose figures are for another day (or rules) is brought to today before
    the server listens; fresh ones are told apart with the core alone."""
    from luoshi.ledger.db import Database
    from luoshi.ledger.models import PlanState
    from luoshi.ledger.read.state import stale_plans
    from tests.builders import build_cycle

    app = app_for(tmp_path)
    db = Database.open(app.settings.database_url, rules=app.settings.health)
    c = build_cycle(db)
    assert not web_cmds.migrate(app)  # fresh: built today with these rules
    with db.transaction() as s:
        s.get_one(PlanState, c.world.plan_id).day = date(2024, 1, 1)
    assert web_cmds.migrate(app)
    web_cmds.refresh_stale(db, app)
    with db.transaction() as s:
        assert stale_plans(s, app.settings.health, date.today()) == []
    assert not web_cmds.migrate(app)
    other = AppContext(replace(app.settings, health=HealthRules(green_within=5.0)))
    assert web_cmds.migrate(other)  # other rules: not these figures
    db.dispose()
