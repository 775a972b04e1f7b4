"""Quantities: numbers in scope, with what they measure and how.

``extract_quantities`` runs the steps in order: read numbers with units, drop
those out of scope, then give each its indicator, comparator, measure, kind
and period from its clause, its sentence and the part of the outline it is in.
"""

from __future__ import annotations

from dataclasses import dataclass

from luoshi.extract.attributes import (
    Kind,
    Measure,
    combine_comparator,
    kind_of,
    measure_of,
    own_comparator,
)
from luoshi.extract.clauses import Boundaries
from luoshi.extract.cues import Cues
from luoshi.extract.indicator import indicator_of, segment_of, split_subjects, trim_lead
from luoshi.extract.numbers import Reading, readings
from luoshi.extract.period import EXPLICIT, period_of
from luoshi.extract.profile import Profile
from luoshi.extract.scope import Context, exclusion
from luoshi.text.document import Document
from luoshi.text.lazy import lazy
from luoshi.text.outline import Outline, OutlineNode

# 从77%提高到80%: the first figure is where the indicator stands now (a baseline,
# an actual level), only the second is the goal.
_FROM = lazy(r"(?:从|由)[^\d,;:。从由]{0,8}$")
_TO = lazy(
    r"\s?(?:提高|增加|提升|下降|降低|减少|缩短|扩大|增长|上升|压减|压缩|降|升|增)?"
    r"(?:到|至)(?:超过|突破|约|近)?\s?"
)
_FROM_REACH = 10
_LIST_GAP = lazy(r"\s*(?:、|和|及|与|以及|,)\s*")
_RESPECTIVELY = lazy(r"分别[^、,;。]{0,6}$")
_RESPECTIVELY_REACH = 8
# No sentence of a real document states more than a handful of figures (the
# corpus: at most 8). Past this many, a "sentence" is a table lost its breaks,
# or hostile input; its further numbers are listed as excluded, not described,
# so that the work per sentence stays bounded (issue 14).
MAX_PER_SENTENCE = 100
CROWDED = f"crowded sentence (more than {MAX_PER_SENTENCE} numbers)"


