"""While the database cannot be reached the app answers 503 in the one error shape;
after PostgreSQL restarts, no request fails on a dead pooled connection."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from luoshi.errors import Unavailable
from luoshi.ledger.db import Database, make_engine
from luoshi.settings import Settings, WebSettings
from luoshi.web.app import create_app
from tests.web_support import API, assert_error

# Nothing listens on port 1: PostgreSQL as seen while it is down.
DOWN = "postgresql+psycopg://luoshi@127.0.0.1:1/luoshi"


def test_an_unreachable_database_is_unavailable_not_an_error() -> None:
    db = Database(make_engine(DOWN))
    with pytest.raises(Unavailable, match="数据库暂时无法连接"), db.transaction() as s:
        s.execute(text("SELECT 1"))
    db.dispose()


def test_the_app_answers_503_while_the_database_is_down() -> None:
    settings = Settings(database_url=DOWN, web=WebSettings(secret_key="k" * 32))
    db = Database(make_engine(DOWN))
    client = TestClient(create_app(settings, db), raise_server_exceptions=False)
    api = client.get(f"{API}/me", headers={"Authorization": "Bearer some-token"})
    assert assert_error(api, 503, "unavailable")["message"].startswith("数据库暂时无法连接")
    login = client.post(f"{API}/auth/login", json={"username": "a", "password": "b" * 12})
    assert_error(login, 503, "unavailable")
    page = client.get("/public", headers={"Accept": "text/html"})
    assert page.status_code == 503 and "数据库暂时无法连接" in page.text
    assert client.get("/login").status_code == 200  # needs no database
    db.dispose()


@pytest.mark.postgres
def test_a_pooled_connection_killed_by_a_restart_is_replaced(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the pool's pre-ping matters on PostgreSQL")
    with db.transaction() as s:  # a connection now waits in the pool
        pooled = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
    # What a restart does to the pooled connection: the server ends it.
    admin = create_engine(db.engine.url)
    with admin.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pooled})
    admin.dispose()
    for _ in range(3):
        with db.transaction() as s:
            assert s.execute(text("SELECT pg_backend_pid()")).scalar_one() != pooled
