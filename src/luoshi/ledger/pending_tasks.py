"""催办名单的任务: the id and title behind each task code a pending list names, so the
round page can show and link them (cycle.pending gives codes only)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger.cycle import Pending
from luoshi.ledger.models import Task


@dataclass(frozen=True)
class TaskRef:
    id: int
    code: str
    title: str


def titles(s: Session, plan_id: int, owing: Iterable[Pending]) -> dict[str, TaskRef]:
    """Per task code of the pending lists: its id and title."""
    codes = sorted({code for p in owing for code in p.tasks})
    if not codes:
        return {}
    q = select(Task.id, Task.code, Task.title).where(Task.plan_id == plan_id, Task.code.in_(codes))
    return {code: TaskRef(i, code, title) for i, code, title in s.execute(q)}
