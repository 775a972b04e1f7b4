"""Sentence and clause boundaries around a position, on folded text.

A sentence ends at 。!? or a line break; a clause additionally at , ; : (the
folded forms of ，；：). A comma between digits (1,200) is not a boundary.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from luoshi.text.lazy import lazy

_SENTENCE_STOP = lazy(r"[。!?\n]")
# A tab between table cells is no stop: a row (地区生产总值年均增长 ⇥ 6%左右)
# names its indicator in one cell and the figure in the next.
_CLAUSE_STOP = lazy(r"[。!?\n;:,]")
_THOUSANDS = lazy(r"\d,\d{3}(?!\d)")


@dataclass(frozen=True)
class Boundaries:
    """Sorted boundary positions for quick lookup of the enclosing sentence or clause."""

    sentence_stops: list[int]
    clause_stops: list[int]
    length: int

    @classmethod
    def of(cls, folded: str) -> Boundaries:
        return cls(
            [m.start() for m in _SENTENCE_STOP.finditer(folded)],
            _clause_stops(folded),
            len(folded),
        )

    def sentence(self, pos: int) -> tuple[int, int]:
        return _around(self.sentence_stops, pos, self.length)

    def clause(self, pos: int) -> tuple[int, int]:
        return _around(self.clause_stops, pos, self.length)


def _clause_stops(folded: str) -> list[int]:
    """Clause stops, minus commas that separate thousands (1,200)."""
    stops = [m.start() for m in _CLAUSE_STOP.finditer(folded)]
    if "," in folded:
        thousands = {m.start() + 1 for m in _THOUSANDS.finditer(folded)}
        if thousands:
            stops = [s for s in stops if s not in thousands]
    return stops


def _around(stops: list[int], pos: int, length: int) -> tuple[int, int]:
    """(start, end) of the stretch between the stops enclosing ``pos``."""
    i = bisect_right(stops, pos - 1)
    start = stops[i - 1] + 1 if i else 0
    end = stops[i] if i < len(stops) else length
    return start, end
