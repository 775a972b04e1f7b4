"""保持现状 (keeping figures current after a write): the tasks a transaction touched,
their ancestors, the plan's total and the tallies they count in, before it commits.

``maintain`` is called by ``Database.transaction`` with the rows its audit events name.
A few tasks are brought up to date one by one (``touch``); a round, a plan or many tasks
at once recompute the plan (``state.refresh``).

Every statement here is built once, at import, with bound parameters. A report's upkeep
runs some twenty of them while it holds the database's write lock, and building and
keying a statement costs SQLAlchemy about ten times what SQLite takes to run it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from luoshi.ledger import health
from luoshi.ledger.models import (
    Base,
    Plan,
    PlanState,
    PlanTally,
    ProgressReport,
    Review,
    Round,
    Task,
    TaskState,
)
from luoshi.ledger.read import asof
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import due_rounds, lead_unit_assigned_on
from luoshi.ledger.read.state import (
    TOUCH_AT_MOST,
    catching_up,
    is_fresh,
    locked_state,
    refresh,
    state_figures,
    tally_keys,
)
from luoshi.settings import HealthRules

# A kept row as touch reads and writes it: a plain dict, written back by one UPDATE.
Kept = dict[str, Any]
_FIELDS = (
    "task_id", "sort_key", "parent_id", "leaf", "lead_unit_id", "category", "deadline",
    "weight", "done", "reported", "last_round_id", "assigned_at", "progress", "expected",
    "gap", "health", "overdue", "missed_rounds", "awaiting_review",
)  # fmt: skip
_WRITTEN = _FIELDS[4:]  # what a touch may change; the rest place the task in the tree
_STATE = cast(Table, TaskState.__table__)
_KEPT = select(*(_STATE.c[f] for f in _FIELDS)).where(
    _STATE.c.task_id.in_(bindparam("ids", expanding=True))
)
_WRITE = (
    update(_STATE)
    .where(_STATE.c.task_id == bindparam("k_task_id"))
    .values({f: bindparam(f"k_{f}") for f in _WRITTEN})
)
_TASKS = select(Task).where(Task.id.in_(bindparam("ids", expanding=True)))
_CHILD_COUNT = select(func.count()).select_from(Task).where(Task.parent_id == bindparam("task_id"))
_LATEST_COUNTED = select(func.max(ProgressReport.id), func.max(ProgressReport.round_id)).where(
    ProgressReport.task_id == bindparam("task_id"), asof.report_counted(None)
)
_LATEST_ACCEPTED = select(func.max(ProgressReport.id)).where(
    ProgressReport.task_id == bindparam("task_id"), asof.progress_counted(None, True)
)
_PERCENT = select(ProgressReport.percent).where(ProgressReport.id == bindparam("report_id"))
_PERCENT_STATE = select(ProgressReport.percent, ProgressReport.state).where(
    ProgressReport.id == bindparam("report_id")
)
_CHILDREN = (
    select(TaskState.weight, TaskState.progress, TaskState.expected, TaskState.health)
    .where(TaskState.parent_id == bindparam("task_id"))
    .order_by(TaskState.sort_key)
)
_TOPS = (
    select(TaskState.weight, TaskState.progress, TaskState.expected)
    .where(TaskState.plan_id == bindparam("plan_id"), TaskState.parent_id.is_(None))
    .order_by(TaskState.sort_key)
)

# What one leaf adds to each tally it counts in: counts, then sums.
_COUNTS = ("tasks", *health.HEALTH_ORDER, "overdue")
_SUMS = ("weight", "weighted_progress", "weighted_expected", "progress_sum", "expected_sum")
_TALLY = (
    PlanTally.plan_id == bindparam("t_plan"),
    PlanTally.dim == bindparam("t_dim"),
    PlanTally.key == bindparam("t_key"),
)
# Added in SQL, so the sums never depend on a value read earlier in the transaction.
_ADD = (
    update(PlanTally)
    .where(*_TALLY)
    .values({c: getattr(PlanTally, c) + bindparam(f"d_{c}") for c in _COUNTS + _SUMS})
)
_FIRST_KEY = select(PlanTally.first_key).where(*_TALLY)
_SET_FIRST_KEY = update(PlanTally).where(*_TALLY).values(first_key=bindparam("new_first_key"))


def maintain(s: Session, rules: HealthRules, touched: Iterable[Base]) -> None:
    """Bring the kept figures of everything the transaction's audit events name up to
    date, before it commits. Called by ``Database.transaction``."""
    plans: set[int] = set()
    tasks: dict[int, set[int]] = {}
    elsewhere = False
    for obj in touched:
        found = _plan_and_task(s, obj)
        if found is None:
            elsewhere = True
            continue
        plan_id, task_id = found
        if task_id is None:
            plans.add(plan_id)
        else:
            tasks.setdefault(plan_id, set()).add(task_id)
    day = date.today()
    for plan_id in plans:
        plan = s.get(Plan, plan_id)
        if plan is not None:
            refresh(s, plan, rules, day)
    for plan_id, ids in tasks.items():
        if plan_id not in plans:
            touch(s, plan_id, ids, rules, day)
    if elsewhere:
        # A unit renamed, a target or a link edited, a user changed: what reads of any
        # plan may show changed without its figures doing so. Remembered answers
        # (read.memo) are keyed by the version, so every plan's goes up.
        s.execute(update(PlanState).values(version=PlanState.version + 1))


def _plan_and_task(s: Session, obj: Base) -> tuple[int, int | None] | None:
    """(plan id, task id) an audited row changes the figures of; task None: the whole
    plan; None: no figure (units, users, documents, chases…)."""
    if isinstance(obj, Task):
        return obj.plan_id, obj.id
    if isinstance(obj, Review):
        report = s.get(ProgressReport, obj.report_id)
        obj = report if report is not None else obj
    if isinstance(obj, ProgressReport):
        task = s.get(Task, obj.task_id)
        return (task.plan_id, task.id) if task is not None else None
    if isinstance(obj, Round):
        return obj.plan_id, None
    return None


def touch(s: Session, plan_id: int, task_ids: Iterable[int], rules: HealthRules, day: date) -> None:
    """Recompute the kept figures of ``task_ids`` from their records, then of their
    ancestors from their children, then the plan's total and tallies."""
    ids = set(task_ids)
    st = locked_state(s, plan_id)
    plan = s.get(Plan, plan_id)
    if plan is None:
        return
    if (
        st is not None
        and not is_fresh(st, rules, AsOf(day))
        and catching_up(s, st, rules, AsOf(day))
    ):
        # A large plan still of yesterday: its touched tasks are measured on that day
        # too, so the kept figures stay those of one day until the keeper's refresh.
        day = st.day
    if not is_fresh(st, rules, AsOf(day)) or len(ids) > TOUCH_AT_MOST:
        refresh(s, plan, rules, day)
        return
    assert st is not None
    kept = {k["task_id"]: k for k in _read_kept(s, ids)}
    tasks = {t.id: t for t in s.scalars(_TASKS, {"ids": list(ids)})}
    if set(kept) != ids or _structure_changed(s, tasks, kept):
        refresh(s, plan, rules, day)
        return
    due = due_rounds(s, plan_id, AsOf(day))
    for task_id in sorted(ids, key=lambda i: kept[i]["sort_key"], reverse=True):
        _retask(s, st, kept[task_id], tasks[task_id], rules, day, due)
    _roll_ancestors(s, [kept[i] for i in ids], rules, day)
    _roll_plan(s, st)
    st.version += 1
    # Kept-row objects a read of this transaction loaded no longer say what the rows say.
    for obj in list(s.identity_map.values()):
        if isinstance(obj, (TaskState, PlanTally)):
            s.expire(obj)


