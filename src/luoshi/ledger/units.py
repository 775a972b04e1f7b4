"""单位: departments that lead or support tasks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.errors import Conflict, InputError, NotFound
from luoshi.ledger import audit, limits, locking
from luoshi.ledger.access import require_manager
from luoshi.ledger.clock import now
from luoshi.ledger.models import Task, TaskCoUnit, Unit, User


@dataclass(frozen=True)
class UnitRow:
    id: int
    name: str
    active: bool
    lead_tasks: int
    co_tasks: int
    version: int
    email: str | None = None
    webhook: str | None = None
    reporters: int = 0  # the unit's active 填报 accounts
    reporter_names: tuple[str, ...] = ()  # theirs, by display name (username)


def find_unit(s: Session, name: str) -> Unit | None:
    return s.scalars(select(Unit).where(Unit.name == name)).one_or_none()


def get_unit(s: Session, name: str) -> Unit:
    unit = find_unit(s, name)
    if unit is None:
        raise NotFound(f"单位「{name}」不存在（用 luoshi units add 添加）")
    return unit


# The ledger lists several units in one cell or line separated by 、 (市教委、市水务局);
# a name containing it could not be told apart from two units.
LIST_SEPARATOR = "、"


def _clean(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise InputError("单位名称不能为空")
    if LIST_SEPARATOR in cleaned:
        raise InputError(
            f"单位名称「{cleaned}」不能含顿号「{LIST_SEPARATOR}」（顿号用于分隔多个单位）"
        )
    limits.check(Unit.name, cleaned, "单位名称")
    return cleaned


def add_unit(s: Session, actor: User, name: str) -> Unit:
    require_manager(actor, "添加单位")
    name = _clean(name)
    if find_unit(s, name) is not None:
        raise Conflict(f"单位「{name}」已存在")
    unit = Unit(name=name, active=True, created_at=now(), origin="manual")
    s.add(unit)
    audit.created(s, actor, [unit])
    return unit


def ensure_units(
    s: Session, actor: User, names: Iterable[str], origin: str = "manual"
) -> dict[str, Unit]:
    """The named units, creating (and auditing) the missing ones with ``origin``
    ("document": named by a document; "map": from a unit map; "manual")."""
    wanted = list(dict.fromkeys(_clean(n) for n in names))
    have = {u.name: u for u in s.scalars(select(Unit).where(Unit.name.in_(wanted)))}
    missing = [
        Unit(name=n, active=True, created_at=now(), origin=origin) for n in wanted if n not in have
    ]
    if missing:
        require_manager(actor, "添加单位")
        s.add_all(missing)
        audit.created(s, actor, missing)
        have.update({u.name: u for u in missing})
    return have


def rename_unit(s: Session, actor: User, name: str, new_name: str, seen: int | None) -> Unit:
    require_manager(actor, "修改单位")
    unit = get_unit(s, name)
    new_name = _clean(new_name)
    if new_name != name and find_unit(s, new_name) is not None:
        raise Conflict(f"单位「{new_name}」已存在")
    locking.update(s, actor, unit, f"单位 {name}", seen, {"name": new_name})
    return unit


def edit_contacts(
    s: Session,
    actor: User,
    name: str,
    email: str | None = None,
    webhook: str | None = None,
    seen: int | None = None,
) -> Unit:
    """Where reminders reach a unit: its mailbox and chat robot ("" clears; None keeps)."""
    from luoshi.ledger import channels

    require_manager(actor, "修改单位")
    unit = get_unit(s, name)
    changes: dict[str, str | None] = {}
    if email is not None:
        changes["email"] = channels.check_email(email) if email.strip() else None
    if webhook is not None:
        if webhook.strip():
            channels.webhook_url(webhook)  # refused here when unusable
            limits.check(Unit.webhook, webhook.strip(), "webhook 地址")
        changes["webhook"] = webhook.strip() or None
    if not changes:
        raise InputError("请至少给出电子邮箱或 webhook 地址之一")
    locking.update(s, actor, unit, f"单位 {name}", seen, changes)
    return unit


def list_units(s: Session) -> list[UnitRow]:
    lead = dict(
        s.execute(select(Task.lead_unit_id, func.count()).group_by(Task.lead_unit_id)).all()
    )
    co = dict(
        s.execute(select(TaskCoUnit.unit_id, func.count()).group_by(TaskCoUnit.unit_id)).all()
    )
    reporters: dict[int, list[str]] = {}
    accounts = (
        select(User.unit_id, User.username, User.display_name)
        .where(User.active.is_(True), User.role == "reporter", User.unit_id.is_not(None))
        .order_by(User.id)
    )
    for unit_id, username, display in s.execute(accounts):
        if unit_id is None:
            continue  # a reporter always has a unit (users.add_user); the type does not say
        shown = f"{display}（{username}）" if display and display != username else username
        reporters.setdefault(unit_id, []).append(shown)
    units: Sequence[Unit] = s.scalars(select(Unit).order_by(Unit.id)).all()
    return [
        UnitRow(
            u.id,
            u.name,
            u.active,
            lead.get(u.id, 0),
            co.get(u.id, 0),
            u.version,
            u.email,
            u.webhook,
            len(reporters.get(u.id, ())),
            tuple(reporters.get(u.id, ())),
        )
        for u in units
    ]


def merge_units(s: Session, actor: User, name: str, into: str) -> Unit:
    """合并单位: the tasks, co-tasks and users of ``name`` go to ``into``, and ``name`` is
    made inactive — kept, since past reports and the audit trail name it."""
    require_manager(actor, "合并单位")
    source, target = get_unit(s, name), get_unit(s, into)
    if source.id == target.id:
        raise InputError(f"不能把单位「{name}」并入它自己")
    for task in s.scalars(select(Task).where(Task.lead_unit_id == source.id)):
        locking.update(s, actor, task, f"任务 {task.code}", None, {"lead_unit_id": target.id})
    _merge_co_units(s, actor, source, target)
    for person in s.scalars(select(User).where(User.unit_id == source.id)):
        locking.update(s, actor, person, f"用户 {person.username}", None, {"unit_id": target.id})
    locking.update(s, actor, source, f"单位 {name}", None, {"active": False}, "merge")
    return target


def _merge_co_units(s: Session, actor: User, source: Unit, target: Unit) -> None:
    """A task supported by both keeps one row, for ``target``."""
    rows = list(s.scalars(select(TaskCoUnit).where(TaskCoUnit.unit_id == source.id)))
    have = set(s.scalars(select(TaskCoUnit.task_id).where(TaskCoUnit.unit_id == target.id)))
    for row in rows:
        before = audit.snapshot(row)
        task_id, position = row.task_id, row.position
        if task_id in have:
            audit.record(s, actor, row, "delete", before, None)
        s.delete(row)
        s.flush()
        if task_id not in have:
            moved = TaskCoUnit(task_id=task_id, unit_id=target.id, position=position)
            s.add(moved)
            s.flush()
            audit.record(s, actor, moved, "merge", before, audit.snapshot(moved))
