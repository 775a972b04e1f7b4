"""The outline: headings arranged as a tree, each with the stance of its part."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from luoshi.text.document import Document, Span
from luoshi.text.headings import Heading, detect_headings
from luoshi.text.paragraphs import paragraphs
from luoshi.text.stance import Stance, heading_stance


@dataclass(frozen=True, slots=True)
class OutlineNode:
    """A heading in the tree: ``parent`` and ``index`` are positions in ``Outline.nodes``."""

    index: int
    heading: Heading
    parent: int | None
    stance: Stance | None
    end: int  # where this heading's part ends (start of the next heading at its level or above)


@dataclass(frozen=True)
class Outline:
    """大纲: the document's headings as a tree, and its paragraphs."""

    doc: Document
    nodes: list[OutlineNode]
    paragraphs: list[Span]
    starts: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", [n.heading.start for n in self.nodes])

    def node_at(self, offset: int) -> OutlineNode | None:
        """The innermost heading whose part contains ``offset``."""
        i = bisect_right(self.starts, offset) - 1
        while i >= 0:
            node = self.nodes[i]
            if node.end > offset:
                return node
            i = node.parent if node.parent is not None else -1
        return None

    def stance_at(self, offset: int) -> Stance | None:
        node = self.node_at(offset)
        return node.stance if node is not None else None

    def path(self, node: OutlineNode) -> list[OutlineNode]:
        """The node and its ancestors, outermost first."""
        chain = [node]
        while chain[-1].parent is not None:
            chain.append(self.nodes[chain[-1].parent])
        return chain[::-1]


def build_outline(doc: Document) -> Outline:
    heads = detect_headings(doc.raw, doc.folded)
    nodes: list[OutlineNode] = []
    stack: list[int] = []
    ends = _part_ends(heads, len(doc.raw))
    for i, h in enumerate(heads):
        while stack and heads[stack[-1]].level >= h.level:
            stack.pop()
        parent = stack[-1] if stack else None
        parent_stance = nodes[parent].stance if parent is not None else None
        stance = heading_stance(h.text, parent_stance, top_level=parent is None)
        nodes.append(OutlineNode(i, h, parent, stance, ends[i]))
        stack.append(i)
    return Outline(doc, nodes, paragraphs(doc.folded))


def _part_ends(heads: list[Heading], length: int) -> list[int]:
    ends = [length] * len(heads)
    open_: list[int] = []
    for i, h in enumerate(heads):
        while open_ and heads[open_[-1]].level >= h.level:
            ends[open_.pop()] = h.start
        open_.append(i)
    return ends