def _read_kept(s: Session, ids: Iterable[int]) -> list[Kept]:
    return [dict(r._mapping) for r in s.execute(_KEPT, {"ids": list(ids)})]


def _write_kept(s: Session, k: Kept) -> None:
    s.execute(_WRITE, {f"k_{f}": k[f] for f in ("task_id", *_WRITTEN)})


def _structure_changed(s: Session, tasks: dict[int, Task], kept: dict[int, Kept]) -> bool:
    """A task gained or lost children, or moved: the tree must be read again."""
    for task_id, k in kept.items():
        task = tasks.get(task_id)
        if task is None or task.parent_id != k["parent_id"]:
            return True
        has_children = s.scalar(_CHILD_COUNT, {"task_id": task_id}) or 0
        if k["leaf"] == (has_children > 0):
            return True
    return False


def _retask(
    s: Session,
    st: PlanState,
    k: Kept,
    task: Task,
    rules: HealthRules,
    day: date,
    due: Sequence[tuple[int, datetime]],
) -> None:
    """A touched task: its copied fields and, for a leaf, its figures from its reports."""
    before = leaf_part(k)
    k.update(lead_unit_id=task.lead_unit_id, category=task.category, deadline=task.deadline)
    k["weight"] = task.weight
    if not k["leaf"]:
        _regroup(s, k, rules, day)
        return
    reported, last_round, awaiting = _latest_counted(s, task.id, rules.accepted_only)
    done = task.state == "done"
    k.update(done=done, reported=reported, last_round_id=last_round, awaiting_review=awaiting)
    k["assigned_at"] = assigned = lead_unit_assigned_on(s, task.id)
    missed = 0
    if not done and task.lead_unit_id is not None:
        counted = [r for r, _ in due]
        if assigned is not None:
            counted = health.rounds_opened_after(due, assigned)
        missed = health.missed_rounds(counted, last_round)
    progress = 100.0 if done else (reported or 0.0)
    expected = health.expected_progress(task.start_date, task.deadline, day)
    overdue = health.is_overdue(task.deadline, day, done)
    colour = health.classify(
        rules, progress, expected, overdue=overdue, missed_rounds=missed, done=done
    )
    k.update(state_figures(progress, expected, colour, overdue, missed))
    _write_kept(s, k)
    shift_tallies(s, st.plan_id, before, leaf_part(k))


