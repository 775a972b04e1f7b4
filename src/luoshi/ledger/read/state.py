"""现状 (kept figures): every task's figures on a plan's state day, kept current by the writes.

A plan's figures are defined by ``compute.computed_view`` and the functions of
``health``. Computing them reads the whole plan, which a province cannot afford on
every request, so they are also kept in three tables, for one day (the plan's
*state day*) and one set of health rules:

* ``task_state``: each task's progress, expected progress, health, missed rounds;
* ``plan_tallies``: each group of leaves (all, a lead unit, a category) counted;
* ``plan_state``: the day, the rules, the plan's total and a version.

Every write that changes a task, a report, a review or a round leaves an audit event;
before the transaction commits, ``maintain`` brings the kept figures of what those
events name up to date in the same transaction: the task itself (``touch``), then its
ancestors recomputed from their children, exactly as ``health.roll_up`` does, then the
tallies it counts in. A change of many tasks at once — a round closing, a plan built,
a new day — recomputes the plan (``refresh``) from its records. Reads use the kept
figures only when their day and rules are the ones asked for; otherwise they compute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from luoshi.ledger import health
from luoshi.ledger.clock import now
from luoshi.ledger.db import TOUCHED
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
from luoshi.ledger.read.compute import computed_view, due_rounds, lead_unit_assigned_at
from luoshi.ledger.read.listing import source_texts
from luoshi.ledger.read.rows import TaskRow
from luoshi.ledger.read.timeline import store_missing_points
from luoshi.settings import HealthRules

SORT_WIDTH = 6
# What the tallies are kept by: every leaf counts in one group of each dimension.
DIMENSIONS = ("all", "unit", "category")
# The kept figures are worth recomputing as a whole beyond this many tasks touched at once.
TOUCH_AT_MOST = 200


def sort_key(code: str) -> str:
    """A string that sorts as ``code_key`` does: 1.2 before 1.10."""
    return ".".join(p.zfill(SORT_WIDTH) if p.isdigit() else p for p in code.split("."))


def rules_key(rules: HealthRules) -> str:
    return f"{rules.green_within:g}/{rules.amber_within:g}/{rules.stalled_after}"


def is_fresh(st: PlanState | None, rules: HealthRules, at: AsOf) -> bool:
    """Whether the kept figures answer for ``at``: today's reading, same day and rules."""
    return st is not None and at.until is None and st.day == at.day and st.rules == rules_key(rules)


def writes_pending(s: Session) -> bool:
    """Whether the transaction has written what its commit will fold into the kept
    figures: a read in it then computes, so it sees its own writes."""
    return bool(s.info.get(TOUCHED))


def plan_state(s: Session, plan_id: int) -> PlanState | None:
    return s.get(PlanState, plan_id)


def _locked(s: Session, plan_id: int) -> PlanState | None:
    """The plan's state row, locked: writers of one plan take turns on PostgreSQL (SQLite
    has one writer at a time anyway)."""
    q = select(PlanState).where(PlanState.plan_id == plan_id).with_for_update()
    return s.scalars(q).one_or_none()


# -- recomputing a whole plan ------------------------------------------------------------


def refresh(s: Session, plan: Plan, rules: HealthRules, day: date) -> PlanState:
    """Recompute and keep every figure of ``plan`` on ``day``, from its records."""
    st = _locked(s, plan.id)
    store_missing_points(s, plan)
    view = computed_view(s, plan, rules, AsOf(day))
    assigned = lead_unit_assigned_at(s, plan.id)
    sources = source_texts(s, plan.id)
    s.execute(delete(PlanTally).where(PlanTally.plan_id == plan.id))
    s.execute(delete(TaskState).where(TaskState.plan_id == plan.id))
    rows = [_state_values(plan.id, r, assigned.get(r.id), sources.get(r.id, "")) for r in view]
    if rows:
        s.execute(insert(TaskState), rows)
    tallies = _tallies(plan.id, view.leaves())
    if tallies:
        s.execute(insert(PlanTally), tallies)
    if st is None:
        st = PlanState(plan_id=plan.id, version=0)
        s.add(st)
    st.day, st.rules = day, rules_key(rules)
    st.progress, st.expected = view.total.progress, view.total.expected
    st.version += 1
    st.refreshed_at = now()
    s.flush()
    return st


