"""提醒记录: every message, claimed, sent and recorded — delivered, or failed with why.

A message is first written as a row whose unique key is (day, kind, ref, channel,
recipient); the insert skips a key already taken, so two workers (or a cron job run
twice) never send the same message. Sending happens outside any transaction, after
a worker has claimed the row (pending → sending); the outcome is written after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger.access import MANAGERS
from luoshi.ledger.clock import now
from luoshi.ledger.models import Notification, NotificationMark, NotificationRead, Unit, User

KEY = ("day", "kind", "ref", "channel", "recipient")
CHANNELS = ("email", "webhook", "inapp")
STATUS_LABELS = {"pending": "待发送", "sending": "发送中", "delivered": "已送达", "failed": "失败"}
CHANNEL_LABELS = {"email": "邮件", "webhook": "群机器人", "inapp": "站内"}
# A row left "sending" this long was being sent by a worker that died.
STUCK = timedelta(minutes=15)


@dataclass(frozen=True)
class Outgoing:
    """A message to be recorded (and, unless in-app, sent)."""

    day: date
    kind: str
    ref: str
    level: int
    channel: str
    recipient: str
    unit_id: int | None
    target: str
    subject: str
    body: str
    plan_id: int | None
    tasks: list[int]
    letter_sha256: str | None = None
    # Why it cannot reach anyone (无接收人): an in-app message to an inbox nobody reads.
    error: str | None = None


def enqueue(s: Session, msg: Outgoing) -> int | None:
    """Record ``msg`` unless its key is taken; its id, or None when it already was."""
    inapp = msg.channel == "inapp"
    values: dict[str, Any] = {
        **msg.__dict__,
        "status": _inapp_status(msg) if inapp else "pending",
        "attempts": 0,
        "created_at": now(),
        "sent_at": now() if inapp else None,
    }
    # The dialect's own insert, imported here: the PostgreSQL dialect alone takes a
    # tenth of a second to import, and a SQLite ledger never needs it.
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql as dialect
    else:
        from sqlalchemy.dialects import sqlite as dialect  # type: ignore[no-redef]
    insert = dialect.insert
    stmt = (
        insert(Notification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(KEY))
        .returning(Notification.id)
    )
    new_id: int | None = s.execute(stmt).scalar()
    return new_id


def _inapp_status(msg: Outgoing) -> str:
    # Recording an in-app message is delivering it, unless no one can read the inbox.
    return "failed" if msg.error else "delivered"


def taken(s: Session, msg: Outgoing) -> bool:
    q = select(Notification.id).where(*(getattr(Notification, k) == getattr(msg, k) for k in KEY))
    return s.scalars(q.limit(1)).first() is not None


def sendable(s: Session, retry: bool = False) -> list[int]:
    """Ids waiting to be sent: pending ones, and with ``retry`` failed and stuck ones.
    In-app messages are never sent: a failed one (无接收人) waits for a reader, not a retry."""
    states = ["pending", "failed"] if retry else ["pending"]
    q = select(Notification.id).where(
        Notification.status.in_(states), Notification.channel != "inapp"
    )
    ids = list(s.scalars(q.order_by(Notification.id)))
    if retry:
        stuck = select(Notification.id).where(
            Notification.status == "sending", Notification.created_at < now() - STUCK
        )
        ids += list(s.scalars(stuck))
    return sorted(set(ids))


def claim(s: Session, notification_id: int, retry: bool = False) -> Notification | None:
    """Take a row for sending; None when another worker already has."""
    states = ["pending", "failed", "sending"] if retry else ["pending"]
    result = s.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.status.in_(states))
        .values(status="sending", attempts=Notification.attempts + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return s.get(Notification, notification_id)


def finish(s: Session, notification_id: int, ok: bool, error: str | None) -> None:
    s.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(
            status="delivered" if ok else "failed",
            error=None if ok else error,
            sent_at=now(),
        )
    )


def notification_record(n: Notification, unit: str | None) -> dict[str, Any]:
    return {
        "id": n.id,
        "day": n.day.isoformat(),
        "kind": n.kind,
        "level": n.level,
        "channel": n.channel,
        "recipient": n.recipient,
        "unit": unit,
        "target": n.target,
        "subject": n.subject,
        "body": n.body,
        "plan_id": n.plan_id,
        "tasks": n.tasks,
        "letter": bool(n.letter_sha256),
        "status": n.status,
        "error": n.error,
        "attempts": n.attempts,
        "created_at": n.created_at.isoformat(timespec="seconds"),
        "sent_at": n.sent_at.isoformat(timespec="seconds") if n.sent_at else None,
    }


def list_notifications(
    s: Session,
    limit: int = 200,
    status: str | None = None,
    channel: str | None = None,
    unit_id: int | None = None,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """The record of messages, newest first, and how many there are in all."""
    q = select(Notification, Unit.name).outerjoin(Unit, Unit.id == Notification.unit_id)
    conds = []
    if status:
        conds.append(Notification.status == status)
    if channel:
        conds.append(Notification.channel == channel)
    if unit_id is not None:
        conds.append(Notification.unit_id == unit_id)
    q = q.where(*conds)
    total = s.scalar(select(func.count()).select_from(Notification).where(*conds)) or 0
    rows = s.execute(q.order_by(Notification.id.desc()).offset(offset).limit(limit))
    return [notification_record(n, unit) for n, unit in rows], total


# -- in the app: the bell --


def inbox_of(role: str, unit_id: int | None) -> str:
    """The in-app recipient a user reads: its unit's (a reporter), the office's (an
    admin or supervisor). A viewer (a leader) reads none: the office's messages ask for
    decisions (延期申请待审批) a viewer may not make (a trial)."""
    if role == "reporter":
        return f"unit:{unit_id}"
    return "office" if role in MANAGERS else "none"


def inbox(s: Session, user: User, limit: int = 50) -> tuple[list[dict[str, Any]], int]:
    """The user's in-app messages, newest first, and how many are unread."""
    box = inbox_of(user.role, user.unit_id)
    q = (
        select(Notification, Unit.name)
        .outerjoin(Unit, Unit.id == Notification.unit_id)
        .where(Notification.channel == "inapp", Notification.recipient == box)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    seen = _seen(s, user.id)
    rows = list(s.execute(q))
    opened = _opened(s, user.id, [n.id for n, _ in rows if n.id > seen])
    items = [
        {**notification_record(n, u), "unread": n.id > seen and n.id not in opened} for n, u in rows
    ]
    return items, unread(s, user.id, user.role, user.unit_id)


def _opened(s: Session, user_id: int, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` (messages after the user's mark) the user has opened."""
    if not ids:
        return set()
    q = select(NotificationRead.notification_id).where(
        NotificationRead.user_id == user_id, NotificationRead.notification_id.in_(ids)
    )
    return set(s.scalars(q))


def unread(s: Session, user_id: int, role: str, unit_id: int | None) -> int:
    """The bell's count: in-app messages to the user's inbox after the last one seen."""
    if role == "reporter" and unit_id is None:
        return 0
    opened = select(NotificationRead.notification_id).where(
        NotificationRead.user_id == user_id,
        NotificationRead.notification_id == Notification.id,
    )
    q = select(func.count()).where(
        Notification.channel == "inapp",
        Notification.recipient == inbox_of(role, unit_id),
        Notification.id > _seen(s, user_id),
        ~opened.exists(),
    )
    return s.scalar(q) or 0


def open_message(s: Session, user: User, notification_id: int) -> Notification:
    """One message of the user's inbox, now read by the user (opening it twice, or at
    once from two tabs, reads it once)."""
    n = s.get(Notification, notification_id)
    box = inbox_of(user.role, user.unit_id)
    if n is None or n.channel != "inapp" or n.recipient != box:
        raise NotFound(f"收件箱里没有消息 {notification_id}")
    if n.id > _seen(s, user.id):
        row = {"user_id": user.id, "notification_id": n.id, "at": now()}
        s.execute(_insert_once(s).values(**row))
    return n


def _insert_once(s: Session) -> Any:
    """An insert of a read row that does nothing when the row is there already: the
    check and the write in one statement, so two opens at once cannot both insert."""
    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(NotificationRead).on_conflict_do_nothing()


def _seen(s: Session, user_id: int) -> int:
    mark = s.get(NotificationMark, user_id)
    return mark.seen_id if mark else 0


def mark_read(s: Session, user: User) -> int:
    """Everything in the user's inbox up to now counts as read; the new mark."""
    box = inbox_of(user.role, user.unit_id)
    newest = s.scalar(
        select(func.max(Notification.id)).where(
            Notification.channel == "inapp", Notification.recipient == box
        )
    )
    mark = s.get(NotificationMark, user.id)
    if mark is None:
        mark = NotificationMark(user_id=user.id, seen_id=0, at=now())
        s.add(mark)
    mark.seen_id = max(mark.seen_id, newest or 0)
    mark.at = now()
    # Messages opened one by one up to the mark are read by the mark now.
    s.execute(
        delete(NotificationRead).where(
            NotificationRead.user_id == user.id, NotificationRead.notification_id <= mark.seen_id
        )
    )
    s.flush()
    return mark.seen_id


def count_failed(s: Session, ids: Sequence[int]) -> int:
    if not ids:
        return 0
    q = select(func.count()).where(Notification.id.in_(ids), Notification.status == "failed")
    return s.scalar(q) or 0
