"""The outline: headings arranged as a tree, each with the stance of its part."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from luoshi.text.document import Document, Span
from luoshi.text.headings import STRUCTURAL, Heading, detect_headings
from luoshi.text.shape import Shape, reading_paragraphs
from luoshi.text.stance import Stance, heading_stance

# A document this long (non-space characters) without a single structural
# heading is one whose structure was not found, not a short note.
STRUCTURE_EXPECTED = 1500
_STRUCTURAL_KINDS = frozenset(kind for kind, _ in STRUCTURAL)


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
    """大纲: the document's headings as a tree, and its paragraphs.

    ``warnings`` are one-line Chinese notes a clerk should read before trusting
    the tree: its structure was not found, or was rebuilt from a text without
    line breaks (see ``structure_warnings``).
    """

    doc: Document
    nodes: list[OutlineNode]
    paragraphs: list[Span]
    shape: Shape = "lines"
    warnings: list[str] = field(default_factory=list)
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
    paras, shape = reading_paragraphs(doc.folded)
    heads = detect_headings(doc.raw, doc.folded, paras)
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
    warnings = structure_warnings(doc, heads, shape)
    return Outline(doc, nodes, paras, shape, warnings)


def structure_warnings(doc: Document, heads: list[Heading], shape: Shape) -> list[str]:
    """What a clerk must know about how the outline was found, one line each."""
    size = len(doc.folded) - doc.folded.count(" ") - doc.folded.count("\n")
    if size >= STRUCTURE_EXPECTED and not any(h.kind in _STRUCTURAL_KINDS for h in heads):
        return [
            f"{doc.name}：未能识别文档结构（没有找到“一、”“（一）”“第一章”等标题），"
            "大纲只有段首小标题或为空，请检查文件或手工整理标题"
        ]
    out: list[str] = []
    if shape == "one_line":
        out.append(
            f"{doc.name}：全文几乎没有换行，已按“一、”“（一）”“第一章”等标题标记重新分段，"
            "请核对大纲"
        )
    elif shape == "sentence_per_line":
        out.append(f"{doc.name}：每行只有一句话，已按标题标记重新合并段落，请核对大纲")
    return out


def _part_ends(heads: list[Heading], length: int) -> list[int]:
    ends = [length] * len(heads)
    open_: list[int] = []
    for i, h in enumerate(heads):
        while open_ and heads[open_[-1]].level >= h.level:
            ends[open_.pop()] = h.start
        open_.append(i)
    return ends