def _state_values(
    plan_id: int, r: TaskRow, assigned: datetime | None, source: str
) -> dict[str, Any]:
    return {
        "task_id": r.id,
        "plan_id": plan_id,
        "sort_key": sort_key(r.code),
        "parent_id": r.parent_id,
        "leaf": r.leaf,
        "lead_unit_id": r.lead_unit_id,
        "category": r.category,
        "deadline": r.deadline,
        "weight": r.weight,
        "source": source if r.leaf else "",
        "done": r.state == "done",
        "reported": r.reported,
        "last_round_id": r.last_round,
        "assigned_at": assigned,
        **_figures(r.progress, r.expected, r.health, r.overdue, r.missed_rounds),
    }


def _figures(
    progress: float, expected: float, colour: str, overdue: bool, missed: int
) -> dict[str, Any]:
    return {
        "progress": progress,
        "expected": expected,
        "gap": expected - progress,
        "health": colour,
        "overdue": overdue,
        "missed_rounds": missed,
    }


@dataclass
class _Sums:
    """A tally's counts and sums, as kept in ``plan_tallies``."""

    first_key: str
    tasks: int = 0
    weight: float = 0.0
    weighted_progress: float = 0.0
    weighted_expected: float = 0.0
    progress_sum: float = 0.0
    expected_sum: float = 0.0
    overdue: int = 0

    def __post_init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(health.HEALTH_ORDER, 0)


def tally_keys(lead_unit_id: int | None, category: str) -> list[tuple[str, str]]:
    """The (dimension, key) of the groups a leaf counts in."""
    return [("all", ""), ("unit", str(lead_unit_id or "")), ("category", category)]


def _tallies(plan_id: int, leaves: Sequence[TaskRow]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], _Sums] = {}
    for r in leaves:
        for key in tally_keys(r.lead_unit_id, r.category):
            g = groups.setdefault(key, _Sums(sort_key(r.code)))
            g.tasks += 1
            g.weight += r.weight
            g.weighted_progress += r.weight * r.progress
            g.weighted_expected += r.weight * r.expected
            g.progress_sum += r.progress
            g.expected_sum += r.expected
            g.overdue += r.overdue
            g.counts[r.health] += 1
    return [
        {
            "plan_id": plan_id,
            "dim": dim,
            "key": key,
            "first_key": g.first_key,
            "tasks": g.tasks,
            **g.counts,
            "overdue": g.overdue,
            "weight": g.weight,
            "weighted_progress": g.weighted_progress,
            "weighted_expected": g.weighted_expected,
            "progress_sum": g.progress_sum,
            "expected_sum": g.expected_sum,
        }
        for (dim, key), g in groups.items()
    ]


# -- keeping figures current after a write -----------------------------------------------


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
    st = _locked(s, plan_id)
    plan = s.get(Plan, plan_id)
    if plan is None:
        return
    if not is_fresh(st, rules, AsOf(day)) or len(ids) > TOUCH_AT_MOST:
        refresh(s, plan, rules, day)
        return
    assert st is not None
    kept = {k.task_id: k for k in s.scalars(select(TaskState).where(TaskState.task_id.in_(ids)))}
    tasks = {t.id: t for t in s.scalars(select(Task).where(Task.id.in_(ids)))}
    if set(kept) != ids or _structure_changed(s, tasks, kept):
        refresh(s, plan, rules, day)
        return
    due = due_rounds(s, plan_id, AsOf(day))
    for task_id in sorted(ids, key=lambda i: kept[i].sort_key, reverse=True):
        _retask(s, st, kept[task_id], tasks[task_id], rules, day, due)
    _roll_ancestors(s, st, [kept[i] for i in ids], rules, day)
    _roll_plan(s, st)
    st.version += 1


