"""Parsing values people type (dates, percentages, numbers) with messages a clerk can act on."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

_ISO = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$")
_CN_DAY = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_CN_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:底|末)?$")
_CN_YEAR = re.compile(r"^(\d{4})\s*年(?:底|末)?$")


def parse_date(value: object) -> date | None:
    """A date from a cell or option: 2024-06-30, 2024/6/30, 2024年6月30日, 2024年6月 (its
    last day), 2024年底. Empty means none. Raises ValueError when it is not a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in (_ISO, _CN_DAY):
        if m := pattern.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _CN_MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(text)
        return date(year, month, calendar.monthrange(year, month)[1])
    if m := _CN_YEAR.match(text):
        return date(int(m[1]), 12, 31)
    raise ValueError(text)


_PERCENT = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def parse_percent(value: object) -> float:
    """A percentage 0–100, written 60, 60.5 or 60%: digits only (float() would also
    take 1e1, nan or ١٠, and a slip like 1e1 would be published as 10 %)."""
    text = str(value).strip().rstrip("%％")
    if not _PERCENT.match(text):
        raise ValueError(text)
    number = float(text)
    if not 0 <= number <= 100:
        raise ValueError(text)
    return number


_PLAIN = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
LARGEST = 1e15


# Digits a typed value keeps: more than anyone reports, fewer than a float's noise.
SIGNIFICANT = 12


def parse_amount(value: object, unit: str = "") -> float:
    """A value as people write it: 4200000, 4,200,000, 300万, 1.2亿, 2300万标准箱, 12%
    (full-width digits too). A unit written after it must be ``unit`` (the target's).
    Raises ValueError with the reason in Chinese."""
    # Lazy: the CLI's stateless commands import this module without the extractors.
    from luoshi.extract.numbers import readings
    from luoshi.text.normalize import fold

    text = fold(str(value)).strip().replace(" ", "")
    if _PLAIN.match(text):
        number = float(text.replace(",", ""))
    else:
        found = readings(text)
        if len(found) != 1 or found[0].start != 0 or found[0].end != len(text):
            raise ValueError("不是数字（可写作 4200000、300万 或 1.2亿）")
        reading = found[0]
        if reading.unit and unit and reading.unit != unit:
            raise ValueError(f"的单位「{reading.unit}」与目标的单位「{unit}」不同")
        # 12345.6789万 is 123456789, not the 123456789.00000001 of a binary product.
        number = float(f"{reading.value:.{SIGNIFICANT}g}")
    if abs(number) > LARGEST:
        raise ValueError("超出范围")
    return number
