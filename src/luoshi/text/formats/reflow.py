"""Wrapped PDF lines joined back into paragraphs, one paragraph per output line.

Chinese text wraps without spaces, so a line is joined to the next unless
something says the paragraph ends there: the line stops short of the right
margin, extra space follows it, or it ends a sentence and the next line is
indented, opens with a heading marker, or the document does not indent its
paragraphs at all (then a sentence end at the margin is the only sign left).
A sentence that happens to end at the margin of an indented document is
therefore joined to the line below, as it should be. Two centred lines in the
same type size are one title set over two lines, although both are short.
"""

from __future__ import annotations

import re

from luoshi.text.formats.layout import Line, Metrics, Page, measure

_CN = "一二三四五六七八九十"
_HEADING = re.compile(
    rf"""
    第[{_CN}百\d]+[章节条篇部]
    | [{_CN}]+\s*、
    | [(（]\s*[{_CN}]+\s*[)）]
    | \d{{1,2}}\s*[.．、](?!\d)
    | [(（]\s*\d{{1,2}}\s*[)）]
    | [①-⑳]
    | 其?[{_CN}]是
    | ——
    """,
    re.VERBOSE,
)
_CLOSERS = "”’\"'）)》」』】]"
_SENTENCE_END = "。！？：!?:"
_CLAUSE_END = _SENTENCE_END + "；;"
_LATIN = re.compile(r"[A-Za-z]")


def reflow(pages: list[Page]) -> list[str]:
    """The paragraphs of ``pages``, each the concatenation of its wrapped lines."""
    metrics = measure(pages)
    if metrics is None:
        return []
    paragraphs: list[list[str]] = []
    above: Line | None = None
    for page in pages:
        for i, line in enumerate(page.lines):
            if above is None or _breaks(above, line, i > 0, metrics):
                paragraphs.append([])
            paragraphs[-1].append(line.text)
            above = line
    return [_join(lines) for lines in paragraphs]


def starts_heading(text: str) -> bool:
    return _HEADING.match(text) is not None


def _breaks(above: Line, below: Line, same_page: bool, m: Metrics) -> bool:
    """Does the paragraph of ``above`` end before ``below``?"""
    end = above.text.rstrip(_CLOSERS)[-1:]
    sentence_end = bool(end) and end in _SENTENCE_END
    clause_end = bool(end) and end in _CLAUSE_END
    if (clause_end and starts_heading(below.text)) or (same_page and m.is_gap(above, below)):
        return True
    if not sentence_end and _title_continues(above, below, m):
        return False
    if m.is_short(above) or (sentence_end and not m.indents):
        return True
    return clause_end and m.is_indented(below)


def _title_continues(above: Line, below: Line, m: Metrics) -> bool:
    """Two centred lines in the same type size: one title set over several lines."""
    size_above, size_below = above.top - above.bottom, below.top - below.bottom
    same_size = abs(size_above - size_below) < 0.1 * m.em
    return same_size and m.is_centred(above) and m.is_centred(below)


def _join(lines: list[str]) -> str:
    """Concatenate wrapped lines; only Latin words split by the wrap get a space back."""
    text = lines[0]
    for line in lines[1:]:
        latin_wrap = _LATIN.match(text[-1:]) and _LATIN.match(line[:1])
        text += (" " if latin_wrap else "") + line
    return text
