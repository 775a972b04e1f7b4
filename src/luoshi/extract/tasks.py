"""Drafting a plan's task tree from a document, as the supervision office does by hand.

The tree follows the forward-looking parts of the outline: structural headings
become task groups, run-in headings become tasks, and every sentence under a
heading becomes a measure (举措) — the unit a lead unit is made accountable for.
Each draft keeps its source span; target quantities attach to the measure whose
sentence states them, with the document's last actual of the same indicator as
baseline. Parts that look back (回顾) are left out, except the sentence of any
target stated there ("预计…将达到200万吨"), so no committed number is lost.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from luoshi.extract.deadlines import deadline_of, year_end
from luoshi.extract.lead_units import UnitMap, load_unit_map
from luoshi.extract.lexicon import ACTION_VERBS, CHANGE_VERBS, word_pattern
from luoshi.extract.pipeline import Extraction
from luoshi.extract.quantities import Quantity
from luoshi.extract.similarity import indicator_similarity
from luoshi.text.document import Span
from luoshi.text.headings import STRUCTURAL
from luoshi.text.outline import Outline, OutlineNode
from luoshi.text.paragraphs import sentences

TaskKind = Literal["group", "task", "measure"]
_COMPARATOR_WORDS = {
    ">": ("超过", ""),
    ">=": ("", "以上"),
    "<=": ("", "以内"),
    "~": ("", "左右"),
}
_STRUCTURAL_KINDS = {kind for kind, _ in STRUCTURAL}
MIN_MEASURE_CHARS = 6
# Sentences that describe the situation or introduce a list rather than commit.
_NOT_COMMITMENT = re.compile(
    r"(?:今年是|明年是|当前|目前|过去|从[^,]{1,8}看|我们完全|实践证明|总的看|同时也要看到|"
    r"[^,]{0,12}(?:主持人|书记|主任|局长|区长|市长|部长|负责人|发言人)[^,。]{0,12}$)"
)
_COMMITMENT_VERB = word_pattern(CHANGE_VERBS + ACTION_VERBS)


@dataclass(frozen=True, slots=True)
class Baseline:
    """基数: the last actual of the same indicator stated in the document."""

    value: float
    unit: str
    period: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class TargetDraft:
    """目标: a quantified goal of a task."""

    indicator: str
    comparator: str
    value: float
    value_max: float | None
    unit: str
    period: str | None
    measure: str
    start: int
    end: int
    text: str
    baseline: Baseline | None

    @property
    def statement(self) -> str:
        """The goal in words: 地区生产总值增长5.5%左右, 新建学校8所, 外资50亿美元以上."""
        prefix, suffix = _COMPARATOR_WORDS.get(self.comparator, ("", ""))
        verb = "增长" if self.measure == "growth" else ""
        return f"{self.indicator}{verb}{prefix}{self.text}{suffix}"


@dataclass
class TaskDraft:
    """任务 as drafted from the text, before anyone edits it."""

    code: str
    parent: str | None
    level: int
    kind: TaskKind
    title: str
    start: int
    end: int
    category: str
    deadline: date | None = None
    deadline_text: str | None = None
    lead_unit: str | None = None
    co_units: list[str] = field(default_factory=list)
    targets: list[TargetDraft] = field(default_factory=list)

    @property
    def expected_outcome(self) -> str | None:
        """预期成效 as the targets state it: 集装箱吞吐量突破2300万标准箱；…"""
        return "；".join(t.statement for t in self.targets) or None


def draft_plan(x: Extraction, unit_map: UnitMap | None = None) -> list[TaskDraft]:
    """The task tree of ``x``'s document, in code order (1, 1.1, 1.1.1, …)."""
    assert x.outline is not None and x.profile is not None
    units = unit_map or load_unit_map()
    builder = _Builder(x, units)
    builder.build()
    return builder.drafts


