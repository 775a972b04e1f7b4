"""Reads from the kept figures (``state``): a page of the list, the dashboard's figures, one
task's row — each in a few indexed queries, however large the plan.

They answer exactly what the computed reads answer for the state day (a test holds
them to it); ``views`` chooses between the two.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from luoshi.ledger.health import (
    HEALTH_ORDER,
    NEEDS_ATTENTION,
    UNASSIGNED,
    UNCATEGORISED,
    WORST_FIRST,
    Rolled,
)
from luoshi.ledger.models import (
    Plan,
    PlanState,
    PlanTally,
    Target,
    Task,
    TaskCoUnit,
    TaskState,
    Unit,
)
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.bounded import whole_plan_ahead
from luoshi.ledger.read.compute import TARGET_COLUMNS, plan_ref, row_select, target_row, task_row
from luoshi.ledger.read.figures import PlanFigures, Tally, most_behind_first
from luoshi.ledger.read.listing import MAX_PER_PAGE, Page, Sort, TaskFilter, code_needle
from luoshi.ledger.read.rows import PlanView, TaskRow
from luoshi.ledger.read.values import latest_values
from luoshi.ledger.read.visibility import Viewer

STATE_COLUMNS = (
    TaskState.leaf, TaskState.reported, TaskState.progress, TaskState.expected,
    TaskState.health, TaskState.overdue, TaskState.missed_rounds, TaskState.last_round_id,
    TaskState.awaiting_review,
)  # fmt: skip
CHUNK = 2000


def _rows_select() -> Select[Any]:
    return row_select().join(TaskState, TaskState.task_id == Task.id).add_columns(*STATE_COLUMNS)


def _row(f: Sequence[Any]) -> TaskRow:
    row = task_row(f)
    (row.leaf, row.reported, row.progress, row.expected, row.health, row.overdue,
     row.missed_rounds, row.last_round, row.awaiting_review) = f[20:29]  # fmt: skip
    return row


# Built once: every page of the list, the dashboard and a task's page read rows by id.
_BY_ID = _rows_select().where(Task.id.in_(bindparam("ids", expanding=True)))
_CO_UNITS = (
    select(TaskCoUnit.task_id, Unit.name)
    .join(Unit, Unit.id == TaskCoUnit.unit_id)
    .where(TaskCoUnit.task_id.in_(bindparam("ids", expanding=True)))
    .order_by(TaskCoUnit.task_id, TaskCoUnit.position)
)
_TARGETS = (
    select(Target.task_id, *TARGET_COLUMNS)
    .where(Target.task_id.in_(bindparam("ids", expanding=True)))
    .order_by(Target.task_id, Target.position)
)


def rows_by_id(s: Session, ids: Sequence[int]) -> dict[int, TaskRow]:
    """The kept rows of ``ids``, with their co-units and targets."""
    if not ids:
        return {}
    found = {r[0]: _row(r) for r in s.execute(_BY_ID, {"ids": list(ids)})}
    _attach(s, found)
    return found


# A chunk of the stream names its tasks by a range of sort keys, not by 2,000 ids:
# binding an IN list that long costs more than the query.
_IN_CHUNK = (
    TaskState.plan_id == bindparam("plan_id"),
    TaskState.sort_key > bindparam("after"),
    TaskState.sort_key <= bindparam("last"),
)
_CHUNK_CO_UNITS = (
    select(TaskCoUnit.task_id, Unit.name)
    .join(Unit, Unit.id == TaskCoUnit.unit_id)
    .join(TaskState, TaskState.task_id == TaskCoUnit.task_id)
    .where(*_IN_CHUNK)
    .order_by(TaskCoUnit.task_id, TaskCoUnit.position)
)
_CHUNK_TARGETS = (
    select(Target.task_id, *TARGET_COLUMNS)
    .join(TaskState, TaskState.task_id == Target.task_id)
    .where(*_IN_CHUNK)
    .order_by(Target.task_id, Target.position)
)


def _attach(
    s: Session,
    rows: dict[int, TaskRow],
    queries: tuple[Select[*tuple[Any, ...]], Select[*tuple[Any, ...]]] = (_CO_UNITS, _TARGETS),
    params: dict[str, Any] | None = None,
) -> None:
    """Each row's co-units and targets; by default ``rows`` are named by their ids."""
    bound = params if params is not None else {"ids": list(rows)}
    conn = s.connection()
    for task_id, name in conn.execute(queries[0], bound):
        rows[task_id].co_units.append(name)
    found = list(conn.execute(queries[1], bound))
    # The targets' latest reported values, as the computed view attaches them (today).
    latest = latest_values(s, None, None, [t[1] for t in found]) if found else {}
    for t in found:
        rows[t[0]].targets.append(target_row(t[1:], latest.get(t[1])))


