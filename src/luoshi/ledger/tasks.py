"""任务 edits: assignment and the editable fields, with optimistic locking and audit."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from luoshi.errors import Conflict, InputError
from luoshi.ledger import audit, limits
from luoshi.ledger.locking import check_version
from luoshi.ledger.models import Task, TaskCoUnit, Unit, User
from luoshi.ledger.scope import require_task_manager

# Fields people edit (the rest come from the document or from the cycle).
EDITABLE = (
    "title",
    "lead_unit",
    "co_units",
    "person",
    "start_date",
    "deadline",
    "expected_outcome",
    "weight",
)
FIELD_LABELS = {
    "title": "任务名称",
    "lead_unit": "责任单位",
    "co_units": "配合单位",
    "person": "责任人",
    "start_date": "开始日期",
    "deadline": "完成时限",
    "expected_outcome": "预期成效",
    "weight": "权重",
}


def task_snapshot(task: Task, co_units: Sequence[str]) -> dict[str, Any]:
    return {**audit.snapshot(task), "co_units": list(co_units)}


def co_unit_names(s: Session, task_id: int) -> list[str]:
    q = (
        select(Unit.name)
        .join(TaskCoUnit, TaskCoUnit.unit_id == Unit.id)
        .where(TaskCoUnit.task_id == task_id)
        .order_by(TaskCoUnit.position)
    )
    return list(s.scalars(q))


def current_values(s: Session, task: Task) -> dict[str, Any]:
    """The editable fields as people see them (unit names, not ids)."""
    lead = s.get(Unit, task.lead_unit_id) if task.lead_unit_id else None
    return {
        "title": task.title,
        "lead_unit": lead.name if lead else None,
        "co_units": co_unit_names(s, task.id),
        "person": task.person,
        "start_date": task.start_date,
        "deadline": task.deadline,
        "expected_outcome": task.expected_outcome,
        "weight": task.weight,
    }


def edit_task(
    s: Session, actor: User, task: Task, label: str, seen: int | None, values: dict[str, Any]
) -> bool:
    """Apply new ``values`` (keys from EDITABLE) if ``seen`` is still the task's version.

    Returns False and writes nothing when every value is already current.
    """
    require_task_manager(s, actor, task, f"修改任务 {task.code}")
    check_version(label, task.version, seen)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise InputError(f"任务没有可修改的字段：{'、'.join(sorted(unknown))}")
    values = normalize(values)
    _validate(values)
    current = current_values(s, task)
    diff = {k: v for k, v in values.items() if current[k] != v}
    if not diff:
        return False
    if (wrong := date_order_problem(current, diff)) is not None:
        raise InputError(wrong.message)
    units = _units(s, diff)
    before = task_snapshot(task, current["co_units"])
    try:
        _apply(s, task, diff, units)
    except StaleDataError:
        raise Conflict(f"{label} 已被他人修改，本次修改未保存，请刷新后重试") from None
    co = diff.get("co_units", current["co_units"])
    audit.record(s, actor, task, "update", before, task_snapshot(task, co))
    return True


_CLEARED_WHEN_BLANK = ("lead_unit", "person", "expected_outcome")


def normalize(values: dict[str, Any]) -> dict[str, Any]:
    """Values as stored: text stripped, blank optional text None, blank co-units dropped.

    Spaces around a name typed into a form or a spreadsheet cell are never meant;
    keeping them would make an unedited round trip look like a change.
    """
    out = dict(values)
    for key, value in values.items():
        if key == "co_units" and isinstance(value, list | tuple):
            out[key] = [n.strip() if isinstance(n, str) else n for n in value]
            out[key] = [n for n in out[key] if n != ""]
        elif isinstance(value, str):
            out[key] = value.strip()
            if key in _CLEARED_WHEN_BLANK and not out[key]:
                out[key] = None
    return out


@dataclass(frozen=True)
class Problem:
    """An invalid value and the field it was given for."""

    field: str
    message: str


def problems(values: dict[str, Any]) -> list[Problem]:
    """Every invalid value among (normalized) ``values``; unit names are checked apart,
    against the database, by whoever applies them."""
    found: list[Problem] = []
    title = values.get("title")
    if "title" in values and not (isinstance(title, str) and title.strip()):
        found.append(Problem("title", "任务名称不能为空"))
    weight = values.get("weight")
    # Infinity would turn every roll-up above the task into NaN.
    if "weight" in values and not (
        isinstance(weight, int | float) and weight >= 0 and math.isfinite(weight)
    ):
        found.append(Problem("weight", f"权重「{weight}」应为不小于 0 的数"))
    for key in ("start_date", "deadline"):
        if values.get(key) is not None and not isinstance(values[key], date):
            found.append(Problem(key, f"{FIELD_LABELS[key]}「{values[key]}」不是有效日期"))
    co = list(values.get("co_units") or [])
    # A unit supports a task once; a repeat would break the co-unit table's key.
    repeated = sorted({n for n in co if co.count(n) > 1}, key=co.index)
    if repeated:
        found.append(Problem("co_units", f"配合单位「{'、'.join(repeated)}」重复"))
    if (message := limits.too_long(Task.person, values.get("person"), "责任人")) is not None:
        found.append(Problem("person", message))
    return found


def date_order_problem(current: dict[str, Any], diff: dict[str, Any]) -> Problem | None:
    """A task cannot be due before it starts (the expected progress would be undefined).

    Only an edit of a date is held to it, so a task stored with its dates the wrong
    way round can still be assigned; it is corrected by editing a date.
    """
    if "start_date" not in diff and "deadline" not in diff:
        return None
    after = {**current, **diff}
    start, deadline = after.get("start_date"), after.get("deadline")
    if isinstance(start, date) and isinstance(deadline, date) and start > deadline:
        return Problem(
            "start_date" if "start_date" in diff else "deadline",
            f"{FIELD_LABELS['start_date']}「{start.isoformat()}」晚于"
            f"{FIELD_LABELS['deadline']}「{deadline.isoformat()}」",
        )
    return None


def _validate(values: dict[str, Any]) -> None:
    found = problems(values)
    if found:
        raise InputError("；".join(p.message for p in found))


def _units(s: Session, diff: dict[str, Any]) -> dict[str, Unit]:
    asked = {
        "lead_unit": [diff["lead_unit"]] if diff.get("lead_unit") else [],
        "co_units": list(diff.get("co_units", [])),
    }
    names = [n for group in asked.values() for n in group]
    found = {u.name: u for u in s.scalars(select(Unit).where(Unit.name.in_(names)))}
    for key, group in asked.items():
        missing = [n for n in group if n not in found]
        if missing:
            raise InputError(
                f"{FIELD_LABELS[key]}「{'、'.join(missing)}」不存在（用 luoshi units add 添加）"
            )
    return found


def _apply(s: Session, task: Task, diff: dict[str, Any], units: dict[str, Unit]) -> None:
    """Write the changed columns in one versioned UPDATE, then the co-unit rows."""
    for key, value in diff.items():
        if key == "lead_unit":
            task.lead_unit_id = units[value].id if value else None
            # A person chose it: no longer a suggestion awaiting confirmation (待确认).
            task.lead_unit_origin = "assigned" if value else None
            task.lead_unit_reason = None
        elif key != "co_units":
            setattr(task, key, value)
    if set(diff) == {"co_units"}:
        # Co-units live in their own table; still bump the task's version, so a
        # concurrent edit based on the old co-units is refused.
        flag_modified(task, "title")
    s.flush()
    if "co_units" in diff:
        s.execute(delete(TaskCoUnit).where(TaskCoUnit.task_id == task.id))
        s.add_all(
            TaskCoUnit(task_id=task.id, unit_id=units[n].id, position=i)
            for i, n in enumerate(diff["co_units"])
        )


def assign(
    s: Session,
    actor: User,
    task: Task,
    label: str,
    seen: int | None,
    unit: str | None = None,
    person: str | None = None,
    co_units: Sequence[str] | None = None,
) -> bool:
    """分派: set a task's lead unit, responsible person and co-units."""
    values: dict[str, Any] = {}
    if unit is not None:
        values["lead_unit"] = unit
    if person is not None:
        values["person"] = person or None
    if co_units is not None:
        values["co_units"] = list(co_units)
    if not values:
        raise InputError(
            "请至少给出责任单位、责任人或配合单位之一", ("lead_unit", "person", "co_units")
        )
    return edit_task(s, actor, task, label, seen, values)


def task_label(plan_name: str, task: Task) -> str:
    return f"任务 {plan_name}:{task.code}"
