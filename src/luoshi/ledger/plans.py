"""计划: building a plan's task tree from a document, and finding plans and tasks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from luoshi.errors import Conflict, InputError, NotFound
from luoshi.extract.drafts import TargetDraft, TaskDraft
from luoshi.extract.lead_units import UnitMap, load_unit_map
from luoshi.ledger import audit, limits, locking
from luoshi.ledger.access import require_manager
from luoshi.ledger.clock import now
from luoshi.ledger.limits import fit
from luoshi.ledger.models import (
    PLAN_STATES,
    Attachment,
    CloseRequest,
    DelayRequest,
    Document,
    Notification,
    Plan,
    PlanState,
    PlanTally,
    Round,
    Target,
    TargetCheck,
    TargetShare,
    Task,
    TaskAck,
    TaskComment,
    TaskCoUnit,
    TaskLink,
    TaskState,
    Unit,
    User,
)
from luoshi.ledger.scope import (
    Scope,
    in_scope,
    plan_clause,
    require_plan_manager,
    require_unscoped,
    scope_of,
)
from luoshi.ledger.source_tables import source_of
from luoshi.ledger.tasks import task_snapshot
from luoshi.ledger.units import ensure_units

if TYPE_CHECKING:
    from luoshi.extract.nontask import LeftOut  # a type only: its rules load with it

_NAME = re.compile(r"^[^\s:：]{1,100}$")


@dataclass(frozen=True)
class PlanRow:
    id: int
    name: str
    title: str
    document_id: int | None
    tasks: int
    created_at: str
    version: int
    public: bool = False
    state: str = "active"
    office_default: bool = False


STATE_LABELS = {"draft": "草稿", "active": "启用", "archived": "已归档"}


@dataclass(frozen=True)
class Built:
    """A plan just built, and the passages of its document left out (with why)."""

    plan: Plan
    left_out: list[LeftOut]


def build_plan(
    s: Session,
    actor: User,
    document: Document,
    name: str,
    unit_map: UnitMap | None = None,
    title: str | None = None,
) -> Plan:
    """A new plan named ``name`` whose tasks are drafted from ``document``."""
    return build_plan_explained(s, actor, document, name, unit_map, title).plan


def build_plan_explained(
    s: Session,
    actor: User,
    document: Document,
    name: str,
    unit_map: UnitMap | None = None,
    title: str | None = None,
) -> Built:
    """``build_plan``, also saying which passages were left out and why.

    The unit map is the one of the document's level (国家/省/市/区/县) unless one is
    given. Units the document names are created as written (origin "document").
    """
    require_manager(actor, "建立计划")
    _check_name(s, name)
    limits.check(Plan.title, title, "计划标题")
    # Imported here: the extraction rules take a tenth of a second to load, which every
    # web worker and ledger command would pay at start-up for these calls.
    from luoshi.extract.pipeline import extract
    from luoshi.extract.tasks import draft as draft_tasks

    x = extract(source_of(document))
    level = document.level or (x.profile.level if x.profile else None)
    units = unit_map or load_unit_map(level=level)
    drafting = draft_tasks(x, units)
    drafts = drafting.drafts
    if not drafts:
        raise InputError(
            f"文件 {document.id}《{document.title}》中没有找到可列为任务的内容"
            "（部署性的段落、举措或目标），未建立计划"
        )
    by_name = ensure_units(s, actor, units.units, origin="map")
    by_name.update(ensure_units(s, actor, _named_units(drafts), origin="document"))
    plan = Plan(
        name=name,
        title=title or document.title,
        document_id=document.id,
        created_at=now(),
        state="draft",
        # A scoped supervisor's plan is its organisation's, so it stays in its scope.
        organisation_id=actor.organisation_id if actor.role == "supervisor" else None,
    )
    s.add(plan)
    year = x.profile.year if x.profile else None
    start = document.date or (date(year, 1, 1) if year else None)
    tasks, targets, co_units = _rows(plan, document, drafts, by_name, start)
    s.add_all([*tasks, *targets, *co_units])
    s.flush()
    audit.created(s, actor, [plan])
    for task, draft in zip(tasks, drafts, strict=True):
        after = task_snapshot(task, draft.co_units)
        audit.record(s, actor, task, "create", None, after)
    audit.created(s, actor, targets)
    return Built(plan, drafting.left_out)


def _named_units(drafts: Sequence[TaskDraft]) -> list[str]:
    """The units the document itself names, as written (names too long to be one dropped)."""
    names: list[str] = []
    for d in drafts:
        if d.unit_origin == "document":
            names.extend(n for n in (d.lead_unit, *d.co_units) if n)
    return [n for n in dict.fromkeys(names) if limits.too_long(Unit.name, n, "单位") is None]


def _check_name(s: Session, name: str) -> None:
    if not _NAME.match(name) or name.isdigit():
        raise InputError(f"计划名称「{name}」无效：不能为空、纯数字，或含空格和冒号")
    if s.scalars(select(Plan.id).where(Plan.name == name)).first() is not None:
        raise Conflict(f"计划「{name}」已存在")


def _rows(
    plan: Plan,
    document: Document,
    drafts: Sequence[TaskDraft],
    units: dict[str, Unit],
    start: date | None,
) -> tuple[list[Task], list[Target], list[TaskCoUnit]]:
    tasks: dict[str, Task] = {}
    targets: list[Target] = []
    co_units: list[TaskCoUnit] = []
    for d in drafts:
        lead = units.get(d.lead_unit) if d.lead_unit else None
        task = Task(
            plan=plan,
            code=d.code,
            parent=tasks[d.parent] if d.parent else None,
            level=d.level,
            kind=d.kind,
            title=d.title,
            document_id=document.id,
            start=d.start,
            end=d.end,
            category=fit(Task.category, d.category),
            lead_unit_id=lead.id if lead else None,
            lead_unit_origin=d.unit_origin if lead else None,
            lead_unit_reason=d.unit_reason if lead else None,
            person=fit(Task.person, d.person),
            initial_progress_note=d.progress_note,
            start_date=_start_date(start, d.deadline),
            deadline=d.deadline,
            deadline_text=fit(Task.deadline_text, d.deadline_text),
            expected_outcome=d.expected_outcome,
            weight=1.0,
            state="open",
        )
        tasks[d.code] = task
        targets.extend(_target(task, i, t) for i, t in enumerate(d.targets))
        co_units.extend(
            TaskCoUnit(task=task, unit_id=units[u].id, position=i)
            for i, u in enumerate(d.co_units)
            if u in units
        )
    return list(tasks.values()), targets, co_units


def _start_date(issued: date | None, deadline: date | None) -> date | None:
    """When a task starts: when its document was issued, unless it is due earlier
    (a report of 10 April asking for work done 3月底前) — then it is due at once."""
    if issued is not None and deadline is not None:
        return min(issued, deadline)
    return issued


def _target(task: Task, position: int, t: TargetDraft) -> Target:
    b = t.baseline
    return Target(
        task=task,
        position=position,
        indicator=fit(Target.indicator, t.indicator),
        comparator=t.comparator,
        value=t.value,
        value_max=t.value_max,
        unit=fit(Target.unit, t.unit),
        period=fit(Target.period, t.period),
        measure=t.measure,
        start=t.start,
        end=t.end,
        text=fit(Target.text, t.text),
        baseline_value=b.value if b else None,
        baseline_unit=fit(Target.baseline_unit, b.unit) if b else None,
        baseline_period=fit(Target.baseline_period, b.period) if b else None,
        baseline_start=b.start if b else None,
        baseline_end=b.end if b else None,
        baseline_text=fit(Target.baseline_text, b.text) if b else None,
    )


def plan_by_id(s: Session, plan_id: int) -> Plan:
    """A plan by its numeric id (the web's URLs), or NotFound."""
    plan = s.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"计划 {plan_id} 不存在")
    return plan