def _structure_changed(s: Session, tasks: dict[int, Task], kept: dict[int, TaskState]) -> bool:
    """A task gained or lost children, or moved: the tree must be read again."""
    for task_id, k in kept.items():
        task = tasks.get(task_id)
        if task is None or task.parent_id != k.parent_id:
            return True
        has_children = s.scalar(select(func.count()).where(Task.parent_id == task_id)) or 0
        if k.leaf == (has_children > 0):
            return True
    return False


def _retask(
    s: Session,
    st: PlanState,
    k: TaskState,
    task: Task,
    rules: HealthRules,
    day: date,
    due: Sequence[tuple[int, datetime]],
) -> None:
    """A touched task: its copied fields and, for a leaf, its figures from its reports."""
    before = _leaf_part(k)
    k.lead_unit_id, k.category, k.deadline = task.lead_unit_id, task.category, task.deadline
    k.weight = task.weight
    if not k.leaf:
        _regroup(s, k, rules, day)
        return
    reported, last_round = _latest_counted(s, task.id)
    k.done, k.reported, k.last_round_id = task.state == "done", reported, last_round
    k.assigned_at = lead_unit_assigned_at(s, task.plan_id, task.id).get(task.id)
    missed = 0
    if not k.done and task.lead_unit_id is not None:
        counted = [r for r, _ in due]
        if k.assigned_at is not None:
            counted = health.rounds_opened_after(due, k.assigned_at)
        missed = health.missed_rounds(counted, last_round)
    progress = 100.0 if k.done else (reported or 0.0)
    expected = health.expected_progress(task.start_date, task.deadline, day)
    overdue = health.is_overdue(task.deadline, day, k.done)
    colour = health.classify(
        rules, progress, expected, overdue=overdue, missed_rounds=missed, done=k.done
    )
    _set(k, _figures(progress, expected, colour, overdue, missed))
    s.flush()
    _adjust_tallies(s, st.plan_id, before, -1)
    _adjust_tallies(s, st.plan_id, _leaf_part(k), +1)


