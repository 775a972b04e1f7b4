"""Paragraphs and sentences as spans of the raw text.

A paragraph is a non-blank line with its surrounding whitespace trimmed, so the
same logic serves documents with one paragraph per line and documents with blank
lines between paragraphs. Sentences end at 。！？!? (folded to ASCII where
applicable); the terminator belongs to the sentence, the spaces after it to none.
"""

from __future__ import annotations

from collections.abc import Iterator

from luoshi.text.document import Span
from luoshi.text.lazy import lazy

# A line from its first to its last non-space character (what str.strip keeps).
_TRIMMED_LINE = lazy(r"\S(?:[^\n]*\S)?")
_SENTENCE_END = lazy(r"[。!?]+[”’\"]?")


def paragraphs(folded: str) -> list[Span]:
    """Non-blank lines of ``folded`` with leading and trailing whitespace trimmed."""
    return [Span(m.start(), m.end()) for m in _TRIMMED_LINE.finditer(folded)]


def sentences(folded: str, para: Span) -> Iterator[Span]:
    """Sentences of one paragraph, each including its terminator."""
    pos = para.start
    for m in _SENTENCE_END.finditer(folded, para.start, para.end):
        yield Span(pos, m.end())
        pos = _skip_space(folded, m.end(), para.end)
    if pos < para.end:
        yield Span(pos, para.end)


def _skip_space(folded: str, pos: int, end: int) -> int:
    """A sentence begins at its first character, not at the line break or space before it."""
    while pos < end and folded[pos].isspace():
        pos += 1
    return pos