class _Builder:
    def __init__(self, x: Extraction, units: UnitMap) -> None:
        assert x.outline is not None and x.profile is not None
        self.x = x
        self.outline: Outline = x.outline
        self.units = units
        self.raw = x.doc.raw
        self.folded = x.doc.folded
        self.drafts: list[TaskDraft] = []
        self.by_node: dict[int, TaskDraft] = {}
        self.default_due = _default_deadline(x)
        self._forward_set = self._forward()
        self._target_starts = sorted(q.start for q in x.quantities if q.kind == "target")
        self.categories = _category_nodes(self.outline, self._included())

    # -- which parts -----------------------------------------------------------
    def _included(self) -> set[int]:
        """Forward-looking parts (neutral ones too, except in a press release),
        plus the parts holding a target stated in a retrospective passage."""
        return self._forward_set | self._holding_targets()

    def _forward(self) -> set[int]:
        press = self.x.profile is not None and self.x.profile.genre == "press"
        keep = {
            n.index
            for n in self.outline.nodes
            if n.stance == "forward" or (n.stance is None and not press)
        }
        # A part is kept only with its ancestors, so the tree has no gaps.
        return {
            i
            for i in keep
            if all(a.index in keep for a in self.outline.path(self.outline.nodes[i]))
        }

    def _holding_targets(self) -> set[int]:
        out: set[int] = set()
        for q in self.x.quantities:
            node = self.outline.node_at(q.start) if q.kind == "target" else None
            if node is not None:
                out.update(a.index for a in self.outline.path(node))
        return out

    # -- building --------------------------------------------------------------
    def build(self) -> None:
        """Create drafts in text order, so codes follow the document (1.1 before 1.2)."""
        included = self._included()
        items: list[tuple[int, int, OutlineNode | None, Span | None]] = []
        for node in self.outline.nodes:
            if node.index in included:
                items.append((node.heading.start, 0, node, None))
                items.extend((s.start, 1, node, s) for s in self._measure_spans(node))
        if (
            not self.outline.nodes
            and self.x.profile is not None
            and self.x.profile.genre != "press"
        ):
            items.extend(
                (s.start, 1, None, s)
                for p in self.outline.paragraphs
                for s in sentences(self.folded, p)
            )
        for _, _, owner, span in sorted(items, key=lambda it: (it[0], it[1])):
            if span is None:
                assert owner is not None
                self._add_heading(owner)
            else:
                self._add_measure(self.by_node.get(owner.index) if owner else None, span)
        self._add_loose_targets()
        self._attach_targets()
        self._renumber()

    def _measure_spans(self, node: OutlineNode) -> list[Span]:
        """The part's own sentences; in a part kept only for its targets, only theirs."""
        spans = self._own_sentences(node)
        if node.index in self._forward_set:
            return spans
        return [s for s in spans if _has_any(self._target_starts, s)]

    def _add_heading(self, node: OutlineNode) -> None:
        parent = self.by_node.get(node.parent) if node.parent is not None else None
        h = node.heading
        kind: TaskKind = "group" if h.kind in _STRUCTURAL_KINDS else "task"
        draft = self._new(parent, kind, h.text, h.start, node.end, self._category(node))
        self._schedule(draft, parent, h.start, node.end)
        self.by_node[node.index] = draft

    def _add_measure(self, parent: TaskDraft | None, s: Span) -> TaskDraft | None:
        start, end = _trim_sentence(self.folded, s)
        if end - start < MIN_MEASURE_CHARS:
            return None
        if not _is_commitment(self.folded, s, start, end) and not _has_any(self._target_starts, s):
            return None
        category = parent.category if parent else ""
        draft = self._new(parent, "measure", self.raw[start:end], start, end, category)
        self._schedule(draft, parent, start, end)
        return draft

    def _add_loose_targets(self) -> None:
        """Targets outside any kept part (no headings at all, or before the first)."""
        for q in self.x.quantities:
            if q.kind == "target" and self._containing(q.start) is None:
                self._add_measure(None, Span(*q.sentence))

    def _new(
        self,
        parent: TaskDraft | None,
        kind: TaskKind,
        title: str,
        start: int,
        end: int,
        category: str,
    ) -> TaskDraft:
        """A draft with a provisional code; ``_renumber`` gives the final ones."""
        key = parent.code if parent else None
        level = parent.level + 1 if parent else 1
        draft = TaskDraft(
            f"#{len(self.drafts)}", key, level, kind, title.strip(), start, end, category
        )
        self.drafts.append(draft)
        return draft

    def _renumber(self) -> None:
        """Codes follow the document's own numbering: under a part, its sub-parts
        come first in text order ((一) → 1.1), then the part's own measures."""
        children: dict[str | None, list[TaskDraft]] = {}
        for d in self.drafts:
            children.setdefault(d.parent, []).append(d)
        final: dict[str, str] = {}
        ordered: list[TaskDraft] = []

        def walk(key: str | None, prefix: str) -> None:
            kids = sorted(children.get(key, []), key=lambda d: (d.kind == "measure", d.start))
            for n, d in enumerate(kids, 1):
                code = f"{prefix}.{n}" if prefix else str(n)
                final[d.code] = code
                ordered.append(d)
                walk(d.code, code)

        walk(None, "")
        for d in ordered:
            d.parent = final[d.parent] if d.parent else None
            d.code = final[d.code]
        self.drafts = ordered

    def _schedule(self, draft: TaskDraft, parent: TaskDraft | None, start: int, end: int) -> None:
        """Deadline and lead unit from the draft's own words, else from its parent."""
        text_end = end if draft.kind == "measure" else min(end, start + len(draft.title))
        year = self.x.profile.year if self.x.profile else None
        found = deadline_of(self.raw, self.folded, start, text_end, year)
        if found is not None:
            draft.deadline, draft.deadline_text = found.due, found.text
        else:
            draft.deadline = parent.deadline if parent else self.default_due
        lead, co = self.units.suggest(self.raw[start:end])
        if lead is None and parent is not None:
            lead, co = parent.lead_unit, list(parent.co_units)
        draft.lead_unit, draft.co_units = lead, co

    def _own_sentences(self, node: OutlineNode) -> list[Span]:
        """Sentences of a part that are not inside one of its sub-parts, minus the heading."""
        nodes = self.outline.nodes
        first_child = next(
            (n.heading.start for n in nodes[node.index + 1 :] if n.parent == node.index), node.end
        )
        lo, hi = node.heading.end, first_child
        out: list[Span] = []
        for para in self.outline.paragraphs:
            if para.end <= lo or para.start >= hi:
                continue
            for s in sentences(self.folded, Span(max(para.start, lo), min(para.end, hi))):
                out.append(s)
        return out

    def _category(self, node: OutlineNode) -> str:
        for a in reversed(self.outline.path(node)):
            if a.index in self.categories:
                return a.heading.text
        return ""

    # -- targets ---------------------------------------------------------------
    def _containing(self, pos: int) -> TaskDraft | None:
        """The deepest draft whose span contains ``pos``."""
        best: TaskDraft | None = None
        for d in self.drafts:
            if d.start <= pos < d.end and (best is None or d.level > best.level):
                best = d
        return best

    def _attach_targets(self) -> None:
        actuals = [q for q in self.x.quantities if q.kind == "actual"]
        spans = sorted(((d.start, d.end, d.level, i) for i, d in enumerate(self.drafts)))
        starts = [s[0] for s in spans]
        for q in self.x.quantities:
            if q.kind != "target" or q.range_end:  # a range is one target, on its low end
                continue
            draft = _deepest(spans, starts, self.drafts, q.start)
            if draft is not None:
                draft.targets.append(_target(q, _baseline(q, actuals)))