def task_by_id(s: Session, task_id: int) -> Task:
    """A task by its numeric id (the web's URLs), or NotFound."""
    task = s.get(Task, task_id)
    if task is None:
        raise NotFound(f"任务 {task_id} 不存在")
    return task


def get_plan(s: Session, ref: str) -> Plan:
    """A plan by id (digits) or by name."""
    plan = s.get(Plan, int(ref)) if ref.isdigit() else None
    plan = plan or s.scalars(select(Plan).where(Plan.name == ref)).one_or_none()
    if plan is None:
        raise NotFound(f"计划「{ref}」不存在（用 luoshi plan list 查看）")
    return plan


def get_task(s: Session, ref: str) -> tuple[Plan, Task]:
    """A task by ``PLAN:CODE`` (t2026:3.1.2)."""
    plan_ref, sep, code = ref.rpartition(":")
    if not sep or not plan_ref or not code:
        raise InputError(f"任务「{ref}」应写作 计划:编号，例如 t2026:3.1.2")
    plan = get_plan(s, plan_ref)
    task = s.scalars(select(Task).where(Task.plan_id == plan.id, Task.code == code)).one_or_none()
    if task is None:
        raise NotFound(f"计划 {plan.name} 中没有编号为 {code} 的任务")
    return plan, task


