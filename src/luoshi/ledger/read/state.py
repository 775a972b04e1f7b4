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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from luoshi.ledger import health
from luoshi.ledger.clock import now
from luoshi.ledger.db import TOUCHED
from luoshi.ledger.models import (
    Plan,
    PlanState,
    PlanTally,
    TaskState,
)
from luoshi.ledger.read import moved
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.compute import computed_view, lead_unit_assigned_at
from luoshi.ledger.read.listing import source_texts
from luoshi.ledger.read.rows import PlanView, TaskRow
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
    return rules.key


def is_fresh(st: PlanState | None, rules: HealthRules, at: AsOf) -> bool:
    """Whether the kept figures answer for ``at``: today's reading, same day and rules."""
    return st is not None and at.until is None and st.day == at.day and st.rules == rules_key(rules)


# A plan with this many leaves is not computed on a request's path only because the
# calendar moved on: at 100,000 tasks that is seconds of CPU for every reader at once,
# just when the keeper (web/keeper.py) is recomputing it for the new day. Until it
# has, reads of such a plan answer from the last day's kept figures, dated that day;
# smaller plans compute, exactly as before.
LARGE_PLAN = 5_000
_LEAVES = select(PlanTally.tasks).where(
    PlanTally.plan_id == bindparam("b_plan_id"), PlanTally.dim == "all"
)


def answers(s: Session, st: PlanState | None, rules: HealthRules, at: AsOf) -> bool:
    """Whether reads of ``at`` answer from the kept figures ``st``: when they are of
    that day and rules, or of the day before for a large plan not yet brought up to
    date (``catching_up``); never with this transaction's own writes pending."""
    if st is None or writes_pending(s):
        return False
    return is_fresh(st, rules, at) or catching_up(s, st, rules, at)


def catching_up(s: Session, st: PlanState, rules: HealthRules, at: AsOf) -> bool:
    """A large plan's kept figures one day behind today's reading, same rules: the
    keeper recomputes them within minutes; until then they are what is shown."""
    behind = at.until is None and at.day == date.today() and st.rules == rules_key(rules)
    if not behind or st.day != at.day - timedelta(days=1):
        return False
    return int(s.scalar(_LEAVES, {"b_plan_id": st.plan_id}) or 0) >= LARGE_PLAN


def writes_pending(s: Session) -> bool:
    """Whether the transaction has written what its commit will fold into the kept
    figures: a read in it then computes, so it sees its own writes."""
    return bool(s.info.get(TOUCHED))


def plan_state(s: Session, plan_id: int) -> PlanState | None:
    return s.get(PlanState, plan_id)


def locked_state(s: Session, plan_id: int) -> PlanState | None:
    """The plan's state row, locked: writers of one plan take turns on PostgreSQL (SQLite
    has one writer at a time anyway)."""
    q = select(PlanState).where(PlanState.plan_id == plan_id).with_for_update()
    return s.scalars(q).one_or_none()


# -- recomputing a whole plan ------------------------------------------------------------


def refresh(s: Session, plan: Plan, rules: HealthRules, day: date) -> PlanState:
    """Recompute and keep every figure of ``plan`` on ``day``, from its records."""
    st = locked_state(s, plan.id)
    seen, head = (st.version if st is not None else None), moved.audit_head(s)
    store_missing_points(s, plan, rules)
    view, assigned, sources = _read_plan(s, plan, rules, day)
    again: set[int] = set()
    if _written_since(s, plan.id, seen):
        # Writers committed while we read (SQLite). Count on from their version
        # (remembered answers are keyed by it); the tasks they changed are touched
        # again below, under the lock; a round changed or too many: read it all again.
        assert st is not None
        s.refresh(st)
        found = moved.tasks_moved_since(s, plan.id, head, TOUCH_AT_MOST)
        if found is None:
            view, assigned, sources = _read_plan(s, plan, rules, day)
        again = found or set()
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
    if again:
        from luoshi.ledger.read.touch import touch  # touch refreshes: imported late

        touch(s, plan.id, again, rules, day)
    return st


def _read_plan(
    s: Session, plan: Plan, rules: HealthRules, day: date
) -> tuple[PlanView, dict[int, datetime], dict[int, str]]:
    """What ``refresh`` keeps: the computed plan, the lead units' assignment days, and
    the leaves' source texts."""
    view = computed_view(s, plan, rules, AsOf(day))
    return view, lead_unit_assigned_at(s, plan.id), source_texts(s, plan.id)


def _written_since(s: Session, plan_id: int, seen: int | None) -> bool:
    """Take the plan's write lock and say whether its figures moved since ``seen``.

    PostgreSQL: ``locked_state`` has held the state row since before the reads, and
    every writer of the plan locks it first; nothing can have moved. SQLite has no row
    locks and gives the database's one write lock at the first write, so the reads
    before it saw no lock: a write that does nothing takes it now, and a writer that
    committed in between has moved the version."""
    if s.get_bind().dialect.name != "sqlite" or seen is None:
        return False
    s.execute(_TOUCH_STATE, {"b_plan_id": plan_id})
    return s.execute(_VERSION, {"b_plan_id": plan_id}).scalar_one() != seen


_TOUCH_STATE = (
    update(PlanState)
    .where(PlanState.plan_id == bindparam("b_plan_id"))
    .values(version=PlanState.version)
    .execution_options(synchronize_session=False)
)
_VERSION = select(PlanState.version).where(PlanState.plan_id == bindparam("b_plan_id"))


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
        "awaiting_review": r.awaiting_review,
        **state_figures(r.progress, r.expected, r.health, r.overdue, r.missed_rounds),
    }


def state_figures(
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
