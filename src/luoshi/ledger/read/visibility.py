"""可见范围 (visibility): who may see which tasks and reports, and who may report.

A reporter (填报人) sees its own unit's tasks — those it leads or supports — in the
ledger, task and round views, and only its own unit's reports; managers and
viewers see everything — unless they belong to an organisation: then they see the
plans of that organisation and those below it, and read the upper tasks those plans
answer (ledger/scope.py). The web and the CLI ask here; they hold no rule of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import PermissionDenied
from luoshi.ledger import scope
from luoshi.ledger.access import MANAGERS
from luoshi.ledger.models import Plan, Task, TaskCoUnit, Unit, User
from luoshi.ledger.plans import plan_by_id
from luoshi.ledger.read.rows import TaskRow


class _LinkSides(Protocol):
    @property
    def child_plan(self) -> str: ...
    @property
    def parent_plan(self) -> str: ...


L = TypeVar("L", bound=_LinkSides)


@dataclass(frozen=True)
class Viewer:
    """The person a read is for: role and, for a reporter, its unit; for a scoped
    supervisor or viewer, the ids of its organisation subtree (None: every plan)."""

    user_id: int | None
    role: str
    unit_id: int | None = None
    unit: str | None = None
    org_ids: frozenset[int] | None = None

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS

    @property
    def reads_audit(self) -> bool:
        """The audit trail records every organisation's work: only the supervision office
        with no organisation (and administrators) reads it, not a district's supervisor."""
        return self.is_manager and self.org_ids is None

    @property
    def is_reporter(self) -> bool:
        return self.role == "reporter"

    @property
    def unit_scope(self) -> str | None:
        """The unit a reporter's views are limited to ("" — none — without a unit);
        None for everyone else (no limit)."""
        if not self.is_reporter:
            return None
        return self.unit or ""

    @property
    def report_unit_scope(self) -> int | None:
        """The unit id whose reports a reporter may read (-1: none); None: all."""
        if not self.is_reporter:
            return None
        return self.unit_id if self.unit_id is not None else -1


EVERYONE = Viewer(None, "viewer")


def viewer_of(s: Session, user: User) -> Viewer:
    """A user of the ledger (the CLI's actor) as a viewer."""
    unit = s.get(Unit, user.unit_id) if user.unit_id is not None else None
    name = unit.name if unit else None
    return Viewer(user.id, user.role, user.unit_id, name, scope.scope_of(s, user))


def may_see_plan(viewer: Viewer | None, plan: Plan) -> bool:
    """Whether the plan is in the viewer's organisations (always, for an unscoped one)."""
    return viewer is None or scope.in_scope(viewer.org_ids, plan)


def require_plan_visible(viewer: Viewer | None, plan: Plan) -> Plan:
    if not may_see_plan(viewer, plan):
        raise PermissionDenied(f"计划「{plan.name}」不属于本组织及其下级组织，无权查看")
    return plan


def visible_plan(s: Session, viewer: Viewer | None, plan_id: int) -> Plan:
    """A plan by id as ``viewer`` may read it: NotFound, PermissionDenied (403) when out
    of scope."""
    return require_plan_visible(viewer, plan_by_id(s, plan_id))


def visible_plans(viewer: Viewer | None, plans: Iterable[Plan]) -> list[Plan]:
    return [p for p in plans if may_see_plan(viewer, p)]


def is_upstream(s: Session, viewer: Viewer | None, task: Task) -> bool:
    """A task of a plan out of the viewer's scope that one of its plans' tasks answers:
    readable, not writable."""
    if viewer is None or viewer.org_ids is None:
        return False
    plan = s.get(Plan, task.plan_id)
    if plan is not None and scope.in_scope(viewer.org_ids, plan):
        return False
    return scope.answers_into(s, viewer.org_ids, task.id)


def require_task_readable(s: Session, viewer: Viewer | None, task: Task) -> bool:
    """A task of a plan in scope (False), or an upstream task its plans answer (True:
    read only); else 403."""
    plan = s.get(Plan, task.plan_id)
    if plan is None or may_see_plan(viewer, plan):
        return False
    if is_upstream(s, viewer, task):
        return True
    raise PermissionDenied(
        f"任务 {task.code}（计划「{plan.name}」）不属于本组织及其下级组织，"
        "也不是本组织任务对接的上级任务，无权查看"
    )


def require_user_admin(viewer: Viewer, username: str) -> None:
    """Only administrators read the list of accounts."""
    if viewer.role != "admin":
        raise PermissionDenied(f"用户 {username} 无权管理用户")


def may_see(viewer: Viewer | None, row: TaskRow) -> bool:
    scope = viewer.unit_scope if viewer is not None else None
    return scope is None or (scope != "" and row.belongs_to(scope))


def may_see_units(viewer: Viewer, unit_ids: Iterable[int]) -> bool:
    """Whether the viewer may see a task led or supported by ``unit_ids``."""
    if not viewer.is_reporter:
        return True
    return viewer.unit_id is not None and viewer.unit_id in set(unit_ids)


def tasks_seen_by(s: Session, viewer: Viewer, task_ids: Iterable[int]) -> set[int]:
    """Of ``task_ids``, those the viewer may see: all for managers and viewers, a
    reporter's own unit's (led or supported) only."""
    ids = set(task_ids)
    if not viewer.is_reporter:
        return ids
    if viewer.unit_id is None or not ids:
        return set()
    led = select(Task.id).where(Task.id.in_(ids), Task.lead_unit_id == viewer.unit_id)
    supported = select(TaskCoUnit.task_id).where(
        TaskCoUnit.task_id.in_(ids), TaskCoUnit.unit_id == viewer.unit_id
    )
    return set(s.scalars(led)) | set(s.scalars(supported))


def may_see_report(viewer: Viewer, unit_id: int) -> bool:
    scope = viewer.report_unit_scope
    return scope is None or scope == unit_id


def acts_for(viewer: Viewer, row: TaskRow) -> bool:
    """Whether the viewer is a reporter of one of the task's units (the forms of the
    chain a unit fills in: 签收, 延期申请, 办结申请)."""
    return viewer.is_reporter and bool(viewer.unit) and row.belongs_to(viewer.unit or "")


def may_report(viewer: Viewer, row: TaskRow, round_open: bool) -> bool:
    """Whether the report form is offered: a leaf not done, a round open, and the
    viewer a manager or a reporter of one of the task's units."""
    if not row.leaf or row.health == "done" or not round_open:
        return False
    if viewer.is_manager:
        return True
    return viewer.is_reporter and bool(viewer.unit) and row.belongs_to(viewer.unit or "")


def plan_names_in_scope(s: Session, viewer: Viewer | None) -> frozenset[str] | None:
    """Names of the plans the viewer may see (None: every plan)."""
    if viewer is None or viewer.org_ids is None:
        return None
    return frozenset(s.scalars(select(Plan.name).where(scope.plan_clause(viewer.org_ids))))


def visible_links(s: Session, viewer: Viewer | None, rows: Sequence[L]) -> list[L]:
    """The links of which at least one side is a plan in the viewer's scope: an upstream
    task shows the links of its own organisation's tasks, not those of its neighbours."""
    names = plan_names_in_scope(s, viewer)
    if names is None:
        return list(rows)
    return [r for r in rows if r.child_plan in names or r.parent_plan in names]
