"""The targets a report sets for its own year (年度目标).

Of the quantities of kind ``target``, a year's targets are those whose period
is that year and that sit outside the review parts. Five-year and 2035 goals
carry other periods. Three kinds of figure inside a target's sentence are no
targets themselves: the baseline of 从X提高到Y (only Y is), a scope threshold
(不超过100万元的部分), and a duration (延长3年). The cue words are data
(``[targets]`` of ``luoshi/data/promises.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from luoshi.extract.clauses import Boundaries
from luoshi.extract.measures import is_time_unit
from luoshi.extract.review import cue_words
from luoshi.text.lazy import lazy

if TYPE_CHECKING:  # types only: the rules load with them
    from luoshi.extract.pipeline import Extraction
    from luoshi.extract.quantities import Quantity

_FROM = lazy(r"(?:从|由)[^,;:。]*$")
# What joins a baseline to the figure it changes into: 提高到, 增加至, 调整为.
_TO = lazy(r"^[^\d,;:。]{0,8}?(?:到|至|为)\s*$")
_ATTRIBUTIVE = lazy(r"^(?:以上|以下|以内|及以上|及以下|左右|之内|上下)?的")


@dataclass(frozen=True)
class TargetCues:
    """年度目标提示词: cues that a figure in a target's sentence is not a target."""

    attributive_nouns: tuple[str, ...]
    duration_cues: tuple[str, ...]

    @classmethod
    def from_table(cls, data: dict[str, Any]) -> TargetCues:
        table = data.get("targets")
        return cls(
            cue_words(table, "attributive_nouns", "targets"),
            cue_words(table, "duration_cues", "targets"),
        )


def year_targets(x: Extraction, year: int, cues: TargetCues) -> list[Quantity]:
    """The targets ``x`` sets for ``year``, in document order."""
    assert x.outline is not None
    folded = x.doc.folded
    bounds = Boundaries.of(folded)
    out: list[Quantity] = []
    qs = x.quantities
    for i, q in enumerate(qs):
        # A range (4.5%—5%) is one target, on its low end, which knows the high one.
        if q.kind != "target" or q.period != str(year) or q.range_end:
            continue
        if x.outline.stance_at(q.start) == "retrospective":
            continue
        clause = bounds.clause(q.start)
        prev_end = qs[i - 1].end if i and qs[i - 1].end > clause[0] else clause[0]
        nxt = qs[i + 1].start if i + 1 < len(qs) and qs[i + 1].start < clause[1] else None
        if not_a_target(folded, q, (prev_end, clause[1]), nxt, cues) is None:
            out.append(q)
    return out


def not_a_target(
    folded: str, q: Quantity, segment: tuple[int, int], next_start: int | None, cues: TargetCues
) -> str | None:
    """Why a target-kind figure is no target of its own (baseline, threshold,
    duration), or None. ``segment`` runs from the previous figure of the clause
    (or its start) to the clause's end; ``next_start`` is the next figure's."""
    left = folded[segment[0] : q.start]
    if next_start is not None and _FROM.search(left) and _TO.match(folded[q.end : next_start]):
        return "baseline"
    right = folded[q.end : segment[1]]
    m = _ATTRIBUTIVE.match(right)
    if m is not None and not right.startswith(cues.attributive_nouns, m.end()):
        return "threshold"
    if is_time_unit(q.unit) and any(w in left for w in cues.duration_cues):
        return "duration"
    return None
