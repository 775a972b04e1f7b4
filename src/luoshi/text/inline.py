"""Run-in headings inside a paragraph (level 4 and deeper): a series of theme sentences.

A paragraph that opens with a theme (``一是“十项行动”见行见效。``) may go on
with several themes, each a short sentence followed by its elaboration
(``京津冀协同发展走深走实。三省市协同推进机制…``). A national report, by
contrast, writes a paragraph as a list of short measures (``加强产权保护。深入
推进…。支持民营企业发展。``), which read the same one by one. What tells them
apart is the series: real themes are at least ``MIN_SERIES`` of them, each
followed by a real elaboration, and no other short sentence of the paragraph
looks like one of them.
"""

from __future__ import annotations

from collections.abc import Callable

from luoshi.text.document import Span
from luoshi.text.paragraphs import sentences

INLINE_MAX = 16
MIN_SERIES = 3
MIN_ELABORATION = 40  # characters after a theme before the next one


def inline_series(
    folded: str,
    para: Span,
    heading_like: Callable[[str, int], bool],
    ordinal: Callable[[str], bool],
    min_series: int = MIN_SERIES,
) -> list[Span]:
    """The theme sentences inside ``para`` (its first sentence excluded)."""
    sents = list(sentences(folded, para))
    if len(sents) < 2 * min_series:
        return []
    looks: list[int] = []
    picked: list[int] = []
    for i in range(1, len(sents) - 1):
        s = sents[i]
        if folded[s.end - 1] != "。" or s.end - s.start > 4 * INLINE_MAX:
            continue
        body = folded[s.start : s.end]
        if ordinal(body) or heading_like(body[:-1], INLINE_MAX):
            looks.append(i)
            nxt = sents[i + 1]
            if nxt.end - nxt.start > s.end - s.start or ordinal(body):
                picked.append(i)
    if len(picked) < min_series or len(looks) != len(picked):
        return []
    ends = [sents[j].start for j in picked[1:]] + [para.end]
    for j, (i, end) in enumerate(zip(picked, ends, strict=True)):
        elaboration = end - sents[i].end
        last = j == len(picked) - 1
        if not last and (picked[j + 1] == i + 1 or elaboration < MIN_ELABORATION):
            return []
    return [Span(sents[i].start, sents[i].end - 1) for i in picked]
