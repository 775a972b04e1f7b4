"""Builders for web tests: an app on a fresh SQLite file, signed-in clients of every role."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from luoshi.ledger import users
from luoshi.ledger.db import Database
from luoshi.settings import HealthRules, Settings, WebSettings
from luoshi.web.app import create_app
from tests.builders import ADMIN, World, build_world

PASSWORD = "correct-horse-9"
API = "/api/v1"


@dataclass
class WebWorld:
    """The ledger world of tests.builders behind an app, with everyone's password set."""

    app: FastAPI
    world: World
    db: Database
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, **kw: Any) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False, **kw)

    def token(self, username: str) -> str:
        if username not in self.tokens:
            r = self.client().post(
                f"{API}/auth/login", json={"username": username, "password": PASSWORD}
            )
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["token"]
        return self.tokens[username]

    def as_user(self, username: str) -> TestClient:
        """A client calling with ``username``'s bearer token."""
        return self.client(headers={"Authorization": f"Bearer {self.token(username)}"})

    def task_id(self, code: str) -> int:
        with self.db.transaction() as s:
            return self.world.task(s, code).id


def make_app(
    tmp_path: Path, rules: HealthRules | None = None, **web: Any
) -> tuple[FastAPI, Database]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        web=WebSettings(**web),
        health=rules or HealthRules(),
    )
    db = Database.open(settings.database_url, rules=settings.health)
    return create_app(settings, db), db


def web_world(tmp_path: Path, rules: HealthRules | None = None, **web: Any) -> WebWorld:
    app, db = make_app(tmp_path, rules, **web)
    world = build_world(db)
    with db.transaction() as s:
        admin = users.get_user(s, ADMIN)
        for name in (ADMIN, "boss", "port", "school", "reader"):
            users.set_password(s, admin, users.get_user(s, name), PASSWORD)
    return WebWorld(app, world, db)


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The one error shape: {"error": {"code", "message", "details"}}."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    err: dict[str, Any] = body["error"]
    return err
