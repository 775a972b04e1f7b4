"""Tallies of leaf tasks: what plan status and bulletins count and average."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.ledger import status, summary
from luoshi.ledger.board import Board, TaskRow
from luoshi.ledger.models import Plan
from tests.builders import task_row

TODAY = date(2024, 7, 1)


def board(*rows: TaskRow) -> Board:
    plan = Plan(id=1, name="p", title="计划")
    return Board(plan, list(rows), status.Rolled(0.0, 0.0, False), TODAY)


def test_only_leaves_are_counted_in_code_order() -> None:
    b = board(task_row("1", kind="group"), task_row("1.1"), task_row("1.2"), task_row("2"))
    assert [r.code for r in summary.leaves(b)] == ["1.1", "1.2", "2"]


def test_a_tally_counts_every_colour_and_averages_progress() -> None:
    rows = [
        task_row("1", status="done", progress=100.0, expected=100.0),
        task_row("2", status="red", progress=10.0, expected=60.0),
        task_row("3", status="stalled", progress=40.0, expected=50.0),
    ]
    t = summary.tally("x", rows, TODAY)
    assert t.tasks == 3
    assert t.progress == pytest.approx(50.0) and t.expected == pytest.approx(70.0)
    assert t.counts == {"green": 0, "amber": 0, "red": 1, "stalled": 1, "done": 1}
    assert t.behind == 2
    assert summary.tally("none", [], TODAY).progress == 0.0


def test_overdue_follows_the_status_rule_and_spares_done_tasks() -> None:
    late = task_row("1", deadline=date(2024, 6, 30), status="stalled")
    today_due = task_row("2", deadline=TODAY)
    done_late = task_row("3", deadline=date(2024, 1, 31), status="done")
    assert [summary.is_overdue(r, TODAY) for r in (late, today_due, done_late)] == [
        True,
        False,
        False,
    ]
    assert summary.tally("x", [late, today_due, done_late], TODAY).overdue == 1


def test_tally_by_groups_in_first_seen_order_with_names_for_blanks() -> None:
    rows = [
        task_row("1", lead_unit="市教委", category="民生", progress=20.0),
        task_row("2", lead_unit=None, category="", progress=0.0),
        task_row("3", lead_unit="市教委", category="民生", progress=60.0),
    ]
    by_unit = summary.tally_by(rows, summary.lead_unit_of, TODAY)
    assert [(t.name, t.tasks, t.progress) for t in by_unit] == [
        ("市教委", 2, 40.0),
        ("（未分派）", 1, 0.0),
    ]
    by_category = summary.tally_by(rows, summary.category_of, TODAY)
    assert [t.name for t in by_category] == ["民生", "（未分类）"]
