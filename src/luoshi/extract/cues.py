"""Cue words found once per document, looked up by position.

The attribute rules ask "the last 预计 before this number, within its
sentence". Searching the sentence again for every number costs the square of
the sentence's length (``学校5所`` repeated thousands of times is one
sentence). Instead each pattern is run once over the whole folded text, and
a lookup is a binary search among its matches.

Matches are those of one left-to-right scan of the whole text, so a lookup in
``[lo, hi)`` sees the matches that lie wholly inside it; a match crossing
``lo`` or ``hi`` is not seen, as it would not be in a search of the slice.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from luoshi.text.lazy import Pattern


@dataclass
class _Index:
    starts: list[int]
    ends: list[int]
    matches: list[re.Match[str]]


@dataclass
class Cues:
    """The folded text of a document and, per pattern, all its matches (built on first use)."""

    folded: str
    _indexes: dict[Pattern, _Index] = field(default_factory=dict, repr=False)

    def _index(self, pattern: Pattern) -> _Index:
        index = self._indexes.get(pattern)
        if index is None:
            matches = [m for m in pattern.finditer(self.folded) if m.end() > m.start()]
            index = _Index([m.start() for m in matches], [m.end() for m in matches], matches)
            self._indexes[pattern] = index
        return index

    def last(self, pattern: Pattern, lo: int, hi: int) -> re.Match[str] | None:
        """The last match lying wholly inside ``[lo, hi)``."""
        index = self._index(pattern)
        i = bisect_right(index.ends, hi) - 1
        if i >= 0 and index.starts[i] >= lo:
            return index.matches[i]
        return None

    def last_end(self, pattern: Pattern, lo: int, hi: int) -> int | None:
        """Where the last match inside ``[lo, hi)`` ends (an absolute position)."""
        m = self.last(pattern, lo, hi)
        return m.end() if m is not None else None

    def first(self, pattern: Pattern, lo: int, hi: int) -> re.Match[str] | None:
        """The first match lying wholly inside ``[lo, hi)``."""
        index = self._index(pattern)
        i = bisect_left(index.starts, lo)
        if i < len(index.starts) and index.ends[i] <= hi:
            return index.matches[i]
        return None

    def has(self, pattern: Pattern, lo: int, hi: int) -> bool:
        return self.first(pattern, lo, hi) is not None
