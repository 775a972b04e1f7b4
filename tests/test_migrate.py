"""Migrations: the packaged Alembic scripts build the schema the models describe."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from luoshi.ledger.db import Database, make_engine
from luoshi.ledger.migrate import current_revision, head_revision, upgrade_to_head
from luoshi.ledger.models import Base


def test_open_upgrades_to_head_and_matches_the_models(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert not upgrade_to_head(db.engine)  # already there


def test_sqlite_gets_wal_and_foreign_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a relative URL resolves against the cwd
    db = Database.open("sqlite:///./luoshi.db")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()
    assert (tmp_path / "luoshi.db").is_file()


def test_a_fresh_engine_is_empty_until_upgraded(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert current_revision(engine) is None
    assert upgrade_to_head(engine)
    assert "tasks" in inspect(engine).get_table_names()
    engine.dispose()


def test_the_files_name_the_same_head_as_alembic(db: Database) -> None:
    from luoshi.ledger.schema_head import head_from_files, is_current, stored_revision

    assert head_from_files() == head_revision()
    assert stored_revision(db.engine) == head_revision() and is_current(db.engine)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert not is_current(db.engine)  # an older schema goes to Alembic


def test_opening_an_up_to_date_database_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'l.db'}"
    Database.open(url)
    probe = (
        "import sys; from luoshi.ledger.db import Database; "
        f"Database.open({url!r}); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
