"""The newest schema revision, read from the migration files without Alembic.

Every ledger command opens the database and checks that its schema is the newest.
Alembic's own check imports Alembic and loads every migration module (about 0.7 s
on a busy machine); reading the ``revision``/``down_revision`` lines of the files
answers the common case, an up-to-date database, in a few milliseconds. Anything
else (no version table, an older revision, a branch) goes to Alembic.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

_REVISION = re.compile(r'^revision(?:: str)? = "([^"]+)"', re.M)
_DOWN = re.compile(r'^down_revision(?:: str \| None)? = "([^"]+)"', re.M)


@cache
def head_from_files() -> str | None:
    """The one revision no other revises; None when that is not clear-cut."""
    versions = resources.files("luoshi.ledger").joinpath("migrations", "versions")
    revisions: set[str] = set()
    revised: set[str] = set()
    for f in versions.iterdir():
        if not f.name.endswith(".py"):
            continue
        source = f.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev is None:
            return None
        revisions.add(rev.group(1))
        if down is not None:
            revised.add(down.group(1))
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def stored_revision(engine: Engine) -> str | None:
    """The revision the database records, or None (no table yet, or several rows)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return None
    return rows[0][0] if len(rows) == 1 else None


def is_current(engine: Engine) -> bool:
    head = head_from_files()
    return head is not None and stored_revision(engine) == head
