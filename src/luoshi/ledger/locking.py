"""Optimistic locking (乐观锁): a write names the version its author saw, and is
refused when someone else has written since — never a silent overwrite.

Where a check guards an insert into another table (no report into a closed round),
the version check cannot help: ``hold`` locks the row the check reads instead.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import bindparam, inspect, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from luoshi.errors import Conflict
from luoshi.ledger import audit
from luoshi.ledger.models import Base, User, Versioned

V = TypeVar("V", bound=Versioned)


def check_version(label: str, current: int, seen: int | None) -> None:
    """Refuse when the version the user saw is no longer current (None: saw it just now)."""
    if seen is not None and seen != current:
        raise Conflict(
            f"{label} 已被他人修改（当前版本 {current}，您提交的是 {seen}），请刷新后重试"
        )


def update(
    s: Session,
    actor: User,
    obj: Base,
    label: str,
    seen: int | None,
    changes: dict[str, Any],
    action: str = "update",
) -> bool:
    """Apply ``changes`` to ``obj`` if its version is still ``seen``; audit it.

    Returns False (and writes nothing, not even an audit event) when every value
    is already what was asked for.
    """
    current: int = obj.version  # type: ignore[attr-defined]
    check_version(label, current, seen)
    diff = {k: v for k, v in changes.items() if getattr(obj, k) != v}
    if not diff:
        return False
    before = audit.snapshot(obj)
    for key, value in diff.items():
        setattr(obj, key, value)
    try:
        # The UPDATE carries "WHERE version = current": a writer in between makes it miss.
        s.flush()
    except StaleDataError:
        raise Conflict(
            f"{label} 已被他人修改（您提交的是 {current}），本次修改未保存，请刷新后重试"
        ) from None
    audit.record(s, actor, obj, action, before, audit.snapshot(obj))
    return True


def hold(s: Session, obj: V) -> V:
    """Lock ``obj``'s row until the transaction ends, and reload it.

    Checks made on ``obj`` afterwards see every commit before the lock, and no other
    transaction that holds the same row can commit in between: PostgreSQL locks the
    row (SELECT … FOR NO KEY UPDATE); SQLite has no row locks, so a write that changes
    nothing takes its one write lock for the rest of the transaction. Take locks
    before reading the clock, so that times stamped under them keep commit order.
    """
    model: type[Any] = type(obj)
    key = inspect(obj).identity[0]
    touch_row, lock_row = _hold_statements(model)
    if s.get_bind().dialect.name == "sqlite":
        s.execute(touch_row, {"key": key})
    s.execute(lock_row, {"key": key}).scalar_one()
    return obj


_HOLDS: dict[type[Any], tuple[Any, Any]] = {}


def _hold_statements(model: type[Any]) -> tuple[Any, Any]:
    """The write that changes nothing (SQLite's lock) and the SELECT … FOR NO KEY UPDATE of a
    model's row, built once per model: every report holds its round and its task."""
    found = _HOLDS.get(model)
    if found is None:
        found = _HOLDS[model] = _build_hold(model)
    return found


def _build_hold(model: type[Any]) -> tuple[Any, Any]:
    table = model.__table__
    touch_row = (
        sql_update(table).where(table.c.id == bindparam("key")).values(version=table.c.version)
    )
    lock_row = (
        select(model)
        .where(table.c.id == bindparam("key"))
        # FOR NO KEY UPDATE: excludes other holders, as FOR UPDATE would, but not the
        # FOR KEY SHARE that inserting a row which references this one takes. Else a
        # report holding its task and waiting for the plan's state deadlocks with a
        # refresh holding that state and inserting the task's kept figures.
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return touch_row, lock_row
