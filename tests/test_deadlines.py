from __future__ import annotations

from datetime import date

import pytest

from luoshi.extract.deadlines import deadline_of, find_deadlines
from luoshi.text.normalize import fold


def due(text: str, year: int | None = 2024) -> date | None:
    found = deadline_of(text, fold(text), 0, len(text), year)
    return found.due if found else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("年内建成智慧平台。", date(2024, 12, 31)),
        ("汛前完成水毁修复工程。", date(2024, 5, 31)),
        ("10月底主体完工。", date(2024, 10, 31)),
        ("２月底前完成。", date(2024, 2, 29)),
        ("上半年启动试点。", date(2024, 6, 30)),
        ("三季度末投入使用。", date(2024, 9, 30)),
        ("2025年底全面建成。", date(2025, 12, 31)),
        ("到2035年基本实现现代化。", date(2035, 12, 31)),
        ("2026年6月完成验收。", date(2026, 6, 30)),
        ("十四五时期基本建成。", date(2025, 12, 31)),
    ],
)
def test_deadlines(text: str, expected: date) -> None:
    assert due(text) == expected


def test_relative_deadlines_need_a_year() -> None:
    assert due("年内完成。", None) is None
    assert due("到2030年完成。", None) == date(2030, 12, 31)


def test_no_deadline_words() -> None:
    assert due("持续推进产业升级。") is None


def test_span_points_at_the_words() -> None:
    text = "推进改造，10月底前完成。"
    [d] = find_deadlines(text, fold(text), 0, len(text), 2024)
    assert text[d.start : d.end] == d.text == "10月底"


def test_latest_deadline_wins() -> None:
    assert due("上半年启动，年底前完成。") == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年9月30日前完成。", date(2024, 9, 30)),
        ("2024年第三季度", date(2024, 9, 30)),
        ("2025年二季度末", date(2025, 6, 30)),
        ("2024-11-15", date(2024, 11, 15)),
        ("2024.6", date(2024, 6, 30)),
        ("2024/12/31", date(2024, 12, 31)),
        ("6月中旬", date(2024, 6, 20)),
        ("7月15日前", date(2024, 7, 15)),
        ("2024年2月30日", date(2024, 2, 29)),
    ],
)
def test_table_cell_deadlines(text: str, expected: date) -> None:
    assert due(text) == expected