def iter_rows(s: Session, plan_id: int, chunk: int = CHUNK) -> Iterator[TaskRow]:
    """Every kept row of a plan in code order, read a chunk at a time (keyset on the sort
    key), so a plan of a million tasks is never held in memory at once."""
    after = ""
    while True:
        q = (
            _rows_select()
            .add_columns(TaskState.sort_key)
            .where(TaskState.plan_id == plan_id, TaskState.sort_key > after)
            .order_by(TaskState.sort_key)
            .limit(chunk)
        )
        # On the connection, not the session: plain rows without the ORM's loading
        # (a fifth of streaming a plan). The session has flushed nothing unseen here:
        # a transaction with pending writes computes instead (``writes_pending``).
        found = s.connection().execute(q).all()
        if not found:
            return
        rows = {r[0]: _row(r) for r in found}
        chunk_of = {"plan_id": plan_id, "after": after, "last": found[-1][-1]}
        _attach(s, rows, (_CHUNK_CO_UNITS, _CHUNK_TARGETS), chunk_of)
        yield from rows.values()
        after = found[-1][-1]


def kept_view(s: Session, plan: Plan, st: PlanState, at: AsOf) -> PlanView:
    """The whole plan from its kept figures."""
    whole_plan_ahead()
    rows = list(iter_rows(s, plan.id))
    total = Rolled(st.progress, st.expected, _all_done(s, plan.id))
    # The day the figures are of: today's, or the last day's while a large plan catches up.
    return PlanView(plan_ref(plan), AsOf(st.day), rows, total)


def _all_done(s: Session, plan_id: int) -> bool:
    tops = select(TaskState.health).where(
        TaskState.plan_id == plan_id, TaskState.parent_id.is_(None)
    )
    colours = list(s.scalars(tops))
    return bool(colours) and all(c == "done" for c in colours)


# -- the list ------------------------------------------------------------------------------


_UNIT_ID = select(Unit.id).where(Unit.name == bindparam("name"))


def _unit_id(s: Session, name: str) -> int | None:
    return s.scalar(_UNIT_ID, {"name": name})


def _belongs_to(unit_id: int | None) -> ColumnElement[bool]:
    if unit_id is None:
        return TaskState.task_id.is_(None)  # nobody: no such unit
    supports = select(TaskCoUnit.task_id).where(TaskCoUnit.unit_id == unit_id)
    return or_(TaskState.lead_unit_id == unit_id, TaskState.task_id.in_(supports))


