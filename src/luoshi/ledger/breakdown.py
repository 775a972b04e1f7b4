"""分解/下发: hand a task down to lower-level plans, and split its target into shares.

Handing down creates, in each lower plan, a task with the same title, dates,
expected outcome and targets, and the same below it (its measures), each linked
to its original (an accepted link, origin ``breakdown``); lead units are left
for the lower level to assign. Splitting
sets each lower task's copy of a target to its share (城镇新增就业35万人 → a
district's 2万人) and checks, in the same transaction, that the shares add up
to the target: when they do not, the split is kept and a warning says by how much.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import Conflict, InputError
from luoshi.ledger import audit, locking
from luoshi.ledger.clock import now
from luoshi.ledger.links import create_link
from luoshi.ledger.models import Plan, Target, TargetShare, Task, TaskLink, User
from luoshi.ledger.rollup import ShareCheck, check_shares
from luoshi.ledger.scope import require_in_scope, require_task_manager
from luoshi.ledger.tasks import task_snapshot

_COPIED = (
    "indicator",
    "comparator",
    "value",
    "value_max",
    "unit",
    "period",
    "measure",
    "text",
)


@dataclass(frozen=True)
class Split:
    """The shares of one target after a split, and the check of their sum."""

    target: Target
    shares: dict[str, float]  # plan name → share
    check: ShareCheck
    warning: str | None


def hand_down(
    s: Session,
    actor: User,
    task: Task,
    plans: Sequence[Plan],
    under: Mapping[int, Task] | None = None,
) -> list[Task]:
    """New tasks answering ``task``, one in each of ``plans`` (under ``under[plan.id]``)."""
    require_task_manager(s, actor, task, f"分解下发任务 {task.code}")
    if not plans:
        raise InputError("请指定下发到的计划")
    out: list[Task] = []
    for plan in plans:
        require_in_scope(s, actor, plan, f"下发任务 {task.code}")
        _not_yet_handed(s, task, plan)
        parent = (under or {}).get(plan.id)
        if parent is not None and parent.plan_id != plan.id:
            raise InputError(f"任务 {parent.code} 不在计划 {plan.name} 中")
        out.append(_copy_tree(s, actor, task, plan, parent))
    return out


def _copy_tree(s: Session, actor: User, task: Task, plan: Plan, parent: Task | None) -> Task:
    child = _copy(s, actor, task, plan, parent)
    create_link(s, actor, child, task, "accepted", "breakdown")
    below = s.scalars(select(Task).where(Task.parent_id == task.id).order_by(Task.id))
    for sub in list(below):
        _copy_tree(s, actor, sub, plan, child)
    return child


def _not_yet_handed(s: Session, task: Task, plan: Plan) -> None:
    if plan.id == task.plan_id:
        raise InputError(f"任务 {task.code} 已在计划 {plan.name} 中，应下发到下级计划")
    q = (
        select(Task.code)
        .join(TaskLink, TaskLink.child_task_id == Task.id)
        .where(
            TaskLink.parent_task_id == task.id,
            TaskLink.origin == "breakdown",
            Task.plan_id == plan.id,
        )
    )
    code = s.scalars(q).first()
    if code is not None:
        raise Conflict(f"任务 {task.code} 已下发到计划 {plan.name}（任务 {code}）")


def _copy(s: Session, actor: User, task: Task, plan: Plan, parent: Task | None) -> Task:
    code, level = _next_code(s, plan, parent)
    child = Task(
        plan_id=plan.id,
        code=code,
        parent_id=parent.id if parent else None,
        level=level,
        kind="task" if task.kind == "group" else task.kind,
        title=task.title,
        category=task.category,
        start_date=task.start_date,
        deadline=task.deadline,
        deadline_text=task.deadline_text,
        expected_outcome=task.expected_outcome,
        weight=1.0,
        state="open",
    )
    s.add(child)
    s.flush()
    audit.record(s, actor, child, "hand_down", None, task_snapshot(child, []))
    targets = s.scalars(select(Target).where(Target.task_id == task.id).order_by(Target.position))
    for t in targets:
        copy = Target(task_id=child.id, position=t.position, **{k: getattr(t, k) for k in _COPIED})
        s.add(copy)
        s.flush()
        share = TargetShare(parent_target_id=t.id, child_target_id=copy.id, created_at=now())
        s.add(share)
        audit.created(s, actor, [copy, share])
    return child


def _next_code(s: Session, plan: Plan, parent: Task | None) -> tuple[str, int]:
    """The next free code at the top of ``plan`` or under ``parent`` (3 → 4, 2.1 → 2.2)."""
    q = select(Task.code).where(Task.plan_id == plan.id)
    q = q.where(Task.parent_id == parent.id) if parent else q.where(Task.parent_id.is_(None))
    last = 0
    for code in s.scalars(q):
        tail = code.rsplit(".", 1)[-1]
        if tail.isdigit():
            last = max(last, int(tail))
    prefix = f"{parent.code}." if parent else ""
    return f"{prefix}{last + 1}", (parent.level + 1 if parent else 1)


def shares_of(s: Session, target: Target) -> dict[str, Target]:
    """The lower plans' copies of ``target``, by plan name."""
    q = (
        select(Plan.name, Target)
        .join(TargetShare, TargetShare.child_target_id == Target.id)
        .join(Task, Task.id == Target.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(TargetShare.parent_target_id == target.id)
        .order_by(Plan.id)
    )
    return {name: t for name, t in s.execute(q)}


def split_target(s: Session, actor: User, target: Target, shares: Mapping[str, float]) -> Split:
    """Set the lower plans' shares of ``target`` (by plan name) and check their sum."""
    require_task_manager(s, actor, s.get_one(Task, target.task_id), "分解目标")
    label = f"{target.indicator}{target.text}"
    if target.measure == "growth" or target.unit == "%":
        raise InputError(f"目标「{label}」是增速或比例，不能按份额分解")
    copies = shares_of(s, target)
    for name, value in shares.items():
        if name not in copies:
            raise InputError(
                f"计划 {name} 还没有承接目标「{label}」所在的任务，"
                "请先下发（luoshi plan breakdown）"
            )
        if not value >= 0:
            raise InputError(f"计划 {name} 的份额「{value}」应为不小于 0 的数")
        copy = copies[name]
        text = f"{value:g}{target.unit}"
        changes = {"value": float(value), "value_max": None, "text": text}
        locking.update(
            s, actor, copy, f"计划 {name} 的目标「{copy.indicator}」", None, changes, "share"
        )
    values = {name: t.value for name, t in copies.items()}
    check = check_shares(target.value, values.values())
    return Split(target, values, check, check.warning(f"目标「{label}」", target.unit))
