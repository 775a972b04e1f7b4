"""Promise check (承诺核对): were a report's targets for its year met?

A work report of year N sets year-N targets; the report of year N+1 reviews
year N. ``check_promises`` pairs every year-N target of the OLD report with
the figure the NEW report's review of year N states for the same indicator,
and judges it (see ``verdict.py``). Pairing uses general cues only: the review
stretch about year N (``review.py``), compatible units and measures, the
indicator key and its scope qualifiers (``indicator_book.py``), and the time
scope words (年末 against a whole-year target).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from luoshi.errors import InputError
from luoshi.extract.clauses import Boundaries
from luoshi.extract.indicator_book import Direction, IndicatorBook, load_indicator_book
from luoshi.extract.review import ReviewCues, load_promise_cues, review_cues_from, review_quantities
from luoshi.extract.verdict import TargetFigure, Verdict, judge
from luoshi.extract.year_targets import TargetCues, year_targets
from luoshi.text.document import Document

if TYPE_CHECKING:
    from luoshi.extract.pipeline import Extraction
    from luoshi.extract.quantities import Quantity
from luoshi.text.lazy import lazy

_RATE_NOUN = lazy(r"增速|增幅|涨幅|降幅|增长率")
MIN_SIMILARITY = 0.6
_MEASURE_MISMATCH = 0.1  # a growth amount (增长0.5万亿元) against a level ranks lower
_FORECAST = 0.05  # an estimate in the review (预计增长5%) ranks below a stated figure


@dataclass(frozen=True, slots=True)
class Promise:
    """承诺: a year-N target, the actual a later report states for it, and the verdict."""

    target: Quantity
    actual: Quantity | None
    actual_value: float | None  # signed as the target reads: a fall against a rise is < 0
    verdict: Verdict
    direction: Direction | None  # the target's own direction (a reduction turns it round)
    scope_note: str | None  # why the scopes differ, for ``unclear``


@dataclass(frozen=True)
class PromiseCheck:
    """目标完成情况核对: every year-N target of OLD with its actual from NEW."""

    old: Extraction
    new: Extraction
    year: int
    promises: list[Promise]


@dataclass(frozen=True)
class Knowledge:
    """The word lists the check needs, read once."""

    book: IndicatorBook
    review: ReviewCues
    targets: TargetCues

    @classmethod
    def load(cls, indicators: str | None = None) -> Knowledge:
        cues = load_promise_cues()
        return cls(
            load_indicator_book(indicators), review_cues_from(cues), TargetCues.from_table(cues)
        )


def check_promises(
    old: Document, new: Document, knowledge: Knowledge | None = None, year: int | None = None
) -> PromiseCheck:
    """Check OLD's targets for its year (or ``year``) against NEW's review of that year."""
    k = knowledge or Knowledge.load()
    from luoshi.extract.pipeline import extract  # the rules load on first use

    ox, nx = extract(old), extract(new)
    assert ox.profile is not None
    n = year if year is not None else ox.profile.year
    if n is None:
        raise InputError(f"{old.name}：无法确定这份报告的年份，请用 --year 指明目标所属年份")
    return PromiseCheck(ox, nx, n, check_extractions(ox, nx, n, k))


def check_extractions(old: Extraction, new: Extraction, year: int, k: Knowledge) -> list[Promise]:
    """Every year-``year`` target of ``old`` against ``new``'s review of that year."""
    review = Review.of(new, year, k)
    old_bounds = Boundaries.of(old.doc.folded)
    return [
        review.assess(t, clause_left(old.doc.folded, old_bounds, t.start))
        for t in year_targets(old, year, k.targets)
    ]


@dataclass(frozen=True)
class Review:
    """回顾: the figures a report states for one year, ready to be paired with targets."""

    new: Extraction
    candidates: list[tuple[Quantity, str]]  # each with the words before it in its clause
    book: IndicatorBook

    @classmethod
    def of(cls, new: Extraction, year: int, k: Knowledge) -> Review:
        folded, bounds = new.doc.folded, Boundaries.of(new.doc.folded)
        found = review_quantities(new, year, k.review)
        return cls(new, [(q, clause_left(folded, bounds, q.start)) for q in found], k.book)

    def assess(self, target: Quantity, target_left: str) -> Promise:
        """The promise for ``target``; ``target_left`` is the text before it in its clause."""
        found = best_actual(target, target_left, self.candidates, self.book)
        a, a_left = found if found else (None, "")
        return judge_pair(target, target_left, a, a_left, self.book)


