"""审计记录: every change is written with who, when, before and after — in the same
transaction as the change, so there is never a change without its record.

Nothing here updates or deletes an audit event; the migration adds database
triggers that refuse to, and a test holds the code to it. Events are chained by
hash (audit_chain.py) and inserted when their transaction commits, so a query in
the transaction that records them does not see them yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from luoshi.ledger import audit_chain
from luoshi.ledger.clock import now
from luoshi.ledger.db import TOUCHED
from luoshi.ledger.models import AuditEvent, Base, User

# Large or derived columns kept out of before/after snapshots.
_NOT_SNAPSHOT = {"raw", "password_hash"}


def snapshot(obj: Base) -> dict[str, Any]:
    """The row's columns as JSON-safe values."""
    out: dict[str, Any] = {}
    for attr in inspect(type(obj)).column_attrs:
        if attr.key in _NOT_SNAPSHOT:
            continue
        value = getattr(obj, attr.key)
        out[attr.key] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def record(
    s: Session,
    actor: User,
    obj: Base,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEvent:
    """Append one audit event for ``obj`` (which must have been flushed, so it has an
    id); it is chained and inserted at commit."""
    event = AuditEvent(
        at=now(),
        actor_id=actor.id,
        actor=actor.username,
        entity=obj.__tablename__,
        entity_id=inspect(obj).identity[0],  # type: ignore[index]
        action=action,
        before=before,
        after=after,
    )
    audit_chain.append(s, event)
    # The figures kept for the plan follow every audited change (read.touch.maintain).
    s.info.setdefault(TOUCHED, []).append(obj)
    return event


def created(s: Session, actor: User, objs: Iterable[Base], action: str = "create") -> None:
    """Flush new rows and record each of them."""
    items = list(objs)
    s.flush()
    for obj in items:
        record(s, actor, obj, action, None, snapshot(obj))


def history(
    s: Session, entity: str | None = None, entity_id: int | None = None
) -> list[AuditEvent]:
    """Audit events, oldest first, optionally for one entity; those this transaction
    recorded (chained at commit) come last."""
    q = select(AuditEvent).order_by(AuditEvent.id)
    if entity is not None:
        q = q.where(AuditEvent.entity == entity)
    if entity_id is not None:
        q = q.where(AuditEvent.entity_id == entity_id)
    mine = [
        e
        for e in audit_chain.pending(s)
        if (entity is None or e.entity == entity)
        and (entity_id is None or e.entity_id == entity_id)
    ]
    return [*s.scalars(q), *mine]
