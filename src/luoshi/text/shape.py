"""The shape of a document's lines, and the paragraphs headings are looked for in.

Most documents hold one paragraph per line. Two other shapes lose that:

* ``one_line``: text pasted without its line breaks, one line holding most of
  the document. Its paragraphs are rebuilt by breaking the line before every
  heading marker that opens a sentence (``二、``, ``（三）``, ``第五章``, ``一是``,
  ``——``).
* ``sentence_per_line``: every line a single sentence. Lines are grouped back
  into paragraphs, a new one starting at a line that opens with a marker or
  after a line that is a heading of its own (no closing ``。``).

Rebuilt paragraphs are still spans of the text: nothing is moved, so offsets
hold. Every loop here walks the text once.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Literal

from luoshi.text.document import Span
from luoshi.text.inline import inline_series
from luoshi.text.lazy import lazy
from luoshi.text.paragraphs import paragraphs

Shape = Literal["lines", "one_line", "sentence_per_line"]

CN = "一二三四五六七八九十百零〇两"
# Markers that open a heading inside running text.
_STRUCTURAL = (
    rf"第[{CN}\d]+(?:[篇编章节条]|部分)"
    rf"|[{CN}]{{1,3}}、"
    rf"|\(\s*[{CN}]{{1,3}}\s*\)"
    r"|\d{1,2}\s*[.、](?![\d.])"
)
_RUN_IN = rf"——|[{CN}]是(?![的否])|其[{CN}]是"
_MARKER = lazy(rf"(?:{_STRUCTURAL}|{_RUN_IN})")
_STRUCTURAL_ONLY = lazy(_STRUCTURAL)
# A parenthesised numeral opens a heading even straight after the previous
# heading's last word, which had no stop to end it (总体要求（一）稳定增长).
_ANYWHERE = lazy(rf"\(\s*[{CN}]{{1,3}}\s*\)")
# Where a sentence may open inside a line: after a stop or a run of spaces.
_OPENING = lazy(r"[。!?;:]+[”’\"]?\s*|\s+")
_SENTENCE_ENDS = lazy(r"[。!?]")

ONE_LINE_MIN = 800  # characters in the line
ONE_LINE_SHARE = 0.5  # of the document's characters
SENTENCE_LINES_MIN = 30  # body lines
SENTENCE_LINES_SHARE = 0.9
_BODY_LINE = 15  # characters: shorter lines are titles and headings


def shape_of(folded: str, lines: list[Span]) -> Shape:
    """How the document's lines relate to its paragraphs."""
    total = sum(s.end - s.start for s in lines)
    if lines and total:
        longest = max(s.end - s.start for s in lines)
        if longest >= ONE_LINE_MIN and longest >= ONE_LINE_SHARE * total:
            return "one_line"
    body = [s for s in lines if s.end - s.start >= _BODY_LINE]
    if len(body) >= SENTENCE_LINES_MIN:
        single = sum(1 for s in body if _sentence_count(folded, s) == 1)
        if single >= SENTENCE_LINES_SHARE * len(body):
            return "sentence_per_line"
    return "lines"


def reading_paragraphs(folded: str) -> tuple[list[Span], Shape]:
    """The paragraphs headings are found in, and the shape they were rebuilt from."""
    lines = paragraphs(folded)
    shape = shape_of(folded, lines)
    if shape == "one_line":
        pieces = [p for line in lines for p in split_line(folded, line)]
        return [p for piece in pieces for p in split_themes(folded, piece)], shape
    if shape == "sentence_per_line":
        groups = group_lines(folded, lines)
        return [p for group in groups for p in split_themes(folded, group)], shape
    return lines, shape


def split_line(folded: str, line: Span) -> list[Span]:
    """A long line broken before each marker that opens a sentence."""
    found = {line.start}
    for m in _OPENING.finditer(folded, line.start, line.end):
        at = m.end()
        if line.start < at < line.end and _MARKER.match(folded, at, line.end):
            found.add(at)
    found.update(m.start() for m in _ANYWHERE.finditer(folded, line.start, line.end))
    cuts = sorted(found)
    if line.start < line.end and len(cuts) == 1:
        return [line]
    cuts.append(line.end)
    out: list[Span] = []
    for a, b in pairwise(cuts):
        while b > a and folded[b - 1].isspace():
            b -= 1
        if b > a:
            out.append(Span(a, b))
    return out


def split_themes(folded: str, piece: Span) -> list[Span]:
    """A rebuilt paragraph broken before each theme of a series (the paragraphs
    that opened with a run-in heading before their line breaks were lost)."""
    from luoshi.text.headings import is_heading_like, is_ordinal

    themes = inline_series(folded, piece, is_heading_like, is_ordinal, min_series=2)
    if not themes:
        return [piece]
    cuts = [piece.start, *(t.start for t in themes), piece.end]
    return [Span(a, b) for a, b in pairwise(cuts) if b > a]


def group_lines(folded: str, lines: list[Span]) -> list[Span]:
    """Single-sentence lines joined back into paragraphs."""
    out: list[Span] = []
    open_ = False  # the last paragraph may take the next line
    for line in lines:
        marked = _MARKER.match(folded, line.start, line.end) is not None
        ends_sentence = folded[line.end - 1] in '。!?”"'
        if out and open_ and not marked:
            out[-1] = Span(out[-1].start, line.end)
        else:
            out.append(line)
        # A structural heading line without a closing stop stands alone.
        heading_only = not ends_sentence and (
            _STRUCTURAL_ONLY.match(folded, line.start, line.end) is not None
            or line.end - line.start < _BODY_LINE
        )
        open_ = not heading_only
    return out


def _sentence_count(folded: str, span: Span) -> int:
    n = 0
    for _ in _SENTENCE_ENDS.finditer(folded, span.start, span.end):
        n += 1
        if n > 1:
            break
    return n