def clause_left(folded: str, bounds: Boundaries, start: int) -> str:
    """The folded words before ``start`` in its clause."""
    return folded[bounds.clause(start)[0] : start]


def best_actual(
    t: Quantity, t_left: str, candidates: list[tuple[Quantity, str]], book: IndicatorBook
) -> tuple[Quantity, str] | None:
    """The review figure most surely of the same indicator as ``t``, with its
    clause's words before it, or None. When the same figure is stated more than
    once (the year's headline, then its detail), the first statement counts."""
    passing: list[tuple[float, Quantity, str]] = []
    for c, c_left in candidates:
        if not comparable(t, t_left, c, c_left, book):
            continue
        score = book.similarity(t.indicator, c.indicator)
        if score < MIN_SIMILARITY:
            continue
        score -= _MEASURE_MISMATCH * (t.measure != c.measure) + _FORECAST * (c.kind == "target")
        passing.append((score, c, c_left))
    if not passing:
        return None
    _score, best, _left = max(passing, key=lambda p: (p[0], -p[1].start))
    first = min(
        (p for p in passing if p[1].measure == best.measure and _same_value(p[1], best)),
        key=lambda p: p[1].start,
    )
    return first[1], first[2]


def _same_value(a: Quantity, b: Quantity) -> bool:
    return abs(a.value - b.value) <= 0.005 * max(abs(a.value), abs(b.value), 1e-9)


def comparable(t: Quantity, t_left: str, c: Quantity, c_left: str, book: IndicatorBook) -> bool:
    """Same unit and the same kind of figure: a growth rate is not a share, and an
    amount added (新增5G基站1万个) is not a stock (累计建成5G基站7.2万个)."""
    if t.unit != c.unit:
        return False
    if t.unit == "%":
        return _is_rate(t) == _is_rate(c)
    if {t.measure, c.measure} == {"change", "level"}:
        level_left = t_left if t.measure == "level" else c_left
        return not book.is_stock(level_left)
    return True


def _is_rate(q: Quantity) -> bool:
    """A growth rate, also where the verb reads as a level (增速保持在5%—6%)."""
    return q.measure == "growth" or _RATE_NOUN.search(q.indicator) is not None


def judge_pair(
    t: Quantity, t_left: str, a: Quantity | None, a_left: str, book: IndicatorBook
) -> Promise:
    """The verdict on target ``t`` given its actual ``a``; ``*_left`` are the words
    before each figure in its clause (polarity and time scope are read there)."""
    direction = target_direction(t, t_left, book)
    figure = TargetFigure(t.value, t.comparator, t.unit == "%", t.value_max)
    if a is None:
        return Promise(t, None, None, judge(figure, None, direction), direction, None)
    value = a.value
    if _is_change(t) and _is_change(a):
        tp, ap = book.polarity(t_left), book.polarity(a_left)
        if tp is not None and ap is not None and tp != ap:
            value = -value
    note = scope_difference(t, t_left, a, a_left, book)
    verdict = judge(figure, value, direction, scope_differs=note is not None)
    return Promise(t, a, value, verdict, direction, note)


def target_direction(t: Quantity, left: str, book: IndicatorBook) -> Direction | None:
    """Which way is better for the figure itself: a reduction of a lower-is-better
    indicator (能耗降低3%) is better the larger it is."""
    way = book.direction(t.indicator) or book.direction(left)
    if way is None or not _is_change(t) or book.polarity(left) != "decrease":
        return way
    # A price rise (居民消费价格涨幅) stays a ceiling; a cut is a floor on the cut.
    return "higher" if way == "lower" else "lower"


def scope_difference(
    t: Quantity, t_left: str, a: Quantity, a_left: str, book: IndicatorBook
) -> str | None:
    """Why ``a`` is of a different time scope than ``t`` (a whole-year average
    target against a year-end figure), or None."""
    ts = book.time_scope(t_left + t.indicator)
    as_ = book.time_scope(a_left + a.indicator)
    if ts is None and book.is_averaged(t.indicator):
        ts = "whole_year"
    if ts is None or as_ is None or ts == as_:
        return None
    labels = {"year_end": "年末数", "whole_year": "全年数"}
    return f"目标为{labels[ts]}，实绩为{labels[as_]}"


def _is_change(q: Quantity) -> bool:
    return q.measure in ("growth", "change")
