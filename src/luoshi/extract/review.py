"""The review of one year in a work report: where its actuals can be read.

A report delivered early in year N+1 reviews year N in its retrospective parts
(回顾), but those parts may also look back over five years (过去五年) or on the
first weeks of N+1 (今年以来). ``review_quantities`` keeps the quantities that
state year N: inside a retrospective part, in a stretch of paragraphs about
year N, and with no other period named before them in their sentence. The cue
words are data (``[review]`` of ``luoshi/data/promises.toml``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from luoshi.errors import InputError
from luoshi.text.lazy import lazy
from luoshi.text.normalize import fold

if TYPE_CHECKING:  # types only: the rules load with them
    from luoshi.extract.pipeline import Extraction
    from luoshi.extract.quantities import Quantity

PeriodKind = Literal["multi_year", "review_year", "current_year"]
_KINDS: tuple[PeriodKind, ...] = ("multi_year", "review_year", "current_year")
# A year named as a comparison base (比2020年) or a start (2013年以来) is not
# the year a figure is for.
_YEAR = lazy(r"(?<![比较])((?:19|20)\d\d) ?年(?!以来)")


@dataclass(frozen=True)
class ReviewCues:
    """回顾期间提示词: cue words telling which period a stretch of a review is about."""

    opening_chars: int
    cues: dict[PeriodKind, tuple[str, ...]]
    other_period: tuple[str, ...]
    this_year: tuple[str, ...]

    def opening_kind(self, opening: str, year: int) -> PeriodKind | None:
        """The period a paragraph opening with ``opening`` is about (earliest cue wins)."""
        found: tuple[int, PeriodKind] | None = None
        for kind in _KINDS:
            for w in self.cues[kind]:
                at = opening.find(w)
                if at >= 0 and (found is None or at < found[0]):
                    found = (at, kind)
        m = _YEAR.search(opening)
        if m is not None and (found is None or m.start() < found[0]):
            y = int(m.group(1))
            return "review_year" if y == year else "multi_year" if y < year else "current_year"
        return found[1] if found else None

    def names_year(self, left: str, year: int) -> bool:
        """Whether the words before a figure name ``year`` itself (2017年, 去年)."""
        years = [int(m.group(1)) for m in _YEAR.finditer(left)]
        if years:
            return years[-1] == year
        return any(w in left for w in self.this_year)

    def names_other_period(self, left: str, year: int) -> bool:
        """Whether the words before a figure in its sentence put it outside ``year``."""
        if any(int(m.group(1)) != year for m in _YEAR.finditer(left)):
            return True
        words = self.other_period + self.cues["multi_year"] + self.cues["current_year"]
        return any(w in left for w in words)


def review_quantities(x: Extraction, year: int, cues: ReviewCues) -> list[Quantity]:
    """Quantities of ``x`` that state an outcome of ``year`` in its review parts: in a
    stretch about that year unless their sentence names another period, or in
    another stretch of the review when their sentence names that year itself
    (五年来… then 2017年国内生产总值增长6.9%). A document without review parts
    offers the facts it states for that year."""
    parts = review_periods(x, year, cues)
    folded = x.doc.folded
    if not parts:
        # No review part at all (a summary without headings): its stated facts
        # of that year, never its goals.
        return [
            q
            for q in x.quantities
            if q.kind == "actual"
            and q.period in (str(year), None)
            and not cues.names_other_period(folded[q.sentence[0] : q.start], year)
        ]
    out: list[Quantity] = []
    i = 0
    for q in x.quantities:
        while i < len(parts) and parts[i][1] <= q.start:
            i += 1
        if i == len(parts) or q.start < parts[i][0]:
            continue
        left = folded[q.sentence[0] : q.start]
        if cues.names_other_period(left, year):
            continue
        if parts[i][2] == "review_year" or cues.names_year(left, year):
            out.append(q)
    return out


def review_stretches(x: Extraction, year: int, cues: ReviewCues) -> list[tuple[int, int]]:
    """Spans of paragraphs about ``year`` inside the retrospective parts, in order."""
    return [(a, b) for a, b, kind in review_periods(x, year, cues) if kind == "review_year"]


def review_periods(x: Extraction, year: int, cues: ReviewCues) -> list[tuple[int, int, PeriodKind]]:
    """The retrospective parts as stretches of paragraphs, each with the period it is about."""
    assert x.outline is not None
    outline, folded = x.outline, x.doc.folded
    out: list[tuple[int, int, PeriodKind]] = []
    state: PeriodKind = "review_year"
    part: int | None = None
    joined = False  # whether the previous paragraph is in the last stretch
    for p in outline.paragraphs:
        node = outline.node_at(p.start)
        # The top-level part decides: a review part's sections keep reviewing
        # even when a heading reads like a task (（二）聚力落实国家重大战略任务).
        top = outline.path(node)[0] if node is not None else None
        if node is None or top is None or (top.stance or node.stance) != "retrospective":
            state, part, joined = "review_year", None, False
            continue
        if top.index != part:  # a new top-level part starts about the year under review
            state, part, joined = "review_year", top.index, False
        kind = cues.opening_kind(folded[p.start : p.start + cues.opening_chars], year)
        state = kind or state
        if joined and out[-1][2] == state:
            out[-1] = (out[-1][0], p.end, state)
        else:
            out.append((p.start, p.end, state))
        joined = True
    return out


def load_promise_cues() -> dict[str, Any]:
    """The shipped ``luoshi/data/promises.toml`` as a table."""
    source = resources.files("luoshi.data").joinpath("promises.toml").read_text("utf-8")
    return tomllib.loads(source)


def cue_words(table: Any, key: str, where: str) -> tuple[str, ...]:
    """A non-empty list of non-empty words from ``table[key]``, folded."""
    value = table.get(key) if isinstance(table, dict) else None
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w for w in value):
        raise InputError(f"提示词表 promises.toml：[{where}] 的 {key} 必须是非空字符串列表")
    return tuple(fold(w) for w in value)


def review_cues_from(data: dict[str, Any]) -> ReviewCues:
    """The ``[review]`` table of promises.toml as ``ReviewCues``."""
    review = data.get("review")
    chars = review.get("opening_chars") if isinstance(review, dict) else None
    if not isinstance(chars, int) or chars < 2:
        raise InputError("提示词表 promises.toml：[review] 的 opening_chars 必须是不小于 2 的整数")
    assert isinstance(review, dict)
    cues = {kind: cue_words(review.get("cues"), kind, "review.cues") for kind in _KINDS}
    sentence = review.get("sentence")
    other = cue_words(sentence, "other_period", "review.sentence")
    this_year = cue_words(sentence, "this_year", "review.sentence")
    return ReviewCues(chars, cues, other, this_year)
