"""Shared fixtures: paths to ../shared (tests that need it skip cleanly when absent)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from luoshi.ledger.db import Database

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LUOSHI_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
GOLD = SHARED / "eval" / "gold"


def corpus_file(prefix: str) -> Path:
    """The corpus file whose name starts with ``prefix``; skip the test when absent."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")
    matches = sorted(CORPUS.glob(f"{prefix}*.txt"))
    if not matches:
        pytest.skip(f"no corpus file starting with {prefix}")
    return matches[0]


def gold_records(name: str) -> list[dict[str, Any]]:
    path = GOLD / name
    if not path.is_file():
        pytest.skip(f"gold file {name} is not available")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")
    return CORPUS


# -- the ledger database: a fresh one per test, on SQLite and (when configured) PostgreSQL --


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a fresh PostgreSQL schema when
    LUOSHI_TEST_DATABASE_URL is set (run them with ``pytest -m postgres``)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    base = os.environ.get("LUOSHI_TEST_DATABASE_URL")
    if not base:
        pytest.skip("LUOSHI_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.open(database_url)
    yield database
    database.dispose()


# -- the web app: cheap password hashing (argon2's defaults cost ~50 ms a hash) --


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    from luoshi.ledger import users

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", lambda: cheap)


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Any]:
    from tests.web_support import web_world

    w = web_world(tmp_path)
    yield w
    w.db.dispose()
