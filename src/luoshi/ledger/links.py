"""对接 links: a child task answers a parent task of another plan.

A link is proposed (by ``plan align``), created accepted (by breakdown, 下发),
then accepted, rejected or relinked by a person; every change is audited and
checks the version the person saw. Re-running alignment never touches a
decided link: accepted and rejected links stay as people left them, and a
child task with an accepted link into the parent plan gets no new proposals.
Proposals the new run no longer makes are withdrawn (deleted, with an audit
event), so the list a supervisor works through is the aligner's current view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from luoshi.errors import Conflict, InputError, NotFound
from luoshi.ledger import audit, locking
from luoshi.ledger.access import require_manager
from luoshi.ledger.clock import now
from luoshi.ledger.models import Organisation, Plan, Task, TaskLink, User
from luoshi.ledger.orgs import rank
from luoshi.ledger.scope import require_in_scope, require_plan_manager, require_task_manager

STATE_LABELS = {"proposed": "待确认", "accepted": "已确认", "rejected": "已否决"}
ORIGIN_LABELS = {"align": "对接建议", "breakdown": "分解下发", "manual": "手工"}


@dataclass(frozen=True)
class Proposal:
    """One parent the aligner proposes for a child task."""

    child_id: int
    parent_id: int
    score: float
    reason: dict[str, Any]


@dataclass(frozen=True)
class ProposalResult:
    created: int
    updated: int
    kept: int  # decided links left as they were (and children already decided)
    withdrawn: int


@dataclass(frozen=True)
class LinkRow:
    """A link as listed: both tasks, with their plans."""

    id: int
    state: str
    origin: str
    score: float | None
    reason: dict[str, Any] | None
    child_plan: str
    child_code: str
    child_title: str
    parent_plan: str
    parent_code: str
    parent_title: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    version: int


def get_link(s: Session, link_id: int) -> TaskLink:
    link = s.get(TaskLink, link_id)
    if link is None:
        raise NotFound(f"对接 {link_id} 不存在（用 luoshi links list 查看）")
    return link


def check_pair(s: Session, child: Task, parent: Task) -> None:
    """A child answers a task of another plan, never one of a lower organisation."""
    if child.plan_id == parent.plan_id:
        raise InputError("对接的上级任务须在另一个计划中（同一计划内用任务树表示）")
    check_plans(s, child.plan_id, parent.plan_id)


def check_plans(s: Session, child_plan_id: int, parent_plan_id: int) -> None:
    """The plan of a child may answer the other plan: not one of a lower organisation,
    and not one that already answers it (two plans never answer each other)."""
    lower = _org_of(s, child_plan_id)
    upper = _org_of(s, parent_plan_id)
    if lower is not None and upper is not None and rank(upper.level) > rank(lower.level):
        raise InputError(
            f"「{upper.name}」（{upper.level}）低于「{lower.name}」（{lower.level}），"
            "不能作为上级任务所在的组织"
        )
    below, above = aliased(Task), aliased(Task)
    reverse = s.scalar(
        select(TaskLink.id)
        .join(below, below.id == TaskLink.child_task_id)
        .join(above, above.id == TaskLink.parent_task_id)
        .where(
            below.plan_id == parent_plan_id,
            above.plan_id == child_plan_id,
            TaskLink.state != "rejected",
        )
        .limit(1)
    )
    if reverse is not None:
        rows = s.execute(
            select(Plan.id, Plan.name).where(Plan.id.in_([child_plan_id, parent_plan_id]))
        )
        names = {plan_id: name for plan_id, name in rows}
        raise InputError(
            f"计划 {names.get(parent_plan_id)} 已承接计划 {names.get(child_plan_id)} 的任务"
            f"（对接 {reverse}），两个计划不能互为上级；请先否决那些对接"
        )


def _org_of(s: Session, plan_id: int) -> Organisation | None:
    plan = s.get(Plan, plan_id)
    if plan is None or plan.organisation_id is None:
        return None
    return s.get(Organisation, plan.organisation_id)


def create_link(
    s: Session,
    actor: User,
    child: Task,
    parent: Task,
    state: str = "accepted",
    origin: str = "manual",
    score: float | None = None,
    reason: dict[str, Any] | None = None,
) -> TaskLink:
    """A new link between two tasks; decided at once unless it is only proposed."""
    # The parent may be upstream (out of scope): the child's plan is the one written to.
    require_task_manager(s, actor, child, f"为任务 {child.code} 建立对接")
    check_pair(s, child, parent)
    found = s.scalars(
        select(TaskLink).where(
            TaskLink.child_task_id == child.id, TaskLink.parent_task_id == parent.id
        )
    ).one_or_none()
    if found is not None:
        raise Conflict(f"任务 {child.code} 与上级任务 {parent.code} 已有对接（{found.id}）")
    at = now()
    decided = state != "proposed"
    link = TaskLink(
        child_task_id=child.id,
        parent_task_id=parent.id,
        state=state,
        origin=origin,
        score=score,
        reason=reason,
        created_at=at,
        created_by_id=actor.id,
        decided_at=at if decided else None,
        decided_by_id=actor.id if decided else None,
    )
    s.add(link)
    audit.created(s, actor, [link])
    return link


def store_proposals(
    s: Session,
    actor: User,
    children: Sequence[int],
    parent_plan: Plan,
    proposals: Iterable[Proposal],
) -> ProposalResult:
    """Store the aligner's proposals for ``children`` against ``parent_plan`` (see module doc)."""
    require_manager(actor, "保存对接建议")
    for plan in s.scalars(select(Plan).join(Task, Task.plan_id == Plan.id)
                          .where(Task.id.in_(list(children))).distinct()):  # fmt: skip
        require_in_scope(s, actor, plan, "保存对接建议")
    existing = _links_between(s, children, parent_plan.id)
    decided = {k[0] for k, link in existing.items() if link.state == "accepted"}
    wanted = [p for p in proposals if p.child_id not in decided]
    created = updated = 0
    for p in wanted:
        link = existing.get((p.child_id, p.parent_id))
        if link is None:
            _propose(s, actor, p)
            created += 1
        elif link.state == "proposed":
            changes = {"score": p.score, "reason": p.reason}
            updated += locking.update(s, actor, link, f"对接 {link.id}", None, changes, "repropose")
    keep = {(p.child_id, p.parent_id) for p in wanted}
    stale = [
        link
        for key, link in existing.items()
        if link.state == "proposed" and key not in keep and key[0] not in decided
    ]
    for link in stale:
        audit.record(s, actor, link, "withdraw", audit.snapshot(link), None)
        s.delete(link)
    s.flush()
    kept = sum(1 for link in existing.values() if link.state != "proposed")
    return ProposalResult(created, updated, kept, len(stale))