def _latest_counted(
    s: Session, task_id: int, accepted_only: bool = False
) -> tuple[float | None, int | None, bool]:
    """The percent of the task's latest report counted as progress, the latest round
    counted in, and whether the latest counted report awaits review."""
    # Both are None when nothing counts (the maxima of no rows).
    found = s.execute(_LATEST_COUNTED, {"task_id": task_id}).one()
    last_id, last_round = cast(tuple[int | None, int | None], tuple(found))
    if last_id is None:
        return None, last_round, False
    percent: float | None
    percent, state = s.execute(_PERCENT_STATE, {"report_id": last_id}).one()
    if accepted_only:
        accepted = s.scalar(_LATEST_ACCEPTED, {"task_id": task_id})
        percent = None if accepted is None else s.scalar(_PERCENT, {"report_id": accepted})
    return percent, last_round, state == "submitted"


def _regroup(s: Session, k: Kept, rules: HealthRules, day: date) -> None:
    """A group's figures from its children, as ``health.roll_up`` makes them."""
    children = s.execute(_CHILDREN, {"task_id": k["task_id"]}).all()
    progress = health.weighted((w, p) for w, p, _, _ in children)
    expected = health.weighted((w, e) for w, _, e, _ in children)
    done = all(h == "done" for *_, h in children)
    overdue = health.is_overdue(k["deadline"], day, done)
    colour = health.classify(rules, progress, expected, overdue=overdue, done=done)
    k.update(state_figures(progress, expected, colour, overdue, 0), done=done)
    _write_kept(s, k)