def _is_commitment(folded: str, s: Span, start: int, end: int) -> bool:
    """A sentence that commits to doing something, not a lead-in or a description."""
    text = folded[start:end]
    if folded[s.start : s.end].rstrip().endswith(":") or _NOT_COMMITMENT.match(text):
        return False
    return _COMMITMENT_VERB.search(text) is not None


def _has_any(sorted_positions: list[int], s: Span) -> bool:
    i = bisect_right(sorted_positions, s.start - 1)
    return i < len(sorted_positions) and sorted_positions[i] < s.end


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


def _trim_sentence(folded: str, s: Span) -> tuple[int, int]:
    start, end = s.start, s.end
    while start < end and folded[start] in " 。;:,":
        start += 1
    while end > start and folded[end - 1] in " 。;:,!?":
        end -= 1
    return start, end


def _default_deadline(x: Extraction) -> date | None:
    p = x.profile
    if p is None:
        return None
    if p.genre == "plan" and p.plan_period:
        return year_end(p.plan_period[1])
    return year_end(p.year) if p.year else None


def _category_nodes(outline: Outline, included: set[int]) -> set[int]:
    """Which headings name categories: the top parts, or the sections inside them
    when a few broad parts (二、主要目标任务) hold the real areas of work."""
    tops = [n for n in outline.nodes if n.parent is None and n.index in included]
    structural_tops = [n for n in tops if n.heading.kind in _STRUCTURAL_KINDS]
    if 0 < len(structural_tops) <= 3:
        out = set()
        for top in tops:
            subs = [
                n.index
                for n in outline.nodes
                if n.parent == top.index and n.heading.kind in _STRUCTURAL_KINDS
            ]
            out.update(subs or [top.index])
        return out
    return {n.index for n in tops}
