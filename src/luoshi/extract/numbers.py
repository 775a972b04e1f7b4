"""Finding numbers with their magnitude word, approximation word and unit.

A *reading* is the surface ``1200余家`` or ``2.1万亿元`` parsed into value and
unit. Whether it is in scope (not a date, an ordinal or a name) is decided in
``scope.py``; what it measures in ``indicator.py`` and ``attributes.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from luoshi.extract.measures import (
    MAGNITUDE_PATTERN,
    MAGNITUDES,
    NOT_UNITS,
    PER_PATTERN,
    UNIT_PATTERN,
    canonical_unit,
)
from luoshi.text.lazy import lazy

# Digits with optional thousands separators and decimals; never starts inside
# another number (PM2.5 is handled by scope rules, not here).
NUMBER = lazy(r"(?<![\d.])(?<!\d,)(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
_TAIL = lazy(
    rf" ?(?P<a1>余|多)?(?P<mag>{MAGNITUDE_PATTERN})?(?P<a2>余|多)?"
    rf"(?P<unit>{UNIT_PATTERN}(?:/{PER_PATTERN})?)?"
)
_RANGE_JOIN = lazy(r" ?(?:——|—|-|~|至|到) ?")


@dataclass(frozen=True, slots=True)
class Reading:
    """A number as written: the whole surface's span, parsed value and unit."""

    start: int
    end: int
    digits_end: int
    value: float
    unit: str
    magnitude: float = 1.0
    approx_more: bool = False  # 余/多: "more than"
    value_max: float | None = None  # on the low end of a range: the high end's value
    value_min: float | None = None  # on the high end of a range: the low end's value


def _big_before_word(folded: str, at: int) -> bool:
    """大 at ``at`` followed by a Chinese character (5大机制). Compared, not matched: a
    regex class of the CJK block takes milliseconds to compile at every start."""
    return folded.startswith("大", at) and at + 1 < len(folded) and is_cjk(folded[at + 1])


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is in the CJK Unified Ideographs block (U+4E00–U+9FFF)."""
    return "\u4e00" <= ch <= "\u9fff"


def parse_number(digits: str) -> float:
    return float(digits.replace(",", ""))


def readings(folded: str) -> list[Reading]:
    """Every number followed by a unit (or a magnitude word), ranges joined."""
    matches = list(NUMBER.finditer(folded))
    out: list[Reading] = []
    i = 0
    while i < len(matches):
        m = matches[i]
        here = _read_at(folded, m)
        nxt = matches[i + 1] if i + 1 < len(matches) else None
        joined = _join_range(folded, m, here, nxt) if nxt is not None else None
        if joined is not None:
            out.extend(joined)
            i += 2
            continue
        if here is not None:
            out.append(here)
        i += 1
    return out


def _read_at(folded: str, m: re.Match[str]) -> Reading | None:
    """Parse the magnitude/unit tail after the digits matched by ``m``."""
    tail = _TAIL.match(folded, m.end())
    assert tail is not None  # every group is optional
    mag, unit = tail.group("mag"), tail.group("unit")
    unit_at = tail.end("mag") if mag else m.end()
    if folded.startswith(NOT_UNITS, unit_at) or folded.startswith(NOT_UNITS, m.end()):
        return None
    magnitude = MAGNITUDES[mag] if mag else 1.0
    value = parse_number(m.group()) * magnitude
    more = bool(tail.group("a1") or tail.group("a2"))
    if unit:
        return Reading(m.start(), tail.end(), m.end(), value, canonical_unit(unit), magnitude, more)
    if not mag and _big_before_word(folded, m.end()):
        # 5大机制: "five major mechanisms" counts things; the unit is 个.
        return Reading(m.start(), m.end() + 1, m.end(), value, "个")
    if mag and not _continues_as_word(folded, tail.end()):
        return Reading(m.start(), tail.end(), m.end(), value, "", magnitude, more)
    return None


def _join_range(
    folded: str, m: re.Match[str], here: Reading | None, nxt: re.Match[str]
) -> tuple[Reading, Reading] | None:
    """5—6%, 4.5%—5%, 10万—15万人, 3至5年: both ends, each a reading of its own.

    The low end takes the unit (and magnitude) written after the high end when it
    has none of its own (5 in 5—6% is 5%). Each end keeps its own span, so that
    each can be checked against the text; the low end carries ``value_max`` and
    the high end ``value_min``, so either tells the whole range.
    """
    low_end = here.end if here is not None else m.end()
    if _RANGE_JOIN.fullmatch(folded, low_end, nxt.start()) is None:
        return None
    high = _read_at(folded, nxt)
    if high is None or not high.unit:
        return None
    if here is not None and here.unit not in ("", high.unit):
        return None
    magnitude = here.magnitude if here is not None and here.magnitude != 1.0 else high.magnitude
    low_value = parse_number(m.group()) * magnitude
    if low_value > high.value:
        return None
    more = here.approx_more if here is not None else False
    low = Reading(
        m.start(), low_end, m.end(), low_value, high.unit, magnitude, more, value_max=high.value
    )
    return low, replace(high, value_min=low_value)


# A bare magnitude may still end the amount before a comparator: 减少1000万以上.
_COMPARATOR_AFTER = lazy(r"以上|以下|以内|左右|之内|上下")


def _continues_as_word(folded: str, pos: int) -> bool:
    if _COMPARATOR_AFTER.match(folded, pos):
        return False
    return pos < len(folded) and folded[pos].isalnum()
