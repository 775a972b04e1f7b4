"""A plan as the web reads it: the board (tasks with status), source sentences and leaves,
built in a fixed handful of queries and cached until the ledger changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from luoshi.ledger import board, listing
from luoshi.ledger.board import Board, TaskRow
from luoshi.ledger.models import Plan
from luoshi.settings import StatusRules


@dataclass(frozen=True)
class PlanView:
    board: Board
    sources: dict[int, str]
    leaves: set[str]
    by_id: dict[int, TaskRow]
    index: listing.LedgerIndex

    @property
    def rows(self) -> list[TaskRow]:
        return self.board.rows

    def leaf_rows(self) -> list[TaskRow]:
        return [r for r in self.board.rows if r.code in self.leaves]


def build_view(s: Session, plan: Plan, rules: StatusRules, today: date) -> PlanView:
    b = board.plan_board(s, plan, rules, today)
    sources = listing.source_texts(s, plan.id)
    leaves = listing.leaf_codes(b.rows)
    return PlanView(
        board=b,
        sources=sources,
        leaves=leaves,
        by_id={r.id: r for r in b.rows},
        index=listing.build_index(b.rows, sources, leaves),
    )


def unit_rows(view: PlanView, unit: str) -> list[TaskRow]:
    """Tasks a unit leads or supports."""
    return [r for r in view.rows if r.lead_unit == unit or unit in r.co_units]