def list_plans(s: Session, scope: Scope = None) -> list[PlanRow]:
    """Every plan, or those of the organisations ``scope`` (ledger/scope.py)."""
    counts = dict(s.execute(select(Task.plan_id, func.count()).group_by(Task.plan_id)).all())
    return [
        PlanRow(
            p.id,
            p.name,
            p.title,
            p.document_id,
            counts.get(p.id, 0),
            p.created_at.isoformat(timespec="seconds"),
            p.version,
            p.public,
            p.state,
            p.office_default,
        )
        for p in s.scalars(select(Plan).where(plan_clause(scope)).order_by(Plan.id))
    ]


def set_public(s: Session, actor: User, plan: Plan, public: bool, seen: int | None = None) -> bool:
    """公开: let anyone read the plan's promises and progress without signing in."""
    require_plan_manager(s, actor, plan, "设置计划公开")
    return locking.update(s, actor, plan, f"计划 {plan.name}", seen, {"public": public})


# -- the plan's life: draft → active → archived; defaults; deletion -----------------


def set_state(s: Session, actor: User, plan: Plan, state: str, seen: int | None = None) -> bool:
    """启用/归档/恢复为草稿: only active plans are on dashboards and run rounds; an
    archived plan is kept read-only. False when the plan already was in ``state``."""
    if state not in PLAN_STATES:
        raise InputError(f"计划状态「{state}」无效，可选：{'、'.join(STATE_LABELS.values())}")
    require_plan_manager(s, actor, plan, f"{_STATE_VERBS[state]}计划")
    changes: dict[str, object] = {"state": state}
    if state != "active":
        changes["office_default"] = False
    action = {"draft": "to_draft", "active": "activate", "archived": "archive"}[state]
    return locking.update(s, actor, plan, f"计划 {plan.name}", seen, changes, action)


_STATE_VERBS = {"draft": "退回草稿", "active": "启用", "archived": "归档"}


def set_office_default(s: Session, actor: User, plan: Plan | None) -> None:
    """本单位默认计划: the plan everyone's dashboard opens on (None: the newest active)."""
    require_manager(actor, "设置默认计划")
    require_unscoped(s, actor, "设置全局默认计划")
    if plan is not None and plan.state != "active":
        raise InputError(f"计划 {plan.name} 尚未启用，不能设为默认计划")
    for other in s.scalars(select(Plan).where(Plan.office_default)):
        if plan is None or other.id != plan.id:
            locking.update(s, actor, other, f"计划 {other.name}", None, {"office_default": False})
    if plan is not None:
        locking.update(s, actor, plan, f"计划 {plan.name}", None, {"office_default": True})


def set_user_default(s: Session, actor: User, user: User, plan: Plan | None) -> None:
    """我的默认计划: a user picks the plan its own dashboard opens on (None: the office's)."""
    if actor.id != user.id:
        require_manager(actor, f"设置用户 {user.username} 的默认计划")
    if plan is not None and plan.state != "active":
        raise InputError(f"计划 {plan.name} 尚未启用，不能设为默认计划")
    if plan is not None and not in_scope(scope_of(s, user), plan):
        raise InputError(f"计划 {plan.name} 不在用户 {user.username} 所属组织的范围内")
    wanted = plan.id if plan is not None else None
    locking.update(s, actor, user, f"用户 {user.username}", None, {"default_plan_id": wanted})


def active_plans(s: Session, scope: Scope = None) -> list[Plan]:
    """启用的计划, newest first: what plan pickers offer and dashboards show (those of
    ``scope``'s organisations)."""
    q = select(Plan).where(Plan.state == "active", plan_clause(scope)).order_by(Plan.id.desc())
    return list(s.scalars(q))


def default_plan(s: Session, user_id: int | None, scope: Scope = None) -> Plan | None:
    """The plan a user sees when it names none: its own default, else the office's,
    else the newest active plan — each only while active and in ``scope``. None: no
    active plan."""
    user = s.get(User, user_id) if user_id is not None else None
    candidates = [user.default_plan_id if user is not None else None]
    office = select(Plan.id).where(Plan.office_default, Plan.state == "active")
    candidates.append(s.scalars(office.order_by(Plan.id.desc()).limit(1)).first())
    for plan_id in candidates:
        plan = s.get(Plan, plan_id) if plan_id is not None else None
        if plan is not None and plan.state == "active" and in_scope(scope, plan):
            return plan
    newest = active_plans(s, scope)
    return newest[0] if newest else None


