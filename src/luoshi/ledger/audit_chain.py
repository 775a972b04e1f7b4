"""审计链: every audit event carries the hash of the one before it, so a row changed,
removed or slipped in behind the ledger's back breaks the chain at that row.

What is hashed (the canonical form) is the event as UTF-8 JSON, keys sorted, no
spaces, non-ASCII characters as themselves, its time to the microsecond:

    {"action":"update","actor":"boss","actor_id":2,"after":{…},
     "at":"2024-06-01T09:30:00.000000","before":{…},"entity":"tasks","entity_id":5,
     "prev":"<the previous event's hash>"}

``hash = sha256(canonical).hexdigest()``; the first event's ``prev`` is 64 zeros.
Events chain in id order. The head row (``audit_chain``) keeps the newest event's id
and hash, so removing the newest events shows too.

Events are chained when their transaction commits: the head is locked last of all
(the write lock on SQLite, its row on PostgreSQL), the transaction's events get
their hashes in order and are inserted, and the head moves on. Appends are thus
serialised and the chain never forks, however many writers commit at once; and as
nothing is locked after the head, it adds no deadlock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from luoshi.ledger.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
HEAD_ID = 1
FIELDS = ("at", "actor_id", "actor", "entity", "entity_id", "action", "before", "after")
_PENDING = "luoshi.audit_pending"


def canonical(fields: Mapping[str, Any], prev: str) -> bytes:
    """The bytes hashed for an event with ``fields`` (see FIELDS) after ``prev``."""
    data = {name: fields[name] for name in FIELDS}
    at = data["at"]
    data["at"] = at.strftime("%Y-%m-%dT%H:%M:%S.%f") if isinstance(at, datetime) else at
    data["prev"] = prev
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def link(fields: Mapping[str, Any], prev: str) -> str:
    """The hash of an event with ``fields`` following the event whose hash is ``prev``."""
    return hashlib.sha256(canonical(fields, prev)).hexdigest()


def fields_of(e: AuditEvent) -> dict[str, Any]:
    return {name: getattr(e, name) for name in FIELDS}


# -- appending ------------------------------------------------------------------------


def append(s: Session, event: AuditEvent) -> None:
    """Queue ``event`` for the chain; it is hashed and inserted when ``s`` commits."""
    s.info.setdefault(_PENDING, []).append(event)


def pending(s: Session) -> list[AuditEvent]:
    """The events ``s`` recorded that its commit will chain and insert."""
    events: list[AuditEvent] = s.info.get(_PENDING, [])
    return list(events)


def seal(s: Session) -> None:
    """Session hook before commit: chain and insert the queued events."""
    events: list[AuditEvent] = s.info.pop(_PENDING, [])
    if not events:
        return
    head = _lock_head(s)
    prev = head.last_hash
    for e in events:
        e.prev_hash = prev
        e.hash = prev = link(fields_of(e), prev)
    s.add_all(events)
    s.flush()
    head.last_id = events[-1].id
    head.last_hash = prev
    head.events += len(events)


def discard(s: Session) -> None:
    """Session hook after a rollback: what was queued is gone with the transaction."""
    s.info.pop(_PENDING, None)


# Built once: every audited write's commit takes the head.
_TOUCH_HEAD = (
    update(AuditChainHead)
    .where(AuditChainHead.id == HEAD_ID)
    .values(events=AuditChainHead.events)
    .execution_options(synchronize_session=False)
)
_LOCK_HEAD = (
    select(AuditChainHead)
    .where(AuditChainHead.id == HEAD_ID)
    .with_for_update()
    .execution_options(populate_existing=True)
)


def _lock_head(s: Session) -> AuditChainHead:
    if s.get_bind().dialect.name == "sqlite":
        # No row locks: a write that changes nothing takes the one write lock.
        s.execute(_TOUCH_HEAD)
    head = s.scalars(_LOCK_HEAD).one_or_none()
    if head is None:
        raise RuntimeError("audit_chain has no head row: the database was not migrated")
    return head


# -- checking -------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: how many events hold (all, or those before the break),
    the hash they end on, and the first broken event with why it is broken."""

    checked: int
    last_hash: str
    broken_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


Progress = Callable[[int, int], None]  # events checked so far, of how many


def verify(s: Session, progress: Progress | None = None) -> Verdict:
    """Walk the chain from the first event and name the first one that breaks it;
    ``progress`` is told every ``PROGRESS_EVERY`` events."""
    head = s.get(AuditChainHead, HEAD_ID)
    if head is None:
        return Verdict(0, GENESIS, None, "审计链头（audit_chain）缺失：数据库未迁移或被改动")
    prev, checked = GENESIS, 0
    for e in _events_until(s, head.last_id or 0):
        checked += 1
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(checked, head.events)
        reason = _broken(e, prev)
        if reason is not None:
            return Verdict(checked - 1, prev, e.id, f"{describe(e)}：{reason}")
        prev = e.hash or prev
    if prev != head.last_hash or checked != head.events:
        why = (
            f"链尾与链头不符（链头记有 {head.events} 条，实有 {checked} 条）："
            "最新的记录被删除或改动"
        )
        return Verdict(checked, prev, head.last_id, why)
    stray = _unchained_after(s, head.last_id or 0)
    if stray is not None:
        return Verdict(checked, prev, stray.id, f"{describe(stray)}：不在链上（未经系统写入）")
    return Verdict(checked, prev)


PROGRESS_EVERY = 2000


def _events_until(s: Session, last_id: int, batch: int = 2000) -> Iterator[AuditEvent]:
    """Events up to ``last_id`` in id order, a batch at a time (any number of them)."""
    after = 0
    while True:
        q = select(AuditEvent).where(AuditEvent.id > after, AuditEvent.id <= last_id)
        rows = s.scalars(q.order_by(AuditEvent.id).limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id
        s.expunge_all()  # what was checked need not stay in memory


def _broken(e: AuditEvent, prev: str) -> str | None:
    if e.hash is None or e.prev_hash is None:
        return "没有链上的哈希（未经系统写入）"
    if e.prev_hash != prev:
        return "它记下的前一条哈希与实际不符：之前的记录被删除、插入或改动过"
    if link(fields_of(e), e.prev_hash) != e.hash:
        return "内容与其哈希不符：这条记录被改动过"
    return None


def _unchained_after(s: Session, last_id: int) -> AuditEvent | None:
    """An event past the head that no append wrote (appends commit with the head)."""
    q = select(AuditEvent).where(AuditEvent.id > last_id, AuditEvent.hash.is_(None))
    return s.scalars(q.order_by(AuditEvent.id).limit(1)).first()


def describe(e: AuditEvent) -> str:
    """审计记录 #12（2024-06-01 09:30:00，boss，tasks #5 update）"""
    at = e.at.strftime("%Y-%m-%d %H:%M:%S") if e.at else "?"
    return f"审计记录 #{e.id}（{at}，{e.actor}，{e.entity} #{e.entity_id} {e.action}）"
