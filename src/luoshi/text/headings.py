"""Heading detection: the outline a document's task tree is built from.

Two families of headings:

* structural markers that open a paragraph: ``第一章``, ``一、``, ``（一）``,
  ``1.``, ``（1）`` and, in a press conference, each question put to the
  speakers. Their level is their depth among the marker kinds the document
  uses, never shallower than the kind's usual place (a lone ``（五）`` in an
  excerpt is still level 2).
* run-in headings, a paragraph's first sentence naming its theme
  (``——经济运行整体向好。``, ``一是…。``, ``更加注重发挥港口优势。``): one
  level below the deepest structural kind, and at least level 3. Run-in
  headings inside a paragraph are one level deeper still.
"""

from __future__ import annotations

from dataclasses import dataclass

from luoshi.text.contents import contents_entries
from luoshi.text.document import Span
from luoshi.text.inline import inline_series
from luoshi.text.lazy import Pattern, lazy
from luoshi.text.paragraphs import paragraphs, sentences

CN_NUM = "一二三四五六七八九十百零〇两"

# Structural kinds in nesting order, with the shallowest level each may take.
# 篇 (pian) holds 章 (chapter), which holds 节 (jie); a document using only some of
# them starts at the shallowest it uses. 第X条 (article) is placed by nesting,
# one level below the part holding it, not by kind (see ``_article_levels``).
STRUCTURAL: tuple[tuple[str, int], ...] = (
    ("pian", 1),
    ("chapter", 1),
    ("question", 1),
    ("part", 1),
    ("jie", 2),
    ("section", 2),
    ("item", 2),
    ("subitem", 3),
    ("article", 1),
)
_MIN_LEVEL = dict(STRUCTURAL)

_MARKERS: tuple[tuple[str, Pattern], ...] = (
    ("pian", lazy(rf"第[{CN_NUM}\d]+[篇编](?:\s|$|[^\d])")),
    ("chapter", lazy(rf"第[{CN_NUM}\d]+(?:章|部分)(?:\s|$|[^\d])")),
    ("jie", lazy(rf"第[{CN_NUM}\d]+节")),
    ("article", lazy(rf"第[{CN_NUM}\d]+条(?=\s|[\u4e00-\u9fff“(])")),
    ("part", lazy(rf"[{CN_NUM}]+\s*(?:、|\.(?!\d))")),
    ("section", lazy(rf"\(\s*[{CN_NUM}]+\s*\)")),
    ("item", lazy(r"\d{1,2}\s*[.、](?!\d)")),
    ("subitem", lazy(r"(?:\(\s*\d{1,2}\s*\)|\d{1,2}\)|[①-⑳])")),
    ("dash", lazy(r"——|—(?=[^—\d])|--")),
    ("ordinal", lazy(rf"(?:[{CN_NUM}]是|其[{CN_NUM}]是|第[{CN_NUM}]是)")),
)

# All markers in one pattern: alternatives are tried in the order above, so the
# first kind that matches wins, as a loop over ``_MARKERS`` would decide, in one call.
_ANY_MARKER = lazy("|".join(f"(?P<{kind}>{p.pattern})" for kind, p in _MARKERS))

_SECTION_NUMBER_LINE = lazy(r"^\d{1,3}$")
_SPEAKER_LINE = lazy(r"^[^。?!]{2,50}:$")
_QUESTION_OPENER = lazy(r"^[【\[(]?(?:问|记者|提问|主持人)[^。]{0,12}?[:】\])]")
_HEAD_STOP = lazy(r"[。;:!?]")
_COMMA = lazy(r"[,;:、]")
# A paragraph-opening theme may list its aspects (智能化、绿色化、融合化发展);
# a clause comma still makes it a sentence of prose.
_CLAUSE_COMMA = lazy(r"[,;:]")
_TRAILING = " 。;:,.!?、"

# Sentences opening with these are statements or transitions, not theme headings.
_NOT_A_THEME = lazy(
    r"(?:我们|我市|我区|今年|去年|明年|目前|当前|同时|此外|另外|总之|其中|这|那|但|而|如|因此|所以|"
    r"下一步|近年来|多年来|一年来|过去|各位|对此|为此)"
)

RUN_IN_MAX = 28


@dataclass(frozen=True, slots=True)
class Heading:
    """标题: a heading span with its depth and the kind of marker that made it."""

    start: int
    end: int
    level: int
    text: str
    kind: str
    paragraph: Span


