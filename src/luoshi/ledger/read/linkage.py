"""承接情况 as read: how a plan answers the plans above it, and its progress from below.

Only accepted links count. The figures are those of ``ledger.rollup``:

- a parent task's 下级进度 (downstream progress) is the weighted mean of the
  effective progress of the tasks answering it, where a task answered from
  further below counts its own downstream progress (any depth), else its own;
- coverage is over leaves (末级任务): a parent plan's leaf is answered (承接) when
  a task of the plan answers it or a task containing it; a leaf of the plan
  answers something (has a parent) when it or a task containing it answers a
  task of the parent plan. The others are 未承接 and 无上级.

Progress is each plan's own view on the same day (``AsOf``), so a district's
figures here are the ones its own dashboard shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from luoshi.ledger.models import Plan, Task, TaskLink
from luoshi.ledger.plans import plan_by_id
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.rows import PlanRef, PlanView, TaskRow
from luoshi.ledger.read.views import plan_view
from luoshi.ledger.read.visibility import Viewer
from luoshi.ledger.rollup import Downstream, Link, coverage, roll_up
from luoshi.settings import HealthRules

MAX_LEVELS = 6  # 国家 → 省 → 市 → 区 → 街道, and one to spare


@dataclass(frozen=True)
class ParentTask:
    """One task of the parent plan, as the plan answers it."""

    id: int
    code: str
    title: str
    leaf: bool
    progress: float  # its own progress, in its own plan
    answered_by: list[str]  # codes of the plan's tasks answering it directly
    downstream: Downstream | None  # from the plan's tasks (and below them)
    covered: bool  # itself or a task containing it answered


@dataclass(frozen=True)
class ParentCoverage:
    """承接情况 of one parent plan by the plan."""

    plan: PlanRef
    tasks: list[ParentTask]  # every task of the parent plan, in code order
    unanswered: list[str]  # parent leaves answered by nothing of the plan (未承接)
    orphans: list[str]  # the plan's leaves answering nothing of it (无上级)

    @property
    def leaves(self) -> int:
        return sum(t.leaf for t in self.tasks)

    @property
    def share_answered(self) -> float:
        return 1 - len(self.unanswered) / self.leaves if self.leaves else 1.0


HIDDEN_TITLE = "（非本组织承接，不显示）"


def _seen(t: ParentTask) -> ParentTask:
    return t if t.answered_by or t.covered else replace(t, title=HIDDEN_TITLE)


@dataclass(frozen=True)
class PlanLinkage:
    """A plan's links read: upward coverage per parent plan, downstream progress."""

    upward: list[ParentCoverage]
    downstream: dict[int, Downstream]  # the plan's tasks that lower tasks answer

    @property
    def empty(self) -> bool:
        return not self.upward and not self.downstream

    def seen_by(self, viewer: Viewer | None) -> PlanLinkage:
        """The linkage as ``viewer`` may read it: a user scoped to an organisation reads
        the upper tasks its plan answers, and of the others their codes and counts only
        (their titles are not its to read)."""
        if viewer is None or viewer.org_ids is None:
            return self
        upward = [replace(pc, tasks=[_seen(t) for t in pc.tasks]) for pc in self.upward]
        return replace(self, upward=upward)

    def answered(self, view: PlanView) -> list[tuple[TaskRow, Downstream]]:
        """The view's tasks lower tasks answer, in code order, with their progress below."""
        return [(r, self.downstream[r.id]) for r in view.rows if r.id in self.downstream]


class _Views:
    """Plan views on one day, each computed once."""

    def __init__(self, s: Session, rules: HealthRules, at: AsOf) -> None:
        self.s, self.rules, self.at = s, rules, at
        self.cache: dict[int, PlanView] = {}

    def of(self, plan_id: int, plan: Plan | None = None) -> PlanView:
        if plan_id not in self.cache:
            p = plan or plan_by_id(self.s, plan_id)
            self.cache[plan_id] = plan_view(self.s, p, self.rules, self.at)
        return self.cache[plan_id]

    def figures(
        self, task_plans: dict[int, int]
    ) -> tuple[dict[int, float | None], dict[int, float]]:
        """Own progress (None: a leaf nothing reported on) and weight of each task."""
        progress: dict[int, float | None] = {}
        weights: dict[int, float] = {}
        for task_id, plan_id in task_plans.items():
            row = self.of(plan_id).by_id.get(task_id)
            if row is None:
                continue
            progress[task_id] = _own(row)
            weights[task_id] = row.weight
        return progress, weights


def _own(row: TaskRow) -> float | None:
    unreported = row.leaf and row.reported is None and row.state != "done"
    return None if unreported else row.progress


def links_below(s: Session, task_ids: Iterable[int]) -> tuple[list[Link], dict[int, int]]:
    """Accepted links under ``task_ids``, any depth, and the plan of every task below."""
    frontier, seen = set(task_ids), set(task_ids)
    found: list[Link] = []
    plans: dict[int, int] = {}
    for _ in range(MAX_LEVELS):
        if not frontier:
            break
        q = (
            select(TaskLink.child_task_id, TaskLink.parent_task_id, Task.plan_id)
            .join(Task, Task.id == TaskLink.child_task_id)
            .where(TaskLink.state == "accepted", TaskLink.parent_task_id.in_(frontier))
        )
        frontier = set()
        for child, parent, plan_id in s.execute(q):
            found.append((child, parent))
            plans[child] = plan_id
            if child not in seen:
                seen.add(child)
                frontier.add(child)
    return found, plans


