"""One writer at a time per process, for a SQLite file: a queue in front of its lock.

SQLite lets one connection write at a time. A second writer is told "busy" and
polls: its busy handler sleeps 1, 2, 5 … up to 100 ms between tries, so on deadline
day a report waited behind another report's commit for tens of milliseconds after
the lock was free, and after 5 s was refused (503). Within one server process the
writers now queue on a lock of their own, which wakes the next the moment the last
one's transaction ends; SQLite's handler is left only for writers of other processes.

The gate is taken by a connection's first writing statement and given back when the
connection returns to the pool (``Database.transaction`` closes its session right
after the commit or rollback), or is invalidated.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, event

from luoshi.errors import Busy

# What the gate records on a pooled connection (its ``info``, kept by the pool).
HELD = "luoshi.write_gate.held"
# SQLite's own busy_timeout (engine.py): no writer waits longer in either queue.
WAIT_S = 5.0
# On a pooled connection whose SQLite wait was lifted by ``not_waiting``: put back at
# check-in.
LIFTED = "luoshi.write_gate.lifted"
_NOT_WAITING: ContextVar[bool] = ContextVar("luoshi_write_not_waiting", default=False)
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC", "CREATE", "DROP", "ALTER")

BUSY = "数据库正忙（另一项修改正在保存），本次修改未保存，请稍后重试"


class WriteGate:
    """The process's writers' queue for one SQLite engine."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def enter(self, info: dict[str, Any]) -> None:
        """Take the gate for the connection whose ``info`` this is (once per transaction)."""
        if info.get(HELD):
            return
        if not self._lock.acquire(timeout=0 if _NOT_WAITING.get() else WAIT_S):
            raise Busy(BUSY)
        info[HELD] = True

    @property
    def taken(self) -> bool:
        return self._lock.locked()

    def leave(self, info: dict[str, Any]) -> None:
        """Give the gate back, if this connection holds it."""
        if info.pop(HELD, False):
            self._lock.release()


@contextmanager
def not_waiting() -> Iterator[None]:
    """Within: a write that finds the database taken raises ``Busy`` at once, queueing
    neither here nor in SQLite's busy handler. Nothing is then written, so the write
    may be run again where waiting does no harm (a bookkeeping write that can be
    skipped; a server's event loop, web/onloop.py)."""
    token = _NOT_WAITING.set(True)
    try:
        yield
    finally:
        _NOT_WAITING.reset(token)


_GATES: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()


def gate_of(engine: Engine) -> WriteGate | None:
    """The gate in front of ``engine``'s writes (None: not a SQLite file)."""
    return _GATES.get(engine)


def install(engine: Engine) -> WriteGate:
    """Put a gate in front of ``engine``'s writes."""
    gate = _GATES[engine] = WriteGate()

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:6].upper().startswith(_WRITES):
            gate.enter(conn.info)
            if _NOT_WAITING.get() and not conn.info.get(LIFTED):
                conn.info[LIFTED] = True
                cursor.connection.execute("PRAGMA busy_timeout=0")

    @event.listens_for(engine.pool, "checkin")
    def _checkin(dbapi: Any, record: Any) -> None:
        if record is None:
            return
        gate.leave(record.info)
        if record.info.pop(LIFTED, False) and dbapi is not None:
            dbapi.execute(f"PRAGMA busy_timeout={int(WAIT_S * 1000)}")

    @event.listens_for(engine.pool, "invalidate")
    def _invalidate(_dbapi: Any, record: Any, _exc: Any) -> None:
        gate.leave(record.info)

    return gate
