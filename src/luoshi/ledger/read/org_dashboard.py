"""组织总览 (organisation dashboard): the active plans of an organisation's subtree, or of
one level (all 区), with each plan's figures, totals, and a row per child organisation.

Every figure is the plan's own dashboard figure (``figures``), read from the kept
tallies (``state``) — one query for all the plans in scope, no plan rebuilt — and
computed only for a plan whose kept figures are not today's. Today only: a past
``as_of`` would compute every plan (see DESIGN.md, "Limits").

* a plan's **tasks** are its leaf tasks (末级任务), counted by health (正常、滞后、严重滞后、
  停滞、已完成), with the overdue ones; **behind** is red or stalled, as in the unit
  table; its **progress** (完成度) is the plan's overall progress;
* a group's (the whole scope, a child organisation, an organisation of a level)
  counts are the sums over its plans, and its progress is the mean of its plans'
  progress weighted by their leaf tasks;
* **linkage**, over accepted links and the plans' kept task trees (a plan never kept
  counts none until ``luoshi serve`` or ``plan refresh`` keeps it): a leaf *answers
  upward* (对接上级) when it or a task containing it answers a task of another plan;
  a plan that lower tasks answer has *unanswered* leaves (未承接) when neither they
  nor a task containing them is answered — the coverage of ``linkage`` over every
  lower plan at once.

Plans come through ``plans_in_scope`` only, so who may see which organisation's
plans is decided in one place.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session, aliased

from luoshi.errors import InputError
from luoshi.ledger.health import HEALTH_ORDER, NEEDS_ATTENTION
from luoshi.ledger.models import (
    ORG_LEVELS,
    Organisation,
    Plan,
    PlanState,
    PlanTally,
    TaskLink,
    TaskState,
)
from luoshi.ledger.orgs import tree_order
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.state import is_fresh, writes_pending
from luoshi.ledger.read.views import figures_of
from luoshi.ledger.read.visibility import Viewer, visible_plans
from luoshi.settings import HealthRules

OWN = "（本级）"  # the row of an organisation's own plans among its children's


@dataclass(frozen=True)
class PlanLine:
    """One plan in scope, with its own dashboard's figures."""

    plan_id: int
    name: str
    title: str
    organisation_id: int
    organisation: str
    level: str
    day: date
    tasks: int  # leaf tasks
    counts: dict[str, int]  # every health
    overdue: int
    progress: float  # overall progress (总体进度)
    expected: float
    answering: int = 0  # leaves answering a task above (对接上级)
    unanswered: int | None = None  # leaves nothing below answers (未承接); None: none linked

    @property
    def behind(self) -> int:
        return sum(self.counts[h] for h in NEEDS_ATTENTION)


@dataclass(frozen=True)
class Group:
    """Plans added up: a scope, a child organisation's subtree, one organisation."""

    name: str
    organisation_id: int | None
    level: str | None
    plans: int
    tasks: int
    counts: dict[str, int]
    overdue: int
    progress: float
    expected: float
    answering: int
    unanswered: int

    @property
    def behind(self) -> int:
        return sum(self.counts[h] for h in NEEDS_ATTENTION)


@dataclass(frozen=True)
class OrgDashboard:
    """组织总览: an organisation's subtree (``org`` set) or one level (``level`` set)."""

    day: date
    total: Group
    rows: list[Group]  # per child organisation (own plans first), or per organisation
    plans: list[PlanLine]
    org: Organisation | None = None
    level: str | None = None
    path: list[Organisation] = field(default_factory=list)  # the org's parents, top first


def group(name: str, lines: Sequence[PlanLine], org: Organisation | None = None) -> Group:
    """The plans' figures added up; progress weighted by each plan's leaf tasks."""
    tasks = sum(p.tasks for p in lines)
    counts: dict[str, int] = {h: sum(p.counts[h] for p in lines) for h in HEALTH_ORDER}

    def mean(values: Iterable[tuple[int, float]]) -> float:
        pairs = list(values)
        if tasks:
            return sum(n * v for n, v in pairs) / tasks
        return sum(v for _, v in pairs) / len(pairs) if pairs else 0.0

    return Group(
        name,
        org.id if org else None,
        org.level if org else None,
        len(lines),
        tasks,
        counts,
        sum(p.overdue for p in lines),
        mean((p.tasks, p.progress) for p in lines),
        mean((p.tasks, p.expected) for p in lines),
        sum(p.answering for p in lines),
        sum(p.unanswered or 0 for p in lines),
    )