@dataclass(frozen=True, slots=True)
class Quantity:
    """数量: a quantity in the text, with value, unit and what it measures."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    kind: Kind
    indicator: str
    comparator: str
    measure: Measure
    period: str | None
    section: int | None  # index of the innermost outline node, if any
    sentence: tuple[int, int]
    value_max: float | None = None  # the low end of a range: its high end
    value_min: float | None = None  # the high end of a range: its low end

    @property
    def range_end(self) -> bool:
        """The high end of a range, whose low end (with ``value_max``) states it whole."""
        return self.value_min is not None


@dataclass(frozen=True, slots=True)
class Excluded:
    """A number deliberately not read as a quantity, with the reason."""

    start: int
    end: int
    text: str
    reason: str


def extract_quantities(
    doc: Document, outline: Outline, profile: Profile
) -> tuple[list[Quantity], list[Excluded]]:
    f = doc.folded
    bounds = Boundaries.of(f)
    ctx = Context.of(f, [p.start for p in outline.paragraphs])
    kept: list[Reading] = []
    dropped: list[Excluded] = []
    sentence, seen = (-1, -1), 0
    for r in readings(f):
        if not sentence[0] <= r.start < sentence[1]:
            sentence, seen = bounds.sentence(r.start), 0
        seen += 1
        reason = CROWDED if seen > MAX_PER_SENTENCE else exclusion(ctx, r)
        if reason is None:
            kept.append(r)
        else:
            dropped.append(Excluded(r.start, r.end, doc.raw[r.start : r.end], reason))
    return _describe(doc, outline, profile, bounds, kept), dropped


def _describe(
    doc: Document, outline: Outline, profile: Profile, bounds: Boundaries, kept: list[Reading]
) -> list[Quantity]:
    f = doc.folded
    cues = Cues(f)
    comparators = _comparators(f, bounds, kept)
    subjects = _respective_subjects(f, doc.raw, bounds, kept)
    baselines = _baselines(f, bounds, kept)
    out: list[Quantity] = []
    previous: tuple[tuple[int, int], str] | None = None
    for i, r in enumerate(kept):
        clause, sentence = bounds.clause(r.start), bounds.sentence(r.start)
        measure = measure_of(cues, r, clause, _neighbours(kept, i, clause)[0])
        prev_ind = previous[1] if previous and previous[0] == sentence else None
        if i in subjects:
            indicator = subjects[i]
        else:
            segment = segment_of(clause, _neighbours(kept, i, clause))
            growth = r.unit == "%" and measure == "growth"
            indicator = indicator_of(f, doc.raw, (r.start, r.end), segment, prev_ind, growth)
        node = outline.node_at(r.start)
        stance = node.stance if node is not None else None
        kind = kind_of(cues, r, sentence, stance, profile.default_kind, profile.reference_year)
        if i in baselines:
            kind, measure = "actual", "level"
        out.append(
            Quantity(
                start=r.start,
                end=r.end,
                text=doc.raw[r.start : r.end],
                value=r.value,
                unit=r.unit,
                kind=kind,
                indicator=indicator,
                comparator=comparators[i],
                measure=measure,
                period=period_of(
                    cues.last(EXPLICIT, sentence[0], r.start),
                    headings_of(outline, node),
                    kind,
                    stance == "retrospective",
                    profile,
                ),
                section=node.index if node is not None else None,
                sentence=sentence,
                value_max=r.value_max,
                value_min=r.value_min,
            )
        )
        previous = (sentence, indicator)
    return out


def headings_of(outline: Outline, node: OutlineNode | None) -> list[str]:
    """Folded texts of the headings enclosing a position, innermost first."""
    if node is None:
        return []
    f = outline.doc.folded
    return [f[n.heading.start : n.heading.end] for n in reversed(outline.path(node))]


def _baselines(f: str, bounds: Boundaries, kept: list[Reading]) -> set[int]:
    """Indices of the quantities that are the 从 of a 从…提高到… (their clause's baseline)."""
    out: set[int] = set()
    for i in range(len(kept) - 1):
        r, nxt = kept[i], kept[i + 1]
        lo = bounds.clause(r.start)[0]
        if not _FROM.search(f, max(lo, r.start - _FROM_REACH), r.start):
            continue
        if _TO.fullmatch(f, r.end, nxt.start) and r.unit == nxt.unit:
            out.add(i)
    return out


def _neighbours(kept: list[Reading], i: int, clause: tuple[int, int]) -> tuple[int, int]:
    lo = kept[i - 1].end if i and kept[i - 1].end > clause[0] else clause[0]
    nxt = kept[i + 1].start if i + 1 < len(kept) else clause[1]
    return lo, min(nxt, clause[1])


def _runs(f: str, bounds: Boundaries, kept: list[Reading]) -> list[list[int]]:
    """Tight lists: quantities separated only by 、/和/及 (550万亩和75万亩以上)."""
    runs: list[list[int]] = []
    for i, r in enumerate(kept):
        if runs and _LIST_GAP.fullmatch(f, kept[runs[-1][-1]].end, r.start):
            prev = kept[runs[-1][-1]]
            if bounds.sentence(prev.start) == bounds.sentence(r.start):
                runs[-1].append(i)
                continue
        runs.append([i])
    return runs


def _comparators(f: str, bounds: Boundaries, kept: list[Reading]) -> list[str]:
    """Each quantity's comparator; one written once for a tight list applies to all of it."""
    own = [own_comparator(f, r, bounds.clause(r.start)[0]) for r in kept]
    out = [combine_comparator(p, s) for p, s in own]
    for run in _runs(f, bounds, kept):
        if len(run) < 2:
            continue
        first_prefix, last_suffix = own[run[0]][0], own[run[-1]][1]
        for i in run:
            prefix, suffix = own[i]
            if suffix is None and prefix is None:
                out[i] = combine_comparator(first_prefix, last_suffix)
    return out


def _respective_subjects(
    f: str, raw: str, bounds: Boundaries, kept: list[Reading]
) -> dict[int, str]:
    """A、B、C分别增长x、y、z: pair each subject with its number."""
    pairs: dict[int, str] = {}
    for run in _runs(f, bounds, kept):
        if len(run) < 2:
            continue
        first = kept[run[0]]
        # The subjects follow the quantity before the list, if it shares the clause.
        lo = _neighbours(kept, run[0], bounds.clause(first.start))[0]
        m = _RESPECTIVELY.search(f, max(lo, first.start - _RESPECTIVELY_REACH), first.start)
        if m is None:
            continue
        items = split_subjects(f, lo, m.start())
        if len(items) != len(run):
            continue
        for i, (lo, hi) in zip(run, items, strict=True):
            pairs[i] = raw[trim_lead(f, lo, hi) : hi].strip()
    return pairs