def _roll_ancestors(s: Session, touched: Sequence[Kept], rules: HealthRules, day: date) -> None:
    """Every ancestor of the touched tasks, deepest first, from its children."""
    todo: dict[int, Kept] = {}
    frontier = {k["parent_id"] for k in touched if k["parent_id"] is not None}
    while frontier:
        found = _read_kept(s, frontier)
        todo.update({k["task_id"]: k for k in found})
        frontier = {k["parent_id"] for k in found if k["parent_id"] is not None} - set(todo)
    for k in sorted(todo.values(), key=lambda k: str(k["sort_key"]).count("."), reverse=True):
        _regroup(s, k, rules, day)


def _roll_plan(s: Session, st: PlanState) -> None:
    """The plan's total: weighted over its top-level tasks, in code order."""
    tops = s.execute(_TOPS, {"plan_id": st.plan_id}).all()
    st.progress = health.weighted((w, p) for w, p, _ in tops)
    st.expected = health.weighted((w, e) for w, _, e in tops)


# -- the tallies -------------------------------------------------------------------------


@dataclass(frozen=True)
class LeafPart:
    """What one leaf adds to the tallies it counts in."""

    keys: list[tuple[str, str]]
    sort_key: str
    health: str
    overdue: bool
    weight: float
    progress: float
    expected: float


def leaf_part(k: Kept) -> LeafPart:
    return LeafPart(
        tally_keys(k["lead_unit_id"], k["category"]), k["sort_key"], k["health"],
        k["overdue"], k["weight"], k["progress"], k["expected"],
    )  # fmt: skip


def _deltas(before: LeafPart, after: LeafPart) -> dict[tuple[str, str], dict[str, float]]:
    """By tally, what changes when a leaf goes from ``before`` to ``after``: the leaf's
    old part taken away and its new part added, as one change per tally."""
    out: dict[tuple[str, str], dict[str, float]] = {}
    for part, sign in ((before, -1), (after, 1)):
        for key in part.keys:
            d = out.setdefault(key, dict.fromkeys(_COUNTS + _SUMS, 0))
            d["tasks"] += sign
            d[part.health] += sign
            d["overdue"] += sign * int(part.overdue)
            d["weight"] += sign * part.weight
            d["weighted_progress"] += sign * part.weight * part.progress
            d["weighted_expected"] += sign * part.weight * part.expected
            d["progress_sum"] += sign * part.progress
            d["expected_sum"] += sign * part.expected
    return {key: d for key, d in out.items() if any(d.values())}


def shift_tallies(s: Session, plan_id: int, before: LeafPart, after: LeafPart) -> None:
    """Move one leaf's part in its tallies from ``before`` to ``after``, in one UPDATE
    for all of them; nothing when the leaf's figures did not change."""
    changed = _deltas(before, after)
    if not changed:
        return
    for dim, key in after.keys:
        if (dim, key) in changed:
            _ensure_tally(s, plan_id, dim, key, after.sort_key)
    params = [
        {"t_plan": plan_id, "t_dim": dim, "t_key": key, **{f"d_{c}": v for c, v in d.items()}}
        for (dim, key), d in changed.items()
    ]
    s.connection().execute(_ADD, params)


def _ensure_tally(s: Session, plan_id: int, dim: str, key: str, first_key: str) -> None:
    where = {"t_plan": plan_id, "t_dim": dim, "t_key": key}
    found = s.connection().execute(_FIRST_KEY, where).scalar_one_or_none()
    if found is None:
        zero = dict.fromkeys(_COUNTS + _SUMS, 0)
        row = {"plan_id": plan_id, "dim": dim, "key": key, "first_key": first_key, **zero}
        s.connection().execute(insert(PlanTally), [row])
    elif first_key < found:
        s.connection().execute(_SET_FIRST_KEY, {**where, "new_first_key": first_key})
