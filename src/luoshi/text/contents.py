"""Tables of contents (目录): heading lines listed before the body, which are not headings.

A table of contents is a run of consecutive lines that are headings and
nothing else (perhaps with dot leaders and page numbers), optionally after a
``目录`` line, whose headings come back later in the document. Its lines
would otherwise become a second, empty copy of the outline.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from luoshi.text.document import Span
from luoshi.text.lazy import lazy

_TITLE = lazy(r"\s*(?:目\s*录|目\s*次|contents)\s*", re.IGNORECASE)
_PAGE = lazy(r"[\s.·…\-—_]*\d{0,4}[\s.·…\-—_]*")
_LEADERS = lazy(r"[\s.·…_]+\d{0,4}\s*$|\s+")
MIN_ENTRIES = 3
SHARE_REPEATED = 0.5
_ENTRY_SLACK = 12  # dot leaders and a page number after the heading text
_LOOK = 8  # headings sharing a key that are looked at


def contents_entries(
    folded: str, paras: Sequence[Span], heads: dict[int, tuple[int, int, bool]]
) -> set[int]:
    """Starts of the headings that belong to a table of contents.

    ``heads`` maps a paragraph's index to (start, end, structural) of the
    heading that opens it.
    """
    runs = _runs(folded, paras, heads)
    if not runs:
        return set()
    out: set[int] = set()
    ordered: list[tuple[str, int]] | None = None
    for titled, members in runs:
        if len(members) < MIN_ENTRIES:
            continue
        if ordered is None:  # sorted once, and only when some run could be a contents list
            ordered = sorted((_key(folded, s, e), i) for i, (s, e, st) in heads.items() if st)
        last = members[-1]
        # A heading of the body may run on into its text when line breaks were
        # lost: an entry is repeated when a later heading begins with it.
        repeated = sum(
            1 for i in members if _begins_later(ordered, _key(folded, *heads[i][:2]), last)
        )
        if titled or repeated >= SHARE_REPEATED * len(members):
            out.update(heads[i][0] for i in members)
    return out


def _runs(
    folded: str, paras: Sequence[Span], heads: dict[int, tuple[int, int, bool]]
) -> list[tuple[bool, list[int]]]:
    """Runs of heading-only lines: (opened by a 目录 line, paragraph indices)."""
    runs: list[tuple[bool, list[int]]] = []
    current: list[int] = []
    titled = False
    keys: set[str] = set()
    for i, p in enumerate(paras):
        head = heads.get(i)
        if head is not None and head[2] and p.end - head[1] <= _ENTRY_SLACK:
            key = _key(folded, head[0], head[1])
            if key in keys:  # the body begins: its first headings repeat the list
                runs.append((titled, current))
                current, titled, keys = [], False, set()
            current.append(i)
            keys.add(key)
            continue
        if _TITLE.fullmatch(folded, p.start, p.end) or (
            current and _PAGE.fullmatch(folded, p.start, p.end)
        ):
            if not current:
                titled = _TITLE.fullmatch(folded, p.start, p.end) is not None
            continue
        if current:
            runs.append((titled, current))
        current, titled, keys = [], False, set()
    if current:
        runs.append((titled, current))
    return runs


def _begins_later(ordered: list[tuple[str, int]], key: str, after: int) -> bool:
    """Does a heading after paragraph ``after`` begin with ``key``? (a few looked at)"""
    i = bisect_left(ordered, (key, -1))
    for k, at in ordered[i : i + _LOOK]:
        if not k.startswith(key):
            return False
        if at > after:
            return True
    return False


def _key(folded: str, start: int, end: int) -> str:
    """A heading's text without spaces, dot leaders and page number."""
    return _LEADERS.sub("", folded[start:end])
