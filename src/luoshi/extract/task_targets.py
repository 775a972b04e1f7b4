"""Targets (目标) of drafted tasks: each target quantity goes to the deepest task
whose span holds it, with the document's last actual of the same indicator as
its baseline (基数)."""

from __future__ import annotations

from bisect import bisect_right

from luoshi.extract.drafts import Baseline, TargetDraft, TaskDraft
from luoshi.extract.quantities import Quantity
from luoshi.extract.similarity import indicator_similarity


def attach_targets(drafts: list[TaskDraft], quantities: list[Quantity]) -> None:
    """Append every target quantity to the deepest draft containing it."""
    actuals = [q for q in quantities if q.kind == "actual"]
    spans = sorted(((d.start, d.end, d.level, i) for i, d in enumerate(drafts)))
    starts = [s[0] for s in spans]
    for q in quantities:
        if q.kind != "target" or q.range_end:  # a range is one target, on its low end
            continue
        draft = _deepest(spans, starts, drafts, q.start)
        if draft is not None:
            draft.targets.append(_target(q, _baseline(q, actuals)))


def _deepest(
    spans: list[tuple[int, int, int, int]], starts: list[int], drafts: list[TaskDraft], pos: int
) -> TaskDraft | None:
    best = None
    for start, end, level, i in spans[: bisect_right(starts, pos)]:
        if start <= pos < end and (best is None or level > best[0]):
            best = (level, i)
    return drafts[best[1]] if best else None


def _target(q: Quantity, baseline: Baseline | None) -> TargetDraft:
    return TargetDraft(
        q.indicator,
        q.comparator,
        q.value,
        q.value_max,
        q.unit,
        q.period,
        q.measure,
        q.start,
        q.end,
        q.text,
        baseline,
    )


def _baseline(target: Quantity, actuals: list[Quantity]) -> Baseline | None:
    """The best-matching actual of the same indicator, unit and measure."""
    best: tuple[float, int, Quantity] | None = None
    for a in actuals:
        if a.unit != target.unit or a.measure != target.measure:
            continue
        score = indicator_similarity(a.indicator, target.indicator, min_contained=4)
        if score >= 0.6 and (best is None or (score, a.start) > best[:2]):
            best = (score, a.start, a)
    if best is None:
        return None
    a = best[2]
    return Baseline(a.value, a.unit, a.period, a.start, a.end, a.text)
