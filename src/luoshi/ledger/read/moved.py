"""What writers changed in a plan while a refresh read it (SQLite): the tasks named by
the audit events appended since, so that the refresh touches them again under the
write lock instead of reading the whole plan a second time.

Every write that moves a figure leaves an audit event (``read.touch.maintain`` is
driven by the same events), and the events are chained in commit order: an event
after the chain's head as it stood before the reads was committed after them.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from luoshi.ledger.models import AuditChainHead, AuditEvent, ProgressReport, Review, Round, Task

_HEAD = select(AuditChainHead.last_id)
_SINCE = select(AuditEvent.entity, AuditEvent.entity_id).where(AuditEvent.id > bindparam("b_head"))


def audit_head(s: Session) -> int:
    """The id of the newest chained audit event (0 before any)."""
    return int(s.scalar(_HEAD) or 0)


def tasks_moved_since(s: Session, plan_id: int, head: int, at_most: int) -> set[int] | None:
    """The plan's tasks whose figures events after ``head`` may have moved; None when
    the whole plan may have (a round of it changed) or more than ``at_most`` did."""
    named: dict[str, set[int]] = {}
    for entity, entity_id in s.execute(_SINCE, {"b_head": head}):
        named.setdefault(entity, set()).add(entity_id)
    rounds = named.get(Round.__tablename__, set())
    if rounds and s.scalar(select(Round.id).where(Round.id.in_(rounds), Round.plan_id == plan_id)):
        return None
    reports = named.get(ProgressReport.__tablename__, set())
    reviewed = named.get(Review.__tablename__, set())
    if reviewed:
        reports |= set(s.scalars(select(Review.report_id).where(Review.id.in_(reviewed))))
    tasks = named.get(Task.__tablename__, set())
    if reports:
        tasks |= set(
            s.scalars(select(ProgressReport.task_id).where(ProgressReport.id.in_(reports)))
        )
    if not tasks:
        return set()
    mine = set(s.scalars(select(Task.id).where(Task.id.in_(tasks), Task.plan_id == plan_id)))
    return mine if len(mine) <= at_most else None