def choose_plan(
    s: Session, plan_id: int | None, user_id: int | None, scope: Scope = None
) -> Plan | None:
    """The plan asked for (any state, so a draft can be previewed), else the default
    (in ``scope``; the caller checks a plan asked for)."""
    if plan_id is not None:
        return s.get(Plan, plan_id)
    return default_plan(s, user_id, scope)


def delete_plan(s: Session, actor: User, plan: Plan) -> None:
    """删除计划: only one no round has been opened in (else archive it). Its tasks and
    targets go with it; the audit trail keeps every deleted row's last state."""
    require_plan_manager(s, actor, plan, "删除计划")
    rounds = s.scalar(select(func.count()).select_from(Round).where(Round.plan_id == plan.id))
    if rounds:
        raise Conflict(f"计划 {plan.name} 已有 {rounds} 轮调度及其填报记录，不能删除；可以改为归档")
    task_ids = select(Task.id).where(Task.plan_id == plan.id).scalar_subquery()
    kept = work_done_in(s, plan, task_ids)
    if kept:
        raise Conflict(f"计划 {plan.name} 已有 {'、'.join(kept)}，不能删除；可以改为归档")
    _cut_links(s, actor, task_ids)
    for target in s.scalars(select(Target).where(Target.task_id.in_(task_ids))):
        audit.record(s, actor, target, "delete", audit.snapshot(target), None)
    for task in s.scalars(select(Task).where(Task.plan_id == plan.id)):
        audit.record(s, actor, task, "delete", audit.snapshot(task), None)
    audit.record(s, actor, plan, "delete", audit.snapshot(plan), None)
    for user in s.scalars(select(User).where(User.default_plan_id == plan.id)):
        locking.update(s, actor, user, f"用户 {user.username}", None, {"default_plan_id": None})
    s.execute(delete(TaskCoUnit).where(TaskCoUnit.task_id.in_(task_ids)))
    s.execute(delete(Target).where(Target.task_id.in_(task_ids)))
    # The figures kept for it are derived, not records: they go without an audit event.
    for derived in (TaskState, PlanTally, PlanState):
        s.execute(delete(derived).where(derived.plan_id == plan.id))
    # Children first would need the tree's order; cutting the links first needs none.
    s.execute(update(Task).where(Task.plan_id == plan.id).values(parent_id=None))
    s.execute(delete(Task).where(Task.plan_id == plan.id))
    s.delete(plan)
    s.flush()


# Records of people's work on a plan's tasks outside rounds (签收, 延期, 办结, 评论,
# 佐证材料, 消息, 目标核对): a plan holding any is archived, never deleted.
_WORK = (
    (TaskAck, TaskAck.task_id, "签收记录"),
    (DelayRequest, DelayRequest.task_id, "延期申请"),
    (CloseRequest, CloseRequest.task_id, "办结申请"),
    (TaskComment, TaskComment.task_id, "评论"),
    (Attachment, Attachment.task_id, "佐证材料"),
)


def work_done_in(s: Session, plan: Plan, task_ids: Any) -> list[str]:
    """What people have recorded on ``plan`` that deleting it would lose, named."""
    out = []
    for model, column, label in _WORK:
        n = s.scalar(select(func.count()).select_from(model).where(column.in_(task_ids)))
        if n:
            out.append(f"{n} 条{label}")
    by_plan = ((Notification.plan_id, "消息"), (TargetCheck.plan_id, "目标核对"))
    for plan_column, label in by_plan:
        n = s.scalar(select(func.count()).where(plan_column == plan.id))
        if n:
            out.append(f"{n} 条{label}")
    return out


def _cut_links(s: Session, actor: User, task_ids: Any) -> None:
    """The plan's links to other plans' tasks (对接) and target shares (分解份额) go with
    it; the audit trail keeps each one's last state."""
    links = s.scalars(
        select(TaskLink).where(
            TaskLink.child_task_id.in_(task_ids) | TaskLink.parent_task_id.in_(task_ids)
        )
    ).all()
    target_ids = select(Target.id).where(Target.task_id.in_(task_ids)).scalar_subquery()
    shares = s.scalars(
        select(TargetShare).where(
            TargetShare.child_target_id.in_(target_ids)
            | TargetShare.parent_target_id.in_(target_ids)
        )
    ).all()
    for row in [*links, *shares]:
        audit.record(s, actor, row, "delete", audit.snapshot(row), None)
        s.delete(row)
    s.flush()
