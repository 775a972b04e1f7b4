"""Health rules (ledger/health.py): expected progress, colours at their exact edges, stalls,
roll-up, and one palette."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from luoshi.ledger.health import (
    Node,
    classify,
    expected_progress,
    is_overdue,
    missed_rounds,
    plan_progress,
    roll_up,
    rounds_opened_after,
    weighted,
)
from luoshi.settings import HealthRules

RULES = HealthRules()
START, DUE = date(2024, 1, 1), date(2024, 12, 31)  # 365 days apart


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2023, 12, 1), 0.0),  # before start
        (START, 0.0),
        (date(2024, 7, 1), 100 * 182 / 365),
        (DUE, 100.0),
        (date(2025, 3, 1), 100.0),  # after the deadline it stays at 100
    ],
)
def test_expected_progress_grows_linearly(today: date, expected: float) -> None:
    assert expected_progress(START, DUE, today) == pytest.approx(expected)


def test_expected_progress_without_a_schedule() -> None:
    assert expected_progress(START, None, date(2030, 1, 1)) == 0.0
    assert expected_progress(None, DUE, date(2024, 6, 1)) == 0.0
    assert expected_progress(None, DUE, DUE) == 100.0
    # A start after the deadline: all is due once the deadline has passed.
    assert expected_progress(DUE, START, date(2024, 6, 1)) == 100.0


@pytest.mark.parametrize(
    ("progress", "expected", "colour"),
    [
        (50.0, 60.0, "green"),  # exactly 10 points behind
        (49.9, 60.0, "amber"),
        (35.0, 60.0, "amber"),  # exactly 25 points behind
        (34.9, 60.0, "red"),
        (90.0, 60.0, "green"),  # ahead of schedule
        (None, 10.0, "green"),  # no report yet, little expected
        (None, 10.1, "amber"),  # no report counts as 0%
        (None, 40.0, "red"),
    ],
)
def test_colour_by_points_behind(progress: float | None, expected: float, colour: str) -> None:
    assert classify(RULES, progress, expected) == colour


def test_overdue_is_red_however_close() -> None:
    assert classify(RULES, 99.0, 100.0, overdue=True) == "red"
    assert is_overdue(DUE, date(2025, 1, 1), done=False)
    assert not is_overdue(DUE, DUE, done=False)  # the deadline day still counts
    assert not is_overdue(DUE, date(2025, 1, 1), done=True)
    assert not is_overdue(None, date(2099, 1, 1), done=False)


def test_stalled_after_two_missed_rounds_and_done_wins() -> None:
    assert classify(RULES, 80.0, 50.0, missed_rounds=1) == "green"
    assert classify(RULES, 80.0, 50.0, missed_rounds=2) == "stalled"
    assert classify(RULES, 0.0, 100.0, overdue=True, missed_rounds=5) == "stalled"
    assert classify(RULES, 0.0, 100.0, overdue=True, missed_rounds=5, done=True) == "done"


def test_thresholds_are_configurable() -> None:
    strict = HealthRules(green_within=5, amber_within=8, stalled_after=1)
    assert classify(strict, 50.0, 56.0) == "amber"
    assert classify(strict, 50.0, 59.0) == "red"
    assert classify(strict, 50.0, 40.0, missed_rounds=1) == "stalled"


def test_missed_rounds_count_those_after_the_last_report() -> None:
    assert missed_rounds([], None) == 0
    assert missed_rounds([1, 2], None) == 2
    assert missed_rounds([1, 2, 3], 1) == 2
    assert missed_rounds([1, 2, 3], 3) == 0


def test_only_rounds_opened_after_an_assignment_can_be_missed() -> None:
    rounds = [(1, datetime(2024, 1, 5)), (2, datetime(2024, 4, 1)), (3, datetime(2024, 7, 1))]
    assert rounds_opened_after(rounds, None) == [1, 2, 3]
    assert rounds_opened_after(rounds, datetime(2024, 4, 1)) == [3]  # opened as it was given
    assert rounds_opened_after(rounds, datetime(2024, 3, 31, 23, 59)) == [2, 3]
    assert missed_rounds(rounds_opened_after(rounds, datetime(2024, 2, 1)), None) == 2


def test_weighted_mean() -> None:
    assert weighted([]) == 0.0
    assert weighted([(1, 100.0), (3, 0.0)]) == 25.0
    assert weighted([(0, 100.0), (0, 0.0)]) == 50.0  # all weights zero: plain mean


def test_roll_up_weights_children_and_nests() -> None:
    nodes = [
        Node(1, None, 1, 0, 0, False),
        Node(2, 1, 3, 40.0, 50.0, False),
        Node(3, 1, 1, 80.0, 50.0, False),
        Node(4, None, 1, 0, 0, False),
        Node(5, 4, 1, 10.0, 100.0, True),  # done: counts as 100 whatever was reported
    ]
    rolled = roll_up(nodes)
    assert rolled[1].progress == pytest.approx((3 * 40 + 80) / 4)
    assert rolled[1].expected == pytest.approx(50.0)
    assert not rolled[1].done
    assert rolled[4].progress == 100.0 and rolled[4].done
    total = plan_progress(nodes, rolled)
    assert total.progress == pytest.approx((50 + 100) / 2)
    assert not total.done


def test_roll_up_of_a_deep_chain_does_not_recurse() -> None:
    depth = 5000
    nodes = [Node(i, i - 1 if i else None, 1, 0, 0, False) for i in range(depth)]
    nodes.append(Node(depth, depth - 1, 1, 42.0, 0, False))
    assert roll_up(nodes)[0].progress == 42.0


def test_one_palette_for_every_health_and_tints_of_it() -> None:
    from luoshi.ledger.health import HEALTH_COLOURS, HEALTH_LABELS, HEALTH_ORDER, tint

    assert set(HEALTH_COLOURS) == set(HEALTH_LABELS) == set(HEALTH_ORDER)
    assert len(set(HEALTH_COLOURS.values())) == len(HEALTH_COLOURS)
    assert tint("#000000", 0.5) == "808080" and tint("#2e7d32", 0.0) == "2E7D32"
    assert tint("#123456", 1.0) == "FFFFFF"