def downstream_of(
    s: Session, view: PlanView, rules: HealthRules, task_ids: Sequence[int] | None = None
) -> dict[int, Downstream]:
    """下级进度 of the view's tasks (or of ``task_ids`` among them) that lower tasks answer."""
    ids = list(view.by_id) if task_ids is None else list(task_ids)
    links, plans = links_below(s, ids)
    if not links:
        return {}
    views = _Views(s, rules, view.at)
    views.cache[view.plan.id] = view
    progress, weights = views.figures(plans | dict.fromkeys(ids, view.plan.id))
    rolled = roll_up(progress, weights, links)
    return {i: rolled[i] for i in ids if i in rolled}


def plan_linkage(
    s: Session, plan: Plan, rules: HealthRules, at: AsOf, view: PlanView | None = None
) -> PlanLinkage:
    """How ``plan`` answers each plan above it, and its tasks' progress from below
    (``view``: the plan's view on ``at`` when the caller has it already)."""
    if not has_links(s, plan.id):
        return PlanLinkage([], {})  # most plans: no view is built for nothing
    views = _Views(s, rules, at)
    if view is not None:
        views.cache[plan.id] = view
    view = views.of(plan.id, plan)
    upward = [_parent_coverage(s, views, view, parent_id) for parent_id in parent_plans(s, plan.id)]
    return PlanLinkage(upward, downstream_of(s, view, rules))


# Built once: the dashboard asks on every view.
_ANY_ACCEPTED = select(TaskLink.id).where(TaskLink.state == "accepted").limit(1)
_ACCEPTED_AT = [
    select(TaskLink.id)
    .join(Task, Task.id == end)
    .where(Task.plan_id == bindparam("plan_id"), TaskLink.state == "accepted")
    .limit(1)
    for end in (TaskLink.child_task_id, TaskLink.parent_task_id)
]


def has_links(s: Session, plan_id: int) -> bool:
    """Whether any accepted link joins a task of the plan to another plan's task (read
    from the links' side: there are far fewer links than tasks)."""
    if s.scalar(_ANY_ACCEPTED) is None:
        return False  # no plan is linked yet: the usual case, one probe
    return any(s.scalar(q, {"plan_id": plan_id}) is not None for q in _ACCEPTED_AT)


def parent_plans(s: Session, plan_id: int) -> list[int]:
    """The plans the plan's tasks answer through accepted links, by id."""
    child, parent = Task.__table__.alias("child"), Task.__table__.alias("parent")
    q = (
        select(parent.c.plan_id)
        .select_from(TaskLink)
        .join(child, child.c.id == TaskLink.child_task_id)
        .join(parent, parent.c.id == TaskLink.parent_task_id)
        .where(child.c.plan_id == plan_id, TaskLink.state == "accepted")
        .distinct()
        .order_by(parent.c.plan_id)
    )
    return list(s.scalars(q))


def _direct_links(s: Session, plan_id: int, parent_plan_id: int) -> list[Link]:
    parent = Task.__table__.alias("parent")
    q = (
        select(TaskLink.child_task_id, TaskLink.parent_task_id)
        .join(Task, Task.id == TaskLink.child_task_id)
        .join(parent, parent.c.id == TaskLink.parent_task_id)
        .where(
            Task.plan_id == plan_id,
            parent.c.plan_id == parent_plan_id,
            TaskLink.state == "accepted",
        )
        .order_by(TaskLink.id)
    )
    return [(c, p) for c, p in s.execute(q)]


def _parent_coverage(s: Session, views: _Views, view: PlanView, parent_id: int) -> ParentCoverage:
    upper = views.of(parent_id)
    direct = _direct_links(s, view.plan.id, parent_id)
    below, plans = links_below(s, [c for c, _ in direct])
    task_plans = plans | {c: view.plan.id for c, _ in direct} | {p: parent_id for _, p in direct}
    progress, weights = views.figures(task_plans)
    rolled = roll_up(progress, weights, direct + below)
    low_leaves, up_leaves = _leaves_under(view), _leaves_under(upper)
    expanded = [(c2, p2) for c, p in direct for c2 in low_leaves[c] for p2 in up_leaves[p]]
    cov = coverage([r.id for r in upper.leaves()], [r.id for r in view.leaves()], expanded)
    covered = {p for _, p in expanded}
    answered: dict[int, list[str]] = {}
    for c, p in direct:
        answered.setdefault(p, []).append(view.by_id[c].code)
    tasks = [
        ParentTask(
            r.id,
            r.code,
            r.title,
            r.leaf,
            r.progress,
            answered.get(r.id, []),
            rolled.get(r.id),
            r.id in covered or r.id in answered,
        )
        for r in upper.rows
    ]
    return ParentCoverage(
        upper.plan,
        tasks,
        [upper.by_id[i].code for i in cov.unanswered],
        [view.by_id[i].code for i in cov.orphans],
    )


def _leaves_under(view: PlanView) -> dict[int, list[int]]:
    """Each task's leaves (itself when a leaf), in code order."""
    ids_by_code = {r.code: r.id for r in view.rows}
    out: dict[int, list[int]] = {r.id: [] for r in view.rows}
    for r in view.leaves():
        node: TaskRow | None = r
        while node is not None:
            out[node.id].append(r.id)
            up = ids_by_code.get(node.parent) if node.parent else None
            node = view.by_id[up] if up is not None else None
    return out
