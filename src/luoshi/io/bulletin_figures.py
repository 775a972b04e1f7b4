"""The figures of a 督查通报 (supervision bulletin), gathered from the ledger's read model.

Every number comes from ``board.plan_board`` (progress, status, roll-up),
``ledger.summary`` (the same tallies ``plan status`` prints) and
``cycle.pending`` (the 催办 list); nothing here applies a status rule of its own.
``gather`` is pure so it can be checked without a database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger import cycle, summary
from luoshi.ledger.board import Board, TaskRow, plan_board
from luoshi.ledger.models import Plan, Round
from luoshi.settings import StatusRules

_QUARTERS = {"1": "一", "2": "二", "3": "三", "4": "四"}
_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|H([12])|(\d{2})))?$")


@dataclass(frozen=True)
class RoundFacts:
    """调度: the reporting round a bulletin is about."""

    period: str
    due: date | None
    closed: bool


@dataclass(frozen=True)
class Laggard:
    """A leaf task that is red (严重滞后) or past its deadline (逾期)."""

    row: TaskRow
    overdue: bool


@dataclass(frozen=True)
class BulletinFigures:
    plan_name: str
    plan_title: str
    today: date
    round: RoundFacts | None
    progress: float  # the plan's weighted roll-up, as plan status shows it
    expected: float
    total: summary.Tally
    by_category: list[summary.Tally]
    by_unit: list[summary.Tally]  # most behind first, as plan status lists them
    laggards: list[Laggard]
    pending: list[cycle.Pending]


def gather(
    board: Board, rnd: RoundFacts | None, pending: Sequence[cycle.Pending]
) -> BulletinFigures:
    """The bulletin's figures from a board, its round and that round's 催办 list."""
    today = board.today
    leaves = summary.leaves(board)
    laggards = [
        Laggard(r, overdue)
        for r in leaves
        if (overdue := summary.is_overdue(r, today)) or r.status == "red"
    ]
    return BulletinFigures(
        plan_name=board.plan.name,
        plan_title=board.plan.title,
        today=today,
        round=rnd,
        progress=board.total.progress,
        expected=board.total.expected,
        total=summary.tally("全部", leaves, today),
        by_category=summary.tally_by(leaves, summary.category_of, today),
        by_unit=summary.most_behind_first(summary.tally_by(leaves, summary.lead_unit_of, today)),
        laggards=laggards,
        pending=list(pending),
    )


def load_figures(
    s: Session,
    plan: Plan,
    rules: StatusRules,
    today: date,
    period: str | None = None,
    until: datetime | None = None,
) -> BulletinFigures:
    """The figures of ``plan`` as of ``today`` for the round of ``period`` (default the
    latest round; none when the plan has no rounds yet). ``until``: the ledger as it
    stood then (a past --as-of), see ``board.plan_board``."""
    rnd = pick_round(s, plan, period, until)
    board = plan_board(s, plan, rules, today, until)
    if rnd is None:
        return gather(board, None, [])
    closed = rnd.closed_at is not None and (until is None or rnd.closed_at <= until)
    facts = RoundFacts(rnd.period, rnd.due, closed)
    return gather(board, facts, cycle.pending(s, rnd, until))


def pick_round(
    s: Session, plan: Plan, period: str | None, until: datetime | None = None
) -> Round | None:
    rounds = list(cycle.list_rounds(s, plan))
    if period is None:
        # The latest round there was at the time: one opened later was not news then.
        opened = [r for r in rounds if until is None or r.opened_at <= until]
        return opened[-1] if opened else None
    for rnd in rounds:
        if rnd.period == period:
            return rnd
    known = "、".join(r.period for r in rounds) or "无，先用 luoshi rounds open 发起调度"
    raise NotFound(f"计划 {plan.name} 没有期间为「{period}」的调度（已有：{known}）")


def period_label(period: str) -> str:
    """2024-Q2 → 2024年第二季度; 2024-H1 → 2024年上半年; 2024-06 → 2024年6月."""
    m = _PERIOD.match(period)
    if m is None:
        return period
    year, quarter, half, month = m.groups()
    if quarter:
        return f"{year}年第{_QUARTERS[quarter]}季度"
    if half:
        return f"{year}年{'上' if half == '1' else '下'}半年"
    if month:
        return f"{year}年{int(month)}月"
    return f"{year}年"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