# -- which plans ------------------------------------------------------------------------------


def plans_in_scope(s: Session, org_ids: Collection[int], viewer: Viewer | None) -> list[Plan]:
    """The active plans of the organisations ``org_ids`` that ``viewer`` may see, by id.

    The one place organisation dashboards get their plans: everyone signed in sees
    every plan's totals today (as on a plan's dashboard), except that a user scoped to
    an organisation sees only the plans of its own subtree."""
    if not org_ids:
        return []
    q = select(Plan).where(Plan.state == "active", Plan.organisation_id.in_(list(org_ids)))
    return visible_plans(viewer, s.scalars(q.order_by(Plan.id)))


def _children(orgs: Sequence[Organisation]) -> dict[int | None, list[Organisation]]:
    out: dict[int | None, list[Organisation]] = {}
    for o in tree_order(list(orgs)):
        out.setdefault(o.parent_id, []).append(o)
    return out


def _subtree(children: dict[int | None, list[Organisation]], root: int) -> list[int]:
    out, frontier = [root], [root]
    while frontier:
        frontier = [c.id for f in frontier for c in children.get(f, [])]
        out.extend(frontier)
    return out


def _path(by_id: dict[int, Organisation], org: Organisation) -> list[Organisation]:
    out: list[Organisation] = []
    up = by_id.get(org.parent_id) if org.parent_id else None
    while up is not None and up not in out:
        out.insert(0, up)
        up = by_id.get(up.parent_id) if up.parent_id else None
    return out


# -- the two views ----------------------------------------------------------------------------


def org_dashboard(
    s: Session, org: Organisation, rules: HealthRules, viewer: Viewer | None
) -> OrgDashboard:
    """Today's figures of the active plans of ``org`` and every organisation under it,
    with a row per child organisation (over its subtree) and one for its own plans."""
    orgs = list(s.scalars(select(Organisation)))
    by_id = {o.id: o for o in orgs}
    children = _children(orgs)
    lines = plan_lines(s, plans_in_scope(s, _subtree(children, org.id), viewer), by_id, rules)
    rows = [group(OWN, [p for p in lines if p.organisation_id == org.id], org)]
    for child in children.get(org.id, []):
        ids = set(_subtree(children, child.id))
        rows.append(group(child.name, [p for p in lines if p.organisation_id in ids], child))
    day = AsOf.today().day
    return OrgDashboard(day, group(org.name, lines, org), rows, lines, org, None, _path(by_id, org))


def level_dashboard(
    s: Session, level: str, rules: HealthRules, viewer: Viewer | None
) -> OrgDashboard:
    """Today's figures of the active plans of every organisation at ``level`` (their own
    plans, not those below them), with a row per organisation."""
    if level not in ORG_LEVELS:
        raise InputError(f"层级「{level}」无效，应为 {'/'.join(ORG_LEVELS)} 之一")
    orgs = tree_order(list(s.scalars(select(Organisation))))
    by_id = {o.id: o for o in orgs}
    at_level = [o for o in orgs if o.level == level]
    lines = plan_lines(s, plans_in_scope(s, [o.id for o in at_level], viewer), by_id, rules)
    rows = [group(o.name, [p for p in lines if p.organisation_id == o.id], o) for o in at_level]
    total = group(level, lines)
    return OrgDashboard(AsOf.today().day, total, rows, lines, None, level)


# -- each plan's figures ----------------------------------------------------------------------


