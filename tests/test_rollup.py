"""Roll-up of progress along links, coverage, and the share check: pure functions."""

from __future__ import annotations

import pytest

from luoshi.ledger.rollup import check_shares, coverage, roll_up

# 1 national task ← 10, 11 city tasks ← 100, 101 (of 10) and 110 (of 11) district tasks.
LINKS = [(10, 1), (11, 1), (100, 10), (101, 10), (110, 11)]


def test_three_levels_roll_up_weighted() -> None:
    progress = {100: 80.0, 101: 40.0, 110: 30.0, 10: 5.0, 1: 0.0}
    weights = {100: 3.0, 101: 1.0, 110: 1.0, 10: 1.0, 11: 3.0}
    got = roll_up(progress, weights, LINKS)
    assert got[10].progress == pytest.approx((80 * 3 + 40) / 4)  # its own 5 % does not count
    assert got[11].progress == pytest.approx(30.0)
    assert got[1].progress == pytest.approx((70.0 * 1 + 30.0 * 3) / 4)
    assert (got[1].children, got[10].children) == (2, 2)
    assert got[1].reported == 4  # 100, 101, 110 and city task 10 reported; 11 did not
    assert 100 not in got  # nothing answers a district task


def test_unreported_children_count_zero_and_zero_weights_fall_back_to_the_mean() -> None:
    got = roll_up({100: 60.0}, {100: 0.0, 101: 0.0}, [(100, 10), (101, 10)])
    assert got[10].progress == pytest.approx(30.0)
    assert got[10].reported == 1


def test_a_cycle_is_cut_not_followed() -> None:
    got = roll_up({2: 50.0}, {}, [(2, 1), (1, 2)])
    assert got[1].progress == pytest.approx(50.0)


def test_coverage_lists_unanswered_upper_and_orphan_lower_tasks() -> None:
    c = coverage(upper=[10, 11, 12], lower=[100, 101, 110, 120], links=LINKS + [(999, 12)])
    assert c.unanswered == [12]  # 999 is not among the lower tasks
    assert c.orphans == [120]
    assert (c.answered, c.linked) == (2, 3)
    assert c.share_answered == pytest.approx(2 / 3)
    assert coverage([], [], []).share_answered == 1.0


def test_share_check() -> None:
    ok = check_shares(350000, [150000, 200000])
    assert ok.adds_up and ok.warning("目标") is None
    over = check_shares(350000, [150000, 250000])
    assert not over.adds_up and over.difference == 50000
    assert (
        over.warning("城镇新增就业")
        == "城镇新增就业的份额合计 400000，多于目标 350000（相差 50000）"
    )
    assert check_shares(0.3, [0.1, 0.2]).adds_up  # no float noise
    with pytest.raises(ValueError):
        check_shares(10, [-1, 11])