def detect_headings(raw: str, folded: str, paras: list[Span] | None = None) -> list[Heading]:
    """All headings of a document, in text order, with levels assigned.

    ``paras`` are the paragraphs to look in (``shape.reading_paragraphs``);
    by default the document's lines.
    """
    paras = paragraphs(folded) if paras is None else paras
    found: list[tuple[str, int, int, Span]] = []
    at: dict[int, tuple[int, int, bool]] = {}
    for i, para in enumerate(paras):
        prev = paras[i - 1] if i else None
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        head = _paragraph_heading(folded, para, prev, nxt)
        if head is not None:
            found.append((*head, para))
            at[i] = (head[1], head[2], head[0] in _MIN_LEVEL)
    toc = contents_entries(folded, paras, at)
    found = _drop_lone_run_ins([h for h in found if h[1] not in toc])
    levels = _structural_levels({kind for kind, *_ in found})
    articles = _article_levels(found, levels)
    run_in = max([3, *(lv + 1 for lv in levels.values()), *(lv + 1 for lv in articles.values())])
    out = [
        Heading(s, e, articles.get(s) or levels.get(kind, run_in), raw[s:e], kind, para)
        for kind, s, e, para in found
    ]
    themed = [para for kind, s, _, para in found if kind in ("runin", "ordinal", "dash")]
    inline = [
        Heading(c.start, c.end, run_in + 1, raw[c.start : c.end], "inline", para)
        for para in themed
        for c in inline_series(folded, para, is_heading_like, is_ordinal)
    ]
    return sorted(out + inline, key=lambda h: h.start)


def _article_levels(
    found: list[tuple[str, int, int, Span]], levels: dict[str, int]
) -> dict[int, int]:
    """第X条 one level below the part that holds it (start -> level)."""
    out: dict[int, int] = {}
    holder = 0
    for kind, s, _, _ in found:
        if kind == "article":
            out[s] = holder + 1
        elif kind in levels:
            holder = levels[kind]
    return out


def is_ordinal(body: str) -> bool:
    return _MARKERS[-1][1].match(body) is not None


def _drop_lone_run_ins(
    found: list[tuple[str, int, int, Span]],
) -> list[tuple[str, int, int, Span]]:
    """Keep unmarked run-in headings only where a sibling has one too.

    Themed paragraphs come in series under one parent; a single paragraph that
    happens to open with a short sentence is more likely prose than a heading.
    """
    groups: list[list[int]] = [[]]
    for i, (kind, *_) in enumerate(found):
        if kind in _MIN_LEVEL:
            groups.append([])
        elif kind == "runin":
            groups[-1].append(i)
    lone = {g[0] for g in groups if len(g) == 1}
    return [h for i, h in enumerate(found) if i not in lone]


def _structural_levels(kinds: set[str]) -> dict[str, int]:
    """Depth of each structural kind present, respecting each kind's shallowest level."""
    levels: dict[str, int] = {}
    deepest = 0
    for kind, minimum in STRUCTURAL:
        if kind not in kinds or kind == "article":
            continue
        if kind == "part" and "question" in levels:
            # Questions and numbered parts are both the top of a press release.
            levels[kind] = levels["question"]
            continue
        levels[kind] = deepest = max(minimum, deepest + 1)
    return levels


def _paragraph_heading(
    folded: str, para: Span, prev: Span | None, nxt: Span | None
) -> tuple[str, int, int] | None:
    text = folded[para.start : para.end]
    if _is_question(folded, text, prev, nxt):
        return "question", para.start, para.end
    m = _ANY_MARKER.match(text)
    if m is not None:
        kind = m.lastgroup or ""
        end = _heading_end(folded, para, m.end())
        if end is None or end - para.start <= m.end():
            return None
        if kind == "dash" and not _has_continuation(folded, para, end):
            return None
        return kind, para.start, end
    end = _run_in_end(folded, para)
    if end is not None:
        return "runin", para.start, end
    return None


def _is_question(folded: str, text: str, prev: Span | None, nxt: Span | None) -> bool:
    if not text.endswith("?") or len(text) < 8:
        return False
    if _QUESTION_OPENER.match(text):
        return True
    if prev is not None and _SECTION_NUMBER_LINE.match(folded[prev.start : prev.end]):
        return True
    return nxt is not None and _SPEAKER_LINE.match(folded[nxt.start : nxt.end]) is not None


def _heading_end(folded: str, para: Span, body_from: int) -> int | None:
    """End of a marked heading: the first sentence stop, or the whole paragraph."""
    m = _HEAD_STOP.search(folded, para.start + body_from, para.end)
    end = m.start() if m else para.end
    while end > para.start and folded[end - 1] in _TRAILING:
        end -= 1
    return end


def _has_continuation(folded: str, para: Span, end: int) -> bool:
    """A dash heading is a sentence with more text after it (not a byline)."""
    rest = folded[end : para.end]
    return rest.startswith("。") and len(rest.strip("。 ")) > 0


def _run_in_end(folded: str, para: Span) -> int | None:
    """End of an unmarked run-in heading: a short, comma-free first sentence."""
    first = next(sentences(folded, para), None)
    if first is None or first.end >= para.end:
        return None
    sentence = folded[first.start : first.end]
    if not sentence.endswith("。"):
        return None
    body = sentence[:-1]
    if not is_heading_like(body, RUN_IN_MAX, _CLAUSE_COMMA):
        return None
    return first.end - 1


def is_heading_like(body: str, max_len: int, commas: Pattern = _COMMA) -> bool:
    if not 4 <= len(body) <= max_len:
        return False
    if commas.search(body):
        return False
    # A heading names a theme; it does not report a figure or quote a speaker.
    if _NOT_A_THEME.match(body) or "是" in body:
        return False
    return not any(ch.isdigit() for ch in body) and "“" not in body[-1:]
