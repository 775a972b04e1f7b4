"""Reminders reach people: ``luoshi remind`` against a local SMTP sink (aiosmtpd) and a
local webhook receiver, started here — one email and one post per unit, once a day;
a dead mail server is a recorded failure and a non-zero exit."""

from __future__ import annotations

import contextlib
import email
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select

from luoshi.cli import cli
from luoshi.ledger import cycle, units
from luoshi.ledger.db import Database
from luoshi.ledger.models import Notification
from tests.builders import ADMIN, build_world


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Sink:
    """What the SMTP sink received: (recipients, subject, body) per message."""

    mails: list[tuple[list[str], str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content)
        subject = str(make_header(decode_header(msg["Subject"])))
        parts = [p for p in msg.walk() if p.get_content_type() == "text/plain"]
        body = parts[0].get_payload(decode=True).decode("utf-8") if parts else ""
        self.mails.append((list(envelope.rcpt_tos), subject, body))
        return "250 OK"


class Hooks(BaseHTTPRequestHandler):
    posts: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def do_POST(self) -> None:
        n = int(self.headers["content-length"])
        Hooks.posts.append((self.path, json.loads(self.rfile.read(n))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, Controller]]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield sink, controller
    with contextlib.suppress(AssertionError, RuntimeError):
        controller.stop()  # unless the test stopped it already


@pytest.fixture
def hooks() -> Iterator[int]:
    Hooks.posts = []
    server = HTTPServer(("127.0.0.1", free_port()), Hooks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_remind_the_day_before_a_round_is_due(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    smtp: tuple[Sink, Controller],
    hooks: int,
) -> None:
    sink, controller = smtp
    url = f"sqlite:///{tmp_path / 'remind.db'}"
    monkeypatch.setenv("LUOSHI_DATABASE_URL", url)
    monkeypatch.setenv(
        "LUOSHI_SMTP_URL", f"smtp://127.0.0.1:{controller.port}?from=duban@example.gov"
    )
    monkeypatch.setenv("LUOSHI_FILES_DIR", str(tmp_path / "files"))
    due = date.today() + timedelta(days=1)
    db = Database.open(url)
    world = build_world(db)
    with db.transaction() as s:
        admin = world.user(s, ADMIN)
        for name, mail, path in (
            ("市交通运输委", "port@example.gov", "/port"),
            ("市商务局", "trade@example.gov", "/trade"),
            ("市教委", "school@example.gov", "/school"),
        ):
            units.edit_contacts(s, admin, name, mail, f"http://127.0.0.1:{hooks}{path}")
        cycle.open_round(s, world.user(s, "boss"), world.plan(s), "2024-Q1", due)
    db.dispose()
    day = (due - timedelta(days=1)).isoformat()

    first = CliRunner().invoke(cli, ["remind", "--as-of", day])
    assert first.exit_code == 0, first.output
    rounds = [m for m in sink.mails if "填报提醒" in m[1]]
    by_unit = {m[0][0]: m for m in rounds}
    assert sorted(by_unit) == ["port@example.gov", "school@example.gov", "trade@example.gov"]
    assert len(rounds) == 3  # exactly one each
    assert (
        "1.1.1.1" in by_unit["port@example.gov"][2] and "1.1.1.2" in by_unit["port@example.gov"][2]
    )
    assert "1.2.1" in by_unit["school@example.gov"][2]
    posts = [(p, body) for p, body in Hooks.posts if "填报提醒" in body["title"]]
    assert sorted(p for p, _ in posts) == ["/port", "/school", "/trade"]
    assert "1.1.2.1" in next(b["message"] for p, b in posts if p == "/trade")

    mails, hooks_seen = len(sink.mails), len(Hooks.posts)
    again = CliRunner().invoke(cli, ["remind", "--as-of", day])
    assert again.exit_code == 0, again.output
    assert (len(sink.mails), len(Hooks.posts)) == (mails, hooks_seen)  # nothing sent twice

    # A chase the same day reaches the unit at once; then the mail server dies.
    controller.stop()
    chased = CliRunner().invoke(
        cli, ["rounds", "chase", "1", "--unit", "市商务局", "--note", "请今天报"]
    )
    assert chased.exit_code == 0, chased.output
    assert "发送失败" in chased.stderr
    assert any(
        b["title"].startswith("【催办") and "请今天报" in b["message"] for _p, b in Hooks.posts
    )
    db = Database.open(url)
    with db.transaction() as s:
        failed = s.scalars(select(Notification).where(Notification.status == "failed")).all()
        assert [(n.kind, n.channel) for n in failed] == [("chase", "email")]
        assert "Connection refused" in (failed[0].error or "")
    db.dispose()

    # The next day's reminders: the failure is recorded, the command says so in one line.
    later = CliRunner().invoke(cli, ["remind", "--as-of", due.isoformat()])
    assert later.exit_code != 0
    error_lines = [x for x in later.stderr.splitlines() if x.startswith("错误：")]
    assert len(error_lines) == 1 and "发送失败" in error_lines[0]
    listed = CliRunner().invoke(cli, ["notifications", "--jsonl", "--status", "failed"])
    records = [json.loads(x) for x in listed.stdout.splitlines()]
    assert records and all(r["error"] for r in records)
    assert {r["kind"] for r in records} >= {"round", "chase"}
