"""The engine for a database URL, with SQLite's pragmas: SQLAlchemy's core only, so
that ``luoshi serve`` can check the schema before it loads the ORM and the models."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Engine, String, bindparam, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from luoshi.errors import InputError

# How SQLite commits (PRAGMA synchronous): FULL syncs the write-ahead log to disk at
# every commit, so an acknowledged write survives a power cut; NORMAL syncs only at
# checkpoints, faster, and a power cut (not a crash of the server) may roll back the
# last commits.
SYNCHRONOUS = ("FULL", "NORMAL", "EXTRA")


def make_engine(url: str, synchronous: str = "FULL") -> Engine:
    """An engine for ``url``; SQLite files get WAL and foreign keys on every connection."""
    if synchronous.upper() not in SYNCHRONOUS:
        raise InputError(f"SQLite 同步方式「{synchronous}」无效，可选：{'、'.join(SYNCHRONOUS)}")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(f"数据库地址「{url}」无法识别") from None
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # A web server's threads each hold a connection while they read; connections
        # opened past the pool would be closed again and reopened, PRAGMAs and all.
        options = {"pool_size": 32, "max_overflow": 32}
    elif parsed.get_backend_name() != "sqlite":
        # A server restarted since a connection was pooled: found before it is used.
        options = {"pool_pre_ping": True}
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, ImportError) as e:
        raise InputError(f"数据库地址「{url}」无法使用：{e}") from None
    if parsed.get_backend_name() == "sqlite":
        file_backed = parsed.database not in (None, "", ":memory:")
        event.listen(engine, "connect", _sqlite_pragmas(file_backed, synchronous.upper()))
        if file_backed:
            from luoshi.ledger import write_gate

            write_gate.install(engine)
    return engine


def _sqlite_pragmas(file_backed: bool, synchronous: str) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        if file_backed:
            # WAL lets readers go on while one writer commits.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()

    return on_connect


def has_stale_plans(engine: Engine, day: date, rules_key: str) -> bool:
    """Whether a plan's kept figures are not those of ``day`` and the rules (or it has
    none), asked with the core alone (``read.state.stale_plans`` says which)."""
    q = text(
        "SELECT 1 FROM plans WHERE id NOT IN "
        "(SELECT plan_id FROM plan_state WHERE day = :day AND rules = :rules)"
    ).bindparams(bindparam("day", type_=Date), bindparam("rules", type_=String))
    with engine.connect() as c:
        return c.execute(q, {"day": day, "rules": rules_key}).first() is not None
