"""Alembic, configured in code: the migrations ship inside the package."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine


def alembic_config(connection: Connection | None = None) -> Config:
    """A Config that finds ``luoshi/ledger/migrations`` wherever the package is installed."""
    cfg = Config()
    location = resources.files("luoshi.ledger").joinpath("migrations")
    cfg.set_main_option("script_location", str(location))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine) -> bool:
    """Bring the schema to the newest revision; False when it already was."""
    if current_revision(engine) == head_revision():
        return False
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return True
