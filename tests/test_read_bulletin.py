"""A bulletin's figures (ledger/read/bulletin.py): the plan's figures, its round, 催办."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.errors import NotFound
from luoshi.io.wording import period_label
from luoshi.ledger import cycle
from luoshi.ledger.db import Database
from luoshi.ledger.health import Rolled
from luoshi.ledger.read.asof import AsOf
from luoshi.ledger.read.bulletin import RoundFacts, bulletin_figures
from luoshi.ledger.read.figures import PlanFigures, plan_figures
from luoshi.ledger.read.rows import PlanRef, PlanView
from luoshi.settings import HealthRules
from tests.builders import build_cycle, build_world, task_row

TODAY = date(2024, 7, 1)
LATE = date(2024, 6, 30)


def figures() -> PlanFigures:
    rows = [
        task_row("1", kind="group", health="red", progress=50.0, leaf=False),
        task_row("1.1", lead_unit="市教委", health="green", progress=40.0, expected=45.0),
        task_row("1.2", lead_unit="市教委", health="done", progress=100.0, deadline=LATE),
        task_row("1.3", lead_unit="市水务局", health="stalled", deadline=LATE, overdue=True),
        task_row("2", lead_unit="市商务局", health="red", progress=5.0, category="开放"),
    ]
    plan = PlanRef(1, "p", "计划", None, False)
    return plan_figures(PlanView(plan, AsOf(TODAY), rows, Rolled(61.5, 70.0, False)))


def test_figures_count_leaves_and_keep_the_weighted_total_of_the_view() -> None:
    fig = figures()
    assert (fig.progress, fig.expected) == (61.5, 70.0)  # not a mean of the rows
    assert fig.total.tasks == 4
    assert fig.total.counts == {"green": 1, "amber": 0, "red": 1, "stalled": 1, "done": 1}
    assert fig.total.overdue == 1  # 1.3; 1.2 is done, so not overdue


def test_red_stalled_and_overdue_tasks_need_attention() -> None:
    fig = figures()
    assert [(r.code, r.overdue) for r in fig.attention] == [("1.3", True), ("2", False)]


def test_units_most_behind_first_and_categories_in_plan_order() -> None:
    fig = figures()
    # As many behind as 市商务局, but less ahead of its expected progress.
    assert [(t.name, t.behind) for t in fig.by_unit] == [
        ("市水务局", 1),
        ("市商务局", 1),
        ("市教委", 0),
    ]
    assert [(t.name, t.tasks) for t in fig.by_category] == [("（未分类）", 3), ("开放", 1)]
    assert fig.by_unit[2].progress == pytest.approx(70.0)


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2024-Q2", "2024年第二季度"),
        ("2024-H1", "2024年上半年"),
        ("2024-H2", "2024年下半年"),
        ("2024-06", "2024年6月"),
        ("2024", "2024年"),
        ("第一批", "第一批"),
    ],
)
def test_period_labels(period: str, label: str) -> None:
    assert period_label(period) == label


def test_the_round_is_the_latest_unless_a_period_is_named(db: Database) -> None:
    c = build_cycle(db)
    with db.transaction() as s:
        plan = c.world.plan(s)
        latest = bulletin_figures(s, plan, HealthRules(), AsOf(TODAY))
        assert latest.round == RoundFacts("2024-Q2", date(2024, 7, 10), False)
        q2 = cycle.get_round(s, c.rounds["2024-Q2"])
        assert latest.pending == cycle.pending(s, q2)
        first = bulletin_figures(s, plan, HealthRules(), AsOf(TODAY), "2024-Q1")
        assert first.round == RoundFacts("2024-Q1", date(2024, 4, 10), True)
        assert {p.unit: p.tasks for p in first.pending} == {
            "市工业和信息化局": ["1.2.2"],
            "市民政局": ["1.3.3"],
        }
        with pytest.raises(
            NotFound, match=r"没有期间为「2024-Q3」的调度（已有：2024-Q1、2024-05、2024-Q2）"
        ):
            bulletin_figures(s, plan, HealthRules(), AsOf(TODAY), "2024-Q3")


def test_a_plan_without_rounds_has_no_round_and_nobody_pending(db: Database) -> None:
    world = build_world(db)
    with db.transaction() as s:
        fig = bulletin_figures(s, world.plan(s), HealthRules(), AsOf(TODAY))
        assert fig.round is None and fig.pending == []
        assert fig.figures.total.tasks == 4
        with pytest.raises(NotFound, match="已有：无"):
            bulletin_figures(s, world.plan(s), HealthRules(), AsOf(TODAY), "2024-Q1")
