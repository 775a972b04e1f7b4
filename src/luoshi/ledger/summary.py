"""汇总: a plan's leaf tasks counted and averaged, in total and per group.

Pure functions over a ``Board``: ``plan status``, bulletins and any other view
that says "how many, how far along, which unit is behind" read it here, so they
cannot disagree. Only leaf tasks (末级任务) are counted: they are what units
report on, while a group's figures are already a roll-up of its leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from luoshi.ledger import status
from luoshi.ledger.board import Board, TaskRow

UNASSIGNED = "（未分派）"
UNCATEGORISED = "（未分类）"


@dataclass(frozen=True)
class Tally:
    """The leaf tasks of one group (a unit, a category, the whole plan)."""

    name: str
    tasks: int
    progress: float  # plain mean of the leaves' progress
    expected: float  # plain mean of the leaves' expected progress
    counts: dict[str, int]  # every Health, also those with no task
    overdue: int

    @property
    def behind(self) -> int:
        """Tasks that are red or stalled: what makes a unit "behind"."""
        return self.counts["red"] + self.counts["stalled"]


def leaves(board: Board) -> list[TaskRow]:
    """The tasks without children, in code order."""
    parents = {r.parent for r in board.rows}
    return [r for r in board.rows if r.code not in parents]


def is_overdue(row: TaskRow, today: date) -> bool:
    """The ledger's own rule (``status.is_overdue``) applied to a row of the board."""
    return status.is_overdue(row.deadline, today, row.status == "done")


def lead_unit_of(row: TaskRow) -> str:
    return row.lead_unit or UNASSIGNED


def category_of(row: TaskRow) -> str:
    return row.category or UNCATEGORISED


def tally(name: str, rows: Sequence[TaskRow], today: date) -> Tally:
    counts = dict.fromkeys(status.HEALTH_LABELS, 0)
    for r in rows:
        counts[r.status] += 1
    n = len(rows)
    return Tally(
        name=name,
        tasks=n,
        progress=sum(r.progress for r in rows) / n if n else 0.0,
        expected=sum(r.expected for r in rows) / n if n else 0.0,
        counts=counts,
        overdue=sum(is_overdue(r, today) for r in rows),
    )


def tally_by(rows: Iterable[TaskRow], key: Callable[[TaskRow], str], today: date) -> list[Tally]:
    """One tally per value of ``key``, in the order the values first appear."""
    groups: dict[str, list[TaskRow]] = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    return [tally(name, rs, today) for name, rs in groups.items()]


def most_behind_first(tallies: Iterable[Tally]) -> list[Tally]:
    """Most red-or-stalled tasks first, then by name: which unit is behind."""
    return sorted(tallies, key=lambda t: (-t.behind, t.name))
