"""The two sides of an alignment (对接): a child's tasks and a parent's candidate headings.

Children are the headings of the child's forward-looking parts (levels 2 and 3)
and, where a paragraph holds several measures, its measure sentences (level 4).
Parent candidates are the headings of the parent's task parts: not the review
(回顾), not the guidance, goals or self-building parts (指导思想, 主要目标,
政府自身建设), and, in a plan outline (篇/章/节), its chapters and sections but
never the table of contents.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from luoshi.extract.align_lexicon import AlignLexicon
from luoshi.text.document import Span
from luoshi.text.lazy import lazy
from luoshi.text.outline import Outline, OutlineNode
from luoshi.text.paragraphs import sentences

# Measures inside a paragraph are separated by full stops, and by semicolons
# where a paragraph lists independent measures in one sentence.
_MEASURE_END = lazy(r"[。;!?]")
_PIAN = lazy(r"^第[一二三四五六七八九十百零〇两\d]+[篇编]")
_ZHANG = lazy(r"^第[一二三四五六七八九十百零〇两\d]+章")
_MIN_MEASURE = 6
_RUN_IN_KINDS = ("runin", "ordinal", "dash")
_CLAUSE = lazy(r"[,;:、]")


@dataclass(frozen=True, slots=True)
class AlignUnit:
    """A task on one side of an alignment: its heading or sentence, and the text it covers.

    ``group`` is, on the parent side, the index of the enclosing candidate (the
    section a run-in heading belongs to), so scores can be taken section first.
    """

    start: int
    end: int
    level: int
    text: str
    body: Span
    context: tuple[Span, ...] = ()  # the enclosing headings
    scope: Span | None = None  # a measure sentence's paragraph
    group: int | None = None
    passages: tuple[Span, ...] = ()


def child_units(outline: Outline) -> list[AlignUnit]:
    """The child's tasks in text order: headings of levels 2–3, then measure sentences."""
    out: list[AlignUnit] = []
    for node in outline.nodes:
        if not _forward(outline, node) or node.heading.kind == "inline":
            continue
        h = node.heading
        if h.level == 1:  # a top-level part (一、…, 第一篇, a question), not a task
            continue
        part = _own_part(node)
        above = tuple(Span(a.heading.start, a.heading.end) for a in outline.path(node)[:-1])
        out.append(AlignUnit(h.start, h.end, min(h.level, 3), h.text, part, above))
        if h.level >= 3 or (h.level == 2 and node.parent is None):
            out.extend(_measures(outline, node, (*above, Span(h.start, h.end)), part))
    return sorted(out, key=lambda u: (u.start, u.level))


def _own_part(node: OutlineNode) -> Span:
    """What a child heading covers: a run-in heading its paragraph (what follows
    it, up to the next heading, may be a closing remark of the whole part), a
    structural heading its whole part."""
    h = node.heading
    if h.kind in _RUN_IN_KINDS and h.paragraph.end > h.end:
        return Span(h.start, min(h.paragraph.end, node.end))
    return Span(h.start, node.end)


def _measures(
    outline: Outline, node: OutlineNode, context: tuple[Span, ...], scope: Span
) -> list[AlignUnit]:
    """The measure sentences of a run-in heading's paragraph, when it holds several."""
    h = node.heading
    para = h.paragraph
    if h.end >= para.end:
        return []
    folded = outline.doc.folded
    pos = h.end
    if pos < para.end and folded[pos] in "。;:":
        pos += 1
    spans: list[Span] = []
    for m in _MEASURE_END.finditer(folded, pos, para.end):
        spans.append(Span(pos, m.start()))
        pos = m.end()
    if pos < para.end:
        spans.append(Span(pos, para.end))
    spans = [s for s in spans if s.end - s.start >= _MIN_MEASURE]
    if len(spans) < 2:
        return []
    raw = outline.doc.raw
    return [AlignUnit(s.start, s.end, 4, raw[s.start : s.end], s, context, scope) for s in spans]


def parent_units(outline: Outline, lexicon: AlignLexicon) -> list[AlignUnit]:
    """The parent's candidate headings in text order, each with its group (section)."""
    nodes = _body_nodes(outline)
    depth = _depths(outline, nodes)
    excluded = _excluded_parts(outline, nodes, lexicon)
    index: dict[int, int] = {}
    out: list[AlignUnit] = []
    last: OutlineNode | None = None
    for node in nodes:
        if node.index in excluded or node.heading.kind == "inline" or depth[node.index] <= 1:
            continue
        h = node.heading
        if last is not None and _continues_series(outline, last, node):
            # Its paragraph goes on with the sub-headings of the previous one.
            prev = out[-1]
            index[node.index] = len(out) - 1
            passages = (*(prev.passages or (prev.body,)), *_passages(outline, node, whole=True))
            out[-1] = replace(prev, body=Span(prev.body.start, node.end), passages=passages)
            continue
        group = _enclosing(outline, node, index)
        index[node.index] = len(out)
        out.append(
            AlignUnit(
                h.start,
                h.end,
                depth[node.index],
                h.text,
                Span(h.start, node.end),
                group=group,
                passages=_passages(outline, node),
            )
        )
        last = node
    return out


