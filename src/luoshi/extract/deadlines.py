"""Deadlines (完成时限) stated in a task's text.

Recognised: 年内/年底/年末/今年 (the document's year end), 汛前 (before the flood
season, 1 June in northern China), N月底/N月末/N月份/N月D日/N月中旬, 上半年/下半年,
一季度…四季度 (第三季度), YYYY年底/YYYY年/YYYY年M月D日/YYYY年第N季度, dates as a
spreadsheet prints them (2024-09-30, 2024.9), 到YYYY年, 十四五 (the period's last day).
Each deadline keeps the span of the words it came from so the ledger can show why.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from luoshi.extract.lexicon import FIVE_YEAR_NAMES, FIVE_YEAR_PERIODS
from luoshi.text.lazy import lazy

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "两": 2}

_TEN_DAYS = {"上旬": 10, "中旬": 20}
_PATTERN = lazy(
    r"(?P<iso>(?:19|20)\d\d)[-./](?P<isom>\d{1,2})(?:[-./](?P<isod>\d{1,2}))?(?![\d.%万亿千百元吨个项])"
    r"|(?P<by>到|至|在|于)?\s?(?P<year>(?:19|20)\d\d)\s?年(?:\s?(?P<ymonth>\d{1,2})\s?月"
    r"(?:\s?(?P<yday>\d{1,2})\s?日|(?P<yten>上旬|中旬|下旬)|底|末|份)?"
    r"|\s?第?(?P<yquarter>[一二三四1-4])\s?季度(?:末|底)?"
    r"|(?P<yhalf>上半年|下半年|年底|年末|底|末)?)"
    r"|(?P<month>\d{1,2})\s?月(?:(?P<mday>\d{1,2})\s?日|(?P<mten>上旬|中旬|下旬)|底|末|份|前)"
    r"|(?P<half>上半年|下半年)"
    r"|第?(?P<quarter>[一二三四1-4])\s?季度(?:末|底)?"
    r"|(?P<flood>汛前)"
    r"|(?P<yearend>年内|年底前|年底|年末|今年|全年|当年)"
    rf"|(?P<five>{FIVE_YEAR_NAMES})(?:时期|期间|末)?"
)


@dataclass(frozen=True, slots=True)
class Deadline:
    """完成时限: a due date and the words that state it."""

    due: date
    start: int
    end: int
    text: str


def find_deadlines(raw: str, folded: str, start: int, end: int, year: int | None) -> list[Deadline]:
    """All deadlines stated in ``[start, end)``; ``year`` resolves 年内, 10月底 and the like."""
    out: list[Deadline] = []
    for m in _PATTERN.finditer(folded, start, end):
        due = _resolve(m, year)
        if due is not None:
            out.append(Deadline(due, m.start(), m.end(), raw[m.start() : m.end()]))
    return out


def deadline_of(raw: str, folded: str, start: int, end: int, year: int | None) -> Deadline | None:
    """The latest deadline stated in a span: a task is due when its last part is."""
    found = find_deadlines(raw, folded, start, end, year)
    return max(found, key=lambda d: d.due) if found else None


def year_end(year: int) -> date:
    return date(year, 12, 31)


def _resolve(m: re.Match[str], year: int | None) -> date | None:
    if m.group("iso"):
        return _day(int(m.group("iso")), int(m.group("isom")), m.group("isod"), None)
    if m.group("year"):
        y = int(m.group("year"))
        if m.group("ymonth"):
            return _day(y, int(m.group("ymonth")), m.group("yday"), m.group("yten"))
        if m.group("yquarter"):
            return _month_end(y, 3 * _number(m.group("yquarter")))
        if m.group("yhalf") == "上半年":
            return date(y, 6, 30)
        return year_end(y)
    if m.group("five"):
        return year_end(FIVE_YEAR_PERIODS[m.group("five")][1])
    if year is None:
        return None
    if m.group("month"):
        return _day(year, int(m.group("month")), m.group("mday"), m.group("mten"))
    if m.group("half"):
        return date(year, 6, 30) if m.group("half") == "上半年" else year_end(year)
    if m.group("quarter"):
        return _month_end(year, 3 * _number(m.group("quarter")))
    if m.group("flood"):
        return date(year, 5, 31)
    return year_end(year)


def _number(digit: str) -> int:
    return CN_DIGITS.get(digit) or int(digit)


def _day(year: int, month: int, day: str | None, ten: str | None) -> date | None:
    """A day of a month (2024年9月30日, 6月中旬), else the month's last day."""
    end = _month_end(year, month)
    if end is None:
        return None
    n = int(day) if day else _TEN_DAYS.get(ten or "", 0)
    return end.replace(day=n) if 1 <= n <= end.day else end


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])
