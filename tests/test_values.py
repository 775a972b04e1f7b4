"""Values people type: dates in the forms offices write them, percentages."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from luoshi.ledger.values import parse_date, parse_percent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06-30", date(2024, 6, 30)),
        ("2024/6/3", date(2024, 6, 3)),
        ("2024.6.30", date(2024, 6, 30)),
        ("2024年6月30日", date(2024, 6, 30)),
        ("2024年2月", date(2024, 2, 29)),  # a month means its last day
        ("2024年6月底", date(2024, 6, 30)),
        ("2024年底", date(2024, 12, 31)),
        (datetime(2024, 5, 1, 12, 0), date(2024, 5, 1)),
        (date(2024, 5, 1), date(2024, 5, 1)),
        ("", None),
        (None, None),
    ],
)
def test_dates(text: object, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2024年13月", "2024-02-30", "下周", "2024-6"])
def test_not_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_percentages() -> None:
    assert parse_percent("60") == 60.0
    assert parse_percent("100%") == 100.0
    assert parse_percent(" 0 ") == 0.0
    assert parse_percent("62.5％") == 62.5
    # float() would take these: a slip (1e1) must not be stored as 10 %.
    for bad in ("101", "-1", "很多", "nan", "1e1", "inf", "", "1_0", "٥٠"):
        with pytest.raises(ValueError):
            parse_percent(bad)