def _sub_headings(outline: Outline, node: OutlineNode) -> list[OutlineNode]:
    return [n for n in outline.nodes if n.parent == node.index and n.heading.kind == "inline"]


def _continues_series(outline: Outline, prev: OutlineNode, node: OutlineNode) -> bool:
    """Whether ``node``'s heading is one more item of a series begun in ``prev``'s paragraph.

    A series of run-in sub-headings is written in parallel (做强有优势的产业。…
    扩大有效益的投资。…): short sentences of one length, with the same
    characters in the same places. A paragraph that opens with one more such
    item continues the series, one level below ``prev``, after a paragraph break.
    """
    if node.parent != prev.parent or node.heading.kind != "runin":
        return False
    text = node.heading.text
    para = prev.heading.paragraph
    folded = outline.doc.folded
    items = [
        folded[s.start : s.end - 1]
        for s in sentences(folded, Span(prev.heading.end, para.end))
        if s.end - s.start == len(text) + 1 and folded[s.end - 1] == "。"
    ]
    items = [t for t in items if not _CLAUSE.search(t)]
    if len(items) < 2:
        return False
    fixed = [i for i in range(len(text)) if len({t[i] for t in items}) == 1]
    return len(fixed) >= 2 and all(text[i] == items[0][i] for i in fixed)


def _passages(outline: Outline, node: OutlineNode, whole: bool = False) -> tuple[Span, ...]:
    """The parts of a candidate's text a child may answer alone: its run-in
    sub-headings' parts, else its paragraphs (``whole``: the part itself if none)."""
    subs = _sub_headings(outline, node)
    if subs:
        first = Span(node.heading.start, subs[0].heading.start)
        return (first, *(Span(n.heading.start, n.end) for n in subs))
    paras = [
        Span(max(p.start, node.heading.start), min(p.end, node.end))
        for p in outline.paragraphs
        if p.end > node.heading.start and p.start < node.end
    ]
    if len(paras) > 1:
        return tuple(paras)
    return (Span(node.heading.start, node.end),) if whole else ()


def _enclosing(outline: Outline, node: OutlineNode, index: dict[int, int]) -> int | None:
    p = node.parent
    while p is not None:
        if p in index:
            return index[p]
        p = outline.nodes[p].parent
    return None


def _body_nodes(outline: Outline) -> list[OutlineNode]:
    """Headings of the body: a table of contents repeats later headings, so of
    several headings with the same text only the last one is kept."""
    last: dict[str, int] = {}
    for node in outline.nodes:
        last[node.heading.text.strip()] = node.index
    return [n for n in outline.nodes if last[n.heading.text.strip()] == n.index]


def _depths(outline: Outline, nodes: list[OutlineNode]) -> dict[int, int]:
    """Depth of each heading; chapters (章) read beside parts (篇) are put under them."""
    pian = [n.heading.level for n in nodes if _PIAN.match(n.heading.text)]
    zhang = [n.heading.level for n in nodes if _ZHANG.match(n.heading.text)]
    shift = 0
    if pian and zhang and min(zhang) <= min(pian):
        shift = min(pian) - min(zhang) + 1
    return {n.index: n.heading.level + (0 if _PIAN.match(n.heading.text) else shift) for n in nodes}


def _excluded_parts(outline: Outline, nodes: list[OutlineNode], lexicon: AlignLexicon) -> set[int]:
    """Indexes of headings inside a review, guidance, goals or self-building part."""
    kept = {n.index for n in nodes}
    out: set[int] = set()
    for n in outline.nodes:
        if n.index not in kept:
            out.add(n.index)
            continue
        if n.stance == "retrospective" or (
            n.heading.kind not in ("runin", "inline", "ordinal")
            and lexicon.not_a_task_part(n.heading.text)
        ):
            out.update(m.index for m in outline.nodes if n.heading.start <= m.heading.start < n.end)
    return out


def _forward(outline: Outline, node: OutlineNode) -> bool:
    return all(a.stance != "retrospective" for a in outline.path(node))
