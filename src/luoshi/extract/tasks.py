"""Drafting a plan's task tree from a document, as the supervision office does by hand.

A document holding a task breakdown table (任务分解表) or an office's ledger is
drafted from its rows (``table_tasks``). Otherwise the tree follows the
forward-looking parts of the outline: structural headings become task groups,
run-in headings become tasks, and every sentence under a heading becomes a
measure (举措) — the unit a lead unit is made accountable for. Annotations
(（牵头单位：…）) fill the fields of the measures they follow and are not tasks.
Each draft keeps its source span; target quantities attach to the measure whose
sentence states them. Parts and sentences that are not tasks — reviews (回顾,
成就), situation statements, glossaries, notes, tables of contents — are left
out with a reason (``nontask``), except the sentence of any target stated in a
review ("预计…将达到200万吨"), so no committed number is lost.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date

from luoshi.extract.annotations import Annotation, find_annotations
from luoshi.extract.deadlines import deadline_of, year_end
from luoshi.extract.draft_units import apply_annotations, lift_deadlines, not_before
from luoshi.extract.drafts import Drafting, TaskDraft, TaskKind
from luoshi.extract.lead_units import UnitMap, load_unit_map
from luoshi.extract.lexicon import ACTION_VERBS, CHANGE_VERBS, word_pattern
from luoshi.extract.nontask import LeftOut, NonTasks
from luoshi.extract.pipeline import Extraction
from luoshi.extract.table_tasks import table_drafts
from luoshi.extract.task_targets import attach_targets
from luoshi.text.document import Span
from luoshi.text.headings import STRUCTURAL
from luoshi.text.lazy import lazy
from luoshi.text.outline import Outline, OutlineNode
from luoshi.text.paragraphs import sentences

__all__ = ["Drafting", "TaskDraft", "draft", "draft_plan"]

_STRUCTURAL_KINDS = {kind for kind, _ in STRUCTURAL}
MIN_MEASURE_CHARS = 6
# A table of this many tasks is the document's task list; its running text is prose.
MIN_TABLE_TASKS = 2
# Sentences that describe the situation or introduce a list rather than commit.
_NOT_COMMITMENT = lazy(
    r"(?:今年是|明年是|当前|目前|过去|从[^,]{1,8}看|我们完全|实践证明|总的看|同时也要看到|"
    r"[^,]{0,12}(?:主持人|书记|主任|局长|区长|市长|部长|负责人|发言人)[^,。]{0,12}$)"
)
_COMMITMENT_VERB = word_pattern(CHANGE_VERBS + ACTION_VERBS)

NOT_COMMITMENT = "不是举措：引导语、描述或过渡句"
TOO_SHORT = "过短，不成为举措"
ANNOTATION = "标注：已填入任务的责任单位、时限等字段"
PROSE_BESIDE_TABLE = "正文说明：任务取自文件中的任务表"
RETROSPECTIVE = "回顾部分：不面向未来"
PRESS_PART = "新闻发布中不是部署的部分"
OUTSIDE_PARTS = "标题或导语：不在任何部分之内"


def draft_plan(x: Extraction, unit_map: UnitMap | None = None) -> list[TaskDraft]:
    """The task tree of ``x``'s document, in code order (1, 1.1, 1.1.1, …)."""
    return draft(x, unit_map).drafts


def draft(x: Extraction, unit_map: UnitMap | None = None) -> Drafting:
    """The task tree and every passage left out of it, with the reason."""
    assert x.outline is not None and x.profile is not None
    units = unit_map or load_unit_map(level=x.profile.level)
    builder = _Builder(x, units)
    builder.build()
    return Drafting(builder.drafts, builder.explained())


