"""Passages that are not tasks, and why: reviews, situation statements, glossaries,
notes and tables of contents (cues in ``data/non_tasks.toml``).

A part is judged by its heading (and its ancestors'): 回顾, 主要成就, 机遇与挑战,
名词解释 … A sentence is judged on its own, inside forward-looking parts too: it
reports results when it opens with a past time (过去五年, 去年, 2023年 in a 2024
report, “十四五”时期 in a 2026 plan) or states a finished action (取得了, 已建成,
累计完成), unless it also speaks of the future (将, 力争, 到2030年).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from luoshi.extract.lexicon import ACTION_VERBS, CHANGE_VERBS, FIVE_YEAR_PERIODS, alternation
from luoshi.text.lazy import lazy
from luoshi.text.outline import Outline, OutlineNode


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A passage left out of the plan, and the reason (shown by ``plan build --explain``)."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Cues:
    review_headings: re.Pattern[str]
    period_words: re.Pattern[str]
    openings: re.Pattern[str]
    done: re.Pattern[str]
    done_weak: re.Pattern[str]
    forward: re.Pattern[str]
    situation_headings: re.Pattern[str]
    glossary_headings: re.Pattern[str]
    note_lines: re.Pattern[str]
    toc_markers: re.Pattern[str]
    reasons: dict[str, str]


def _any(patterns: list[str], flags: int = 0) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)", flags)


@cache
def cues() -> Cues:
    text = resources.files("luoshi.data").joinpath("non_tasks.toml").read_text("utf-8")
    return parse_cues(tomllib.loads(text))


def parse_cues(d: dict[str, Any]) -> Cues:
    rs = d["review_sentences"]
    return Cues(
        review_headings=_any(d["review"]["headings"]),
        period_words=re.compile(d["review"]["period_words"]),
        openings=_any(rs["openings"]),
        done=_any(rs["done"]),
        done_weak=_any(rs.get("done_weak", [])),
        forward=_any(rs["forward"]),
        situation_headings=_any(d["situation"]["headings"]),
        glossary_headings=_any(d["glossary"]["headings"]),
        note_lines=_any(d["glossary"]["lines"], re.MULTILINE),
        toc_markers=_any(d["toc"]["markers"], re.IGNORECASE),
        reasons={
            k: d[k]["reason"]
            for k in ("review", "review_sentences", "situation", "glossary", "toc")
        },
    )


_HEADING_MARKER = lazy(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[篇章节条]|[一二三四五六七八九十]+、"
    r"|\(?[一二三四五六七八九十\d]+[).、]|\d+\.)\s*"
)
# A sentence opening with a verb of doing is a measure, even in a paragraph that looks back.
_IMPERATIVE = lazy(rf"^(?:{alternation(ACTION_VERBS + CHANGE_VERBS)})")
_PAST_YEAR = lazy(r"^[^,。]{0,6}?(?<![到至比较于截])((?:19|20)\d\d)年(?!底前|内|前)")


class NonTasks:
    """What in one document is not a task."""

    def __init__(self, folded: str, outline: Outline, reference_year: int | None) -> None:
        self.folded = folded
        self.outline = outline
        self.year = reference_year
        self.cues = cues()
        self.toc = toc_region(folded, self.cues)
        self._parts: dict[int, str | None] = {}

    def part_reason(self, node: OutlineNode) -> str | None:
        """Why the part under ``node`` is left out (its own heading or an ancestor's)."""
        if node.index not in self._parts:
            parent = self.outline.nodes[node.parent] if node.parent is not None else None
            inherited = self.part_reason(parent) if parent is not None else None
            self._parts[node.index] = inherited or self._heading_reason(node)
        return self._parts[node.index]

    def is_review_part(self, node: OutlineNode) -> bool:
        return self.part_reason(node) == self.cues.reasons["review"]

    def _heading_reason(self, node: OutlineNode) -> str | None:
        h = node.heading
        if self.in_toc(h.start):
            return self.cues.reasons["toc"]
        text = _HEADING_MARKER.sub("", self.folded[h.start : h.end]).strip()
        c = self.cues
        if c.glossary_headings.search(text):
            return c.reasons["glossary"]
        if c.situation_headings.search(text):
            return c.reasons["situation"]
        if c.review_headings.search(text) or (
            self._names_past_period(text) and c.period_words.search(text)
        ):
            return c.reasons["review"]
        return None

    def in_toc(self, pos: int) -> bool:
        return self.toc is not None and self.toc[0] <= pos < self.toc[1]

    def sentence_reason(self, start: int, end: int, has_target: bool = False) -> str | None:
        """Why a sentence of a kept part is still left out, or None. A sentence stating
        a target is held only to the strong signs of a report."""
        if self.in_toc(start):
            return self.cues.reasons["toc"]
        text = self.folded[start:end]
        c = self.cues
        line_start = self.folded.rfind("\n", 0, start) + 1
        if c.note_lines.match(self.folded, line_start) and line_start >= start - 2:
            return c.reasons["glossary"]
        if self.reports_results(text, has_target) or (
            self._paragraph_looks_back(line_start, start)
            and not c.forward.search(text)
            and not _IMPERATIVE.match(text)
        ):
            return c.reasons["review_sentences"]
        return None

    def reports_results(self, text: str, has_target: bool = False) -> bool:
        c = self.cues
        past = c.openings.search(text) or self._opens_with_past(text)
        done = c.done.search(text) or (not has_target and c.done_weak.search(text))
        if not past and not done:
            return False
        return not c.forward.search(text)

    def looks_forward(self, text: str) -> bool:
        return self.cues.forward.search(text) is not None

    def _paragraph_looks_back(self, line_start: int, start: int) -> bool:
        """The paragraph opens with a past time (“十四五”时期，… / 过去五年，…)."""
        if start == line_start:
            return False
        first = self.folded[line_start : self.folded.find("。", line_start, start) + 1 or start]
        return bool(first) and (
            self.cues.openings.search(first) is not None or self._opens_with_past(first)
        )

    def _opens_with_past(self, text: str) -> bool:
        m = _PAST_YEAR.match(text)
        if m and self.year is not None and int(m.group(1)) < self.year:
            return True
        head = re.split(r"[,。;]", text, maxsplit=1)[0]
        return self._names_past_period(head)

    def _names_past_period(self, text: str) -> bool:
        if self.year is None:
            return False
        return any(name in text and end < self.year for name, (_, end) in FIVE_YEAR_PERIODS.items())


def toc_region(folded: str, c: Cues) -> tuple[int, int] | None:
    """The span of a table of contents: a 目录 line near the top and the short lines
    after it, up to the line where the body repeats the first entry."""
    limit = max(2000, len(folded) // 5)
    pos = 0
    for line in folded[:limit].splitlines(keepends=True):
        if c.toc_markers.match(line.strip()):
            return _toc_end(folded, pos, pos + len(line))
        pos += len(line)
    return None


def _toc_end(folded: str, start: int, pos: int) -> tuple[int, int]:
    seen: set[str] = set()
    end = pos
    for line in folded[pos:].splitlines(keepends=True):
        entry = re.sub(r"[\s.·…\d]+$", "", line.strip())
        if not entry:
            pos += len(line)
            continue
        if entry in seen or len(entry) > 60 or "。" in entry:
            break
        seen.add(entry)
        pos += len(line)
        end = pos
    return start, end
