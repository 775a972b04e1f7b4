"""The figures of a plan (ledger/read/figures.py): what every view counts and averages."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.ledger.health import Rolled
from luoshi.ledger.read import figures
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.rows import PlanRef, PlanView, TaskRow
from luoshi.ledger.read.visibility import Viewer
from tests.builders import task_row

TODAY = date(2024, 7, 1)


def view(*rows: TaskRow) -> PlanView:
    parents = {r.parent for r in rows}
    for r in rows:
        r.leaf = r.code not in parents
    return PlanView(
        PlanRef(1, "p", "计划", None, False), AsOf(TODAY), list(rows), Rolled(0, 0, False)
    )


def test_only_leaves_are_counted_in_code_order() -> None:
    v = view(task_row("1", kind="group"), task_row("1.1"), task_row("1.2"), task_row("2"))
    assert [r.code for r in v.leaves()] == ["1.1", "1.2", "2"]
    assert figures.plan_figures(v).total.tasks == 3


def test_a_tally_counts_every_health_and_averages_by_weight() -> None:
    rows = [
        task_row("1", health="done", progress=100.0, expected=100.0, weight=2.0),
        task_row("2", health="red", progress=10.0, expected=60.0, overdue=True),
        task_row("3", health="stalled", progress=40.0, expected=50.0),
    ]
    t = figures.tally("x", rows)
    assert t.tasks == 3 and t.overdue == 1
    assert t.progress == pytest.approx((200 + 10 + 40) / 4)
    assert t.expected == pytest.approx((200 + 60 + 50) / 4)
    assert t.counts == {"green": 0, "amber": 0, "red": 1, "stalled": 1, "done": 1}
    assert t.behind == 2
    assert figures.tally("none", []).progress == 0.0
    # Weights that add up to nothing fall back on the plain mean.
    zero = [task_row("1", progress=20.0, weight=0.0), task_row("2", progress=40.0, weight=0.0)]
    assert figures.tally("z", zero).progress == pytest.approx(30.0)


def test_tally_by_groups_in_first_seen_order_with_names_for_blanks() -> None:
    rows = [
        task_row("1", lead_unit="市教委", category="民生", progress=20.0),
        task_row("2", lead_unit=None, category="", progress=0.0),
        task_row("3", lead_unit="市教委", category="民生", progress=60.0),
    ]
    by_unit = figures.tally_by(rows, figures.lead_unit_of)
    assert [(t.name, t.tasks, t.progress) for t in by_unit] == [
        ("市教委", 2, 40.0),
        ("（未分派）", 1, 0.0),
    ]
    by_category = figures.tally_by(rows, figures.category_of)
    assert [t.name for t in by_category] == ["民生", "（未分类）"]


def test_units_most_behind_come_first() -> None:
    rows = [
        task_row("1", lead_unit="甲", health="green", progress=50.0, expected=50.0),
        task_row("2", lead_unit="乙", health="red", progress=0.0, expected=50.0),
        task_row("3", lead_unit="丙", health="amber", progress=30.0, expected=50.0),
    ]
    ranked = figures.plan_figures(view(*rows)).by_unit
    assert [t.name for t in ranked] == ["乙", "丙", "甲"]  # one behind, then further off


def test_attention_is_stalled_first_then_furthest_behind_then_code() -> None:
    rows = [
        task_row("1", health="red", progress=10.0, expected=30.0),
        task_row("2", health="stalled", progress=50.0, expected=50.0),
        task_row("3", health="red", progress=0.0, expected=80.0),
        task_row("4", health="amber", progress=30.0, expected=50.0),
        task_row("10", health="red", progress=10.0, expected=30.0),
        task_row("5", health="done", progress=100.0, expected=100.0),
    ]
    attention = figures.plan_figures(view(*rows)).attention
    assert [r.code for r in attention] == ["2", "3", "1", "10"]


def test_a_reporter_sees_totals_but_only_its_own_unit_and_tasks() -> None:
    rows = [
        task_row("1", lead_unit="市教委", health="red", progress=0.0, expected=50.0),
        task_row("2", lead_unit="市水务局", health="red", progress=0.0, expected=50.0),
        task_row("3", lead_unit="市水务局", co_units=["市教委"], health="stalled"),
    ]
    everyone = figures.plan_figures(view(*rows))
    mine = figures.plan_figures(view(*rows), Viewer(7, "reporter", 3, "市教委"))
    assert mine.total == everyone.total and mine.by_category == everyone.by_category
    assert [t.name for t in mine.by_unit] == ["市教委"]
    assert [r.code for r in mine.attention] == ["3", "1"]  # it supports 3
    nobody = figures.plan_figures(view(*rows), Viewer(8, "reporter", None, None))
    assert nobody.attention == [] and nobody.by_unit == []
    viewer = figures.plan_figures(view(*rows), Viewer(9, "viewer"))
    assert viewer.attention == everyone.attention
