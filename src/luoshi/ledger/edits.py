"""Batch edits of a plan's tasks, as they come back in an edited spreadsheet.

All or nothing: every invalid value is collected and reported at once, rows
edited from a stale version are refused together, and only then is anything
written — in the caller's single transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import Conflict, ImportErrors
from luoshi.ledger import tasks
from luoshi.ledger.models import Plan, Task, Unit, User
from luoshi.ledger.read.compute import task_rows
from luoshi.ledger.read.rows import TaskRow
from luoshi.ledger.scope import require_plan_manager
from luoshi.ledger.tasks import EDITABLE, FIELD_LABELS, edit_task, normalize, task_label
from luoshi.ledger.units import LIST_SEPARATOR

# What people type between units instead of 、: worth a hint when a name is unknown.
_OTHER_SEPARATORS = re.compile(r"[,，;；]")


@dataclass(frozen=True)
class RowEdit:
    """One edited row: the task code, the version its editor saw, its editable values."""

    code: str
    seen: int
    values: dict[str, Any]
    row: str  # where the row is, for messages: 台账!第12行
    cells: dict[str, str] = field(default_factory=dict)  # field → 台账!E12


@dataclass(frozen=True)
class Change:
    code: str
    field: str
    before: Any
    after: Any

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


def current(row: TaskRow) -> dict[str, Any]:
    return {
        "title": row.title,
        "lead_unit": row.lead_unit,
        "co_units": row.co_units,
        "person": row.person,
        "start_date": row.start_date,
        "deadline": row.deadline,
        "expected_outcome": row.expected_outcome,
        "weight": row.weight,
    }


def prepare(
    s: Session, plan: Plan, edits: Sequence[RowEdit], problems: Sequence[str] = ()
) -> list[Change]:
    """The changes ``edits`` make; raise ImportErrors for bad cells (``problems`` from
    reading included), then Conflict for rows edited from an old version."""
    rows = {r.code: r for r in task_rows(s, plan.id)}
    units = set(s.scalars(select(Unit.name)))
    found = list(problems)
    changes: list[Change] = []
    stale: list[str] = []
    first_row: dict[str, str] = {}
    for e in edits:
        row = rows.get(e.code)
        if row is None:
            found.append(f"{e.row} 编号「{e.code}」在计划 {plan.name} 中不存在")
            continue
        if e.code in first_row:
            found.append(f"{e.row} 编号「{e.code}」与{first_row[e.code]}重复")
            continue
        first_row[e.code] = e.row
        found.extend(_unknown_units(e, units))
        # Stored text may carry spaces the sheet's reading strips: not a change.
        now = normalize(current(row))
        diff = _diff(e, now)
        found.extend(_invalid(e, diff, now))
        if diff and e.seen != row.version:
            stale.append(f"{e.row} 任务 {e.code}（当前版本 {row.version}，表中是 {e.seen}）")
        changes.extend(diff)
    if found:
        raise ImportErrors(found)
    if stale:
        head = f"以下 {len(stale)} 行在导出后已被他人修改，未做任何修改，请重新导出后再改："
        raise Conflict("\n".join([head, *stale]))
    return changes


def _unknown_units(e: RowEdit, units: set[str]) -> list[str]:
    out = []
    for key in ("lead_unit", "co_units"):
        value = e.values.get(key)
        names = value if isinstance(value, list) else [value] if value else []
        missing = [n for n in names if n not in units]
        if missing:
            where = e.cells.get(key, e.row)
            hint = "先用 luoshi units add 添加"
            if key == "co_units" and any(_OTHER_SEPARATORS.search(n) for n in missing):
                hint += f"；多个配合单位请用顿号「{LIST_SEPARATOR}」分隔"
            out.append(
                f"{where} {FIELD_LABELS[key]}「{LIST_SEPARATOR.join(missing)}」不存在（{hint}）"
            )
    return out


def _invalid(e: RowEdit, diff: Sequence[Change], now: dict[str, Any]) -> list[str]:
    """What ``edit_task`` would refuse in this row's changes, each at its cell: found
    here, so a dry run catches it and every bad cell is listed at once."""
    values = {c.field: c.after for c in diff}
    found = tasks.problems(values)
    if (wrong := tasks.date_order_problem(now, values)) is not None:
        found.append(wrong)
    return [f"{e.cells.get(p.field, e.row)} {p.message}" for p in found]


def _diff(e: RowEdit, now: dict[str, Any]) -> list[Change]:
    return [
        Change(e.code, k, now[k], v) for k, v in e.values.items() if k in EDITABLE and now[k] != v
    ]


def apply(
    s: Session, actor: User, plan: Plan, edits: Sequence[RowEdit], problems: Sequence[str] = ()
) -> list[Change]:
    """Validate, check versions, then write every change (audited) in this transaction."""
    require_plan_manager(s, actor, plan, "导入台账")
    changes = prepare(s, plan, edits, problems)
    changed = {c.code for c in changes}
    by_code = {
        t.code: t
        for t in s.scalars(select(Task).where(Task.plan_id == plan.id, Task.code.in_(changed)))
    }
    for e in edits:
        if e.code in changed:
            values = {c.field: c.after for c in changes if c.code == e.code}
            edit_task(
                s, actor, by_code[e.code], task_label(plan.name, by_code[e.code]), e.seen, values
            )
    return changes


def import_edits(
    s: Session,
    actor: User,
    plan: Plan,
    edits: Sequence[RowEdit],
    problems: Sequence[str] = (),
    dry_run: bool = False,
) -> list[Change]:
    """Apply edits read from a spreadsheet to ``plan`` (all or nothing); with ``dry_run``
    only say what would change."""
    if dry_run:
        return prepare(s, plan, edits, problems)
    return apply(s, actor, plan, edits, problems)