def _set(k: TaskState, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(k, key, value)


def _latest_counted(s: Session, task_id: int) -> tuple[float | None, int | None]:
    """The percent of the task's latest counted report, and the latest round counted in."""
    counted = asof.report_counted(None)
    last_id, last_round = s.execute(
        select(func.max(ProgressReport.id), func.max(ProgressReport.round_id)).where(
            ProgressReport.task_id == task_id, counted
        )
    ).one()
    report = s.get(ProgressReport, last_id) if last_id is not None else None
    return (report.percent, last_round) if report is not None else (None, None)


def _regroup(s: Session, k: TaskState, rules: HealthRules, day: date) -> None:
    """A group's figures from its children, as ``health.roll_up`` makes them."""
    children = s.execute(
        select(TaskState.weight, TaskState.progress, TaskState.expected, TaskState.health)
        .where(TaskState.parent_id == k.task_id)
        .order_by(TaskState.sort_key)
    ).all()
    progress = health.weighted((w, p) for w, p, _, _ in children)
    expected = health.weighted((w, e) for w, _, e, _ in children)
    done = all(h == "done" for *_, h in children)
    overdue = health.is_overdue(k.deadline, day, done)
    colour = health.classify(rules, progress, expected, overdue=overdue, done=done)
    _set(k, _figures(progress, expected, colour, overdue, 0))
    k.done = done
    s.flush()


def _roll_ancestors(
    s: Session, st: PlanState, touched: Sequence[TaskState], rules: HealthRules, day: date
) -> None:
    """Every ancestor of the touched tasks, deepest first, from its children."""
    todo: dict[int, TaskState] = {}
    frontier = {k.parent_id for k in touched if k.parent_id is not None}
    while frontier:
        found = s.scalars(select(TaskState).where(TaskState.task_id.in_(frontier))).all()
        todo.update({k.task_id: k for k in found})
        frontier = {k.parent_id for k in found if k.parent_id is not None} - set(todo)
    for k in sorted(todo.values(), key=lambda k: k.sort_key.count("."), reverse=True):
        _regroup(s, k, rules, day)


def _roll_plan(s: Session, st: PlanState) -> None:
    """The plan's total: weighted over its top-level tasks, in code order."""
    tops = s.execute(
        select(TaskState.weight, TaskState.progress, TaskState.expected)
        .where(TaskState.plan_id == st.plan_id, TaskState.parent_id.is_(None))
        .order_by(TaskState.sort_key)
    ).all()
    st.progress = health.weighted((w, p) for w, p, _ in tops)
    st.expected = health.weighted((w, e) for w, _, e in tops)


@dataclass(frozen=True)
class _LeafPart:
    """What one leaf adds to the tallies it counts in."""

    keys: list[tuple[str, str]]
    sort_key: str
    health: str
    overdue: bool
    weight: float
    progress: float
    expected: float


def _leaf_part(k: TaskState) -> _LeafPart:
    return _LeafPart(
        tally_keys(k.lead_unit_id, k.category), k.sort_key, k.health, k.overdue, k.weight,
        k.progress, k.expected,
    )  # fmt: skip


def _adjust_tallies(s: Session, plan_id: int, part: _LeafPart, sign: int) -> None:
    """Add (+1) or take away (-1) one leaf's part, in one UPDATE per group, so that the
    sums never depend on a value read earlier in the transaction."""
    for dim, key in part.keys:
        if sign > 0:
            _ensure_tally(s, plan_id, dim, key, part.sort_key)
        t = PlanTally
        values: dict[str, Any] = {
            "tasks": t.tasks + sign,
            part.health: getattr(t, part.health) + sign,
            "overdue": t.overdue + sign * int(part.overdue),
            "weight": t.weight + sign * part.weight,
            "weighted_progress": t.weighted_progress + sign * part.weight * part.progress,
            "weighted_expected": t.weighted_expected + sign * part.weight * part.expected,
            "progress_sum": t.progress_sum + sign * part.progress,
            "expected_sum": t.expected_sum + sign * part.expected,
        }
        s.execute(
            update(PlanTally)
            .where(PlanTally.plan_id == plan_id, PlanTally.dim == dim, PlanTally.key == key)
            .values(values)
        )


def _ensure_tally(s: Session, plan_id: int, dim: str, key: str, first_key: str) -> None:
    found = s.get(PlanTally, (plan_id, dim, key))
    if found is not None:
        if first_key < found.first_key:
            found.first_key = first_key
            s.flush()
        return
    zero = dict.fromkeys(
        ("tasks", *health.HEALTH_ORDER, "overdue", "weight", "weighted_progress",
         "weighted_expected", "progress_sum", "expected_sum"),
        0,
    )  # fmt: skip
    s.add(PlanTally(plan_id=plan_id, dim=dim, key=key, first_key=first_key, **zero))
    s.flush()


# -- keeping a day ------------------------------------------------------------------------


def stale_plans(s: Session, rules: HealthRules, day: date) -> list[int]:
    """Plans whose kept figures are not those of ``day`` and ``rules`` (or have none)."""
    right = select(PlanState.plan_id).where(
        PlanState.day == day, PlanState.rules == rules_key(rules)
    )
    return list(s.scalars(select(Plan.id).where(Plan.id.not_in(right)).order_by(Plan.id)))


def kept_count(s: Session, plan_id: int) -> int:
    """How many task rows are kept for the plan."""
    q = select(func.count()).select_from(TaskState).where(TaskState.plan_id == plan_id)
    return int(s.scalar(q) or 0)