def plan_lines(
    s: Session, plans: Sequence[Plan], by_id: dict[int, Organisation], rules: HealthRules
) -> list[PlanLine]:
    """Each plan's figures: from its kept tallies when they are today's (one query for
    all), else as its dashboard computes them. Ordered by organisation, then plan."""
    figures = _kept_figures(s, [p.id for p in plans], rules)
    answering, answered = _linkage(s, [p.id for p in plans])
    order = {o.id: i for i, o in enumerate(tree_order(list(by_id.values())))}
    out = []
    for p in sorted(plans, key=lambda p: (order.get(p.organisation_id or 0, 0), p.id)):
        org = by_id[p.organisation_id or 0]
        f = figures.get(p.id) or _computed(s, p, rules)
        below = answered.get(p.id)
        out.append(
            PlanLine(
                p.id, p.name, p.title, org.id, org.name, org.level, f.day, f.tasks, f.counts,
                f.overdue, f.progress, f.expected, answering.get(p.id, 0),
                None if below is None else f.tasks - below,
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class _Figures:
    day: date
    tasks: int
    counts: dict[str, int]
    overdue: int
    progress: float
    expected: float


def _kept_figures(s: Session, ids: Sequence[int], rules: HealthRules) -> dict[int, _Figures]:
    """The figures of the plans whose kept figures are today's, in two queries."""
    if writes_pending(s):
        return {}  # the transaction's own writes are not in the tallies yet
    at = AsOf.today()
    states = s.scalars(select(PlanState).where(PlanState.plan_id.in_(list(ids))))
    fresh = {st.plan_id: st for st in states if is_fresh(st, rules, at)}
    q = select(PlanTally).where(PlanTally.plan_id.in_(list(fresh)), PlanTally.dim == "all")
    tallies = {t.plan_id: t for t in s.scalars(q)}
    out = {}
    for plan_id, st in fresh.items():
        t = tallies.get(plan_id)
        counts: dict[str, int] = {h: getattr(t, h) if t else 0 for h in HEALTH_ORDER}
        tasks, overdue = (t.tasks, t.overdue) if t else (0, 0)
        out[plan_id] = _Figures(st.day, tasks, counts, overdue, st.progress, st.expected)
    return out


def _computed(s: Session, plan: Plan, rules: HealthRules) -> _Figures:
    """A plan not kept for today: as its own dashboard computes it."""
    f = figures_of(s, plan, rules, AsOf.today(), None, 0)
    counts: dict[str, int] = dict(f.total.counts)
    return _Figures(f.day, f.total.tasks, counts, f.total.overdue, f.progress, f.expected)


def _linkage(s: Session, plan_ids: Sequence[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Per plan: leaves answering upward, and (for plans lower tasks answer) leaves
    answered from below — each the leaves under the linked tasks, found by a
    recursive query down the task tree."""
    if (
        not plan_ids
        or s.scalar(select(TaskLink.id).where(TaskLink.state == "accepted").limit(1)) is None
    ):
        return {}, {}
    return (
        _leaves_under(s, plan_ids, TaskLink.child_task_id),
        _leaves_under(s, plan_ids, TaskLink.parent_task_id),
    )


def _leaves_under(s: Session, plan_ids: Sequence[int], end: Any) -> dict[int, int]:
    """How many leaves of each plan are, or are under, a task at ``end`` of an accepted
    link (plans with no such task are left out). Read from the kept tree
    (``task_state``): linked leaves directly, and the leaves under linked groups by a
    recursive query down from the groups only — most linked tasks are leaves."""
    linked = (
        select(TaskState.task_id, TaskState.plan_id, TaskState.leaf)
        .select_from(TaskLink)
        .join(TaskState, TaskState.task_id == end)
        .where(TaskLink.state == "accepted", TaskState.plan_id.in_(list(plan_ids)))
    )
    tree = linked.where(TaskState.leaf.is_(False)).cte("covered", recursive=True)
    below = aliased(TaskState)
    tree = tree.union(
        select(below.task_id, below.plan_id, below.leaf)
        .join(tree, below.parent_id == tree.c.task_id)
        .where(tree.c.leaf.is_(False))
    )
    leaves = union(
        select(tree.c.task_id, tree.c.plan_id).where(tree.c.leaf.is_(True)),
        linked.where(TaskState.leaf.is_(True)).with_only_columns(
            TaskState.task_id, TaskState.plan_id
        ),
    ).subquery()
    q = select(leaves.c.plan_id, func.count()).group_by(leaves.c.plan_id)
    return {p: n for p, n in s.execute(q)}
