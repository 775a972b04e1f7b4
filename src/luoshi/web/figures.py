"""总览 figures: the numbers a leader reads on the dashboard, from a plan's board.

Progress by category and by lead unit is the weighted mean of their leaf tasks
(the ones units report on); the timeline replays the plan's counted reports
round by round through the same roll-up the board uses.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger import status
from luoshi.ledger.board import TaskRow
from luoshi.ledger.models import ProgressReport, Round
from luoshi.web.planview import PlanView

UNCATEGORISED = "（未分类）"
UNASSIGNED = "（未分派）"
HEALTH_ORDER = ("green", "amber", "red", "stalled", "done")


@dataclass(frozen=True)
class Group:
    """A category or a lead unit: how many leaf tasks, how far along, how many behind."""

    name: str
    tasks: int
    progress: float
    expected: float
    behind: int  # red or stalled


@dataclass(frozen=True)
class TimelinePoint:
    round_id: int
    period: str
    progress: float
    expected: float


@dataclass(frozen=True)
class Figures:
    progress: float
    expected: float
    leaves: int
    counts: dict[str, int]
    overdue: int
    by_category: list[Group]
    by_unit: list[Group]
    attention: list[TaskRow]  # red, stalled or overdue leaves, worst first
    timeline: list[TimelinePoint]


def figures(s: Session, view: PlanView, today: date) -> Figures:
    leaves = view.leaf_rows()
    counts: Counter[str] = Counter(str(r.status) for r in leaves)
    overdue = [r for r in leaves if status.is_overdue(r.deadline, today, r.status == "done")]
    attention = [r for r in leaves if r.status in ("red", "stalled") or r in overdue]
    attention.sort(key=lambda r: (r.status != "stalled", -(r.expected - r.progress), r.code))
    return Figures(
        progress=view.board.total.progress,
        expected=view.board.total.expected,
        leaves=len(leaves),
        counts={h: counts.get(h, 0) for h in HEALTH_ORDER},
        overdue=len(overdue),
        by_category=_groups(leaves, lambda r: r.category or UNCATEGORISED),
        by_unit=_groups(leaves, lambda r: r.lead_unit or UNASSIGNED),
        attention=attention[:50],
        timeline=timeline(s, view, today),
    )


def _groups(leaves: list[TaskRow], key: Callable[[TaskRow], str]) -> list[Group]:
    by: dict[str, list[TaskRow]] = defaultdict(list)
    for r in leaves:
        by[key(r)].append(r)
    out = [
        Group(
            name,
            len(rs),
            status.weighted((r.weight, r.progress) for r in rs),
            status.weighted((r.weight, r.expected) for r in rs),
            sum(r.status in ("red", "stalled") for r in rs),
        )
        for name, rs in by.items()
    ]
    out.sort(key=lambda g: (g.progress - g.expected, g.name))
    return out


def timeline(s: Session, view: PlanView, today: date) -> list[TimelinePoint]:
    """Plan progress after each round: every task's latest counted report up to it."""
    plan_id = view.board.plan.id
    rounds = list(
        s.execute(
            select(Round.id, Round.period, Round.due, Round.opened_at)
            .where(Round.plan_id == plan_id)
            .order_by(Round.id)
        )
    )
    if not rounds:
        return []
    reports = s.execute(
        select(ProgressReport.task_id, ProgressReport.round_id, ProgressReport.percent)
        .join(Round, Round.id == ProgressReport.round_id)
        .where(Round.plan_id == plan_id, ProgressReport.status != "returned")
        .order_by(ProgressReport.round_id, ProgressReport.id)
    ).all()
    latest: dict[int, float] = {}
    points: list[TimelinePoint] = []
    i = 0
    for round_id, period, due, opened in rounds:
        while i < len(reports) and reports[i][1] <= round_id:
            latest[reports[i][0]] = reports[i][2]
            i += 1
        total = _progress_at(view, latest, min(due or opened.date(), today))
        points.append(TimelinePoint(round_id, period, total.progress, total.expected))
    return points


def _progress_at(view: PlanView, latest: dict[int, float], when: date) -> status.Rolled:
    """The plan rolled up with each task at its ``latest`` reported percent."""
    ids_by_code = {r.code: r.id for r in view.rows}
    nodes = [
        status.Node(
            r.id,
            ids_by_code.get(r.parent) if r.parent else None,
            r.weight,
            latest.get(r.id, 0.0),
            status.expected_progress(r.start_date, r.deadline, when),
            False,
        )
        for r in view.rows
    ]
    return status.plan_progress(nodes, status.roll_up(nodes))
