"""The period a quantity belongs to: a year, a span of years, or months of a year.

Written as ISO-like strings: ``2024``, ``2021-2025``, ``2024-01/2024-08``.
An explicit time expression earlier in the sentence wins; otherwise the
document's own year (a goal) or the year before it (a work report's review).
"""

from __future__ import annotations

import re

from luoshi.extract.lexicon import FIVE_YEAR_NAMES, FIVE_YEAR_PERIODS
from luoshi.extract.profile import Profile
from luoshi.text.lazy import lazy

EXPLICIT = lazy(
    r"(?P<y1>(?:19|20)\d\d) ?[—\-~至到] ?(?P<y2>(?:19|20)\d\d) ?年"
    r"|(?P<y>(?:19|20)\d\d) ?年(?: ?(?P<m1>\d{1,2}) ?[—\-~至到] ?(?P<m2>\d{1,2}) ?月)?"
    r"|(?P<ma>\d{1,2}) ?[—\-~至到] ?(?P<mb>\d{1,2}) ?月"
    rf"|(?P<fy>{FIVE_YEAR_NAMES})"
)


def period_of(
    explicit: re.Match[str] | None,
    headings: list[str],
    kind: str,
    retrospective: bool,
    profile: Profile,
) -> str | None:
    """Period for a quantity; ``explicit`` is the last time expression (``EXPLICIT``)
    of its sentence before the number, if any.

    ``headings`` are the texts of the enclosing headings, innermost first: a
    period named there ("一、2023年工作回顾", "“十三五”时期发展成就") covers
    the part. A work report is delivered early in the year: its review reports
    on the year before, while a present fact in its forward part ("目前已建成…")
    is as of its own year.
    """
    if explicit is not None:
        return _format(explicit, profile)
    for context in headings:
        found = None
        for m in EXPLICIT.finditer(context):
            found = m
        if found is not None:
            return _format(found, profile)
    if profile.genre == "plan" and profile.plan_period and kind == "target":
        return f"{profile.plan_period[0]}-{profile.plan_period[1]}"
    if profile.year is None:
        return None
    if kind == "actual" and retrospective and profile.genre == "work_report":
        return str(profile.year - 1)
    return str(profile.year)


def _format(m: re.Match[str], profile: Profile) -> str | None:
    if m.group("y1"):
        return f"{m.group('y1')}-{m.group('y2')}"
    if m.group("fy"):
        a, b = FIVE_YEAR_PERIODS[m.group("fy")]
        return f"{a}-{b}"
    year = m.group("y") or (str(profile.year) if profile.year else None)
    first, last = m.group("m1") or m.group("ma"), m.group("m2") or m.group("mb")
    if year and first and last:
        return f"{year}-{int(first):02d}/{year}-{int(last):02d}"
    return year