def _conditions(
    s: Session, plan_id: int, f: TaskFilter, viewer: Viewer | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [TaskState.plan_id == plan_id]
    scope = viewer.unit_scope if viewer is not None else None
    for unit in (None if f.unassigned else f.unit, scope):
        if unit is not None:
            where.append(_belongs_to(_unit_id(s, unit) if unit else None))
    where.extend(_placeholders(f.unassigned, f.uncategorised))
    if f.category is not None and not f.uncategorised:
        where.append(TaskState.category == f.category)
    if f.health is not None:
        where.append(TaskState.health == f.health)
    if f.kind is not None:
        where.append(Task.kind == f.kind)
    if f.leaves_only:
        where.append(TaskState.leaf.is_(True))
    if f.overdue_only:
        where.append(TaskState.overdue == true())  # = , not IS: the index serves it
    if f.deadline_from is not None:
        where.append(TaskState.deadline >= f.deadline_from)
    if f.deadline_to is not None:
        where.append(TaskState.deadline <= f.deadline_to)
    if f.text:
        needle = f.text.casefold()
        in_title = func.lower(Task.title).contains(needle, autoescape=True)
        in_leaf = func.lower(TaskState.source).contains(needle, autoescape=True)
        in_source = and_(TaskState.leaf.is_(True), in_leaf)
        where.append(or_(in_title, in_source, *_code_found(f.text)))
    return where


def _placeholders(unassigned: bool, uncategorised: bool) -> list[ColumnElement[bool]]:
    """「（未分派）」, 「（未分类）」: the leaves without a lead unit, without a category."""
    where: list[ColumnElement[bool]] = []
    if unassigned or uncategorised:
        where.append(TaskState.leaf.is_(True))
    if unassigned:
        where.append(TaskState.lead_unit_id.is_(None))
    if uncategorised:
        where.append(or_(TaskState.category.is_(None), TaskState.category == ""))
    return where


def _code_found(text: str) -> list[ColumnElement[bool]]:
    """A search that is a code: the task's code equal to it (the plan's unique index on
    tasks.code) or starting with it and a dot (``listing.under_code``) — compared as it
    is stored, no function around the column."""
    code = code_needle(text)
    if code is None:
        return []
    return [Task.code == code, Task.code.startswith(code + ".", autoescape=True)]


def _order(sort: Sort) -> list[Any]:
    key = sort.key
    if key == "code":
        return [TaskState.sort_key.desc() if sort.descending else TaskState.sort_key]
    if key == "deadline":
        column: list[Any] = [TaskState.deadline.is_(None), TaskState.deadline]
    elif key == "progress":
        column = [TaskState.progress]
    elif key == "health":
        column = [case({h: i for i, h in enumerate(WORST_FIRST)}, value=TaskState.health)]
    elif key == "lead_unit":
        column = [Unit.name.is_(None), Unit.name]
    else:
        column = [Task.title]
    if sort.descending:
        column = [c.desc() for c in column]
    return [*column, TaskState.sort_key]


def kept_list(
    s: Session,
    plan_id: int,
    viewer: Viewer | None,
    f: TaskFilter,
    sort: Sort,
    page: int,
    per_page: int,
    after: str | None = None,
) -> Page[TaskRow]:
    """A page of the ledger list, filtered, sorted and counted in SQL. ``after`` (a sort
    key, code order only) continues where the previous page ended (keyset paging)."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    keyset = after is not None and sort.key == "code" and not sort.descending
    if f.text:
        counted, q = _searched(s, plan_id, f, viewer, sort)
        params: dict[str, Any] = {}
    else:
        counted, q, params = _bound(s, plan_id, f, viewer, sort)
    total = s.scalar(counted, params) or 0
    q = q.limit(per_page)
    q = q.where(TaskState.sort_key > after) if keyset else q.offset((max(page, 1) - 1) * per_page)
    found = list(s.execute(q, params))
    rows = rows_by_id(s, [i for i, _ in found])
    items = [rows[i] for i, _ in found]
    return Page(items, total, page, per_page, found[-1][1] if found else None)


@dataclass(frozen=True)
class _Shape:
    """Which filters a list asks for and its order: what its statement is built of (the
    values are bound when it runs)."""

    units: int  # the unit filter and the viewer's own unit: 0, 1 or 2 conditions
    unassigned: bool  # 「（未分派）」 instead of a unit
    category: bool
    uncategorised: bool  # 「（未分类）」 instead of a category
    health: bool
    kind: bool
    leaves_only: bool
    overdue_only: bool
    deadline_from: bool
    deadline_to: bool
    sort: Sort
    sqlite: bool  # the database's planner (see _count_of_unit)


def _bound(
    s: Session, plan_id: int, f: TaskFilter, viewer: Viewer | None, sort: Sort
) -> tuple[Select[Any], Select[Any], dict[str, Any]]:
    """A list's count and page statements, of its shape, and the values bound to them."""
    scope = viewer.unit_scope if viewer is not None else None
    units = [u for u in (None if f.unassigned else f.unit, scope) if u is not None]
    shape = _Shape(
        units=len(units),
        unassigned=f.unassigned,
        category=f.category is not None and not f.uncategorised,
        uncategorised=f.uncategorised,
        health=f.health is not None,
        kind=f.kind is not None,
        leaves_only=f.leaves_only,
        overdue_only=f.overdue_only,
        deadline_from=f.deadline_from is not None,
        deadline_to=f.deadline_to is not None,
        sort=sort,
        sqlite=s.get_bind().dialect.name == "sqlite",
    )
    params = {
        "plan_id": plan_id, "category": f.category, "health": f.health, "kind": f.kind,
        "deadline_from": f.deadline_from, "deadline_to": f.deadline_to,
        **{f"unit{i}": _unit_id(s, u) if u else None for i, u in enumerate(units)},
    }  # fmt: skip
    return *_list_statements(shape), params


@cache
def _list_statements(shape: _Shape) -> tuple[Select[Any], Select[Any]]:
    """The count and the page of a list of ``shape``, built once per shape: the list
    is asked on every view, and building it cost more than running it."""
    rest: list[ColumnElement[bool]] = [TaskState.plan_id == bindparam("plan_id")]
    for given, column in (
        (shape.category, TaskState.category),
        (shape.health, TaskState.health),
        (shape.kind, Task.kind),
    ):
        if given:
            rest.append(column == bindparam(column.key))
    if shape.leaves_only:
        rest.append(TaskState.leaf.is_(True))
    rest.extend(_placeholders(shape.unassigned, shape.uncategorised))
    if shape.overdue_only:
        rest.append(TaskState.overdue == true())
    if shape.deadline_from:
        rest.append(TaskState.deadline >= bindparam("deadline_from"))
    if shape.deadline_to:
        rest.append(TaskState.deadline <= bindparam("deadline_to"))
    units = [_belongs_to_bound(f"unit{i}") for i in range(shape.units)]
    counted, page = _count_and_page([*rest, *units], shape.kind, shape.sort)
    if shape.units == 1:
        counted = _count_of_unit(rest, "unit0", shape.kind, shape.sqlite)
    return counted, page


def _belongs_to_bound(name: str) -> ColumnElement[bool]:
    """A unit's tasks: those it leads or supports (配合), the unit's id bound as ``name``
    (NULL for no such unit: nobody's)."""
    unit: BindParameter[int] = bindparam(name)
    supports = select(TaskCoUnit.task_id).where(TaskCoUnit.unit_id == unit)
    return or_(TaskState.lead_unit_id == unit, TaskState.task_id.in_(supports))


def _count_of_unit(
    rest: list[ColumnElement[bool]], name: str, task_filter: bool, sqlite: bool
) -> Select[Any]:
    """A unit's count as the tasks it leads plus those it only supports: the first is a
    range of the (plan, unit, health) index, the second a few hundred lookups, where
    "leads or supports" reads every task the other filters select."""
    unit: BindParameter[int] = bindparam(name)
    supports = select(TaskCoUnit.task_id).where(TaskCoUnit.unit_id == unit)

    def count(rest: list[ColumnElement[bool]], *where: ColumnElement[bool]) -> Any:
        q = _joined(select(func.count()).select_from(TaskState), task_filter, False)
        return q.where(*rest, *where).scalar_subquery()

    led = count(rest, TaskState.lead_unit_id == unit)
    # On SQLite "plan_id + 0", not a range of the plan's indexes, so the supported tasks
    # are looked up by id: without statistics it would read the whole plan instead.
    # PostgreSQL knows better from its statistics, and needs the plan's index: with
    # many plans it would otherwise read every plan's rows.
    by_id = [TaskState.plan_id + 0 == bindparam("plan_id"), *rest[1:]] if sqlite else rest
    supported = count(
        by_id, TaskState.task_id.in_(supports), TaskState.lead_unit_id.is_distinct_from(unit)
    )
    return select(led + supported)


def _searched(
    s: Session, plan_id: int, f: TaskFilter, viewer: Viewer | None, sort: Sort
) -> tuple[Select[Any], Select[Any]]:
    """A text search's count and page, built each time (the needle is escaped into it).
    Its LIKE reads every task of the plan: not a bounded read."""
    whole_plan_ahead()
    return _count_and_page(_conditions(s, plan_id, f, viewer), True, sort)


def _count_and_page(
    where: list[ColumnElement[bool]], task_filter: bool, sort: Sort
) -> tuple[Select[Any], Select[Any]]:
    # Join tasks and units only when a filter or the order needs them: the count scans
    # every selected row, and each join costs as much again.
    needs_task = task_filter or sort.key == "title"
    counted = _joined(select(func.count()).select_from(TaskState), needs_task, False)
    columns: Select[Any] = select(TaskState.task_id, TaskState.sort_key)  # type: ignore[assignment]
    base = _joined(columns, needs_task, sort.key == "lead_unit").where(*where)
    return counted.where(*where), base.order_by(*_order(sort))


def _joined(q: Select[Any], task: bool, unit: bool) -> Select[Any]:
    if task:
        q = q.join(Task, Task.id == TaskState.task_id)
    if unit:
        q = q.outerjoin(Unit, Unit.id == TaskState.lead_unit_id)
    return q


def kept_distinct(s: Session, plan_id: int) -> tuple[list[str], list[str]]:
    """The list's filter choices: the lead units of a plan's tasks by name, its
    categories in the plan's order (（一）before（二）, which sorting by name would not keep)."""
    units = s.scalars(
        select(Unit.name)
        .join(TaskState, TaskState.lead_unit_id == Unit.id)
        .where(TaskState.plan_id == plan_id)
        .distinct()
    )
    categories = s.scalars(
        select(TaskState.category)
        .where(TaskState.plan_id == plan_id, TaskState.category != "")
        .group_by(TaskState.category)
        .order_by(func.min(TaskState.sort_key))
    )
    chosen, grouped = sorted(units), list(categories)
    # The dashboard's groups of leaves without either, when it has them.
    empty = select(PlanTally.dim).where(
        PlanTally.plan_id == plan_id,
        PlanTally.dim.in_(("unit", "category")),
        or_(PlanTally.key == "", PlanTally.key.is_(None)),
        PlanTally.tasks > 0,
    )
    missing = set(s.scalars(empty))
    if "unit" in missing:
        chosen.append(UNASSIGNED)
    if "category" in missing:
        grouped.append(UNCATEGORISED)
    return chosen, grouped


# -- figures ---------------------------------------------------------------------------------


def _tally(name: str, t: Any) -> Tally:
    """A group's figures from its ``plan_tallies`` row."""
    counts: dict[str, int] = {h: getattr(t, h) for h in HEALTH_ORDER}
    if t.weight > 0:
        progress, expected = t.weighted_progress / t.weight, t.weighted_expected / t.weight
    else:
        progress = t.progress_sum / t.tasks if t.tasks else 0.0
        expected = t.expected_sum / t.tasks if t.tasks else 0.0
    return Tally(name, t.tasks, progress, expected, counts, t.overdue)


# Built once: the dashboard reads these after every write.
_TALLIES = select(*PlanTally.__table__.c).where(
    PlanTally.__table__.c.plan_id == bindparam("plan_id"), PlanTally.__table__.c.tasks > 0
)
_UNIT_NAMES = select(Unit.__table__.c.id, Unit.__table__.c.name)


def kept_figures(
    s: Session, plan: Plan, st: PlanState, viewer: Viewer | None, limit: int | None
) -> PlanFigures:
    """The plan's figures from its tallies, and the first ``limit`` tasks needing attention."""
    tallies = list(s.execute(_TALLIES, {"plan_id": plan.id}))
    names: dict[int, str] = {i: n for i, n in s.execute(_UNIT_NAMES)}
    total = next((t for t in tallies if t.dim == "all"), None)
    categories = sorted((t for t in tallies if t.dim == "category"), key=lambda t: t.first_key)
    units = [
        _tally(names.get(int(t.key), UNASSIGNED) if t.key else UNASSIGNED, t)
        for t in tallies
        if t.dim == "unit"
    ]
    by_unit = most_behind_first(units)
    scope = viewer.unit_scope if viewer is not None else None
    if scope is not None:
        by_unit = [t for t in by_unit if t.name == scope]
    # The whole plan's count is in its tally; a unit's (with the tasks it supports) is not.
    known = sum(getattr(total, h) for h in NEEDS_ATTENTION) if total and scope is None else None
    attention, count = _attention(s, plan.id, scope, limit, known)
    empty = Tally("全部", 0, 0.0, 0.0, dict.fromkeys(HEALTH_ORDER, 0), 0)
    return PlanFigures(
        plan_id=plan.id,
        day=st.day,
        progress=st.progress,
        expected=st.expected,
        total=_tally("全部", total) if total is not None else empty,
        by_category=[_tally(t.key or UNCATEGORISED, t) for t in categories],
        by_unit=by_unit,
        attention=attention,
        attention_total=count,
    )


def awaiting_count(s: Session, plan_id: int, viewer: Viewer | None) -> int:
    """Kept leaves of the plan (those the viewer sees) awaiting review."""
    where: list[ColumnElement[bool]] = [
        TaskState.plan_id == plan_id,
        TaskState.leaf.is_(True),
        TaskState.awaiting_review.is_(True),
    ]
    scope = viewer.unit_scope if viewer is not None else None
    if scope is not None:
        where.append(_belongs_to(_unit_id(s, scope) if scope else None))
    return s.scalar(select(func.count()).select_from(TaskState).where(*where)) or 0


def _attention(
    s: Session, plan_id: int, scope: str | None, limit: int | None, known: int | None = None
) -> tuple[list[TaskRow], int]:
    """Leaves needing attention: stalled first, then red, each furthest behind first,
    then in code order; one index range per health, so only ``limit`` rows are read."""
    where: list[ColumnElement[bool]] = [TaskState.plan_id == plan_id, TaskState.leaf.is_(True)]
    if scope is not None:
        where.append(_belongs_to(_unit_id(s, scope) if scope else None))
    if known is not None:
        count = known
    else:
        in_need = TaskState.health.in_(NEEDS_ATTENTION)
        count = s.scalar(select(func.count()).select_from(TaskState).where(*where, in_need)) or 0
    ids: list[int] = []
    for colour in sorted(NEEDS_ATTENTION, key=lambda h: h != "stalled"):
        left = None if limit is None else limit - len(ids)
        if scope is None and left is not None:
            params = {"plan_id": plan_id, "colour": colour, "limit": left}
            ids.extend(s.scalars(_ATTENTION, params))
        else:
            q = (
                select(TaskState.task_id)
                .where(*where, TaskState.health == colour)
                .order_by(TaskState.gap.desc(), TaskState.sort_key)
            )
            ids.extend(s.scalars(q.limit(left) if left is not None else q))
        if limit is not None and len(ids) >= limit:
            break
    rows = rows_by_id(s, ids)
    return [rows[i] for i in ids], count


# The first of the whole plan's leaves of one health, furthest behind first.
_ATTENTION = (
    select(TaskState.task_id)
    .where(
        TaskState.plan_id == bindparam("plan_id"),
        TaskState.leaf.is_(True),
        TaskState.health == bindparam("colour"),
    )
    .order_by(TaskState.gap.desc(), TaskState.sort_key)
    .limit(bindparam("limit"))
)


def kept_day(st: PlanState) -> date:
    return st.day
