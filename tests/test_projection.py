"""Projection of a target to its deadline from the values reported in the rounds."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.extract.verdict import TargetFigure
from luoshi.ledger.projection import period_end, project

BOXES = TargetFigure(23_000_000, ">", percent=False)  # 集装箱吞吐量突破2300万标准箱
YEAR = (date(2024, 1, 1), date(2024, 12, 31))


def test_2100_of_2300_by_q3_is_on_track() -> None:
    p = project(BOXES, [(date(2024, 9, 30), 21_000_000)], YEAR[1], start=YEAR[0])
    assert p is not None and p.on_track and p.label == "预计完成"
    # 2100万 over 273 days, read at day 365: about 2800万
    assert p.projected == pytest.approx(21_000_000 * 365 / 273, rel=0.01)


def test_1500_of_2300_by_q3_is_at_risk() -> None:
    p = project(BOXES, [(date(2024, 9, 30), 15_000_000)], YEAR[1], start=YEAR[0])
    assert p is not None and not p.on_track and p.label == "有风险"
    assert p.projected < 23_000_000


def test_several_rounds_are_fitted_by_least_squares() -> None:
    points = [(date(2024, 3, 31), 5_000_000), (date(2024, 6, 30), 10_000_000)]
    p = project(BOXES, points, YEAR[1], start=YEAR[0])
    assert p is not None and p.points == 2
    assert 19_000_000 < p.projected < 21_000_000 and not p.on_track
    # A late surge puts it back on track.
    p2 = project(BOXES, [*points, (date(2024, 9, 30), 20_000_000)], YEAR[1], start=YEAR[0])
    assert p2 is not None and p2.on_track


def test_a_ceiling_is_at_risk_when_the_line_crosses_it() -> None:
    energy = TargetFigure(1000, "<=", percent=False)  # 能源消费总量不超过1000万吨标准煤
    low = project(energy, [(date(2024, 6, 30), 450)], YEAR[1], start=YEAR[0], direction="lower")
    high = project(energy, [(date(2024, 6, 30), 560)], YEAR[1], start=YEAR[0], direction="lower")
    assert low is not None and low.on_track
    assert high is not None and not high.on_track


def test_a_stock_starts_from_its_baseline() -> None:
    rate = TargetFigure(70, "=", percent=True)  # 清洁取暖率达到70%, from 60%
    p = project(rate, [(date(2024, 6, 30), 65)], YEAR[1], start=YEAR[0], origin=60)
    assert p is not None and p.on_track and p.projected == pytest.approx(70, abs=0.3)


def test_a_growth_rate_projects_its_latest_value() -> None:
    gdp = TargetFigure(5, "~", percent=True)  # 增长5%左右
    points = [(date(2024, 3, 31), 5.3), (date(2024, 9, 30), 4.4)]
    p = project(gdp, points, YEAR[1], rate=True, direction="higher")
    assert p is not None and p.projected == 4.4 and not p.on_track


def test_nothing_to_project_from() -> None:
    assert project(BOXES, [], YEAR[1], start=YEAR[0]) is None
    # one point and no start: a line needs two days
    assert project(BOXES, [(date(2024, 9, 30), 1.0)], YEAR[1]) is None


@pytest.mark.parametrize(
    ("period", "end"),
    [
        ("2024-Q3", date(2024, 9, 30)),
        ("2024Q1", date(2024, 3, 31)),
        ("2024-H1", date(2024, 6, 30)),
        ("2024-02", date(2024, 2, 29)),
        ("2024", date(2024, 12, 31)),
        ("第三季度", None),
        ("2024-13", None),
    ],
)
def test_period_end(period: str, end: date | None) -> None:
    assert period_end(period) == end


def test_a_count_is_never_projected_below_nothing() -> None:
    # Reports falling steeply, read a year later: the line goes negative, a count cannot.
    points = [(date(2024, 3, 31), 900.0), (date(2024, 6, 30), 100.0)]
    p = project(BOXES, points, date(2025, 12, 31))
    assert p is not None and p.projected == 0.0 and not p.on_track