def _propose(s: Session, actor: User, p: Proposal) -> None:
    link = TaskLink(
        child_task_id=p.child_id,
        parent_task_id=p.parent_id,
        state="proposed",
        origin="align",
        score=p.score,
        reason=p.reason,
        created_at=now(),
        created_by_id=actor.id,
    )
    s.add(link)
    audit.created(s, actor, [link], "propose")


def _links_between(
    s: Session, children: Sequence[int], parent_plan_id: int
) -> dict[tuple[int, int], TaskLink]:
    q = (
        select(TaskLink)
        .join(Task, Task.id == TaskLink.parent_task_id)
        .where(Task.plan_id == parent_plan_id, TaskLink.child_task_id.in_(list(children)))
    )
    return {(link.child_task_id, link.parent_task_id): link for link in s.scalars(q)}


def decide(s: Session, actor: User, link: TaskLink, state: str, seen: int | None = None) -> bool:
    """Accept or reject a link; False when it already was in that state."""
    require_task_manager(s, actor, s.get_one(Task, link.child_task_id), f"确认或否决对接 {link.id}")
    if state not in ("accepted", "rejected"):
        raise InputError(f"对接状态「{state}」无效，应为 accepted 或 rejected")
    if link.state == state:
        locking.check_version(f"对接 {link.id}", link.version, seen)
        return False
    if state == "accepted":  # organisations may have moved since it was proposed
        check_pair(s, s.get_one(Task, link.child_task_id), s.get_one(Task, link.parent_task_id))
    changes = {"state": state, "decided_at": now(), "decided_by_id": actor.id}
    action = "accept" if state == "accepted" else "reject"
    return locking.update(s, actor, link, f"对接 {link.id}", seen, changes, action)


def relink(
    s: Session, actor: User, link: TaskLink, parent: Task, seen: int | None = None
) -> TaskLink:
    """Point a link at another parent task, accepted. When the child already has a
    link to that parent, that one is accepted and this one rejected."""
    child = s.get_one(Task, link.child_task_id)
    require_task_manager(s, actor, child, f"改对接 {link.id} 的上级任务")
    check_pair(s, child, parent)
    other = s.scalars(
        select(TaskLink).where(
            TaskLink.child_task_id == child.id, TaskLink.parent_task_id == parent.id
        )
    ).one_or_none()
    if other is not None and other.id != link.id:
        decide(s, actor, link, "rejected", seen)
        decide(s, actor, other, "accepted")
        return other
    changes = {
        "parent_task_id": parent.id,
        "state": "accepted",
        "decided_at": now(),
        "decided_by_id": actor.id,
    }
    locking.update(s, actor, link, f"对接 {link.id}", seen, changes, "relink")
    return link


