"""The verdict rules of the promise check (eval/SPEC.md, "Promise check")."""

from __future__ import annotations

import pytest

from luoshi.extract.verdict import TargetFigure, effective_direction, judge


def pct(value: float, comparator: str = "=", value_max: float | None = None) -> TargetFigure:
    return TargetFigure(value, comparator, percent=True, value_max=value_max)


def amount(value: float, comparator: str = "=") -> TargetFigure:
    return TargetFigure(value, comparator, percent=False)


@pytest.mark.parametrize(
    ("comparator", "actual", "verdict"),
    [
        ("~", 5.1, "met"),
        ("~", 5.5, "met"),
        ("~", 5.6, "missed"),
        (">=", 4.0, "met"),
        ("=", 5.8, "missed"),
    ],
)
def test_a_ceiling_is_met_at_or_below_whatever_the_comparator(
    comparator: str, actual: float, verdict: str
) -> None:
    assert judge(pct(5.5, comparator), actual, "lower") == verdict


def test_a_ceiling_range_is_met_up_to_its_upper_end() -> None:
    assert judge(pct(2, "=", 3), 2.9, "lower") == "met"
    assert judge(pct(2, "=", 3), 3.2, "lower") == "missed"


@pytest.mark.parametrize(
    ("actual", "direction", "verdict"),
    [
        (6.1, "higher", "met"),  # inside
        (6.0, "higher", "met"),  # at the low end
        (7.2, "higher", "met"),  # beyond, on the better side
        (5.9, "higher", "missed"),  # below
        (7.2, None, "met"),  # direction unknown: = falls back on more is better
    ],
)
def test_a_range(actual: float, direction: str | None, verdict: str) -> None:
    assert judge(pct(6, "=", 6.5), actual, direction) == verdict  # type: ignore[arg-type]


def test_a_range_about_with_unknown_direction_is_two_sided() -> None:
    assert judge(pct(6, "~", 6.5), 7.2, None) == "missed"
    assert judge(pct(6, "~", 6.5), 6.3, None) == "met"


@pytest.mark.parametrize(
    ("actual", "direction", "verdict"),
    [
        (5.4, "higher", "met"),  # within 0.5 points below
        (5.0, "higher", "met"),
        (4.9, "higher", "missed"),
        (7.0, "higher", "met"),  # above, more is better
        (6.1, None, "missed"),  # two-sided when the direction is unknown
        (5.9, None, "met"),
    ],
)
def test_about_a_percentage_allows_half_a_point(
    actual: float, direction: str | None, verdict: str
) -> None:
    assert judge(pct(5.5, "~"), actual, direction) == verdict  # type: ignore[arg-type]


def test_about_an_amount_allows_five_percent() -> None:
    target = amount(1_000_000, "~")
    assert judge(target, 960_000, "higher") == "met"
    assert judge(target, 940_000, "higher") == "missed"
    assert judge(target, 1_300_000, "higher") == "met"
    assert judge(target, 1_060_000, None) == "missed"


@pytest.mark.parametrize("comparator", [">=", ">", "="])
def test_more_is_better_is_met_at_or_above(comparator: str) -> None:
    assert judge(amount(11_000_000, comparator), 11_000_000, "higher") == "met"
    assert judge(amount(11_000_000, comparator), 12_690_000, "higher") == "met"
    assert judge(amount(11_000_000, comparator), 10_990_000, "higher") == "missed"


def test_missing_actual_is_not_reported_and_scope_is_unclear() -> None:
    assert judge(pct(3.2, "~"), None, "lower") == "not_reported"
    assert judge(pct(5.5, "~"), 5.0, "lower", scope_differs=True) == "unclear"
    # No figure wins over a scope question: there is nothing to compare.
    assert judge(pct(5.5, "~"), None, "lower", scope_differs=True) == "not_reported"


def test_unknown_direction_falls_back_on_the_comparator() -> None:
    assert effective_direction(None, "<=") == "lower"
    assert effective_direction(None, ">=") == "higher"
    assert effective_direction(None, "=") == "higher"
    assert effective_direction(None, "~") is None
    assert effective_direction("lower", ">=") == "lower"
    assert judge(amount(100, "<="), 90, None) == "met"
    assert judge(amount(100, "<="), 110, None) == "missed"
