"""审计记录 as the supervision office reads it in the browser: the whole trail, newest
first, a page at a time, filtered by table, row and actor; and the check of its chain.

The trail can hold millions of events, so a page is found by keyset on the primary
key (``id < before`` or ``id > after``, ``LIMIT per_page + 1``): no OFFSET, no count
of the whole trail. The size shown is the chain head's own count, kept by every append.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from luoshi.errors import PermissionDenied
from luoshi.ledger import audit_chain, audit_labels
from luoshi.ledger.models import AuditChainHead, AuditEvent
from luoshi.ledger.read.records import audit_record
from luoshi.ledger.read.visibility import Viewer

PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class AuditFilter:
    """Which events: of one table (entity, e.g. ``tasks``), one row of it, one actor."""

    entity: str | None = None
    entity_id: int | None = None
    actor: str | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of the trail, newest first, with the cursors of its neighbours:
    ``older`` (pass as ``before``) and ``newer`` (pass as ``after``), None at an end."""

    items: list[dict[str, Any]]
    per_page: int
    older: int | None
    newer: int | None
    total: int  # events on the chain in all (the head's count), filters aside


def require_auditor(viewer: Viewer) -> None:
    """Only the supervision office (admin, supervisor) reads the whole trail; it names
    every organisation's plans, units and people, so not a scoped supervisor."""
    if not viewer.is_manager:
        raise PermissionDenied("只有督查人员和管理员可以查看审计记录")
    if not viewer.reads_audit:
        raise PermissionDenied(
            "审计记录包含所有机构的操作，限定管辖范围的督查人员不能查看；"
            "如需查看请联系不限机构的督查人员或管理员"
        )


def audit_page(
    s: Session,
    viewer: Viewer,
    wanted: AuditFilter,
    before: int | None = None,
    after: int | None = None,
    per_page: int = PER_PAGE,
) -> AuditPage:
    """The page of events just older than ``before`` (or just newer than ``after``;
    neither: the newest), labelled in Chinese (audit_labels)."""
    require_auditor(viewer)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    q = _filtered(wanted)
    if after is not None:
        rows, more_newer, more_older = _newer_than(s, q, after, per_page)
    else:
        rows, more_older, more_newer = _older_than(s, q, before, per_page)
    records = [audit_record(e) for e in rows]
    items = audit_labels.labelled(records, audit_labels.id_names(s, records))
    older = rows[-1].id if rows and more_older else None
    newer = rows[0].id if rows and more_newer else None
    return AuditPage(items, per_page, older, newer, chain_size(s))


Events = Select[AuditEvent]


def _older_than(
    s: Session, q: Events, before: int | None, n: int
) -> tuple[list[AuditEvent], bool, bool]:
    """Up to ``n`` events below ``before`` newest first; are there older, and newer?"""
    below = q if before is None else q.where(AuditEvent.id < before)
    rows = list(s.scalars(below.order_by(AuditEvent.id.desc()).limit(n + 1)))
    more_older, rows = len(rows) > n, rows[:n]
    more_newer = (
        before is not None and bool(rows) and _exists(s, q.where(AuditEvent.id > rows[0].id))
    )
    return rows, more_older, more_newer


def _newer_than(s: Session, q: Events, after: int, n: int) -> tuple[list[AuditEvent], bool, bool]:
    """The ``n`` events just above ``after``, shown newest first; newer ones, older ones?"""
    rows = list(s.scalars(q.where(AuditEvent.id > after).order_by(AuditEvent.id).limit(n + 1)))
    more_newer, rows = len(rows) > n, rows[:n][::-1]
    more_older = bool(rows) and _exists(s, q.where(AuditEvent.id < rows[-1].id))
    return rows, more_newer, more_older


def _filtered(wanted: AuditFilter) -> Events:
    q = select(AuditEvent)
    if wanted.entity:
        q = q.where(AuditEvent.entity == wanted.entity)
    if wanted.entity_id is not None:
        q = q.where(AuditEvent.entity_id == wanted.entity_id)
    if wanted.actor:
        q = q.where(AuditEvent.actor == wanted.actor)
    return q


def _exists(s: Session, q: Events) -> bool:
    return s.scalar(q.with_only_columns(AuditEvent.id).limit(1)) is not None


def chain_size(s: Session) -> int:
    """How many events the chain holds (kept on its head, so no count of the table)."""
    head = s.get(AuditChainHead, audit_chain.HEAD_ID)
    return head.events if head is not None else 0


def entity_choices() -> dict[str, str]:
    """The tables a trail can be filtered by, with their Chinese names."""
    return dict(audit_labels.labels()["entities"])


def verify_trail(
    s: Session, viewer: Viewer, progress: audit_chain.Progress | None = None
) -> audit_chain.Verdict:
    """校验审计链, the same walk as ``luoshi audit verify``: every event in id order."""
    require_auditor(viewer)
    return audit_chain.verify(s, progress)