def accept_above(
    s: Session, actor: User, plan: Plan, min_score: float, parent_plan: Plan | None = None
) -> list[TaskLink]:
    """Accept every proposed link of ``plan``'s tasks scoring at least ``min_score``."""
    require_plan_manager(s, actor, plan, "批量确认对接")
    q = (
        select(TaskLink)
        .join(Task, Task.id == TaskLink.child_task_id)
        .where(
            Task.plan_id == plan.id,
            TaskLink.state == "proposed",
            TaskLink.score >= min_score,
        )
        .order_by(TaskLink.id)
    )
    if parent_plan is not None:
        parents = select(Task.id).where(Task.plan_id == parent_plan.id)
        q = q.where(TaskLink.parent_task_id.in_(parents))
    found = list(s.scalars(q))
    for link in found:
        decide(s, actor, link, "accepted")
    return found


# A link with its two tasks' plans, codes and titles, and who decided it.
_LinkSelect = Select[TaskLink, str, str, str, str, str, str, str]


def _links_select() -> _LinkSelect:
    child, parent = aliased(Task), aliased(Task)
    cplan, pplan = aliased(Plan), aliased(Plan)
    return (
        select(
            TaskLink,
            cplan.name,
            child.code,
            child.title,
            pplan.name,
            parent.code,
            parent.title,
            User.username,
        )
        .join(child, child.id == TaskLink.child_task_id)
        .join(parent, parent.id == TaskLink.parent_task_id)
        .join(cplan, cplan.id == child.plan_id)
        .join(pplan, pplan.id == parent.plan_id)
        .outerjoin(User, User.id == TaskLink.decided_by_id)
        .order_by(TaskLink.id)
    )


def _links_queries() -> dict[tuple[bool, bool], _LinkSelect]:
    """The link reads, built once (by task or by plan; of one state or any): the task
    page asks for them on every view, and building the aliased joins costs more than
    running them."""
    links = _links_select()
    one: BindParameter[int] = bindparam("task_id")
    # One task's links straight from the link indexes, not through the whole plan.
    by_task = links.where(or_(TaskLink.child_task_id == one, TaskLink.parent_task_id == one))
    # Each side through its own index: a plan's few hundred of a province's links.
    own = select(Task.id).where(Task.plan_id == bindparam("plan_id"))
    by_plan = links.where(or_(TaskLink.child_task_id.in_(own), TaskLink.parent_task_id.in_(own)))
    state = TaskLink.state == bindparam("state")
    return {
        (True, False): by_task,
        (True, True): by_task.where(state),
        (False, False): by_plan,
        (False, True): by_plan.where(state),
    }


_LINKS = _links_queries()


def list_links(
    s: Session, plan: Plan, state: str | None = None, task: Task | None = None
) -> list[LinkRow]:
    """Links of ``plan``'s tasks, upward (its tasks answering others) and downward
    (other plans' tasks answering its own), optionally of one task or one state."""
    q = _LINKS[(task is not None, state is not None)]
    params = {"task_id": task.id if task else None, "plan_id": plan.id, "state": state}
    return [
        LinkRow(
            link.id,
            link.state,
            link.origin,
            link.score,
            link.reason,
            cp,
            cc,
            ct,
            pp,
            pc,
            pt,
            link.created_at,
            who,
            link.decided_at,
            link.version,
        )
        for link, cp, cc, ct, pp, pc, pt, who in s.execute(q, params)
    ]


def link_record(r: LinkRow) -> dict[str, Any]:
    """A link as JSON (CLI --jsonl and the API)."""
    return {
        "id": r.id,
        "state": r.state,
        "origin": r.origin,
        "score": r.score,
        "reason": r.reason,
        "child": {"plan": r.child_plan, "code": r.child_code, "title": r.child_title},
        "parent": {"plan": r.parent_plan, "code": r.parent_code, "title": r.parent_title},
        "created_at": r.created_at.isoformat(timespec="seconds"),
        "decided_by": r.decided_by,
        "decided_at": r.decided_at.isoformat(timespec="seconds") if r.decided_at else None,
        "version": r.version,
    }
