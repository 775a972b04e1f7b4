"""Opening the ledger database: engine, SQLite pragmas, one transaction per unit of work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.orm import Session as Session  # re-exported: the type of a unit of work
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from luoshi.errors import Busy, Conflict, InputError

# What a unique key of each ledger table means, for "已存在…". Tables not listed (web
# sessions, secrets) keep the IntegrityError: their callers handle the race themselves.
_DUPLICATES = {
    "units": "同名的单位",
    "plans": "同名的计划",
    "users": "同名的用户",
    "rounds": "同一期间的调度",
    "tasks": "同一编号的任务",
    "task_co_units": "相同的配合单位",
    "documents": "内容相同的文件",
}
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.")
_PG_UNIQUE_VIOLATION = "23505"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL and foreign keys on every connection."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(f"数据库地址「{url}」无法识别") from None
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # A web server's threads each hold a connection while they read; connections
        # opened past the pool would be closed again and reopened, PRAGMAs and all.
        options = {"pool_size": 32, "max_overflow": 32}
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, ImportError) as e:
        raise InputError(f"数据库地址「{url}」无法使用：{e}") from None
    if parsed.get_backend_name() == "sqlite":
        file_backed = parsed.database not in (None, "", ":memory:")
        event.listen(engine, "connect", _sqlite_pragmas(file_backed))
    return engine


def _sqlite_pragmas(file_backed: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        if file_backed:
            # WAL lets readers go on while one writer commits.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return on_connect


class Database:
    """The ledger's database: hands out one transaction per unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, upgrade: bool = True) -> Database:
        """Connect to ``url`` and, unless told otherwise, migrate it to the newest schema."""
        db = cls(make_engine(url))
        if upgrade:
            db.upgrade()
        return db

    def upgrade(self) -> bool:
        """Migrate to the newest schema; False when it already was."""
        from luoshi.ledger.migrate import upgrade_to_head

        try:
            return upgrade_to_head(self.engine)
        except OperationalError as e:
            url = self.engine.url.render_as_string(hide_password=True)
            raise InputError(f"无法打开数据库 {url}：{e.orig}") from None

    def revision(self) -> str | None:
        from luoshi.ledger.migrate import current_revision

        try:
            return current_revision(self.engine)
        except OperationalError as e:
            url = self.engine.url.render_as_string(hide_password=True)
            raise InputError(f"无法打开数据库 {url}：{e.orig}") from None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed together at the end, or not at all."""
        try:
            with self._sessions.begin() as session:
                yield session
        except StaleDataError:
            # Another writer committed between our read and our write.
            raise Conflict("数据已被他人修改，本次修改未保存，请刷新后重试") from None
        except IntegrityError as e:
            # Two people adding the same unit (or round, plan…) at once: both checked
            # that it did not exist, and the unique key stopped the second.
            what = _DUPLICATES.get(_unique_violation_table(e) or "")
            if what is None:
                raise
            raise Conflict(f"已存在{what}，本次修改未保存，请刷新后重试") from None
        except OperationalError as e:
            # SQLite allows one writer at a time; after busy_timeout the loser gets
            # "database is locked". Nothing was written: say so, and to try again.
            if "locked" in str(e.orig) or "busy" in str(e.orig):
                raise Busy("数据库正忙（另一项修改正在保存），本次修改未保存，请稍后重试") from None
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def _unique_violation_table(e: IntegrityError) -> str | None:
    """The table whose unique key ``e`` violated; None for other integrity errors."""
    if getattr(e.orig, "sqlstate", None) == _PG_UNIQUE_VIOLATION:
        table = getattr(getattr(e.orig, "diag", None), "table_name", None)
        return table if isinstance(table, str) else None
    m = _SQLITE_UNIQUE.search(str(e.orig))
    return m[1] if m else None
