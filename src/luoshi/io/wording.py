"""How a bulletin writes periods and dates in Chinese."""

from __future__ import annotations

import re
from datetime import date

_QUARTERS = {"1": "一", "2": "二", "3": "三", "4": "四"}
_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|H([12])|(\d{2})))?$")


def period_label(period: str) -> str:
    """2024-Q2 → 2024年第二季度; 2024-H1 → 2024年上半年; 2024-06 → 2024年6月."""
    m = _PERIOD.match(period)
    if m is None:
        return period
    year, quarter, half, month = m.groups()
    if quarter:
        return f"{year}年第{_QUARTERS[quarter]}季度"
    if half:
        return f"{year}年{'上' if half == '1' else '下'}半年"
    if month:
        return f"{year}年{int(month)}月"
    return f"{year}年"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
