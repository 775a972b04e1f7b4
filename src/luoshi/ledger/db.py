"""Opening the ledger database (the engine is ``engine.py``'s): one transaction per unit of work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, event, inspect, literal, select, table
from sqlalchemy.exc import (
    DatabaseError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.orm import Session as Session  # re-exported: the type of a unit of work
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from luoshi.errors import Busy, Conflict, InputError, Unavailable
from luoshi.ledger import audit_chain
from luoshi.ledger.engine import SYNCHRONOUS as SYNCHRONOUS  # re-exported
from luoshi.ledger.engine import make_engine as make_engine  # re-exported
from luoshi.settings import HealthRules

# Where a transaction's session lists the rows its audit events name (``audit.record``).
TOUCHED = "luoshi.touched"

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
    "organisations": "同名的组织",
    "task_links": "相同的对接",
    "target_shares": "相同的目标份额",
}
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.")
_PG_UNIQUE_VIOLATION = "23505"


class Database:
    """The ledger's database: hands out one transaction per unit of work.

    Before a transaction commits, the figures its writes change are brought up to date
    in it (``read.touch.maintain``), measured with ``rules``."""

    def __init__(self, engine: Engine, rules: HealthRules | None = None) -> None:
        self.engine = engine
        self.rules = rules or HealthRules()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Audit events are chained and inserted last, when a transaction commits.
        event.listen(self._sessions, "before_commit", audit_chain.seal)
        event.listen(self._sessions, "after_rollback", audit_chain.discard)

    @classmethod
    def open(
        cls,
        url: str,
        upgrade: bool = True,
        rules: HealthRules | None = None,
        synchronous: str = "FULL",
    ) -> Database:
        """Connect to ``url`` and, unless told otherwise, migrate it to the newest schema."""
        db = cls(make_engine(url, synchronous), rules)
        if upgrade:
            db.upgrade()
        return db

    def upgrade(self) -> bool:
        """Migrate to the newest schema; False when it already was."""
        from luoshi.ledger.schema_head import is_current

        try:
            if is_current(self.engine):
                return False  # the common case, answered without importing Alembic
            from luoshi.ledger.migrate import upgrade_to_head

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
        with _translated(), self._sessions.begin() as session:
            yield session
            touched = session.info.pop(TOUCHED, None)
            if touched:
                from luoshi.ledger.read.touch import maintain

                # Chain the events first: the kept figures read this transaction's
                # own (a lead unit's assignment day comes from the audit trail).
                audit_chain.seal(session)
                maintain(session, self.rules, touched)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for a few core statements that only read: no ORM session to
        set up (a third of a millisecond, asked on every request to resume its
        session). Its errors are those of ``transaction``."""
        with _translated(), self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _translated() -> Iterator[None]:
    """The database's errors as the ledger's: a conflict, busy, or unreachable."""
    try:
        yield
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
        if "locked" in str(e.orig) or "busy" in str(e.orig) or _retryable(e):
            raise Busy("数据库正忙（另一项修改正在保存），本次修改未保存，请稍后重试") from None
        if _unreachable(e):
            raise Unavailable(UNREACHABLE) from None
        raise
    except (InterfaceError, DisconnectionError):
        raise Unavailable(UNREACHABLE) from None


UNREACHABLE = "数据库暂时无法连接，本次操作未完成，请稍后重试；如持续出现请联系管理员"
# SQLSTATE classes and codes: 08 connection exceptions; 57P01-57P03 the server
# shutting down, crashed or starting; 40001/40P01 a serialisation failure or deadlock.
_UNREACHABLE_STATES = ("57P01", "57P02", "57P03")
_RETRYABLE_STATES = ("40001", "40P01")


def _sqlstate(e: DBAPIError) -> str | None:
    state = getattr(e.orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def _unreachable(e: DBAPIError) -> bool:
    """Whether ``e`` says the server cannot be reached (rather than the SQL is wrong)."""
    if e.connection_invalidated:
        return True
    state = _sqlstate(e)
    if state is None:
        # psycopg gives no SQLSTATE when it cannot connect at all; sqlite3 never does.
        return not type(e.orig).__module__.startswith("sqlite3")
    return state.startswith("08") or state in _UNREACHABLE_STATES


def _retryable(e: DBAPIError) -> bool:
    return _sqlstate(e) in _RETRYABLE_STATES


def _unique_violation_table(e: IntegrityError) -> str | None:
    """The table whose unique key ``e`` violated; None for other integrity errors."""
    if getattr(e.orig, "sqlstate", None) == _PG_UNIQUE_VIOLATION:
        table = getattr(getattr(e.orig, "diag", None), "table_name", None)
        return table if isinstance(table, str) else None
    m = _SQLITE_UNIQUE.search(str(e.orig))
    return m[1] if m else None


# Tables that a database holding no ledger still has rows in.
_BOOKKEEPING = ("alembic_version", "audit_chain", "app_secrets")


def holds_data(url: str) -> bool:
    """Whether the database at ``url`` has a row in any table, or cannot be read as a
    database at all: either way, not something to overwrite unasked."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if n not in _BOOKKEEPING]
            one = select(literal(1))
            return any(conn.execute(one.select_from(table(n)).limit(1)).first() for n in names)
    except DatabaseError:
        return True
    finally:
        engine.dispose()
