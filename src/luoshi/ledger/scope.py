"""管辖范围 (scope): the plans an organisation-scoped supervisor or viewer runs and sees.

A supervisor or viewer with an organisation (所属组织) is scoped to it and every
organisation below it (the "org subtree": a city, its districts, their streets). It
sees and (a supervisor) runs only the plans of those organisations. Administrators
are never scoped; reporters are scoped by their unit (visibility.py), not here; a
user without an organisation sees every plan, as before organisations existed.

Upstream (上级任务): a scoped user also *reads* — never writes — the tasks of other
plans that a task of its plans answers, i.e. the parents of its tasks' links. A
proposed link counts (the supervisor deciding it must read the parent's sentence),
a rejected one does not (it answers nothing). Nothing else of those plans is shown.

Every write that acts on a plan, task, round, report or link calls
``require_plan_manager`` here, in the service layer, so the CLI and the web agree.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, exists, select, true
from sqlalchemy.orm import Session, aliased

from luoshi.errors import PermissionDenied
from luoshi.ledger.access import require_manager
from luoshi.ledger.models import Organisation, Plan, Task, TaskLink, User

Scope = frozenset[int] | None
"""Organisation ids a user is limited to; None: no limit."""

SCOPED_ROLES = ("supervisor", "viewer")
# A link in these states makes its parent task readable to the child's scope.
ANSWERING = ("proposed", "accepted")


def subtree(s: Session, org_id: int) -> frozenset[int]:
    """``org_id`` and the ids of every organisation under it, at any depth."""
    found = {org_id}
    frontier = [org_id]
    while frontier:
        q = select(Organisation.id).where(Organisation.parent_id.in_(frontier))
        frontier = [i for i in s.scalars(q) if i not in found]
        found.update(frontier)
    return frozenset(found)


def scope_of(s: Session, user: User) -> Scope:
    """The organisations ``user`` is limited to (see the module doc); None: all."""
    return scope_for(s, user.role, user.organisation_id)


def is_scoped(role: str, organisation_id: int | None) -> bool:
    """Whether a user of ``role`` in ``organisation_id`` is limited to its subtree."""
    return organisation_id is not None and role in SCOPED_ROLES


def scope_for(s: Session, role: str, organisation_id: int | None) -> Scope:
    """The organisations a user of ``role`` in ``organisation_id`` is limited to."""
    if organisation_id is None or not is_scoped(role, organisation_id):
        return None
    return subtree(s, organisation_id)


def in_scope(scope: Scope, plan: Plan) -> bool:
    return scope is None or (plan.organisation_id is not None and plan.organisation_id in scope)


def plan_clause(scope: Scope) -> ColumnElement[bool]:
    """A WHERE clause on ``Plan`` keeping the plans of ``scope``."""
    if scope is None:
        return true()
    return Plan.organisation_id.in_(sorted(scope))


def org_label(s: Session, user: User) -> str:
    org = s.get(Organisation, user.organisation_id) if user.organisation_id else None
    return f"「{org.name}」" if org else "本组织"


def require_in_scope(s: Session, actor: User, plan: Plan, action: str) -> None:
    """Refuse ``action`` on ``plan`` when the plan is outside ``actor``'s organisations."""
    if in_scope(scope_of(s, actor), plan):
        return
    raise PermissionDenied(
        f"用户 {actor.username} 只能管理{org_label(s, actor)}及其下级组织的计划，"
        f"不能对计划「{plan.name}」{action}"
    )


def require_unscoped(s: Session, actor: User, action: str) -> None:
    """Refuse an office-wide ``action`` (one that is no single organisation's) to a
    scoped user."""
    if scope_of(s, actor) is not None:
        raise PermissionDenied(
            f"用户 {actor.username} 只能管理{org_label(s, actor)}及其下级组织的计划，不能{action}"
        )


def require_org_in_scope(s: Session, actor: User, org_id: int | None, action: str) -> None:
    """Refuse ``action`` touching organisation ``org_id`` (None: none) out of the scope."""
    scope = scope_of(s, actor)
    if scope is None or (org_id is not None and org_id in scope):
        return
    org = s.get(Organisation, org_id) if org_id is not None else None
    where = f"组织「{org.name}」" if org else "不属于任何组织的对象"
    raise PermissionDenied(
        f"用户 {actor.username} 只能管理{org_label(s, actor)}及其下级组织，不能对{where}{action}"
    )


def require_plan_manager(s: Session, actor: User, plan: Plan, action: str) -> None:
    """A supervisor or administrator acting on ``plan``, which must be in its scope."""
    require_manager(actor, action)
    require_in_scope(s, actor, plan, action)


def plan_of(s: Session, task: Task) -> Plan:
    plan = s.get(Plan, task.plan_id)
    assert plan is not None  # tasks.plan_id is a foreign key
    return plan


def require_task_manager(s: Session, actor: User, task: Task, action: str) -> None:
    """A supervisor or administrator acting on ``task``, whose plan must be in its scope."""
    require_plan_manager(s, actor, plan_of(s, task), action)


def answers_into(s: Session, scope: Collection[int], task_id: int) -> bool:
    """Whether a task of a plan of ``scope`` answers task ``task_id`` (a link not rejected)."""
    child, cplan = aliased(Task), aliased(Plan)
    q = select(
        exists().where(
            TaskLink.parent_task_id == task_id,
            TaskLink.state.in_(ANSWERING),
            child.id == TaskLink.child_task_id,
            cplan.id == child.plan_id,
            cplan.organisation_id.in_(sorted(scope)),
        )
    )
    return bool(s.scalar(q))