class _Builder:
    def __init__(self, x: Extraction, units: UnitMap) -> None:
        assert x.outline is not None and x.profile is not None
        self.x = x
        self.outline: Outline = x.outline
        self.units = units
        self.raw = x.doc.raw
        self.folded = x.doc.folded
        self.drafts: list[TaskDraft] = []
        self.left_out: list[LeftOut] = []
        self.by_node: dict[int, TaskDraft] = {}
        self.default_due = _default_deadline(x)
        ref = x.profile.reference_year
        self.first_day = date(ref, 1, 1) if ref else None
        self.non_tasks = NonTasks(self.folded, self.outline, ref)
        self.annotations: list[Annotation] = find_annotations(self.raw, self.folded)
        self._ann_starts = [a.start for a in self.annotations]
        self._forward_set = self._forward()
        self._target_starts = sorted(q.start for q in x.quantities if q.kind == "target")
        self.categories = _category_nodes(self.outline, self._included())

    # -- which parts -----------------------------------------------------------
    def _included(self) -> set[int]:
        """Forward-looking parts (neutral ones too, except in a press release),
        plus the review parts holding a target stated in a retrospective passage."""
        return self._forward_set | self._holding_targets()

    def _forward(self) -> set[int]:
        press = self.x.profile is not None and self.x.profile.genre == "press"
        keep = {
            n.index
            for n in self.outline.nodes
            if (n.stance == "forward" or (n.stance is None and not press))
            and self.non_tasks.part_reason(n) is None
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
            if node is None or not self._forecast(Span(*q.sentence)):
                continue
            path = self.outline.path(node)
            if all(self._may_hold_targets(a) for a in path):
                out.update(a.index for a in path)
        return out

    def _may_hold_targets(self, node: OutlineNode) -> bool:
        reason = self.non_tasks.part_reason(node)
        return reason is None or self.non_tasks.is_review_part(node)

    # -- building --------------------------------------------------------------
    def build(self) -> None:
        """Create drafts in text order, so codes follow the document (1.1 before 1.2)."""
        if not self._build_from_tables():
            self._build_from_text()
        attach_targets(self.drafts, self.x.quantities)
        self._renumber()

    def _build_from_tables(self) -> bool:
        p = self.x.profile
        assert p is not None
        year = _table_year(self.x)
        due = self.default_due or (year_end(year) if year else None)
        drafts, left_out = table_drafts(
            self.x.doc.tables,
            self.raw,
            self.folded,
            year,
            due,
            self.units,
            knows_merges=bool(self.x.doc.reader_tables),
        )
        if sum(d.kind != "group" for d in drafts) < MIN_TABLE_TASKS:
            return False
        lift_deadlines(drafts)
        self.drafts = drafts
        self.left_out = left_out
        rows = sorted((d.start, d.end) for d in drafts)
        for para in self.outline.paragraphs:
            if not any(a <= para.start < b or para.start <= a < para.end for a, b in rows):
                self.left_out.append(LeftOut(para.start, para.end, PROSE_BESIDE_TABLE))
        return True

    def _build_from_text(self) -> None:
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
        year = self.x.profile.year if self.x.profile else None
        apply_annotations(self.drafts, self.annotations, self.raw, self.folded, year)

    def _measure_spans(self, node: OutlineNode) -> list[Span]:
        """The part's own sentences; in a part kept only for its targets, only theirs."""
        spans = self._own_sentences(node)
        if node.index in self._forward_set:
            return spans
        return [s for s in spans if self._forecast(s)]

    def _forecast(self, s: Span) -> bool:
        """A sentence of a part that looks back, kept for the future it states:
        a target with words of the future (预计…将达到200万吨)."""
        text = self.folded[s.start : s.end]
        return _has_any(self._target_starts, s) and self.non_tasks.looks_forward(text)

    def _add_heading(self, node: OutlineNode) -> None:
        parent = self.by_node.get(node.parent) if node.parent is not None else None
        h = node.heading
        kind: TaskKind = "group" if h.kind in _STRUCTURAL_KINDS else "task"
        start, end = self._without_annotations(h.start, h.end)
        title = self._title(start, end)
        draft = self._new(parent, kind, title, h.start, node.end, self._category(node))
        self._schedule(draft, parent, h.start, node.end)
        self.by_node[node.index] = draft

    def _add_measure(self, parent: TaskDraft | None, s: Span) -> TaskDraft | None:
        start, end = _trim_sentence(self.folded, s)
        start, end = self._without_annotations(start, end)
        if end - start < MIN_MEASURE_CHARS:
            reason = ANNOTATION if self._annotated(s.start, s.end) else TOO_SHORT
            return self._leave(s.start, s.end, reason)
        has_target = _has_any(self._target_starts, s)
        why = self.non_tasks.sentence_reason(start, end, has_target)
        if why is not None:
            return self._leave(s.start, s.end, why)
        if not _is_commitment(self.folded, s, start, end) and not has_target:
            return self._leave(s.start, s.end, NOT_COMMITMENT)
        category = parent.category if parent else ""
        draft = self._new(parent, "measure", self._title(start, end), start, end, category)
        self._schedule(draft, parent, start, end)
        return draft

    def _leave(self, start: int, end: int, reason: str) -> TaskDraft | None:
        self.left_out.append(LeftOut(start, end, reason))
        return None

    def _annotated(self, start: int, end: int) -> bool:
        i = bisect_right(self._ann_starts, start - 1)
        return i < len(self.annotations) and self.annotations[i].start < end

    def _without_annotations(self, start: int, end: int) -> tuple[int, int]:
        """The span with annotations at its end cut off (and the space before them)."""
        for ann in reversed(self.annotations):
            if start < ann.start < end <= ann.end + 2:
                end = ann.start
            elif ann.start <= start < ann.end:
                start = ann.end
        return _trim_sentence(self.folded, Span(start, max(start, end)))

    def _title(self, start: int, end: int) -> str:
        """The text of ``[start, end)`` without any annotation inside it."""
        out, pos = [], start
        for ann in self.annotations:
            if ann.start >= end:
                break
            if ann.end > pos and ann.start >= pos:
                out.append(self.raw[pos : ann.start])
                pos = ann.end
        out.append(self.raw[pos:end])
        return "".join(out).strip()

    def _add_loose_targets(self) -> None:
        """Targets outside any kept part (no headings at all, or before the first)."""
        for q in self.x.quantities:
            if q.kind == "target" and self._containing(q.start) is None:
                node = self.outline.node_at(q.start)
                looked_back = node is not None and node.index not in self._forward_set
                if looked_back and not self._forecast(Span(*q.sentence)):
                    continue
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
        """Deadline and lead unit from the draft's own words, else from its parent.
        A date before the document's own year speaks of the past, not a deadline."""
        text_end = end if draft.kind == "measure" else min(end, start + len(draft.title))
        year = self.x.profile.year if self.x.profile else None
        found = deadline_of(self.raw, self.folded, start, text_end, year)
        if found is not None and not_before(found.due, self.first_day):
            draft.deadline, draft.deadline_text = found.due, found.text
        else:
            draft.deadline = parent.deadline if parent else self.default_due
        s = self.units.explain(self.raw[start:text_end] if draft.kind == "measure" else draft.title)
        if s.lead is None and draft.kind != "measure":
            s = self.units.explain(self.raw[start:end])
        if s.lead is not None:
            draft.lead_unit, draft.co_units = s.lead, s.co
            draft.unit_origin, draft.unit_reason = "suggested", s.reason
        elif parent is not None and parent.lead_unit is not None:
            draft.lead_unit, draft.co_units = parent.lead_unit, list(parent.co_units)
            draft.unit_origin = parent.unit_origin
            draft.unit_reason = f"沿用上级任务：{parent.unit_reason or parent.lead_unit}"

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

    def _containing(self, pos: int) -> TaskDraft | None:
        """The deepest draft whose span contains ``pos``."""
        best: TaskDraft | None = None
        for d in self.drafts:
            if d.start <= pos < d.end and (best is None or d.level > best.level):
                best = d
        return best

    # -- explaining ------------------------------------------------------------
    def explained(self) -> list[LeftOut]:
        """Every passage that is no task's: the reasons given while drafting, and
        for the rest the reason its part was left out; neighbours with one reason merge."""
        return _merged(sorted([*self.left_out, *self._unclaimed()], key=lambda o: o.start))

    def _unclaimed(self) -> list[LeftOut]:
        taken = sorted((d.start, d.start + max(len(d.title), 1)) for d in self.drafts)
        taken += [(o.start, o.end) for o in self.left_out]
        taken.sort()
        starts = [a for a, _ in taken]
        out: list[LeftOut] = []
        for para in self.outline.paragraphs:
            for s in sentences(self.folded, para):
                i = bisect_right(starts, s.end - 1)
                if any(a < s.end and s.start < b for a, b in taken[max(0, i - 8) : i]):
                    continue
                out.append(LeftOut(s.start, s.end, self._part_reason_at(s.start)))
        return out

    def _part_reason_at(self, pos: int) -> str:
        if self.non_tasks.in_toc(pos):
            return self.non_tasks.cues.reasons["toc"]
        node = self.outline.node_at(pos)
        if node is None:
            return OUTSIDE_PARTS
        reason = self.non_tasks.part_reason(node)
        if reason is not None:
            return reason
        if any(a.stance == "retrospective" for a in self.outline.path(node)):
            return RETROSPECTIVE
        return PRESS_PART if self.x.profile and self.x.profile.genre == "press" else NOT_COMMITMENT


def _is_commitment(folded: str, s: Span, start: int, end: int) -> bool:
    """A sentence that commits to doing something, not a lead-in or a description."""
    text = folded[start:end]
    if folded[s.start : s.end].rstrip().endswith(":") or _NOT_COMMITMENT.match(text):
        return False
    return _COMMITMENT_VERB.search(text) is not None


def _has_any(sorted_positions: list[int], s: Span) -> bool:
    i = bisect_right(sorted_positions, s.start - 1)
    return i < len(sorted_positions) and sorted_positions[i] < s.end


def _trim_sentence(folded: str, s: Span) -> tuple[int, int]:
    start, end = s.start, s.end
    while start < end and folded[start] in " 。;:,":
        start += 1
    while end > start and folded[end - 1] in " 。;:,!?":
        end -= 1
    return start, end


_BY_YEAR = lazy(r"(?:到|至)\s?((?:19|20)\d\d)\s?年")


def _default_deadline(x: Extraction) -> date | None:
    """When a task stating no deadline is due: a plan at the end of its period, a
    report at the end of its year; a document naming neither, by the last year it
    sets a goal for (到2027年)."""
    p = x.profile
    if p is None:
        return None
    if p.genre == "plan" and p.plan_period:
        return year_end(p.plan_period[1])
    if p.year:
        return year_end(p.year)
    goals = [int(y) for y in _BY_YEAR.findall(x.doc.folded)]
    return year_end(max(goals)) if goals else None


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


def _merged(items: list[LeftOut]) -> list[LeftOut]:
    out: list[LeftOut] = []
    for o in items:
        if out and out[-1].reason == o.reason and o.start <= out[-1].end + 2:
            last = out[-1]
            out[-1] = LeftOut(last.start, max(last.end, o.end), o.reason)
        elif out and o.start < out[-1].end:
            continue
        else:
            out.append(o)
    return out


def _table_year(x: Extraction) -> int | None:
    """The year a table's 9月底 means: the document's, else the commonest year it names."""
    if x.profile is not None and x.profile.reference_year is not None:
        return x.profile.reference_year
    years = re.findall(r"((?:19|20)\d\d)\s?年", x.doc.folded)
    return int(max(set(years), key=years.count)) if years else None
